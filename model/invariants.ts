/**
 * cellgate abstract model — invariants. Each is a named pure function returning violations as
 * data; `checkAction` runs the ones that judge a single action (against the state before it),
 * `checkStep` the ones that judge the state and Core's gate table after a whole step, and
 * `checkFinal` the ones that judge the end of a run, after everything was drained.
 */
import type { Action, EmitAction, GateRow } from "./actions.ts";
import { anyHeldCall, attachedObservers, consumerActive, heldCalls, mayHold, mustHoldOpen, observationsAtHost, requestKey, terminationBegan, type CellModel, type ModelState } from "./state.ts";

export type InvariantName =
  | "no-gate-leak"
  | "no-premature-close"
  | "one-terminal-outcome"
  | "outcome-never-lost"
  | "closed-exactly-once"
  | "outcome-before-close"
  | "no-reopen"
  | "busy-second-observer"
  | "one-reply-per-request"
  | "core-forwards-requests"
  | "dispatch-follows-gate";

/** Each invariant in words, for reports. */
export const INVARIANTS: Readonly<Record<InvariantName, string>> = {
  "no-gate-leak": "(a) every gate-table entry belongs to a cell that may still dispatch or whose removal is guaranteed to come",
  "no-premature-close": "(b) a ready cell that Core does not yet know to be ending has an open gate",
  "one-terminal-outcome": "(c) everyone who gets a terminal outcome for a cell gets the same one, and only one that can have happened",
  "outcome-never-lost": "(d) a terminal outcome is buffered until it is observed or claimed; `missing` only once it is gone",
  "closed-exactly-once": "(e) cell_closed at most once per admitted cell, only once it is terminal, and exactly once when terminal and quiescent",
  "outcome-before-close": "(f) an attached observer's terminal outcome is sent before cell_closed",
  "no-reopen": "(g) once a closed, ready cell's entry is gone, no entry for it comes back",
  "busy-second-observer": "(h) a second observer gets busy and does not displace the first; busy only then",
  "one-reply-per-request": "every request that reached the Host gets exactly one reply, and only requests get replies",
  "core-forwards-requests": "Core emits exactly the requests its inputs ask for (create, observe, drop, terminate)",
  "dispatch-follows-gate": "a nested tool call is held only until readiness, let through only after readiness and before cell_closed, refused only once Core knows the cell ends, and never held forever",
};

export interface Violation {
  readonly invariant: InvariantName;
  readonly cell?: string;
  readonly expected: string;
  readonly actual: string;
  readonly message: string;
}

function article(kind: string): string {
  return /^[aeiou]/.test(kind) ? `an ${kind}` : `a ${kind}`;
}

function v(invariant: InvariantName, cell: string | undefined, expected: string, actual: string, message: string): Violation {
  return cell === undefined ? { invariant, expected, actual, message } : { invariant, cell, expected, actual, message };
}

// --- single-action invariants ---------------------------------------------------------------

/** (c) the same terminal outcome for everyone, and only one that can have happened. */
export function oneTerminalOutcome(state: ModelState, a: EmitAction): Violation[] {
  if (a.type !== "hostAnswersObserve" && a.type !== "hostAnswersTerminate") return [];
  const o = a.outcome;
  if (o !== "completed" && o !== "terminated") return [];
  const c = state.cells.get(a.cell);
  if (c === undefined) return [];
  if (c.outcome !== undefined && c.outcome !== o) {
    return [v("one-terminal-outcome", a.cell, c.outcome, o, `${a.cell} already ended ${c.outcome}, now reported ${o} (#${a.req})`)];
  }
  if (o === "completed" && !c.jsDone) {
    return [v("one-terminal-outcome", a.cell, "completed only after the JavaScript finished", o, `${a.cell} reported completed but it never finished`)];
  }
  if (o === "terminated" && c.endedNaturally) {
    return [v("one-terminal-outcome", a.cell, "completed (the cell ended on its own before any terminate)", o, `${a.cell} completed on its own, now reported terminated (#${a.req})`)];
  }
  if (o === "terminated" && c.terminatesReached === 0 && !state.shutdown) {
    return [v("one-terminal-outcome", a.cell, "terminated only after a terminate or shutdown", o, `${a.cell} reported terminated but nothing terminated it`)];
  }
  return [];
}

