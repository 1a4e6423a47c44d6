/**
 * An independent implementation of the protocol, written from the docs alone (test/fixtures/
 * independent/README.md), over stdio: the gate accepts its correct designs — which differ from
 * the reference wherever the contract allows — and rejects each of its faults by the rule the
 * fault breaks.
 */
import { describe, expect, it } from "vitest";
import type { InvariantName } from "../model/index.ts";
import { check } from "../properties/index.ts";
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

  const FAULTS: readonly (readonly [string, InvariantName])[] = [
    ["bug_abandoned_gate.py", "no-gate-leak"],
    ["bug_pass_after_close.py", "dispatch-follows-gate"],
    ["bug_no_close_buffered.py", "closed-exactly-once"],
    ["bug_close_before_outcome.py", "outcome-before-close"],
    ["bug_no_guard_holds_calls.py", "dispatch-follows-gate"],
  ];

  it.each(FAULTS)("%s is rejected by %s", (file, rule) => {
    const r = checkFile(file, 10_000);
    const f = r.counterexample?.failure;
    expect(f?.verdict).toBe("violation");
    expect(f?.verdict === "violation" ? f.violations.map((v) => v.invariant) : []).toContain(rule);
  });
});
