/**
 * bug-guard-on-any-cancel: the initial-observation guard fires for every cancelled observation,
 * not only the exec call's initial one. Interrupting a later `wait` kills a cell the user meant
 * to leave running in the background.
 */
import type { CoreInput, Message } from "../../protocol/index.ts";
import { Core } from "../core.ts";
import { implementation } from "../reference.ts";

export class GuardOnAnyCancelCore extends Core {
  override step(input: CoreInput): Message[] {
    const out = super.step(input);
    if (input.type === "cancel_observe" && out.some((m) => m.type === "drop_observation") && !out.some((m) => m.type === "terminate")) {
      out.push({ type: "terminate", cell: input.cell, req: input.req });
    }
    return out;
  }
}

export const guardOnAnyCancel = implementation(
  "bug-guard-on-any-cancel",
  "cancelling any observation, not only the initial one, terminates the cell",
  undefined,
  () => new GuardOnAnyCancelCore(),
);
