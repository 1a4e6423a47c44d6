/**
 * bug-terminate-ignores-buffer: terminate of a cell whose completion is buffered (committed and
 * delivered to nobody) does not look at the buffer: it answers `terminated` and leaves the
 * completion where it is, so the next wait gets `completed`. The user is told the cell was
 * stopped, and then that it finished.
 */
import type { CellId, Message, ReqId } from "../../protocol/index.ts";
import { Host } from "../host.ts";
import { implementation } from "../reference.ts";

export class TerminateIgnoresBufferHost extends Host {
  protected override onTerminate(cell: CellId, req: ReqId, out: Message[]): void {
    const c = this.live(cell);
    if (c !== undefined && c.phase === "completed" && !c.delivering) {
      out.push({ type: "terminate_outcome", cell, req, outcome: "terminated" });
      return;
    }
    super.onTerminate(cell, req, out);
  }
}

export const terminateIgnoresBuffer = implementation(
  "bug-terminate-ignores-buffer",
  "terminate of a buffered completion answers terminated and leaves the completion for the next wait",
  () => new TerminateIgnoresBufferHost(),
);
