/**
 * The shortest counterexample of each bundled variant, in commands (the end-of-run drain after
 * them is not counted), found by `exhaustive` (breadth-first) with no request bound and no
 * dedupe, 1 cell: the ground truth shrinking is judged against (test/exploration.test.ts
 * re-derives it, test/repro.test.ts and test/rule-audit.test.ts hold `check` to it).
 *
 * Measured for the model of protocol 2 (the turn waits or terminates only with the id its
 * initial reply gave; the drain completes JavaScript before it observes; a cell that ended on
 * its own cannot be reported terminated):
 * - no dedupe, no request bound, 1 cell: every variant (under 6 s each, 16 s for all);
 * - exact dedupe (snapshot), no request bound, 1, 2 and 3 cells: the same numbers, every variant
 *   (a second or third cell never makes a counterexample shorter);
 * - no dedupe, 2 cells: the same numbers for every variant whose minimum is at most 7;
 *   bug-busy-displaces-observer found nothing up to depth 9 in 90 s (agrees with 10); the
 *   deeper ones were not searched that way.
 * The suite re-derives every one with no dedupe (1 cell) and with exact dedupe (2 cells).
 */
export const MINIMUM: Readonly<Record<string, number>> = {
  "bug-close-before-ready": 4,
  "bug-cancelled-observation-marker": 6,
  "bug-close-before-rejected-delivery": 12,
  "bug-busy-displaces-observer": 10,
  "bug-double-close": 1,
  "bug-forget-on-yield": 6,
  "bug-lost-buffered-completion": 3,
  "bug-terminate-overrides-completion": 12,
  "bug-close-only-at-exit": 1,
  // The rule audit (one variant per checked rule; test/rule-audit.test.ts).
  "bug-missing-to-attached-observer": 7,
  "bug-completion-into-dropped-observer": 11,
  "bug-close-on-idle-yield": 3,
  "bug-no-close-on-exit": 3,
  "bug-reopen-on-wait": 1,
  "bug-terminate-answered-twice": 7,
  "bug-wait-without-gate": 1,
  "bug-guard-on-any-cancel": 10,
  "bug-close-on-abandoned-wait": 10,
  "bug-terminate-ignores-buffer": 10,
  "bug-busy-on-preserved-yield": 3,
  "bug-terminate-discards-completion": 10,
  // The gate judged by its effect on nested tool calls (dispatch-follows-gate).
  "bug-dispatch-recreates-gate": 6,
  "bug-dispatch-ignores-readiness": 3,
  "bug-dispatch-shadow-table": 7,
};

/** The variants whose minimum the suite re-derives with no dedupe and no request bound (1 cell). */
export const BRUTE_FORCE: readonly string[] = Object.keys(MINIMUM);
