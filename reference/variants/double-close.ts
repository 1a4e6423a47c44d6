/**
 * bug-double-close: the actor-exit fallback is not idempotent; a cell whose buffered completion
 * already sent `cell_closed` sends it again when the completion is finally read.
 */
import type { CellId, Message } from "../../protocol/index.ts";
import { Host, type HostCell } from "../host.ts";
import { implementation } from "../reference.ts";

export class DoubleCloseHost extends Host {
  protected override retire(cell: CellId, c: HostCell, out: Message[]): void {
    c.phase = "gone";
    c.observer = undefined;
    c.closedSent = true;
    out.push({ type: "cell_closed", cell });
  }
}

export const doubleClose = implementation(
  "bug-double-close",
  "the exit fallback is not idempotent: a buffered completion's cell is closed again when it is read",
  () => new DoubleCloseHost(),
);
