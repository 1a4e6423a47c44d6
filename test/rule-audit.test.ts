/**
 * The rule audit: for every rule the model checks, one bundled variant that breaks that rule and
 * no other (a few lines overriding one method of the reference Host or Core; see
 * reference/variants/), and the proof that the default gate catches it with that rule and shrinks
 * it to its shortest counterexample.
 *
 * How the table was measured:
 * - `rule`: the only invariant in the counterexample's failure, for `check` on seeds 1..20 (and on
 *   the 20 seeds below); a breadth-first search that accepts only a failure of any *other*
 *   invariant (`exhaustive` with `accept`, 2 cells, 2 requests per cell, depth 12) found none;
 * - `minimum`: the shortest counterexample in commands (the end-of-run drain not counted), from
 *   `npx cellgate exhaustive --impl NAME` with 2 cells, no request bound and snapshot dedupe
 *   (depth 14, the setting of test/exploration.test.ts), confirmed by brute force: no dedupe and
 *   no request bound (`--dedupe off --requests unbounded`) with 1 cell for every variant and with
 *   2 cells for all but bug-terminate-ignores-buffer (not searched that way);
 * - `check` with its defaults (10,000 runs) shrinks every one of seeds 1..20 to exactly `minimum`.
 *
 * bug-terminate-ignores-buffer: since (c) knows a natural end, its shortest counterexample is the
 * guard's terminate (a cancelled initial observation) reaching a completion that was buffered and
 * closed: `terminated` for a cell that completed on its own, 10 commands with one request (no
 * dedupe and no request bound with 1 cell; snapshot dedupe with 2 and 3 cells).
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { INVARIANTS, type InvariantName } from "../model/index.ts";
import { check } from "../properties/index.ts";
import { named } from "./support/play.ts";

interface Audited {
  /** The invariant the variant breaks, and the only one its counterexample reports. */
  readonly rule: InvariantName;
  /** Its shortest counterexample, in commands (see above). */
  readonly minimum: number;
}

const RULE_AUDIT: Readonly<Record<string, Audited>> = {
  // (d) the termination path answers the attached observer missing instead of terminated
  "bug-missing-to-attached-observer": { rule: "outcome-never-lost", minimum: 7 },
  // (d) a completion delivered into an observation dropped meanwhile is not re-buffered
  "bug-completion-into-dropped-observer": { rule: "outcome-never-lost", minimum: 11 },
  // (e) cell_closed on a yield nobody observes, while the JavaScript still runs
  "bug-close-on-idle-yield": { rule: "closed-exactly-once", minimum: 3 },
  // (e) actor exit removes a terminated cell without cell_closed
  "bug-no-close-on-exit": { rule: "closed-exactly-once", minimum: 3 },
  // (g) a wait re-opens the gate cell_closed removed
  "bug-reopen-on-wait": { rule: "no-reopen", minimum: 1 },
  // a terminate of a terminating cell is answered already_terminating, then terminated
  "bug-terminate-answered-twice": { rule: "one-reply-per-request", minimum: 7 },
  // a wait on a cell whose gate is gone sends no observe (the consumer hangs)
  "bug-wait-without-gate": { rule: "core-forwards-requests", minimum: 1 },
  // the guard terminates the cell when any observation is cancelled, not only the initial one
  "bug-guard-on-any-cancel": { rule: "core-forwards-requests", minimum: 10 },
  // (b) a cancelled wait removes the gate of a cell that still runs
  "bug-close-on-abandoned-wait": { rule: "no-premature-close", minimum: 10 },
  // (c) terminate of a buffered completion answers terminated; the next wait gets completed
  "bug-terminate-ignores-buffer": { rule: "one-terminal-outcome", minimum: 10 },
  // (h) busy for an observation that finds only a preserved initial yield
  "bug-busy-on-preserved-yield": { rule: "busy-second-observer", minimum: 3 },
  // dispatch: readiness opens the gate without waking the tool calls held on it
  "bug-dispatch-ignores-readiness": { rule: "dispatch-follows-gate", minimum: 3 },
  // dispatch: the worker drops the gate on a yielded reply while the reported table says open
  "bug-dispatch-shadow-table": { rule: "dispatch-follows-gate", minimum: 7 },
};

describe("the rule audit: one variant per rule, caught by that rule alone", () => {
  it.each(Object.entries(RULE_AUDIT))("%s: caught for 20 seeds by its rule, shrunk to its minimum", (name, { rule, minimum }) => {
    const impl = named(name);
    const outcome = fc.check(
      fc.property(fc.integer({ min: 1, max: 1_000_000 }), (seed) => {
        const ce = check(impl, { seed }).counterexample;
        if (ce === undefined || ce.failure.verdict !== "violation") return false;
        return ce.failure.violations.every((v) => v.invariant === rule) && ce.commands.length === minimum && ce.minimality.proven;
      }),
      { numRuns: 20, seed: 2026 },
    );
    expect(outcome.failed, `seed ${String(outcome.counterexample)}`).toBe(false);
  });

  // The two rules no audit variant is needed for: a review bug breaks each of them alone.
  const ELSEWHERE: Readonly<Partial<Record<InvariantName, string>>> = {
    "no-gate-leak": "bug-close-before-ready",
    "outcome-before-close": "bug-close-before-rejected-delivery",
  };

  it("every checked rule has a variant that breaks it alone", () => {
    const rules = new Set([...Object.values(RULE_AUDIT).map((a) => a.rule), ...(Object.keys(ELSEWHERE) as InvariantName[])]);
    expect([...rules].sort()).toEqual(Object.keys(INVARIANTS).sort());
    for (const [rule, name] of Object.entries(ELSEWHERE)) {
      const ce = check(named(name), { seed: 1 }).counterexample;
      expect(ce?.failure.verdict === "violation" ? ce.failure.violations.map((v) => v.invariant) : ce?.failure.verdict, name).toEqual([rule]);
    }
  });
});
