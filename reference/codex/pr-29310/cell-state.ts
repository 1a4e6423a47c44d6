/**
 * Port of `CellState` and `CellPhase`: the single linearization point of a cell's terminal
 * outcome. Source: openai/codex `codex-rs/code-mode/src/cell_actor/types.rs` at
 * 28536e0bb5af9b9dc240c26a484aeb729cd48896 (PR #29310).
 *
 * Every function here runs under the phase mutex in the Rust code: it is synchronous and atomic,
 * and it may run on any task (the actor, a `terminate` caller, an observe task), so the harness can
 * interleave it anywhere between two actor hops. Output items are left out (the harness checks
 * outcomes), so an `Option<Vec<OutputItem>>` becomes a boolean and an event its kind.
 *
 * A oneshot `Sender` is the request id it answers; `send` on it is the emission of that reply.
 * The receivers never close early in this port (see host.ts, `observe`), so no send fails and the
 * `Err(Ok(event))` re-buffering arms of the Rust code are unreachable; they are noted, not ported.
 */
import type { CellId, Message, ReqId } from "../../../protocol/index.ts";

/** `enum CellPhase` (types.rs@28536e0b). The event of `Completed`/`CompletionClaimed` is always a completion here. */
export type CellPhase =
  | { readonly kind: "running" }
  /** `Terminating { response_tx }`: the one terminator waiting for the termination path. */
  | { readonly kind: "terminating"; readonly terminator: ReqId }
  /** `Completed { pending_initial_yield_items, event }`: committed and buffered. */
  | { readonly kind: "completed"; readonly initialYield: boolean }
  /** `CompletionClaimed(event)`: a terminator took the buffered completion. */
  | { readonly kind: "claimed" }
  | { readonly kind: "tombstone" };

/** `struct CellState { phase: Mutex<CellPhase>, cancellation_token }` (types.rs@28536e0b). */
export interface CellState {
  phase: CellPhase;
  /** The cell token (a child of the session token) is cancelled. */
  cancelled: boolean;
}

/** The terminal event a phase fixes, as the wire outcome word. */
export type TerminalEvent = "completed" | "terminated";

export function newCellState(): CellState {
  return { phase: { kind: "running" }, cancelled: false };
}

/** `CellState::accepting_observations` (types.rs@28536e0b): Running or Completed, and the token live. */
export function acceptingObservations(s: CellState): boolean {
  return (s.phase.kind === "running" || s.phase.kind === "completed") && !s.cancelled;
}

/**
 * `CellState::request_termination` (types.rs@28536e0b), run synchronously in the terminate
 * caller's task. Returns what the caller's future resolves to: `pending` (Running: it waits for
 * the actor's `finish_termination`), or an immediate reply.
 */
export function requestTermination(
  s: CellState,
  req: ReqId,
): "pending" | "completed" | "already_terminating" | "closed" {
  switch (s.phase.kind) {
    case "running":
      s.phase = { kind: "terminating", terminator: req };
      s.cancelled = true;
      return "pending";
    case "terminating":
      return "already_terminating";
    case "completed":
      // prepend_initial_yield(event, pending_initial_yield_items): the claim carries the yield.
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
 * `CellState::commit_completion` (types.rs@28536e0b), called by `RuntimeCellHost::commit_completion`
 * once it holds the stored-values lock: rejected unless Running with a live token.
 */
export function commitCompletion(s: CellState, initialYield: boolean): "committed" | "rejected" {
  if (s.phase.kind !== "running" || s.cancelled) return "rejected";
  s.phase = { kind: "completed", initialYield };
  return "committed";
}

/** `enum CompletionDelivery` (types.rs@28536e0b); `Rejected` hands the observer's sender back. */
export type CompletionDelivery =
  | { readonly kind: "delivered" }
  | { readonly kind: "buffered" }
  | { readonly kind: "rejected"; readonly observer: ReqId | undefined };

/**
 * `CellState::deliver_completion(observer)` (types.rs@28536e0b). The observer is always in
 * `YieldAfter` mode here (the exec and wait handlers observe with a yield time), so the
 * `PendingFrontier` arm is not ported; the YieldAfter arm sends the completion and cancels the token.
 */
export function deliverCompletion(s: CellState, cell: CellId, observer: ReqId | undefined, out: Message[]): CompletionDelivery {
  if (s.phase.kind !== "completed") return { kind: "rejected", observer };
  if (observer === undefined) return { kind: "buffered" };
  // response_tx.send(Ok(event)): phase left Tombstone by the mem::replace, token cancelled.
  s.phase = { kind: "tombstone" };
  out.push({ type: "observe_outcome", cell, req: observer, outcome: "completed" });
  s.cancelled = true;
  return { kind: "delivered" };
}

/** `enum ObservationDelivery` (types.rs@28536e0b). */
export type ObservationDelivery = "running" | "delivered" | "buffered" | "closed";

/** `CellState::route_observation(YieldAfter, response_tx)` (types.rs@28536e0b), called by the actor for each observe command it takes. */
export function routeObservation(s: CellState, cell: CellId, req: ReqId, out: Message[]): ObservationDelivery {
  switch (s.phase.kind) {
    case "running":
      return "running";
    case "completed":
      if (s.phase.initialYield) {
        // The preserved first yield goes out alone; the completion stays buffered.
        out.push({ type: "observe_outcome", cell, req, outcome: "yielded" });
        s.phase = { kind: "completed", initialYield: false };
        return "buffered";
      }
      out.push({ type: "observe_outcome", cell, req, outcome: "completed" });
      s.phase = { kind: "tombstone" };
      s.cancelled = true;
      return "delivered";
    case "terminating":
    case "claimed":
    case "tombstone":
      // response_tx.send(Err(CellError::Closed)): the service maps ClosedCell to Missing.
      out.push({ type: "observe_outcome", cell, req, outcome: "missing" });
      return "closed";
  }
}

/**
 * `CellState::finish_termination(event)` (types.rs@28536e0b): the one outcome the phase fixes;
 * the Terminating terminator is answered here, first. Returns the observer's event, if any.
 */
export function finishTermination(s: CellState, cell: CellId, event: TerminalEvent, out: Message[]): TerminalEvent | undefined {
  let observerEvent: TerminalEvent | undefined;
  switch (s.phase.kind) {
    case "running":
      observerEvent = event;
      break;
    case "terminating":
      out.push({ type: "terminate_outcome", cell, req: s.phase.terminator, outcome: event });
      observerEvent = event;
      break;
    case "completed":
    case "claimed":
      observerEvent = "completed";
      break;
    case "tombstone":
      observerEvent = undefined;
      break;
  }
  s.phase = { kind: "tombstone" };
  s.cancelled = true;
  return observerEvent;
}

/** `CellState::tombstone` (types.rs@28536e0b). */
export function tombstone(s: CellState): void {
  s.phase = { kind: "tombstone" };
  s.cancelled = true;
}
