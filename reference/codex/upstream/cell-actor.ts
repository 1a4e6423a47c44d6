/**
 * Port of the cell actor: `run_cell` and its helpers `finish_termination`, `begin_termination`,
 * `send_observer_event`/`restore_undelivered_yield`. Source: `codex-rs/code-mode/src/cell_actor/mod.rs`
 * as of openai/codex main merged into ericjuta/codex at 13ba8058f294723c47dba5c47ca58cf090f04781
 * (blob 7533f4b0cc; last changed by upstream 6c21297bb, #30110).
 *
 * `run_cell` is one task looping over a biased `tokio::select!`: (1) the cell token's cancellation
 * while `!termination`, (2) the command channel (`CellCommand::Observe`), (3) the yield timer,
 * (4) runtime events, (5) callback joins. The port keeps the actor's locals in `ActorCell` and
 * where it is parked in `at`:
 * - `select`: parked in the select. A harness step that would wake a branch runs that branch now.
 * - `commit`: parked at `host.commit_completion(..).await` (the Result branch); the `commit` hop on
 *   `host:<cell>` resumes it.
 * - `deliver`: between the commit returning and `cell_state.deliver_completion(..)`. Rust has no
 *   `.await` there, but the phase mutex is released between the two calls and `terminate` runs
 *   `request_termination` on another worker thread (multi-threaded runtime), so the gap is real;
 *   the `deliver_completion` hop closes it.
 * - `woken`: the token was cancelled from outside (terminate, shutdown) while the actor was parked in
 *   the select; the `actor_exit` hop is the actor being scheduled and taking branch (1).
 * - `exited`: `run_cell` returned (after `host.closed()`).
 * Commands that arrive while the actor is not in its select wait in `commandRx` (the unbounded mpsc
 * channel) and are taken, in order, when the loop comes back to the select (`pump`).
 *
 * Left out, as in the harness: callbacks (`finish_callbacks` has no task to wait for, so its
 * `.await` does not yield), the yield timer, pending frontiers, output items.
 */
import type { ReqId } from "../../../protocol/index.ts";
import {
  commitCompletion,
  deliverCompletion,
  finishTermination as stateFinishTermination,
  newCellState,
  routeObservation,
  tombstone,
  type CellState,
  type Send,
  type Sender,
  type TerminalEvent,
} from "./cell-state.ts";

export type ActorAt = "select" | "commit" | "deliver" | "woken" | "exited";

/** One cell: its shared `CellState` and the locals of its `run_cell` task. */
export interface ActorCell {
  /** `Arc<CellState>`, shared by the actor, the `CellHandle` and `RuntimeCellHost`. */
  state: CellState;
  at: ActorAt;
  /** `observer: Option<Observer>` (every observer here is `ObserveMode::YieldAfter`). */
  observer: Sender | null;
  /** `termination`: branch (1) ran. */
  termination: boolean;
  /** `runtime_closed`: the runtime sent `Result` or its event channel closed. */
  runtimeClosed: boolean;
  /** `command_rx`: queued `CellCommand::Observe` senders, or null once dropped (`command_rx.take()`). */
  commandRx: ReqId[] | null;
}

/** What the actor does to the world outside its locals. */
export interface ActorIo {
  send: Send;
  /** `response_tx.is_closed()`: Core dropped the receiver. */
  isClosed(to: Sender): boolean;
  /** Schedule one of the cell's hops on `host:<cell>`. */
  hop(type: "commit" | "deliver_completion" | "actor_exit"): void;
  /** `RuntimeCellHost::closed` (session_runtime/mod.rs@13ba8058f): registry removal, then `delegate.cell_closed`. */
  closed(): void;
}

/** `CellActor::prepare` (mod.rs@13ba8058f): the actor starts with the exec call's initial observer attached. */
export function newActorCell(): ActorCell {
  return {
    state: newCellState(),
    at: "select",
    observer: { kind: "initial" },
    termination: false,
    runtimeClosed: false,
    commandRx: [],
  };
}

/** The cell token was cancelled by another task (`request_termination`, `begin_shutdown`): wake the actor's branch (1). */
export function tokenCancelledFromOutside(c: ActorCell, io: ActorIo): void {
  if (c.at !== "select" || c.termination) return; // elsewhere it sees the token when it gets back
  c.at = "woken";
  io.hop("actor_exit");
}

/** `CellHandle::observe` queued a `CellCommand::Observe` (types.rs@13ba8058f); an idle actor takes it now. */
export function commandSent(c: ActorCell, io: ActorIo, req: ReqId): void {
  c.commandRx?.push(req);
  if (c.at === "select") pump(c, io);
}

/** Branch (4), `RuntimeEvent::YieldRequested` (mod.rs@13ba8058f). */
export function yieldRequested(c: ActorCell, io: ActorIo): void {
  // Elsewhere the actor is not in its select: the runtime is done (commit, deliver) or being
  // terminated (woken: branch (1) comes first and stops V8).
  if (c.at !== "select" || c.runtimeClosed) return;
  if (c.observer === null) return; // no YieldAfter observer: nothing happens
  const observer = c.observer;
  c.observer = null; // observer.take(); an undelivered yield only restores content items
  io.send(observer, "yielded");
}

