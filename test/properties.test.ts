import { fc, test } from "@fast-check/vitest";
import { describe, expect, it } from "vitest";
import type { Implementation, Message } from "../protocol/index.ts";
import { CORRECT, reference, VARIANTS } from "../reference/index.ts";
import { check, commandsArbitrary, conformanceProperty, formatCommandList, HarnessRun, replay } from "../properties/index.ts";

describe("the conformance property", () => {
  test.prop([commandsArbitrary()], { numRuns: 300 })("holds for the reference with 3 cells", (cmds) => {
    expect(conformanceProperty(reference, 3)(cmds)).toBe(true);
  });

  test.prop([commandsArbitrary({ maxCommands: 30 })], { numRuns: 200 })("holds for the reference with 1 cell", (cmds) => {
    expect(conformanceProperty(reference, 1)(cmds)).toBe(true);
  });

  it.each(CORRECT.map((c) => [c.name, c] as const))("holds for the correct design %s (another table layout passes too)", (_name, impl) => {
    expect(check(impl, { runs: 3000, seed: 11 }).counterexample).toBeUndefined();
  });

  it("is deterministic: the same seed gives the same counts and counterexample", () => {
    const a = check(VARIANTS[0] as Implementation, { runs: 200, seed: 7 });
    const b = check(VARIANTS[0] as Implementation, { runs: 200, seed: 7 });
    expect({ ...a.stats }).toEqual({ ...b.stats });
    expect(a.counterexample?.labels).toEqual(b.counterexample?.labels);
  });

  it("reaches every named rare ordering in a default-sized check of the reference", () => {
    const r = check(reference, { runs: 1000, seed: 1 });
    expect(r.counterexample).toBeUndefined();
    for (const [ordering, hits] of Object.entries(r.stats.orderings)) expect(hits, ordering).toBeGreaterThan(0);
  });

  it.each(VARIANTS.map((v) => [v.name, v] as const))("catches %s", (_name, impl) => {
    const r = check(impl, { runs: 1000, seed: 3 });
    expect(r.counterexample).toBeDefined();
    expect(r.counterexample?.failure.verdict).toBe("violation");
    // The shrunk list replays to the same failure at the same step.
    const again = replay(impl, r.counterexample?.commands ?? []);
    expect(again.failure).toEqual(r.counterexample?.failure);
  });
});

/** The reference with one party swapped for a misbehaving one. */
function misbehaving(name: string, host: (input: never, real: Message[]) => unknown, table?: () => unknown): Implementation {
  return {
    name,
    summary: "test double",
    start() {
      const inner = reference.start();
      return {
        host: (input) => host(input as never, [...inner.host(input)]) as Message[],
        core: (input) => inner.core(input),
        gateTable: () => (table === undefined ? inner.gateTable() : (table() as never)),
      };
    },
  };
}

describe("a harness run", () => {
  it("resolves a command against the run as it is when it runs, not as it was when it was last checked", () => {
    const run = new HarnessRun(reference, { cells: 1, record: true });
    const deliver = { kind: "deliver", index: 0 } as const;
    run.apply({ kind: "create" });
    expect(run.canApply(deliver)).toBe(true);
    expect(run.apply(deliver)).toBe(true);
    expect(run.canApply(deliver)).toBe(true);
    expect(run.apply(deliver)).toBe(true);
    expect(run.trace?.map((s) => s.label)).toEqual(["create c1", "deliver core→host create_cell(c1)", "deliver host→core created(c1)"]);
  });
});

describe("a Host that never gives up the initial yield", () => {
  it("is caught: the end-of-run observations never get the completion", () => {
    // Every observation of a completed cell is answered with the preserved initial yield, forever.
    const impl = misbehaving("yields-forever", (input: { type: string; cell?: string; req?: number }, out) =>
      out.map((m) => (m.type === "observe_outcome" && m.outcome === "completed" && input.type === "observe" ? { ...m, outcome: "yielded" as const } : m)),
    );
    const r = check(impl, { runs: 500, seed: 1 });
    expect(r.counterexample?.failure).toMatchObject({ verdict: "violation", violations: [{ invariant: "outcome-never-lost" }] });
  });
});

describe("verdicts other than violation", () => {
  it("a party that throws is a crash", () => {
    const impl = misbehaving("throws", (input: { type: string }, out) => {
      if (input.type === "commit") throw new Error("boom");
      return out;
    });
    const r = check(impl, { runs: 500, seed: 1 });
    expect(r.counterexample?.failure).toMatchObject({ verdict: "crash", message: "host threw: boom" });
  });

  it("an unknown message kind is a protocol error", () => {
    const impl = misbehaving("garbage", (input: { type: string }, out) => (input.type === "create_cell" ? [...out, { type: "hello" }] : out));
    const r = check(impl, { runs: 50, seed: 1 });
    expect(r.counterexample?.failure).toMatchObject({ verdict: "protocol-error", message: 'host emitted an unknown message kind "hello"' });
    // One command: the end-of-run drain delivers create_cell, and the Host's answer is rejected.
    const ce = r.counterexample;
    expect(formatCommandList(ce?.labels ?? [], ce?.replay.trace ?? [], ce?.failure)).toEqual([
      "  1. create c1",
      "     then the end-of-run drain:",
      "       2. deliver core→host create_cell(c1)   <-- fails here",
    ]);
  });

  it("a message only the other party may send is a protocol error", () => {
    const impl = misbehaving("wrong-party", (input: { type: string; cell?: string }, out) => (input.type === "create_cell" ? [...out, { type: "forget", cell: input.cell }] : out));
    expect(check(impl, { runs: 50, seed: 1 }).counterexample?.failure).toMatchObject({ verdict: "protocol-error" });
  });

  it("a malformed gate table is a protocol error", () => {
    const impl = misbehaving("bad-table", (_i, out) => out, () => [{ cell: "c1", kind: "ajar" }]);
    expect(check(impl, { runs: 50, seed: 1 }).counterexample?.failure).toMatchObject({ verdict: "protocol-error" });
  });
});

export { fc };
