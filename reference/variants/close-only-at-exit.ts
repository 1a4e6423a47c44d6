/**
 * bug-close-only-at-exit (the fault PR #29310 exists to remove): `cell_closed` is sent only when
 * the cell's actor is done, so a completion buffered with no observer keeps its gate allocated
 * until an observer or a terminator comes for it — one gate per unobserved completion, forever
 * for a cell nobody will observe again.
 */
import type { CellId, Message } from "../../protocol/index.ts";
import { Host, type HostCell } from "../host.ts";
import { implementation } from "../reference.ts";

export class CloseOnlyAtExitHost extends Host {
  protected override notifyClosed(cell: CellId, c: HostCell, out: Message[]): void {
    if (c.phase !== "gone") return; // only at actor exit
    super.notifyClosed(cell, c, out);
  }
}

export const closeOnlyAtExit = implementation(
  "bug-close-only-at-exit",
  "cell_closed only at actor exit: a completion buffered with no observer keeps its gate until someone reads it",
  () => new CloseOnlyAtExitHost(),
);
