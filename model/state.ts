/**
 * cellgate abstract model — state.
 *
 * What is modelled: the facts about each cell and each request that any correct implementation of
 * the cell/dispatch-gate protocol must respect, as seen from the messages that cross the channels:
 * whether Core asked for the cell and learnt the Host's answer, whether readiness happened, what
 * terminal outcome (if any) left the Host and to whom, whether `cell_closed` was sent and whether
 * Core has read it, which consumers are still waiting for a reply.
 *
 * What is left out on purpose: the Host's phases, the actor's buffers and output items, Core's gate
 * layout, nested tool callbacks, timers. The model does not predict one run; it bounds what every
 * correct implementation may do, so designs that create the gate at admission or at readiness, with
 * or without markers, all pass (the gate-table rules are "may hold" and "must be open" sets).
 *
 * The state is immutable; transitions return a new state (or the same one, when nothing changes).
 */
import { PersistentMap } from "./persistent-map.ts";

/** A cell name as the harness assigns it ("c1"). */
export type Cell = string;
/** A request id as the harness assigns it. */
export type Req = number;

export type ObserveResult = "yielded" | "completed" | "terminated" | "missing" | "busy";
export type TerminateResult = "completed" | "terminated" | "missing" | "already_terminating";
export type TerminalOutcome = "completed" | "terminated";
export type GateKind = "waiting" | "open" | "marker";
export type DispatchResult = "passed" | "held" | "refused";

export interface CellModel {
  readonly cell: Cell;
  /** What Core knows of admission: asked, or the Host's answer has reached Core. */
  readonly admission: "asked" | "admitted" | "rejected";
  /** What the Host answered to create_cell, once it did. */
  readonly hostAnswer: "none" | "created" | "rejected";
  /** Core's readiness call happened. */
  readonly ready: boolean;
  /** The first observation after readiness has been issued (the guard is armed around it). */
  readonly initialTaken: boolean;
  /** The JavaScript finished (js_complete was fed to the Host). */
  readonly jsDone: boolean;
  /** How many terminate requests have reached the Host. */
  readonly terminatesReached: number;
  /** The terminal outcome fixed by the first terminal reply that left the Host. */
  readonly outcome: TerminalOutcome | undefined;
  readonly closedEmitted: number;
  readonly closedDelivered: boolean;
  /** Observations attached at the Host when `cell_closed` was sent (they must not get a terminal outcome later). */
  readonly attachedAtClose: readonly Req[];
  /** Core has learnt that the cell is ending (it asked to terminate, the guard fired, or it read a terminal reply or `cell_closed`). */
  readonly coreKnowsEnd: boolean;
  /** Core's own forget hops in flight. */
  readonly forgetsInFlight: number;
  /** After close and readiness, the table was seen without an entry for the cell. */
  readonly goneAfterClose: boolean;
  /**
   * The turn has the cell's id: Core read the reply to the exec call's initial observation while
   * its consumer still waited, and the readiness call has happened (the exec handler reads the
   * reply only after it). Only then can the model wait on the cell again or terminate it.
   */
  readonly idKnown: boolean;
  /**
   * The terminal outcome reached a consumer: a terminal reply went to a terminate request, or to
   * an observation the Host did not let go (see `RequestModel.letGo`: one it still holds, attached
   * or queued, is a send that succeeds, as a oneshot send does before its receiver goes). A
   * terminal reply into an observation the Host let go is allowed but does not count: the
   * outcome must still reach someone.
   */
  readonly consumed: boolean;
  /**
   * The cell ended on its own, before any terminate or shutdown reached the Host: its
   * JavaScript finished and then `cell_closed` was sent, or nothing was in flight any more. Its
   * completion is committed, so `terminated` can no longer have happened.
   */
  readonly endedNaturally: boolean;
  /**
   * The exec call was cancelled before its readiness call (its initial observation, fused into
   * the call, was cancelled first): the exec handler is gone, so no readiness call will come.
   */
  readonly abandoned: boolean;
}

export type RequestKind = "create" | "observe" | "terminate" | "tool";

export interface RequestModel {
  readonly key: string;
  readonly cell: Cell;
  readonly kind: RequestKind;
  readonly req: Req;
  /** Who asked: the turn's wait handler, the user, or the initial-observation guard. */
  readonly origin: "turn" | "user" | "guard";
  /** asked (input given) → sent (Core emitted it) → atHost → replied → done (reply read by Core). */
  readonly stage: "asked" | "sent" | "atHost" | "replied" | "done";
  readonly initial: boolean;
  /** Core's consumer abandoned the observation. */
  readonly cancelled: boolean;
  /** The Host has received the drop of this observation. */
  readonly dropAtHost: boolean;
  /**
   * The observation is attached at the Host (after the last step): the Host reported it in its
   * `observers` list (version 2), or, when the Host offers no such report (version 1), it reached
   * the Host in an earlier step, is unanswered and was not dropped.
   */
  readonly attached: boolean;
  /**
   * The Host let the observation go because of its drop: it was attached, the drop reached the
   * Host, and it was no longer attached after a step while still unanswered. A terminal reply
   * into it afterwards is a send into a receiver the Host knew was gone.
   */
  readonly letGo: boolean;
  /**
   * A nested tool call (kind `tool`): what Core's dispatch worker did with it last — held back,
   * let through or refused — or `cancelled` once the Host's cancel reached Core.
   */
  readonly dispatch?: DispatchResult | "cancelled";
}

