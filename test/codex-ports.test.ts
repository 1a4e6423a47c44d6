/**
 * The ports of the real openai/codex code (reference/codex/, docs/codex-ports.md), judged as they
 * are: each failing port fails with the review race it carries, found by `check` at that race's
 * breadth-first minimum, and the PR with both races fixed conforms.
 *
 * `minimum` is the shortest counterexample in commands (the end-of-run drain not counted), from
 * `npx cellgate exhaustive --impl NAME --cells 2 --depth 14` (snapshot dedupe, 2 requests per
 * cell); the test below re-derives it.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { InvariantName } from "../model/index.ts";
import { check, exhaustive } from "../properties/index.ts";
import { named } from "./support/play.ts";

interface Race {
  readonly rule: InvariantName;
  /** Its breadth-first minimum in this port. */
  readonly minimum: number;
}

const RACE_1: Race = { rule: "no-gate-leak", minimum: 4 }; // close before ready: readiness opens a fresh gate
const RACE_2: Race = { rule: "no-gate-leak", minimum: 6 }; // the guard removes the gate; cell_closed leaves a marker
const RACE_3: Race = { rule: "outcome-before-close", minimum: 9 }; // terminate claims the completion between commit and delivery
const BACKGROUND: Race = { rule: "closed-exactly-once", minimum: 3 }; // upstream: a buffered completion keeps its gate until someone reads it
const SHUTDOWN_BEFORE_READY: Race = { rule: "no-gate-leak", minimum: 4 }; // upstream: shutdown's cell_closed before readiness, readiness opens a gate

/** Each failing port, the races it carries (a check reports whichever it finds), the shortest first. */
const FAILING: Readonly<Record<string, readonly Race[]>> = {
  "codex-pre-marker": [RACE_1, RACE_3],
  "codex-pr-29310": [RACE_2, RACE_3],
  "codex-pr-29310-fix3": [RACE_2],
  "codex-pr-29310-fix2": [RACE_3],
  "codex-upstream": [BACKGROUND, SHUTDOWN_BEFORE_READY],
};

describe("the ports of openai/codex", () => {
  it.each(Object.entries(FAILING))("%s is caught for a race it carries, at that race's minimum, for 20 seeds", (name, races) => {
    const impl = named(name);
    const outcome = fc.check(
      fc.property(fc.integer({ min: 1, max: 1_000_000 }), (seed) => {
        const ce = check(impl, { seed }).counterexample;
        if (ce === undefined || ce.failure.verdict !== "violation") return false;
        const rule = ce.failure.violations[0]?.invariant;
        return races.some((r) => r.rule === rule && r.minimum === ce.commands.length);
      }),
      { numRuns: 20, seed: 2026 },
    );
    expect(outcome.failed, `seed ${String(outcome.counterexample)}`).toBe(false);
  });

  it.each(Object.entries(FAILING))("%s: the breadth-first search finds its shortest race at the same minimum", (name, races) => {
    const first = races[0] as Race;
    const r = exhaustive(named(name), { cells: 2, depth: first.minimum });
    expect(r.counterexample?.depth).toBe(first.minimum);
    expect(r.counterexample?.failure).toMatchObject({ verdict: "violation", violations: [{ invariant: first.rule }] });
  });

  it("codex-upstream's second fault, once the first is set aside: shutdown's cell_closed before readiness leaks the gate readiness opens", () => {
    const r = exhaustive(named("codex-upstream"), { cells: 1, depth: SHUTDOWN_BEFORE_READY.minimum, accept: (f) => f.verdict === "violation" && f.violations[0]?.invariant === SHUTDOWN_BEFORE_READY.rule });
    expect(r.counterexample?.depth).toBe(SHUTDOWN_BEFORE_READY.minimum);
    expect(r.counterexample?.labels).toContain("shutdown");
  });

  it("race 3 is in the PR's Host, and at the same minimum wherever that Host runs", () => {
    for (const name of ["codex-pre-marker", "codex-pr-29310", "codex-pr-29310-fix2"]) {
      const r = exhaustive(named(name), { cells: 1, depth: RACE_3.minimum, accept: (f) => f.verdict === "violation" && f.violations[0]?.invariant === RACE_3.rule });
      expect(r.counterexample?.depth, name).toBe(RACE_3.minimum);
    }
  });

  it("the PR with both review races fixed by their smallest changes conforms", () => {
    const impl = named("codex-pr-29310-fixed");
    const r1 = check(impl);
    expect(r1.counterexample?.failure).toBeUndefined();
    expect(r1.stats.runs).toBe(10_000);
    expect(check(impl, { cells: 2, seed: 7 }).counterexample?.failure).toBeUndefined();
    const r = exhaustive(impl, { cells: 2, depth: 12 });
    expect(r.counterexample).toBeUndefined();
  });
});