/**
 * (d) a terminal outcome is never lost: `missing` only once the outcome reached a consumer (a
 * terminate, or an observation the Host was not told is dropped), another terminate or shutdown
 * is ending the cell, or the cell was rejected — and never to an observation that was attached
 * (an attached observer is answered with the cell's outcome).
 */
export function outcomeNeverLost(state: ModelState, a: EmitAction): Violation[] {
  if (a.type !== "hostAnswersObserve" && a.type !== "hostAnswersTerminate") return [];
  if (a.outcome !== "missing") return [];
  const c = state.cells.get(a.cell);
  if (c === undefined) return [];
  const kind = a.type === "hostAnswersObserve" ? "observe" : "terminate";
  const r = state.requests.get(requestKey(kind, a.cell, a.req));
  if (kind === "observe" && r?.attached === true && r.stage === "atHost" && !r.dropAtHost) {
    return [v("outcome-never-lost", a.cell, "the cell's outcome for its attached observer", "missing", `${a.cell}'s attached observer #${a.req} was answered missing instead of the cell's outcome`)];
  }
  const otherTerminates = c.terminatesReached - (kind === "terminate" ? 1 : 0);
  const gone = c.consumed || otherTerminates > 0 || state.shutdown || c.hostAnswer === "rejected";
  if (!gone) {
    const where = c.outcome === undefined ? "its outcome was never delivered" : `its ${c.outcome} went only into a dropped observation`;
    return [v("outcome-never-lost", a.cell, "the buffered or coming outcome", "missing", `${a.cell} answered missing (#${a.req}) though ${where}`)];
  }
  return [];
}

/** (e) at most once, only for an admitted cell that has ended. */
export function closedAtMostOnce(state: ModelState, a: EmitAction): Violation[] {
  if (a.type !== "hostSendsCellClosed") return [];
  const c = state.cells.get(a.cell);
  if (c === undefined || c.hostAnswer !== "created") {
    return [v("closed-exactly-once", a.cell, "cell_closed only for an admitted cell", "cell_closed", `cell_closed(${a.cell}) for a cell the Host never admitted`)];
  }
  if (c.closedEmitted > 0) return [v("closed-exactly-once", a.cell, "1 cell_closed", `${c.closedEmitted + 1}`, `cell_closed(${a.cell}) sent twice`)];
  if (!c.jsDone && c.terminatesReached === 0 && !state.shutdown) {
    return [v("closed-exactly-once", a.cell, "cell_closed after the cell ended", "cell_closed while running", `cell_closed(${a.cell}) while its JavaScript still runs`)];
  }
  return [];
}

/** (f) an observer attached when cell_closed left gets no terminal outcome after it. */
export function outcomeBeforeClose(state: ModelState, a: EmitAction): Violation[] {
  if (a.type !== "hostAnswersObserve" || (a.outcome !== "completed" && a.outcome !== "terminated")) return [];
  const c = state.cells.get(a.cell);
  if (c === undefined || c.closedEmitted === 0 || !c.attachedAtClose.includes(a.req)) return [];
  return [v("outcome-before-close", a.cell, `observe_outcome(#${a.req}, ${a.outcome}) before cell_closed(${a.cell})`, `cell_closed(${a.cell}) first`, `the attached observer #${a.req} got its ${a.outcome} after cell_closed(${a.cell})`)];
}

/**
 * (h) one observer at a time: while another observation is attached, a new one is answered busy
 * (or missing, once termination began or the outcome is fixed) and does not displace it; busy
 * only while another observation is at the Host unanswered (attached or still queued).
 */
