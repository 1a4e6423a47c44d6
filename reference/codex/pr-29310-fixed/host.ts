/**
 * Race 3 fixed, the smallest change to the port of the `RuntimeEvent::Result` branch of `run_cell`
 * (openai/codex `codex-rs/code-mode/src/cell_actor/mod.rs` at
 * 28536e0bb5af9b9dc240c26a484aeb729cd48896; review comment 3).
 *
 * The PR calls `host.terminal()` as soon as the commit succeeded, before acting on the delivery
 * result; when `terminate` claimed the completion between the commit and `deliver_completion`, the
 * delivery is `Rejected` and the attached observer gets its `Completed` from `finish_termination`
 * after `cell_closed`. The fix moves the call after the delivery in each arm:
 *
 *   -   if completion_committed { host.terminal(); }
 *       match completion_delivery {
 *   -       CompletionDelivery::Delivered => break,
 *   -       CompletionDelivery::Buffered => {}
 *   +       CompletionDelivery::Delivered => { if completion_committed { host.terminal(); } break }
 *   +       CompletionDelivery::Buffered => { if completion_committed { host.terminal(); } }
 *           CompletionDelivery::Rejected(response_tx) => {
 *               finish_termination(&cell_state, response_tx, ..);
 *   +           if completion_committed { host.terminal(); }
 *               break;
 *           }
 *       }
 *
 * (`Delivered` and `Rejected` break into `host.closed()`, which calls `terminal()` anyway; the
 * explicit calls keep the PR's "notify once the commit succeeded" order for the buffered case.)
 */
import type { CellId, Message } from "../../../protocol/index.ts";
import type { ActorCell } from "../pr-29310/cell-actor.ts";
import type { CompletionDelivery } from "../pr-29310/cell-state.ts";
import { CodexHost } from "../pr-29310/host.ts";

export class NotifyAfterDeliveryHost extends CodexHost {
  protected override actOnDelivery(cell: CellId, c: ActorCell, committed: boolean, delivery: CompletionDelivery, out: Message[]): void {
    switch (delivery.kind) {
      case "delivered":
        if (committed) this.terminal(cell, c, out);
        this.exitLoop(cell, c, out);
        return;
      case "buffered":
        if (committed) this.terminal(cell, c, out);
        c.at = "select";
        this.resumeSelect(cell, c, out);
        return;
      case "rejected":
        this.sendTermination(cell, c, delivery.observer, "terminated", out);
        if (committed) this.terminal(cell, c, out);
        this.exitLoop(cell, c, out);
        return;
    }
  }
}
