/**
 * bug-busy-displaces-observer: a second observer replaces the attached one instead of getting
 * busy, so the first observer never hears back.
 */
import type { CellId, Message, ReqId } from "../../protocol/index.ts";
import { Host } from "../host.ts";
import { implementation } from "../reference.ts";

export class DisplacingHost extends Host {
  protected override onObserve(cell: CellId, req: ReqId, out: Message[]): void {
    const c = this.live(cell);
    if (c !== undefined && c.observer !== undefined && (c.phase === "running" || c.delivering)) {
      c.observer = req;
      return;
    }
    super.onObserve(cell, req, out);
  }
}

export const busyDisplacesObserver = implementation(
  "bug-busy-displaces-observer",
  "a second observer replaces the attached one instead of getting busy; the first never hears back",
  () => new DisplacingHost(),
);
