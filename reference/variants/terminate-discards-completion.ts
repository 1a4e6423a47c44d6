/**
 * bug-terminate-discards-completion: a terminate that finds a committed, buffered completion
 * answers `terminated` and retires the cell, instead of claiming the completion. Nobody ever
 * learns that the cell completed, though its completion (and its stored-value writes) were
 * committed: the turn is told a result that did not happen.
 */
import type { CellId, Message, ReqId } from "../../protocol/index.ts";
import { Host } from "../host.ts";
import { implementation } from "../reference.ts";

export class DiscardingTerminateHost extends Host {
  protected override onTerminate(cell: CellId, req: ReqId, out: Message[]): void {
    const c = this.live(cell);
    if (c !== undefined && c.phase === "completed" && !c.delivering) {
      out.push({ type: "terminate_outcome", cell, req, outcome: "terminated" });
      this.retire(cell, c, out);
      return;
    }
    super.onTerminate(cell, req, out);
  }
}

export const terminateDiscardsCompletion = implementation(
  "bug-terminate-discards-completion",
  "a terminate on a buffered completion answers terminated and drops it: a committed completion reported as terminated",
  () => new DiscardingTerminateHost(),
);
