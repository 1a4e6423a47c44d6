import type { ExhaustiveResult } from "../../properties/index.ts";

/**
 * What two exhaustive searches of the same space must agree on, whatever their threads or
 * checkpoints: everything but the clock, and the invariant-check counts only with `checks` (the
 * drains' memo, per worker or per depth bound, may take other steps).
 */
export function searchOutcome(r: ExhaustiveResult, checks = false): unknown {
  return {
    states: r.states,
    transitions: r.transitions,
    depth: r.depth,
    exhausted: r.exhausted,
    levels: r.levels.map((l) => [l.depth, l.states, l.transitions]),
    executed: r.executed,
    orderings: r.orderings,
    ...(checks ? { invariantChecks: r.invariantChecks } : {}),
    counterexample: r.counterexample === undefined ? undefined : { depth: r.counterexample.depth, labels: r.counterexample.labels, failure: r.counterexample.failure, inDrain: r.counterexample.inDrain },
  };
}
