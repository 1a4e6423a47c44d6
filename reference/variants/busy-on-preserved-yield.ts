/**
 * bug-busy-on-preserved-yield: the preserved initial yield is kept in the observer slot, so the
 * exec call's initial observation finds the slot taken and is answered `busy` with no other
 * observer anywhere. The exec call reports a busy cell that nobody observes, and the yield it
 * should have returned stays stuck.
 */
import type { CellId, Message, ReqId } from "../../protocol/index.ts";
import { Host } from "../host.ts";
import { implementation } from "../reference.ts";

export class BusyOnPreservedYieldHost extends Host {
  protected override onObserve(cell: CellId, req: ReqId, out: Message[]): void {
    const c = this.live(cell);
    if (c !== undefined && c.observer === undefined && c.initialYield) {
      out.push({ type: "observe_outcome", cell, req, outcome: "busy" });
      return;
    }
    super.onObserve(cell, req, out);
  }
}

export const busyOnPreservedYield = implementation(
  "bug-busy-on-preserved-yield",
  "an observation that finds a preserved initial yield is answered busy with no other observer",
  () => new BusyOnPreservedYieldHost(),
);