/** Branch (4), `RuntimeEvent::Result` (mod.rs@13ba8058f): up to `host.commit_completion(..).await`. */
export function resultArrived(c: ActorCell, io: ActorIo): void {
  if (c.at !== "select" || c.runtimeClosed) return;
  c.runtimeClosed = true;
  if (c.termination || c.state.cancelled) {
    const observer = c.observer;
    c.observer = null;
    finishTermination(c, io, observer, "terminated");
    exit(c, io);
    return;
  }
  // finish_callbacks(DrainNotifications).await: no callbacks in the harness.
  c.at = "commit";
  io.hop("commit");
}

/**
 * The commit hop: `RuntimeCellHost::commit_completion` (session_runtime/mod.rs@13ba8058f) resolves —
 * biased select: a cancelled token rejects; else the stored-values lock, then
 * `CellState::commit_completion`. The actor goes on to `deliver_completion` (the deliver hop).
 */
export function commitResolved(c: ActorCell, io: ActorIo): void {
  if (c.at !== "commit") return;
  // `_ = cancellation_token.cancelled() => Rejected`, else the lock and CellState::commit_completion.
  if (!c.state.cancelled) commitCompletion(c.state);
  c.at = "deliver";
  io.hop("deliver_completion");
}

/** The deliver hop: `match cell_state.deliver_completion(observer.take())` in the Result branch (mod.rs@13ba8058f). */
export function deliverResolved(c: ActorCell, io: ActorIo): void {
  if (c.at !== "deliver") return;
  const observer = c.observer;
  c.observer = null;
  const delivery = deliverCompletion(c.state, observer, io.send);
  switch (delivery.kind) {
    case "delivered":
      exit(c, io);
      return;
    case "buffered":
      pump(c, io);
      return;
    case "rejected":
      finishTermination(c, io, delivery.observer, "terminated");
      exit(c, io);
      return;
  }
}

/** The actor_exit hop: the woken actor takes branch (1). */
export function wakeResolved(c: ActorCell, io: ActorIo): void {
  if (c.at !== "woken") return;
  cancellationBranch(c, io);
}

/** The loop comes back to its biased select while the actor runs: branch (1), then queued commands, else park. */
function pump(c: ActorCell, io: ActorIo): void {
  for (;;) {
    if (c.state.cancelled && !c.termination) {
      cancellationBranch(c, io);
      return;
    }
    const req = c.commandRx?.shift();
    if (req === undefined) {
      c.at = "select";
      return;
    }
    if (takeObserve(c, io, { kind: "observe", req }) === "break") {
      exit(c, io);
      return;
    }
  }
}

/** Branch (2), `CellCommand::Observe { mode: YieldAfter, response_tx }` (mod.rs@13ba8058f). */
function takeObserve(c: ActorCell, io: ActorIo, to: Sender): "continue" | "break" {
  if (io.isClosed(to)) return "continue"; // response_tx.is_closed(): the observer's future was dropped
  switch (routeObservation(c.state, to, io.send)) {
    case "delivered":
      return "break";
    case "buffered":
    case "closed":
      return "continue";
    case "running":
      break;
  }
  if (c.observer !== null && io.isClosed(c.observer)) c.observer = null; // a dead observer is detached
  if (c.observer !== null || c.termination) {
    io.send(to, "busy"); // let _ = response_tx.send(Err(CellError::Busy))
    return "continue";
  }
  c.observer = to; // resume_for_observation: the runtime is not paused here
  return "continue";
}

/**
 * Branch (1), `cancellation_token.cancelled(), if !termination` (mod.rs@13ba8058f): drop the command
 * channel, `begin_termination`, then the termination path. With the runtime still running, Rust
 * `continue`s until V8's termination closes the event channel (the `None` arm, or a `Result` with
 * `termination` set), which runs the same `finish_termination` and `break`; nothing can reach the
 * actor in between (its command channel is gone), so the two halves are one step here.
 */
function cancellationBranch(c: ActorCell, io: ActorIo): void {
  c.termination = true;
  dropCommandRx(c, io);
  // begin_termination: cancel the token, terminate V8.
  c.state.cancelled = true;
  c.runtimeClosed = true;
  // finish_callbacks(Cancel).await: no callbacks in the harness.
  const observer = c.observer;
  c.observer = null;
  finishTermination(c, io, observer, "terminated");
  exit(c, io);
}

/** `fn finish_termination(cell_state, observer_tx, event)` (mod.rs@13ba8058f). */
function finishTermination(c: ActorCell, io: ActorIo, observer: Sender | null, event: TerminalEvent): void {
  const observerEvent = stateFinishTermination(c.state, event, io.send);
  if (observerEvent !== null && observer !== null) io.send(observer, observerEvent);
}

/** `drop(command_rx.take())`: each queued sender is dropped; its receiver resolves `Err(CellError::Closed)`. */
function dropCommandRx(c: ActorCell, io: ActorIo): void {
  const queued = c.commandRx ?? [];
  c.commandRx = null;
  for (const req of queued) io.send({ kind: "observe", req }, "closed");
}

/** After the loop (mod.rs@13ba8058f): tombstone, drop the channel, stop V8, cancel callbacks, `host.closed().await`. */
function exit(c: ActorCell, io: ActorIo): void {
  tombstone(c.state);
  dropCommandRx(c, io);
  // begin_termination; finish_callbacks(Cancel).await: nothing left to wait for.
  io.closed();
  c.at = "exited";
  // run_cell returns: an observer still in its local slot is dropped (none is left on any path).
  const observer = c.observer;
  c.observer = null;
  if (observer !== null) io.send(observer, "closed");
}
