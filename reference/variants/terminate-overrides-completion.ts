/**
 * bug-terminate-overrides-completion: terminate ignores a completion that is committed but not yet
 * delivered and answers terminated, while the attached observer still gets completed.
 */
import type { CellId, Message, ReqId } from "../../protocol/index.ts";
import { Host } from "../host.ts";
import { implementation } from "../reference.ts";

export class OverridingHost extends Host {
  protected override onTerminate(cell: CellId, req: ReqId, out: Message[]): void {
    const c = this.live(cell);
    if (c !== undefined && c.phase === "completed" && c.delivering) {
      c.phase = "claimed";
      out.push({ type: "terminate_outcome", cell, req, outcome: "terminated" });
      return;
    }
    super.onTerminate(cell, req, out);
  }
}

export const terminateOverridesCompletion = implementation(
  "bug-terminate-overrides-completion",
  "terminate answers terminated for a committed, undelivered completion that the observer then gets",
  () => new OverridingHost(),
);
