/**
 * bug-wait-without-gate: Core sends a wait's observe only when the cell has a gate entry; a cell
 * whose gate `cell_closed` already removed is taken for one that is gone, and nothing is sent.
 * The wait's consumer hangs forever, and a completion buffered in the background is never read.
 */
import type { CoreInput, Message } from "../../protocol/index.ts";
import { Core } from "../core.ts";
import { implementation } from "../reference.ts";

export class WaitWithoutGateCore extends Core {
  override step(input: CoreInput): Message[] {
    const gateless = input.type === "wait_observe" && !this.gates.has(input.cell);
    const out = super.step(input);
    return gateless ? out.filter((m) => m.type !== "observe") : out;
  }
}

export const waitWithoutGate = implementation(
  "bug-wait-without-gate",
  "a wait on a cell whose gate is already gone sends no observe; its consumer hangs",
  undefined,
  () => new WaitWithoutGateCore(),
);
