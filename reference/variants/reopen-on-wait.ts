/**
 * bug-reopen-on-wait: the wait handler re-arms dispatch for the cell it waits on (it sets the
 * cell's gate open before observing), even when `cell_closed` already removed the gate. A closed
 * cell gets a fresh gate; while the wait is pending, nested calls are routed to a cell the Host
 * will never call back for, and a wait that ends in `yielded` leaves the gate behind.
 */
import type { CoreInput, Message } from "../../protocol/index.ts";
import { Core } from "../core.ts";
import { implementation } from "../reference.ts";

export class ReopenOnWaitCore extends Core {
  override step(input: CoreInput): Message[] {
    const out = super.step(input);
    if (input.type === "wait_observe") this.gates.set(input.cell, "open");
    return out;
  }
}

export const reopenOnWait = implementation(
  "bug-reopen-on-wait",
  "a wait re-opens the gate of the cell it observes, even after cell_closed removed it",
  undefined,
  () => new ReopenOnWaitCore(),
);
