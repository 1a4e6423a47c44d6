/**
 * An independent implementation of the protocol, written from the docs alone (test/fixtures/
 * independent/README.md), over stdio: the gate accepts its correct designs — which differ from
 * the reference wherever the contract allows — and rejects each of its faults by the rule the
 * fault breaks.
 */
import { describe, expect, it } from "vitest";
import type { InvariantName } from "../model/index.ts";
import { check, exhaustive } from "../properties/index.ts";
import { stdioImplementation } from "../adapters/index.ts";

const DIR = "test/fixtures/independent";

function checkFile(file: string, runs: number): ReturnType<typeof check> {
  const impl = stdioImplementation(`python3 ${DIR}/${file}`);
  try {
    return check(impl, { runs, seed: 1 });
  } finally {
    impl.dispose?.();
  }
}

describe("an independent implementation, written from the docs", () => {
  it.each(["gate_impl.py", "alt_no_drop.py", "alt_ungate_at_terminate.py", "alt_forget_after_drop.py"])("%s conforms", (file) => {
    const r = checkFile(file, 1500);
    expect(r.counterexample?.failure).toBeUndefined();
    expect(r.stats.runs).toBe(1500);
    expect(r.stats.executed.tool).toBeGreaterThan(0);
  });

  // Each fault, the rule it breaks, and its shortest counterexample in commands: the breadth-first
  // search with no dedupe and no request bound (exact for a black box), 1 cell; 2 cells give the same
  // numbers for bug_abandoned_gate, bug_pass_after_close and bug_no_guard_holds_calls.
  const FAULTS: readonly (readonly [string, InvariantName, number])[] = [
    ["bug_abandoned_gate.py", "no-gate-leak", 5],
    ["bug_pass_after_close.py", "dispatch-follows-gate", 6],
    ["bug_no_close_buffered.py", "closed-exactly-once", 3],
    ["bug_close_before_outcome.py", "outcome-before-close", 1],
    ["bug_no_guard_holds_calls.py", "dispatch-follows-gate", 4],
  ];

  it.each(FAULTS)("%s is rejected by %s, shrunk to its proven minimum of %i commands", (file, rule, minimum) => {
    const r = checkFile(file, 10_000);
    const f = r.counterexample?.failure;
    expect(f?.verdict).toBe("violation");
    expect(f?.verdict === "violation" ? f.violations.map((v) => v.invariant) : []).toContain(rule);
    expect(r.counterexample?.commands.length).toBe(minimum);
    expect(r.counterexample?.minimality).toMatchObject({ proven: true, dedupe: "inputs", cells: 1, searched: minimum - 1 });
  });

  // The minima above, re-derived: the exact search finds the rule's failure at that depth and no sooner.
  it.each(FAULTS)("%s: the exact search's shortest %s is %i commands", (file, rule, minimum) => {
    const impl = stdioImplementation(`python3 ${DIR}/${file}`);
    try {
      const r = exhaustive(impl, { cells: 1, depth: minimum, requests: Number.POSITIVE_INFINITY, accept: (f) => f.verdict === "violation" && f.violations[0]?.invariant === rule });
      expect(r.dedupe).toBe("off");
      expect(r.counterexample?.depth).toBe(minimum);
    } finally {
      impl.dispose?.();
    }
  });
});