export function busySecondObserver(state: ModelState, a: EmitAction): Violation[] {
  if (a.type !== "hostAnswersObserve") return [];
  const r = state.requests.get(requestKey("observe", a.cell, a.req));
  const c = state.cells.get(a.cell);
  if (r === undefined || c === undefined) return [];
  const others = attachedObservers(state, a.cell, a.req);
  if (a.outcome === "busy") {
    if (observationsAtHost(state, a.cell, a.req).length > 0) return [];
    return [v("busy-second-observer", a.cell, "not busy (no other observer at the Host)", "busy", `#${a.req} of ${a.cell} got busy with no other observer attached`)];
  }
  if (others.length === 0 || r.attached) return [];
  if (a.outcome === "missing" && (terminationBegan(state, c) || c.outcome !== undefined)) return [];
  return [v("busy-second-observer", a.cell, "busy", a.outcome, `the second observer #${a.req} of ${a.cell} got ${a.outcome} instead of busy while #${others.join(", #")} is attached`)];
}

/** Every reply answers a request that reached the Host and has not been answered. */
export function oneReplyPerRequest(state: ModelState, a: EmitAction): Violation[] {
  let key: string;
  if (a.type === "hostAnswersCreate") key = requestKey("create", a.cell, 0);
  else if (a.type === "hostAnswersObserve") key = requestKey("observe", a.cell, a.req);
  else if (a.type === "hostAnswersTerminate") key = requestKey("terminate", a.cell, a.req);
  else return [];
  const r = state.requests.get(key);
  if (r === undefined || r.stage !== "atHost") {
    const what = r === undefined ? "never asked" : r.stage === "replied" || r.stage === "done" ? "already answered" : "not yet received";
    return [v("one-reply-per-request", a.cell, `a reply only to a pending ${key}`, `reply to ${key} (${what})`, `the Host answered ${key}, which is ${what}`)];
  }
  return [];
}

/** Core emits only requests it was asked for. */
export function coreForwardsRequests(state: ModelState, a: EmitAction): Violation[] {
  let key: string;
  if (a.type === "coreSendsCreate") key = requestKey("create", a.cell, 0);
  else if (a.type === "coreSendsObserve") key = requestKey("observe", a.cell, a.req);
  else if (a.type === "coreSendsTerminate") key = requestKey("terminate", a.cell, a.req);
  else if (a.type === "coreSendsDrop") key = `drop:${a.req}`;
  else return [];
  if (state.expected.includes(key) || state.allowed.includes(key)) return [];
  return [v("core-forwards-requests", a.cell, "no request nobody asked for", key, `Core sent ${key} without being asked`)];
}

/**
 * The gate judged by its effect (dispatch): a nested tool call is held back only while the
 * readiness call is still to come, let through only once the cell is ready and until Core has
 * read `cell_closed`, refused only once Core knows the cell ends; each call is answered once.
 */
export function dispatchFollowsGate(state: ModelState, a: EmitAction): Violation[] {
  if (a.type !== "coreDecidesDispatch") return [];
  const r = state.requests.get(requestKey("tool", a.cell, a.req));
  const c = state.cells.get(a.cell);
  const inv = "dispatch-follows-gate";
  if (r === undefined || c === undefined || r.stage !== "atHost" || (r.dispatch !== undefined && r.dispatch !== "held")) {
    const what = r === undefined ? "never made" : r.stage !== "atHost" ? "not at Core" : `already ${r.dispatch ?? "answered"}`;
    return [v(inv, a.cell, `a decision only for a call waiting at Core`, `${a.decision} for call #${a.req} (${what})`, `Core decided call #${a.req} of ${a.cell}, which is ${what}`)];
  }
  switch (a.decision) {
    case "passed":
      if (!c.ready) return [v(inv, a.cell, "held until readiness", "passed", `Core let ${a.cell}'s call #${a.req} through before its readiness call`)];
      if (c.closedDelivered) return [v(inv, a.cell, "refused (the cell is closed)", "passed", `Core let ${a.cell}'s call #${a.req} through after reading cell_closed: dispatch into a finished cell`)];
      return [];
    case "held":
      if (c.ready) return [v(inv, a.cell, "passed or refused (readiness already happened)", "held", `Core held ${a.cell}'s call #${a.req} after its readiness call: nothing will let it through`)];
      if (c.abandoned) return [v(inv, a.cell, "refused (the exec call is gone: no readiness call will come)", "held", `Core held ${a.cell}'s call #${a.req}, but its exec call was cancelled before readiness: nothing will let it through`)];
      return [];
    case "refused":
      if (c.closedDelivered || c.coreKnowsEnd || c.abandoned || c.admission === "rejected") return [];
      return [v(inv, a.cell, c.ready ? "passed" : "held until readiness", "refused", `Core refused call #${a.req} of ${a.cell}, which is ${c.ready ? "ready and not ending" : "not ready yet and not ending"}`)];
  }
}

