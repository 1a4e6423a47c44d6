/**
 * bug-forget-on-yield: Core treats every reply to an observation as the end of the cell and
 * forgets it, so a cell that merely yielded loses its open gate while it still runs.
 */
import type { CoreInput, Message } from "../../protocol/index.ts";
import { Core } from "../core.ts";
import { implementation } from "../reference.ts";

export class ForgetOnYieldCore extends Core {
  override step(input: CoreInput): Message[] {
    const out = super.step(input);
    if (input.type === "observe_outcome" && input.outcome === "yielded") out.push({ type: "forget", cell: input.cell });
    return out;
  }
}

export const forgetOnYield = implementation(
  "bug-forget-on-yield",
  "Core forgets a cell on a yielded reply, closing the gate of a cell that still runs",
  undefined,
  () => new ForgetOnYieldCore(),
);
