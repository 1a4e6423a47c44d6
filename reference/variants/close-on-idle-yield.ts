/**
 * bug-close-on-idle-yield: a yield that nobody observes is taken for the cell going idle in the
 * background and `cell_closed` is sent, while the JavaScript still runs. Core frees the cell's
 * gate, so the nested tool calls the still-running cell makes afterwards are never dispatched.
 */
import type { CellId, Message } from "../../protocol/index.ts";
import { Host } from "../host.ts";
import { implementation } from "../reference.ts";

export class CloseOnIdleYieldHost extends Host {
  protected override onYield(cell: CellId, out: Message[]): void {
    const c = this.live(cell);
    const idle = c !== undefined && c.phase === "running" && !c.committing && c.observer === undefined;
    super.onYield(cell, out);
    if (idle && c !== undefined) this.notifyClosed(cell, c, out);
  }
}

export const closeOnIdleYield = implementation(
  "bug-close-on-idle-yield",
  "a yield with no observer sends cell_closed while the JavaScript still runs",
  () => new CloseOnIdleYieldHost(),
);
