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
import { mustBeOpen, type Action, type GateRow, type InvariantName, type ModelState } from "../../model/index.ts";

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
export function countActionSubjects(state: ModelState, a: Action, counts: InvariantCounts): void {
  switch (a.type) {
    case "coreStartsCell":
    case "coreStartsObserve":
    case "coreCancelsObserve":
    case "coreRequestsTerminate":
    case "coreSendsCreate":
    case "coreSendsObserve":
    case "coreSendsDrop":
    case "coreSendsTerminate":
      counts["core-forwards-requests"]++;
      return;
    case "hostAnswersCreate":
      counts["one-reply-per-request"]++;
      return;
    case "hostAnswersObserve":
    case "hostAnswersTerminate": {
      counts["one-reply-per-request"]++;
      const terminal = a.outcome === "completed" || a.outcome === "terminated";
      if (terminal) counts["one-terminal-outcome"]++;
      if (terminal || a.outcome === "missing") counts["outcome-never-lost"]++;
      if (a.type === "hostAnswersObserve") {
        counts["busy-second-observer"]++;
        if (terminal && (state.cells.get(a.cell)?.closedEmitted ?? 0) > 0) counts["outcome-before-close"]++;
      }
      return;
    }
    case "hostSendsCellClosed":
      counts["closed-exactly-once"]++;
      return;
    case "coreDecidesDispatch":
      counts["dispatch-follows-gate"]++;
      return;
    default:
      return;
  }
}

/** Count the whole-step invariants that had a subject after a step. */
export function countStepSubjects(state: ModelState, table: readonly GateRow[], quiescent: boolean, counts: InvariantCounts): void {
  if (table.length > 0) counts["no-gate-leak"]++;
  if (mustBeOpen(state).size > 0) counts["no-premature-close"]++;
  let gone = false;
  let ended = false;
  for (const c of state.cells.values()) {
    if (c.goneAfterClose) gone = true;
    if (c.hostAnswer === "created" && (c.outcome !== undefined || state.shutdown)) ended = true;
  }
  if (gone) counts["no-reopen"]++;
  if (quiescent && ended) counts["closed-exactly-once"]++;
}

/** The end-of-run check judges the table, the unanswered requests and the closes once each. */
export function countFinalSubjects(counts: InvariantCounts): void {
  counts["no-gate-leak"]++;
  counts["one-reply-per-request"]++;
  counts["busy-second-observer"]++;
  counts["closed-exactly-once"]++;
  counts["dispatch-follows-gate"]++;
}
