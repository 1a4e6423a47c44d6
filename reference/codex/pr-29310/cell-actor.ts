/**
 * Port of the cell actor loop `run_cell` and its helpers. Source: openai/codex
 * `codex-rs/code-mode/src/cell_actor/mod.rs` at 28536e0bb5af9b9dc240c26a484aeb729cd48896
 * (PR #29310). The `CellHost` trait it calls (`terminal`, `closed`) is implemented in host.ts.
 *
 * The actor is one task that sits in a biased `tokio::select!` (cancellation first, then its
 * command channel, then the yield timer, then runtime events). Where it awaits, other tasks run;
 * those points are the harness's Host hops on the `host:<cell>` lane:
 * - `commit`: the `host.commit_completion(..).await` of the `RuntimeEvent::Result` branch;
 * - `deliver_completion`: the gap after `commit_completion` drops the phase mutex and before
 *   `cell_state.deliver_completion` takes it again (no `.await` there, but another thread's
 *   `request_termination` can take the mutex in between: review race 3);
 * - `actor_exit`: the select's cancellation branch, taken once another task cancelled the cell
 *   token (terminate, shutdown) while the actor sat in the select.
 * While the actor is parked at `commit`/`deliver`, observe commands pile up in its mpsc channel
 * (`commands` below); it takes them when it is back in the select, as the Rust loop does.
 *
 * Left out, as the protocol leaves them out: callbacks (`finish_callbacks` has nothing to drain,
 * so its `.await` returns at once), output items, the yield timer, pausable cells (`Resume`,
 * pending frontiers), and runtime events a terminated isolate may still deliver after
 * `begin_termination` (the runtime is taken to stop there).
 */
import type { CellId, Message, ReqId } from "../../../protocol/index.ts";
import {
  commitCompletion,
  deliverCompletion,
  finishTermination,
  newCellState,
  routeObservation,
  tombstone,
  type CellState,
  type CompletionDelivery,
  type TerminalEvent,
} from "./cell-state.ts";

/** Where the actor task is: in its select, parked at one of the hops, or finished. */
export type ActorPoint = "select" | "commit" | "deliver" | "cancelled" | "done";

/** One cell: its registry entry, its `CellState`, its `RuntimeCellHost` flag and `run_cell`'s locals. */
export interface ActorCell {
  /** `Inner::cells` holds the cell (session_runtime/mod.rs@28536e0b); removed by `closed()`. */
  registered: boolean;
  state: CellState;
  /** `RuntimeCellHost::terminal_notified` (session_runtime/mod.rs@28536e0b). */
  terminalNotified: boolean;
  /** `observer: Option<Observer>`: the observe request whose oneshot sender the actor holds. */
  observer: ReqId | undefined;
  hasBeenObserved: boolean;
  /** `pending_initial_yield_items.is_some()`. */
  pendingInitialYield: boolean;
  /** `pending_initial_yield_items.take()` handed to `commit_completion`, while the commit hop is in flight. */
  commitInitialYield: boolean;
  termination: boolean;
  runtimeClosed: boolean;
  /** `command_rx` is still `Some`. */
  commandRx: boolean;
  /** `CellCommand::Observe`s sent into the command channel and not yet taken by the actor. */
  commands: ReqId[];
  at: ActorPoint;
}

/** `CellActor::prepare` + `run_cell`'s initial locals (cell_actor/mod.rs@28536e0b). */
export function newActorCell(): ActorCell {
  return {
    registered: true,
    state: newCellState(),
    terminalNotified: false,
    observer: undefined,
    hasBeenObserved: false,
    pendingInitialYield: false,
    commitInitialYield: false,
    termination: false,
    runtimeClosed: false,
    commandRx: true,
    commands: [],
    at: "select",
  };
}

/**
 * The actor half of the Host: every branch of `run_cell`. A subclass supplies the `CellHost`
 * methods the actor calls (`RuntimeCellHost` in session_runtime/mod.rs).
 */
export abstract class CellActors {
  protected readonly cells = new Map<CellId, ActorCell>();

  /** `CellHost::terminal` (session_runtime/mod.rs@28536e0b). */
  protected abstract terminal(cell: CellId, c: ActorCell, out: Message[]): void;
  /** `CellHost::closed` (session_runtime/mod.rs@28536e0b). */
  protected abstract closed(cell: CellId, c: ActorCell, out: Message[]): void;

