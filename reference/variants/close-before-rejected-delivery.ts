/**
 * bug-close-before-rejected-delivery (review comment 3): `cell_closed` is sent because the
 * completion commit succeeded, before a delivery that terminate has rejected, so the attached
 * observer's outcome comes after cleanup.
 */
import type { CellId, Message } from "../../protocol/index.ts";
import { Host } from "../host.ts";
import { implementation } from "../reference.ts";

export class CloseOnCommitHost extends Host {
  protected override onDeliverCompletion(cell: CellId, out: Message[]): void {
    const c = this.cells.get(cell);
    // The commit succeeded, so terminal() fires before acting on the delivery result; when
    // terminate claimed the completion meanwhile, the observer's outcome now comes after it.
    if (c !== undefined && c.delivering && c.phase === "claimed") this.notifyClosed(cell, c, out);
    super.onDeliverCompletion(cell, out);
  }
}

export const closeBeforeRejectedDelivery = implementation(
  "bug-close-before-rejected-delivery",
  "cell_closed is sent on a successful commit, before the observer's outcome that terminate's claim rejected",
  () => new CloseOnCommitHost(),
);
