/**
 * Port of `CellState` / `CellPhase`, the single linearization point of a cell's terminal outcome.
 * Source: `codex-rs/code-mode/src/cell_actor/types.rs` as of openai/codex main merged into
 * ericjuta/codex at 13ba8058f294723c47dba5c47ca58cf090f04781 (blob 672820b93e; last changed by
 * upstream eb8c1ee85, #29289). Read from the ericjuta/codex mirror: the openai/codex index holds no
 * version of this file that late.
 *
 * Every function here runs under the phase mutex in Rust: synchronous and atomic, on whichever task
 * calls it (the actor, a `terminate` caller). Output items are left out (the harness checks
 * outcomes), so an event is its outcome word. At this commit the actor always passes
 * `pending_initial_yield_items: None` (the initial observer is attached at admission), so the
 * `Completed { pending_initial_yield_items: Some(..) }` arms are unreachable and not ported.
 *
 * A oneshot `Sender` is a `Sender` value (host.ts); `send` on it returns false when Core already
 * dropped the receiver (`Err(Ok(event))` in Rust).
 */
import type { ReqId } from "../../../protocol/index.ts";

/** Who a oneshot sender answers: an observation, the exec call's initial observation, or a terminate. */
export type Sender =
  | { readonly kind: "observe"; readonly req: ReqId }
  /** The exec call's initial observer (`CellActor::prepare`'s `initial_response_tx`). */
  | { readonly kind: "initial" }
  | { readonly kind: "terminate"; readonly req: ReqId };

/** The terminal event of a cell, as its outcome word. */
export type TerminalEvent = "completed" | "terminated";

/** What a sender carries: `Ok(CellEvent)` as its outcome word, or `Err(CellError)`. */
export type Reply = "yielded" | TerminalEvent | "busy" | "closed" | "already_terminating";

/** A oneshot send: false when the receiver is gone (`Err(value)` in Rust). */
export type Send = (to: Sender, reply: Reply) => boolean;

/** `enum CellPhase` (types.rs@13ba8058f). `Completed`/`CompletionClaimed` always hold a completion here. */
export type CellPhase =
  | { readonly kind: "running" }
  /** `Terminating { response_tx }`: the one terminator waiting for `finish_termination`. */
  | { readonly kind: "terminating"; readonly terminator: Sender }
  /** `Completed { pending_initial_yield_items: None, event }`: committed, buffered. */
  | { readonly kind: "completed" }
  /** `CompletionClaimed(event)`: a terminator took the buffered completion. */
  | { readonly kind: "claimed" }
  | { readonly kind: "tombstone" };

/** `struct CellState { phase: Mutex<CellPhase>, cancellation_token }` (types.rs@13ba8058f). */
export interface CellState {
  phase: CellPhase;
  /** The cell token (a child of the session's shutdown token) is cancelled. */
  cancelled: boolean;
}

/** `CellState::new` (types.rs@13ba8058f). */
export function newCellState(): CellState {
  return { phase: { kind: "running" }, cancelled: false };
}

/** `CellState::accepting_observations` (types.rs@13ba8058f): Running or Completed, and the token live. */
export function acceptingObservations(s: CellState): boolean {
  return (s.phase.kind === "running" || s.phase.kind === "completed") && !s.cancelled;
}

/**
 * `CellState::request_termination` (types.rs@13ba8058f), run by `CellHandle::terminate` in the
 * caller's task. Returns what the caller's future resolves to now, or `pending` (Running: the
 * terminator waits in `Terminating` for the actor's `finish_termination`).
 */
export function requestTermination(s: CellState, terminator: Sender): "pending" | "completed" | "already_terminating" | "closed" {
  switch (s.phase.kind) {
    case "running":
      s.phase = { kind: "terminating", terminator };
      s.cancelled = true;
      return "pending"; // response_event(response_rx)
    case "terminating":
      return "already_terminating";
    case "completed":
      s.phase = { kind: "claimed" };
      s.cancelled = true;
      return "completed"; // ready_event(event)
    case "claimed":
      return "already_terminating";
    case "tombstone":
      return "closed"; // closed_event()
  }
}

/**
 * `CellState::commit_completion` (types.rs@13ba8058f), called by `RuntimeCellHost::commit_completion`
 * once it holds the stored-values lock: rejected unless Running with a live token.
 */
export function commitCompletion(s: CellState): "committed" | "rejected" {
  if (s.phase.kind !== "running" || s.cancelled) return "rejected";
  // commit(): the stored-value writes are published here (not modelled).
  s.phase = { kind: "completed" };
  return "committed";
}

/** `enum CompletionDelivery` (types.rs@13ba8058f); `Rejected` hands the observer's sender back. */
export type CompletionDelivery =
  | { readonly kind: "delivered" }
  | { readonly kind: "buffered" }
  | { readonly kind: "rejected"; readonly observer: Sender | null };

/** `CellState::deliver_completion(response_tx)` (types.rs@13ba8058f). */
export function deliverCompletion(s: CellState, observer: Sender | null, send: Send): CompletionDelivery {
  // match std::mem::replace(&mut *phase, Tombstone): anything but Completed is put back.
  if (s.phase.kind !== "completed") return { kind: "rejected", observer };
  // No observer: the completion stays buffered in the phase.
  if (observer === null) return { kind: "buffered" };
  if (send(observer, "completed")) {
    // Ok(()): the phase stays Tombstone (it is not restored), the token is cancelled.
    s.phase = { kind: "tombstone" };
    s.cancelled = true;
    return { kind: "delivered" };
  }
  // Err(Ok(event)): the receiver is gone; the completion is re-buffered.
  return { kind: "buffered" };
}

/** `enum ObservationDelivery` (types.rs@13ba8058f); `Running` hands the sender back. */
export type ObservationDelivery = "running" | "delivered" | "buffered" | "closed";

/** `CellState::route_observation(YieldAfter, response_tx)` (types.rs@13ba8058f), run by the actor for each observe command it takes. */
export function routeObservation(s: CellState, to: Sender, send: Send): ObservationDelivery {
  switch (s.phase.kind) {
    case "running":
      return "running";
    case "completed":
      // prepend_initial_yield(event, None) is the event itself.
      if (send(to, "completed")) {
        s.phase = { kind: "tombstone" }; // not restored
        s.cancelled = true;
        return "delivered";
      }
      return "buffered"; // Err(Ok(_)): phase restored to Completed
    case "terminating":
    case "claimed":
    case "tombstone":
      // let _ = response_tx.send(Err(CellError::Closed)); the phase is put back unchanged.
      send(to, "closed");
      return "closed";
  }
}

/**
 * `CellState::finish_termination(event)` (types.rs@13ba8058f): the one outcome the phase fixes. A
 * Terminating terminator is answered here, first. Returns the event for the attached observer.
 */
export function finishTermination(s: CellState, event: TerminalEvent, send: Send): TerminalEvent | null {
  let observerEvent: TerminalEvent | null;
  switch (s.phase.kind) {
    case "running":
      observerEvent = event;
      break;
    case "terminating":
      send(s.phase.terminator, event); // let _ = response_tx.send(Ok(event.clone()))
      observerEvent = event;
      break;
    case "completed":
    case "claimed":
      observerEvent = "completed";
      break;
    case "tombstone":
      observerEvent = null;
      break;
  }
  s.phase = { kind: "tombstone" };
  s.cancelled = true;
  return observerEvent;
}

/** `CellState::tombstone` (types.rs@13ba8058f). */
export function tombstone(s: CellState): void {
  s.phase = { kind: "tombstone" };
  s.cancelled = true;
}