  /**
   * The actor is back in its biased select: the cancellation branch comes first (a hop: the
   * `actor_exit` message), then the queued commands, one at a time, each of which may end the loop.
   */
  protected resumeSelect(cell: CellId, c: ActorCell, out: Message[]): void {
    while (c.at === "select") {
      if (c.state.cancelled && !c.termination) {
        c.at = "cancelled";
        out.push({ type: "actor_exit", cell });
        return;
      }
      const req = c.commands.shift();
      if (req === undefined) return;
      this.takeObserve(cell, c, req, out);
    }
  }

  /** Another task cancelled the cell token: an actor waiting in its select wakes up. */
  protected wake(cell: CellId, c: ActorCell, out: Message[]): void {
    if (c.at === "select") this.resumeSelect(cell, c, out);
  }

  /** The select's command branch, `CellCommand::Observe { mode: YieldAfter, response_tx }` (cell_actor/mod.rs@28536e0b). */
  protected takeObserve(cell: CellId, c: ActorCell, req: ReqId, out: Message[]): void {
    // `if response_tx.is_closed() { continue; }`: never here, the service's observe task owns the receiver.
    const routed = routeObservation(c.state, cell, req, out);
    if (routed === "delivered") {
      this.exitLoop(cell, c, out); // ObservationDelivery::Delivered => break
      return;
    }
    if (routed !== "running") return; // Buffered | Closed => continue
    // A dead attached observer would be detached here (`observer.response_tx.is_closed()`): never here.
    if (c.observer !== undefined || c.termination) {
      out.push({ type: "observe_outcome", cell, req, outcome: "busy" });
      return;
    }
    c.hasBeenObserved = true;
    if (c.pendingInitialYield) {
      // YieldAfter with a preserved first yield: send it now; the send cannot fail here.
      c.pendingInitialYield = false;
      out.push({ type: "observe_outcome", cell, req, outcome: "yielded" });
      return;
    }
    c.observer = req; // observer = Some(Observer { mode, response_tx }); the yield timer is left out
  }

  /** `RuntimeEvent::YieldRequested` (cell_actor/mod.rs@28536e0b), taken when the actor is in its select and the runtime runs. */
  protected onYieldRequested(cell: CellId, c: ActorCell, out: Message[]): void {
    if (c.at !== "select" || c.runtimeClosed || c.state.cancelled) return;
    if (c.observer !== undefined) {
      // A YieldAfter observer is attached: send it the output and detach it.
      out.push({ type: "observe_outcome", cell, req: c.observer, outcome: "yielded" });
      c.observer = undefined;
    } else if (!c.hasBeenObserved && !c.pendingInitialYield) {
      c.pendingInitialYield = true; // the first pre-observation yield is preserved (#29289)
    }
  }

  /**
   * `RuntimeEvent::Result` (cell_actor/mod.rs@28536e0b): the JavaScript finished. With the token
   * live, the actor drains callbacks (nothing to drain) and awaits `host.commit_completion`:
   * the `commit` hop.
   */
  protected onResult(cell: CellId, c: ActorCell, out: Message[]): void {
    // With the token cancelled the biased select takes the cancellation branch first (actor_exit is due).
    if (c.at !== "select" || c.runtimeClosed || c.state.cancelled) return;
    c.runtimeClosed = true;
    c.commitInitialYield = c.pendingInitialYield; // pending_initial_yield_items.take()
    c.pendingInitialYield = false;
    c.at = "commit";
    out.push({ type: "commit", cell });
  }

  /**
   * The `commit` hop: `RuntimeCellHost::commit_completion` (session_runtime/mod.rs@28536e0b) gets
   * past its biased select (cancelled → Rejected) and the stored-values lock, then
   * `CellState::commit_completion`. Committed: the `deliver_completion` hop follows. Rejected:
   * `deliver_completion` follows with no await in between, so it runs in this step.
   */
  protected onCommit(cell: CellId, c: ActorCell, out: Message[]): void {
    if (c.at !== "commit") return;
    const initialYield = c.commitInitialYield;
    c.commitInitialYield = false;
    const committed = !c.state.cancelled && commitCompletion(c.state, initialYield) === "committed";
    if (committed) {
      c.at = "deliver";
      out.push({ type: "deliver_completion", cell });
      return;
    }
    this.deliver(cell, c, false, out);
  }

