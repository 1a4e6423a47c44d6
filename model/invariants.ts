/**
 * cellgate abstract model — invariants. Each is a named pure function returning violations as
 * data; `checkAction` runs the ones that judge a single action (against the state before it),
 * `checkStep` the ones that judge the state and Core's gate table after a whole step, and
 * `checkFinal` the ones that judge the end of a run, after everything was drained.
 */
import type { Action, EmitAction, GateRow } from "./actions.ts";
import { consumerActive, mayHold, mustBeOpen, requestKey, type CellModel, type ModelState } from "./state.ts";

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
  | "core-forwards-requests";

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
  if (o === "terminated" && c.terminatesReached === 0 && !state.shutdown) {
    return [v("one-terminal-outcome", a.cell, "terminated only after a terminate or shutdown", o, `${a.cell} reported terminated but nothing terminated it`)];
  }
  return [];
}

/** (d) `missing` only for a cell whose outcome already left, was claimed, was rejected or shut down; no outcome into a dropped observer. */
export function outcomeNeverLost(state: ModelState, a: EmitAction): Violation[] {
  if (a.type !== "hostAnswersObserve" && a.type !== "hostAnswersTerminate") return [];
  const c = state.cells.get(a.cell);
  if (c === undefined) return [];
  const kind = a.type === "hostAnswersObserve" ? "observe" : "terminate";
  const r = state.requests.get(requestKey(kind, a.cell, a.req));
  if (a.outcome === "missing") {
    const otherTerminates = c.terminatesReached - (kind === "terminate" ? 1 : 0);
    const gone = c.outcome !== undefined || otherTerminates > 0 || state.shutdown || c.hostAnswer === "rejected";
    if (!gone) return [v("outcome-never-lost", a.cell, "the buffered or coming outcome", "missing", `${a.cell} answered missing (#${a.req}) though its outcome was never delivered`)];
  }
  if ((a.outcome === "completed" || a.outcome === "terminated") && r?.dropAtHost === true) {
    return [v("outcome-never-lost", a.cell, "outcome kept for the next observer", `${a.outcome} sent to dropped #${a.req}`, `${a.cell}'s outcome went to an observation the Host knew was dropped`)];
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

/** (h) busy exactly when another observer is attached. */
export function busySecondObserver(state: ModelState, a: EmitAction): Violation[] {
  if (a.type !== "hostAnswersObserve") return [];
  const r = state.requests.get(requestKey("observe", a.cell, a.req));
  if (r === undefined) return [];
  if (r.mustBeBusy && a.outcome !== "busy") {
    return [v("busy-second-observer", a.cell, "busy", a.outcome, `the second observer #${a.req} of ${a.cell} got ${a.outcome} instead of busy`)];
  }
  if (!r.mustBeBusy && a.outcome === "busy") {
    return [v("busy-second-observer", a.cell, "not busy (no other observer attached)", "busy", `#${a.req} of ${a.cell} got busy with no other observer attached`)];
  }
  return [];
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
  if (state.expected.includes(key)) return [];
  return [v("core-forwards-requests", a.cell, "no request nobody asked for", key, `Core sent ${key} without being asked`)];
}

const ACTION_INVARIANTS = [oneReplyPerRequest, oneTerminalOutcome, outcomeNeverLost, closedAtMostOnce, outcomeBeforeClose, busySecondObserver, coreForwardsRequests];

/** Run every single-action invariant on an emitted action, against the state before it. */
export function checkAction(state: ModelState, action: Action): Violation[] {
  if (!isEmit(action)) return [];
  const out: Violation[] = [];
  for (const inv of ACTION_INVARIANTS) for (const x of inv(state, action)) out.push(x);
  return out;
}

function isEmit(a: Action): a is EmitAction {
  return a.type.startsWith("coreSends") || a.type.startsWith("hostAnswers") || a.type === "hostSendsCellClosed";
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
  for (const cell of mustBeOpen(state)) {
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

/** (e) at quiescence, every ended cell has had exactly one cell_closed. */
export function closedWhenQuiescent(state: ModelState, quiescent: boolean): Violation[] {
  if (!quiescent) return [];
  const out: Violation[] = [];
  for (const c of state.cells.values()) {
    if (c.hostAnswer !== "created" || c.closedEmitted === 1) continue;
    const ended = c.outcome !== undefined || state.shutdown;
    if (ended) out.push(v("closed-exactly-once", c.cell, "1 cell_closed", `${c.closedEmitted}`, `${c.cell} ended (${c.outcome ?? "shutdown"}) and nothing is in flight, but cell_closed was sent ${c.closedEmitted} times`));
  }
  return out;
}

/** Core emitted every request it was asked for within the step. */
export function expectedEmitted(state: ModelState): Violation[] {
  return state.expected.map((key) => v("core-forwards-requests", undefined, key, "nothing", `Core was asked for ${key} but did not send it`));
}

/** All whole-step invariants, after the step's actions were applied. */
export function checkStep(state: ModelState, table: readonly GateRow[], quiescent: boolean): Violation[] {
  return [
    ...expectedEmitted(state),
    ...noGateLeak(state, table),
    ...noPrematureClose(state, table),
    ...noReopen(state, table),
    ...closedWhenQuiescent(state, quiescent),
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
    if (r.stage === "atHost" && !r.dropAtHost) {
      const cause = r.kind === "observe" ? "busy-second-observer" : "one-reply-per-request";
      out.push(v(cause, r.cell, `a reply to ${r.key}`, "none", `${r.key} of ${r.cell} reached the Host and was never answered${r.kind === "observe" ? " (displaced?)" : ""}`));
    }
  }
  for (const c of state.cells.values()) {
    if (c.hostAnswer === "created" && c.closedEmitted !== 1) {
      out.push(v("closed-exactly-once", c.cell, "1 cell_closed", `${c.closedEmitted}`, `${c.cell} ended the run with ${c.closedEmitted} cell_closed`));
    }
    // Every cell the session did not shut down has finished and been observed: its outcome must have left the Host.
    if (c.hostAnswer === "created" && c.ready && !state.shutdown && c.outcome === undefined) {
      out.push(v("outcome-never-lost", c.cell, `${c.cell}'s terminal outcome, read by the drain`, "never sent", `${c.cell} finished, but the end-of-run observations never got its outcome`));
    }
  }
  return out;
}

export { consumerActive };
export type { CellModel };
