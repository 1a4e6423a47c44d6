/**
 * bug-no-close-on-exit: the termination path (actor exit) answers the terminators and the
 * attached observer and removes the cell, but forgets `cell_closed`. Every terminated or shut
 * down cell keeps its gate in Core for the rest of the session.
 */
import type { CellId, Message } from "../../protocol/index.ts";
import { Host } from "../host.ts";
import { implementation } from "../reference.ts";

export class NoCloseOnExitHost extends Host {
  protected override onActorExit(cell: CellId, out: Message[]): void {
    const c = this.cells.get(cell);
    if (c === undefined || !c.exiting) return;
    c.exiting = false;
    for (const req of c.terminators) out.push({ type: "terminate_outcome", cell, req, outcome: "terminated" });
    c.terminators = [];
    if (c.observer !== undefined) {
      out.push({ type: "observe_outcome", cell, req: c.observer, outcome: "terminated" });
      c.observer = undefined;
    }
    c.phase = "gone"; // removed from the registry, but no cell_closed
  }
}

export const noCloseOnExit = implementation(
  "bug-no-close-on-exit",
  "the actor-exit path removes a terminated cell without sending cell_closed",
  () => new NoCloseOnExitHost(),
);
