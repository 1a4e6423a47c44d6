/**
 * bug-dispatch-ignores-readiness: the readiness call opens the gate but does not wake the tool
 * calls already waiting on it; only calls made after readiness go through. A nested tool call
 * the JavaScript made early hangs for good.
 */
import type { CellId, Message } from "../../protocol/index.ts";
import { Core } from "../core.ts";
import { implementation } from "../reference.ts";

export class SleepyDispatchCore extends Core {
  private readying = false;

  protected override markReady(cell: CellId): void {
    this.readying = true;
    super.markReady(cell);
  }

  protected override settleHeld(cell: CellId, out: Message[]): void {
    const skip = this.readying;
    this.readying = false;
    if (!skip) super.settleHeld(cell, out);
  }
}

export const dispatchIgnoresReadiness = implementation(
  "bug-dispatch-ignores-readiness",
  "readiness opens the gate without waking the tool calls held on it: an early tool call hangs",
  undefined,
  () => new SleepyDispatchCore(),
  true,
);