  /** The `deliver_completion` hop: the actor takes the phase mutex again. */
  protected onDeliverCompletion(cell: CellId, c: ActorCell, out: Message[]): void {
    if (c.at !== "deliver") return;
    this.deliver(cell, c, true, out);
  }

  /** `cell_state.deliver_completion(observer.take())`, then `actOnDelivery` (cell_actor/mod.rs@28536e0b). */
  protected deliver(cell: CellId, c: ActorCell, committed: boolean, out: Message[]): void {
    const observer = c.observer;
    c.observer = undefined;
    const delivery = deliverCompletion(c.state, cell, observer, out);
    this.actOnDelivery(cell, c, committed, delivery, out);
  }

  /**
   * The code after `deliver_completion` in the Result branch (cell_actor/mod.rs@28536e0b):
   * `if completion_committed { host.terminal(); }`, *then* `match completion_delivery`. When
   * terminate claimed the completion in the gap, the delivery is Rejected and the observer's
   * Completed is sent after cell_closed: review race 3.
   */
  protected actOnDelivery(cell: CellId, c: ActorCell, committed: boolean, delivery: CompletionDelivery, out: Message[]): void {
    if (committed) this.terminal(cell, c, out);
    this.matchDelivery(cell, c, delivery, out);
  }

  /** `match completion_delivery { Delivered => break, Buffered => {}, Rejected(tx) => { finish_termination(..); break } }`. */
  protected matchDelivery(cell: CellId, c: ActorCell, delivery: CompletionDelivery, out: Message[]): void {
    switch (delivery.kind) {
      case "delivered":
        this.exitLoop(cell, c, out);
        return;
      case "buffered":
        c.at = "select"; // the loop goes on; the select takes cancellation, then queued commands
        this.resumeSelect(cell, c, out);
        return;
      case "rejected":
        this.sendTermination(cell, c, delivery.observer, "terminated", out);
        this.exitLoop(cell, c, out);
        return;
    }
  }

  /**
   * The `actor_exit` hop: the select's cancellation branch (cell_actor/mod.rs@28536e0b).
   * `termination = true`, `drop(command_rx.take())` (queued observes lose their sender: Closed,
   * answered `missing`), `begin_termination`; then, once the runtime is closed (here: at once),
   * `finish_termination(observer.take(), Terminated)` and `break`.
   */
  protected onCancelled(cell: CellId, c: ActorCell, out: Message[]): void {
    if (c.at !== "cancelled") return;
    c.termination = true;
    this.dropCommands(cell, c, out);
    c.runtimeClosed = true;
    const observer = c.observer;
    c.observer = undefined;
    this.sendTermination(cell, c, observer, "terminated", out);
    this.exitLoop(cell, c, out);
  }

  /** The free function `finish_termination(cell_state, observer_tx, event)` (cell_actor/mod.rs@28536e0b). */
  protected sendTermination(cell: CellId, c: ActorCell, observer: ReqId | undefined, event: TerminalEvent, out: Message[]): void {
    const observerEvent = finishTermination(c.state, cell, event, out);
    if (observerEvent !== undefined && observer !== undefined) {
      out.push({ type: "observe_outcome", cell, req: observer, outcome: observerEvent });
    }
  }

  /**
   * After the loop (cell_actor/mod.rs@28536e0b): `cell_state.tombstone()`, `drop(command_rx.take())`,
   * `begin_termination`, `finish_callbacks(Cancel).await` (nothing to cancel), `host.closed().await`.
   */
  protected exitLoop(cell: CellId, c: ActorCell, out: Message[]): void {
    tombstone(c.state);
    this.dropCommands(cell, c, out);
    c.runtimeClosed = true;
    c.at = "done";
    this.closed(cell, c, out);
  }

  /** Dropping `command_rx`: each queued command's oneshot sender is dropped, its receiver reads Closed (→ Missing). */
  protected dropCommands(cell: CellId, c: ActorCell, out: Message[]): void {
    c.commandRx = false;
    for (const req of c.commands) out.push({ type: "observe_outcome", cell, req, outcome: "missing" });
    c.commands = [];
  }
}
