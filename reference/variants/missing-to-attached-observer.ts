/**
 * bug-missing-to-attached-observer: the termination path answers the attached observer `missing`
 * instead of `terminated` — it looks the cell up in the registry after removing it, finds nothing
 * and says so. A wait that was attached when the user (or the session) stopped the cell is told
 * the cell never existed, so the model is left without the cell's terminal outcome.
 */
import type { CellId, Message } from "../../protocol/index.ts";
import { Host } from "../host.ts";
import { implementation } from "../reference.ts";

export class MissingToAttachedHost extends Host {
  protected override onActorExit(cell: CellId, out: Message[]): void {
    const c = this.cells.get(cell);
    if (c !== undefined && c.exiting && c.observer !== undefined) {
      out.push({ type: "observe_outcome", cell, req: c.observer, outcome: "missing" });
      c.observer = undefined;
    }
    super.onActorExit(cell, out);
  }
}

export const missingToAttachedObserver = implementation(
  "bug-missing-to-attached-observer",
  "the termination path answers the attached observer missing instead of terminated",
  () => new MissingToAttachedHost(),
);
