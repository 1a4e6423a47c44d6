/**
 * bug-close-on-abandoned-wait: when a wait is cancelled, Core finishes the cell's dispatch as if
 * the cell were done (the code path it shares with the initial-observation guard), so a cell that
 * goes on running after an interrupted `wait` has no gate: its nested tool calls are refused.
 */
import type { CoreInput, Message } from "../../protocol/index.ts";
import { Core } from "../core.ts";
import { implementation } from "../reference.ts";

export class CloseOnAbandonedWaitCore extends Core {
  override step(input: CoreInput): Message[] {
    const out = super.step(input);
    if (input.type === "cancel_observe" && out.some((m) => m.type === "drop_observation")) this.forget(input.cell);
    return out;
  }
}

export const closeOnAbandonedWait = implementation(
  "bug-close-on-abandoned-wait",
  "a cancelled wait removes the gate of a cell that still runs",
  undefined,
  () => new CloseOnAbandonedWaitCore(),
);