export interface ModelState {
  readonly capacity: number;
  readonly shutdown: boolean;
  readonly cells: PersistentMap<Cell, CellModel>;
  readonly requests: PersistentMap<string, RequestModel>;
  /** Requests Core must emit before the current step ends (it was asked to). */
  readonly expected: readonly string[];
  /**
   * Requests Core may emit in the current step but need not: the drop of a cancelled observation,
   * the guard's terminate of an abandoned cell, the initial observation fused into the exec call.
   */
  readonly allowed: readonly string[];
}

export function requestKey(kind: RequestKind, cell: Cell, req: Req): string {
  return kind === "create" ? `create:${cell}` : `${kind}:${req}`;
}

export function initialState(capacity: number): ModelState {
  return { capacity, shutdown: false, cells: PersistentMap.empty(), requests: PersistentMap.empty(), expected: [], allowed: [] };
}

export function newCell(cell: Cell): CellModel {
  return {
    cell,
    admission: "asked",
    hostAnswer: "none",
    ready: false,
    initialTaken: false,
    jsDone: false,
    terminatesReached: 0,
    outcome: undefined,
    closedEmitted: 0,
    closedDelivered: false,
    attachedAtClose: [],
    coreKnowsEnd: false,
    forgetsInFlight: 0,
    goneAfterClose: false,
    idKnown: false,
    consumed: false,
    endedNaturally: false,
    abandoned: false,
  };
}

/**
 * A consumer of the cell still waits for something that is guaranteed to come: Core's own forget
 * is in flight, a terminate or an uncancelled observation is unanswered or its reply unread, or
 * the exec call's initial read is still to come (the exec handler makes it right after readiness).
 */
export function consumerActive(state: ModelState, c: CellModel): boolean {
  if (c.forgetsInFlight > 0) return true;
  if (c.ready && !c.initialTaken && c.admission === "admitted") return true;
  for (const r of state.requests.values()) {
    if (r.cell !== c.cell || r.kind === "create" || r.kind === "tool" || r.stage === "done") continue;
    if (r.kind === "terminate" || !r.cancelled) return true;
  }
  return false;
}

/** Nested tool calls of `cell` that Core holds back right now. */
export function heldCalls(state: ModelState, cell: Cell): Req[] {
  const out: Req[] = [];
  for (const r of state.requests.values()) if (r.cell === cell && r.kind === "tool" && r.dispatch === "held") out.push(r.req);
  return out;
}

/**
 * May the cell hold a gate-table entry? Core asked for the cell, it was not rejected, and either
 * it can still dispatch (not yet closed), or readiness is still to come (it consumes a marker), or
 * a consumer is still waiting for a reply (a removal guaranteed to follow).
 */
export function mayHold(state: ModelState, c: CellModel): boolean {
  if (c.admission === "rejected") return false;
  const readinessToCome = !c.ready && !c.abandoned;
  return !c.closedDelivered || readinessToCome || consumerActive(state, c);
}

/** The cells that MAY hold a gate-table entry (see `mayHold`). */
export function mayHoldEntry(state: ModelState): Set<Cell> {
  const out = new Set<Cell>();
  for (const c of state.cells.values()) if (mayHold(state, c)) out.add(c.cell);
  return out;
}

/** MUST the cell hold an open gate? It is ready, and Core has not yet learnt that it ends. */
export function mustHoldOpen(c: CellModel): boolean {
  return c.ready && !c.coreKnowsEnd;
}

/** The cells that MUST hold an open gate (see `mustHoldOpen`). */
export function mustBeOpen(state: ModelState): Set<Cell> {
  const out = new Set<Cell>();
  for (const c of state.cells.values()) if (mustHoldOpen(c)) out.add(c.cell);
  return out;
}

/** Does Core hold back any nested tool call right now? */
export function anyHeldCall(state: ModelState): boolean {
  for (const r of state.requests.values()) if (r.kind === "tool" && r.dispatch === "held") return true;
  return false;
}

/** Observations of `cell` attached at the Host right now (see `RequestModel.attached`), still unanswered. */
export function attachedObservers(state: ModelState, cell: Cell, except?: Req): Req[] {
  const out: Req[] = [];
  for (const r of state.requests.values()) {
    if (r.cell === cell && r.kind === "observe" && r.stage === "atHost" && r.attached && r.req !== except) out.push(r.req);
  }
  return out;
}

/** Observations of `cell` that reached the Host and are unanswered, attached or queued, dropped or not. */
export function observationsAtHost(state: ModelState, cell: Cell, except?: Req): Req[] {
  const out: Req[] = [];
  for (const r of state.requests.values()) {
    if (r.cell === cell && r.kind === "observe" && r.stage === "atHost" && r.req !== except) out.push(r.req);
  }
  return out;
}

/** Has termination of the cell begun at the Host (a terminate reached it, or the session shut down)? */
export function terminationBegan(state: ModelState, c: CellModel): boolean {
  return c.terminatesReached > 0 || state.shutdown;
}