const ACTION_INVARIANTS = [oneReplyPerRequest, oneTerminalOutcome, outcomeNeverLost, closedAtMostOnce, outcomeBeforeClose, busySecondObserver, coreForwardsRequests, dispatchFollowsGate];

/** Run every single-action invariant on an emitted action, against the state before it. */
export function checkAction(state: ModelState, action: Action): Violation[] {
  if (!isEmit(action)) return [];
  const out: Violation[] = [];
  for (const inv of ACTION_INVARIANTS) for (const x of inv(state, action)) out.push(x);
  return out;
}

function isEmit(a: Action): a is EmitAction {
  return a.type.startsWith("coreSends") || a.type.startsWith("hostAnswers") || a.type === "hostSendsCellClosed" || a.type === "coreDecidesDispatch";
}

// --- whole-step invariants ------------------------------------------------------------------

/** (a) every entry belongs to a cell that may hold one. */
export function noGateLeak(state: ModelState, table: readonly GateRow[]): Violation[] {
  const out: Violation[] = [];
  for (const row of table) {
    const c = state.cells.get(row.cell);
    if (c !== undefined && mayHold(state, c)) continue;
    const why = c === undefined ? "Core never created it" : c.admission === "rejected" ? "its create was rejected" : "it is closed, ready, and no consumer waits";
    out.push(v("no-gate-leak", row.cell, `no entry for ${row.cell} (${why})`, `${row.cell}: ${row.kind}`, `gate leak: ${row.cell} still has ${article(row.kind)} entry though ${why}`));
  }
  return out;
}

/** (b) every cell that must be open has an open gate. */
export function noPrematureClose(state: ModelState, table: readonly GateRow[]): Violation[] {
  const out: Violation[] = [];
  for (const c of state.cells.values()) {
    if (!mustHoldOpen(c)) continue;
    const cell = c.cell;
    const row = table.find((r) => r.cell === cell);
    if (row?.kind === "open") continue;
    out.push(v("no-premature-close", cell, `${cell}: open`, row === undefined ? `${cell}: no entry` : `${cell}: ${row.kind}`, `premature close: ${cell} is ready and not ending, but its gate is ${row === undefined ? "gone" : row.kind}`));
  }
  return out;
}

/** (g) no entry returns once it went after close and readiness. */
export function noReopen(state: ModelState, table: readonly GateRow[]): Violation[] {
  const out: Violation[] = [];
  for (const row of table) {
    const c = state.cells.get(row.cell);
    if (c?.goneAfterClose === true) {
      out.push(v("no-reopen", row.cell, `no entry for ${row.cell} ever again`, `${row.cell}: ${row.kind}`, `${row.cell} reopened: ${article(row.kind)} entry came back after it was closed and removed`));
    }
  }
  return out;
}

/** Why a cell is terminal once nothing is in flight, or undefined while it may still run. */
function endReason(state: ModelState, c: CellModel): string | undefined {
  if (c.outcome !== undefined) return c.outcome;
  if (c.jsDone) return "its JavaScript finished";
  if (c.terminatesReached > 0) return "terminate reached the Host";
  if (state.shutdown) return "shutdown";
  return undefined;
}

/**
 * (e) at quiescence, every ended cell has had exactly one cell_closed — a completion buffered
 * with no observer included: Core's gate must not wait for an observation that may never come.
 */
export function closedWhenQuiescent(state: ModelState, quiescent: boolean): Violation[] {
  if (!quiescent) return [];
  const out: Violation[] = [];
  for (const c of state.cells.values()) {
    if (c.hostAnswer !== "created" || c.closedEmitted === 1) continue;
    const why = endReason(state, c);
    if (why !== undefined) out.push(v("closed-exactly-once", c.cell, "1 cell_closed", `${c.closedEmitted}`, `${c.cell} ended (${why}) and nothing is in flight, but cell_closed was sent ${c.closedEmitted} times`));
  }
  return out;
}

