/**
 * bug-lost-buffered-completion: when a buffered completion has a preserved initial yield, the
 * observation that returns the yield also retires the cell, so the completion is lost and the
 * next observer gets missing.
 */
import type { CellId, Message, ReqId } from "../../protocol/index.ts";
import { Host } from "../host.ts";
import { implementation } from "../reference.ts";

export class LosingHost extends Host {
  protected override onObserve(cell: CellId, req: ReqId, out: Message[]): void {
    const c = this.live(cell);
    if (c !== undefined && c.observer === undefined && c.phase === "completed" && !c.delivering && c.initialYield) {
      c.initialYield = false;
      out.push({ type: "observe_outcome", cell, req, outcome: "yielded" });
      this.retire(cell, c, out);
      return;
    }
    super.onObserve(cell, req, out);
  }
}

export const lostBufferedCompletion = implementation(
  "bug-lost-buffered-completion",
  "returning the preserved initial yield of a completed cell also drops its buffered completion",
  () => new LosingHost(),
);
