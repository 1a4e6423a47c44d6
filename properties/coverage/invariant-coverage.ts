/**
 * How often each invariant had something to judge. The model's invariants run on every action
 * and every step, but most of those calls are vacuous (outcome-before-close has nothing to say
 * about a `created` reply). A coverage report is only useful if it counts the non-vacuous ones,
 * so this file names, per invariant, the subject it judges, next to the model's check functions
 * in `model/invariants.ts` (which stay free of counters):
 *
 * - one-reply-per-request: every reply the Host emits (created, rejected, observe/terminate outcome);
 *   and at the end of a run, once.
 * - one-terminal-outcome: every `completed`/`terminated` reply.
 * - outcome-never-lost: every `missing`, `completed` or `terminated` reply.
 * - closed-exactly-once: every `cell_closed`; every quiescent step with an admitted cell that has
 *   ended; and at the end of a run, once.
 * - outcome-before-close: every terminal observe outcome for a cell whose `cell_closed` was sent.
 * - busy-second-observer: every observe outcome; and at the end of a run, once.
 * - core-forwards-requests: every request Core emits, and every input that asks Core for one.
 * - no-gate-leak: every step whose gate table is not empty; and at the end of a run, once.
 * - no-premature-close: every step with a cell that must have an open gate.
 * - no-reopen: every step with a cell whose entry went after close and readiness.
 * - dispatch-follows-gate: every dispatch decision Core emits; and at the end of a run, once.
 */
import { mustHoldOpen, type Action, type GateRow, type InvariantName, type ModelState } from "../../model/index.ts";

export const INVARIANT_NAMES: readonly InvariantName[] = [
  "no-gate-leak",
  "no-premature-close",
  "one-terminal-outcome",
  "outcome-never-lost",
  "closed-exactly-once",
  "outcome-before-close",
  "no-reopen",
  "busy-second-observer",
  "one-reply-per-request",
  "core-forwards-requests",
  "dispatch-follows-gate",
];

export type InvariantCounts = Record<InvariantName, number>;

/**
 * A run's invariant checks as a list, in INVARIANT_NAMES order (properties/run/counters.ts says
 * why a list): `checks[AT["no-gate-leak"]]` is how often no-gate-leak had something to judge.
 */
export type CheckCounts = number[];

/** Each invariant's place in a CheckCounts list. */
export const AT = Object.fromEntries(INVARIANT_NAMES.map((name, i) => [name, i])) as Readonly<Record<InvariantName, number>>;

/** A CheckCounts list from a record (a name the record lacks counts 0). */
export function checkListOf(record: Partial<InvariantCounts>): CheckCounts {
  return INVARIANT_NAMES.map((name) => record[name] ?? 0);
}

/** One more check of `name`. */
function tick(counts: CheckCounts, name: InvariantName): void {
  const i = AT[name];
  counts[i] = (counts[i] as number) + 1;
}

/** The record of a CheckCounts list (from its entry `at` on), for results and reports. */
export function checksOf(checks: ArrayLike<number>, at = 0): InvariantCounts {
  const out = zeroInvariantCounts();
  for (let i = 0; i < INVARIANT_NAMES.length; i++) out[INVARIANT_NAMES[i] as InvariantName] = checks[at + i] as number;
  return out;
}

export function zeroInvariantCounts(): InvariantCounts {
  return {
    "no-gate-leak": 0,
    "no-premature-close": 0,
    "one-terminal-outcome": 0,
    "outcome-never-lost": 0,
    "closed-exactly-once": 0,
    "outcome-before-close": 0,
    "no-reopen": 0,
    "busy-second-observer": 0,
    "one-reply-per-request": 0,
    "core-forwards-requests": 0,
    "dispatch-follows-gate": 0,
  };
}

/** Count the invariants one action gives something to judge (the state is the one before it). */
export function countActionSubjects(state: ModelState, a: Action, counts: CheckCounts): void {
  switch (a.type) {
    case "coreStartsCell":
    case "coreStartsObserve":
    case "coreCancelsObserve":
    case "coreRequestsTerminate":
    case "coreSendsCreate":
    case "coreSendsObserve":
    case "coreSendsDrop":
    case "coreSendsTerminate":
      tick(counts, "core-forwards-requests");
      return;
    case "hostAnswersCreate":
      tick(counts, "one-reply-per-request");
      return;
    case "hostAnswersObserve":
    case "hostAnswersTerminate": {
      tick(counts, "one-reply-per-request");
      const terminal = a.outcome === "completed" || a.outcome === "terminated";
      if (terminal) tick(counts, "one-terminal-outcome");
      if (terminal || a.outcome === "missing") tick(counts, "outcome-never-lost");
      if (a.type === "hostAnswersObserve") {
        tick(counts, "busy-second-observer");
        if (terminal && (state.cells.get(a.cell)?.closedEmitted ?? 0) > 0) tick(counts, "outcome-before-close");
      }
      return;
    }
    case "hostSendsCellClosed":
      tick(counts, "closed-exactly-once");
      return;
    case "coreDecidesDispatch":
      tick(counts, "dispatch-follows-gate");
      return;
    default:
      return;
  }
}

/** Count the whole-step invariants that had a subject after a step. */
export function countStepSubjects(state: ModelState, table: readonly GateRow[], quiescent: boolean, counts: CheckCounts): void {
  if (table.length > 0) tick(counts, "no-gate-leak");
  let open = false;
  let gone = false;
  let ended = false;
  for (const c of state.cells.values()) {
    if (mustHoldOpen(c)) open = true;
    if (c.goneAfterClose) gone = true;
    if (c.hostAnswer === "created" && (c.outcome !== undefined || state.shutdown)) ended = true;
  }
  if (open) tick(counts, "no-premature-close");
  if (gone) tick(counts, "no-reopen");
  if (quiescent && ended) tick(counts, "closed-exactly-once");
}

/** The end-of-run check judges the table, the unanswered requests and the closes once each. */
export function countFinalSubjects(counts: CheckCounts): void {
  tick(counts, "no-gate-leak");
  tick(counts, "one-reply-per-request");
  tick(counts, "busy-second-observer");
  tick(counts, "closed-exactly-once");
  tick(counts, "dispatch-follows-gate");
}