/** Core emitted every request it was asked for within the step. */
export function expectedEmitted(state: ModelState): Violation[] {
  return state.expected.map((key) => v("core-forwards-requests", undefined, key, "nothing", `Core was asked for ${key} but did not send it`));
}

/**
 * No call stays held once its cell is ready (readiness is what lets held calls through), nor once
 * its exec call was cancelled before readiness (no readiness call will come).
 */
export function noCallHeldAfterReady(state: ModelState): Violation[] {
  const out: Violation[] = [];
  if (!anyHeldCall(state)) return out;
  for (const c of state.cells.values()) {
    if (!c.ready && !c.abandoned) continue;
    for (const req of heldCalls(state, c.cell)) {
      const why = c.ready ? `${c.cell} is ready, but Core still holds its call #${req}` : `${c.cell}'s exec call was cancelled before readiness, but Core still holds its call #${req}: nothing will let it through`;
      out.push(v("dispatch-follows-gate", c.cell, `call #${req} let through or refused`, "still held", why));
    }
  }
  return out;
}

/** All whole-step invariants, after the step's actions were applied. */
export function checkStep(state: ModelState, table: readonly GateRow[], quiescent: boolean): Violation[] {
  return [
    ...expectedEmitted(state),
    ...noGateLeak(state, table),
    ...noPrematureClose(state, table),
    ...noReopen(state, table),
    ...closedWhenQuiescent(state, quiescent),
    ...noCallHeldAfterReady(state),
  ];
}

// --- end of run -----------------------------------------------------------------------------

/**
 * After the harness drained every channel, made every due readiness call, finished every
 * JavaScript and let every consumer read its outcome: the table is empty, every request that
 * reached the Host and was not dropped was answered, every admitted cell was closed once, and
 * (unless the session shut down) every cell's terminal outcome left the Host.
 */
export function checkFinal(state: ModelState, table: readonly GateRow[]): Violation[] {
  const out: Violation[] = [];
  for (const row of table) {
    out.push(v("no-gate-leak", row.cell, "an empty gate table after the run drained", `${row.cell}: ${row.kind}`, `gate leak at the end of the run: ${row.cell} keeps ${article(row.kind)} entry`));
  }
  for (const r of state.requests.values()) {
    if (r.kind === "tool") {
      if (r.stage === "atHost") out.push(v("dispatch-follows-gate", r.cell, `an answer to call #${r.req}`, r.dispatch ?? "none", `${r.cell}'s call #${r.req} reached Core and was ${r.dispatch === "held" ? "held to the end of the run" : "never answered"}`));
      continue;
    }
    if (r.stage === "atHost" && !r.dropAtHost) {
      const cause = r.kind === "observe" ? "busy-second-observer" : "one-reply-per-request";
      out.push(v(cause, r.cell, `a reply to ${r.key}`, "none", `${r.key} of ${r.cell} reached the Host and was never answered${r.kind === "observe" ? " (displaced?)" : ""}`));
    }
  }
  for (const c of state.cells.values()) {
    if (c.hostAnswer === "created" && c.closedEmitted !== 1) {
      out.push(v("closed-exactly-once", c.cell, "1 cell_closed", `${c.closedEmitted}`, `${c.cell} ended the run with ${c.closedEmitted} cell_closed`));
    }
    // Every cell whose id the turn has and that the session did not shut down has finished and
    // been observed: its outcome must have reached a consumer.
    if (c.hostAnswer === "created" && c.idKnown && !state.shutdown && !c.consumed) {
      const what = c.outcome === undefined ? "never got its outcome" : `got its ${c.outcome} only into a dropped observation`;
      out.push(v("outcome-never-lost", c.cell, `${c.cell}'s terminal outcome, read by the drain`, c.outcome === undefined ? "never sent" : "lost", `${c.cell} finished, but the end-of-run observations ${what}`));
    }
  }
  return out;
}

export { consumerActive };
export type { CellModel };
