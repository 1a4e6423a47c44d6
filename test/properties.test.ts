import { fc, test } from "@fast-check/vitest";
import { describe, expect, it } from "vitest";
import type { Implementation, Message } from "../protocol/index.ts";
import { CORRECT, reference, VARIANTS } from "../reference/index.ts";
import { check, commandsArbitrary, commandsFromScript, conformanceProperty, formatCommandList, HarnessRun, replay } from "../properties/index.ts";

const admitted = ["create c1", "deliver core→host create_cell(c1)", "deliver host→core created(c1)", "ready c1"];
/** ... and the initial observation answered and read: the turn has c1's id. */
const known = [...admitted, "observe c1 (#1)", "deliver core→host observe(c1, #1)", "yield c1", "deliver host→core observe_outcome(c1, #1, yielded)"];

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

  it("a gate table that lists a cell twice is a protocol error", () => {
    const impl = misbehaving("twice-table", (_i, out) => out, () => [{ cell: "c2", kind: "open" }, { cell: "c1", kind: "open" }, { cell: "c2", kind: "waiting" }]);
    expect(check(impl, { runs: 50, seed: 1 }).counterexample?.failure).toMatchObject({ verdict: "protocol-error", message: "gate table lists c2 twice" });
  });
});

/** The reference (protocol 2) with its Core's output rewritten. */
function coreRewritten(name: string, core: (input: { type: string; cell: string; req?: number; outcome?: string }, real: Message[]) => Message[]): Implementation {
  return {
    name,
    summary: "test double",
    protocol: 2,
    start() {
      const inner = reference.start();
      return { ...inner, core: (input) => core(input as never, [...inner.core(input)]) };
    },
  };
}

describe("what Core may leave out or add, judged by what follows", () => {
  it("the drop of a cancelled observation and the guard's terminate are optional: a Core that sends neither is not told it forgot them", () => {
    const silent = coreRewritten("silent-cancel", (input, out) => (input.type === "cancel_observe" ? [] : out));
    const r = replay(silent, commandsFromScript(silent, [...admitted, "observe c1 (#1)", "observe-cancel c1 (#1)"]));
    expect(r.trace.find((s) => s.label === "observe-cancel c1 (#1)")?.emitted).toEqual([]);
    expect(r.failure).toBeUndefined();
    expect(check(silent, { runs: 1000, seed: 5 }).counterexample).toBeUndefined();
  });

  it("Core forgetting a cell after it read a terminal reply to a cancelled observation is no premature close", () => {
    const eager = coreRewritten("forgets-on-any-terminal-reply", (input, out) =>
      input.type === "observe_outcome" && (input.outcome === "completed" || input.outcome === "terminated") && !out.some((m) => m.type === "forget") ? [...out, { type: "forget", cell: input.cell } as Message] : out,
    );
    const script = [...known, "observe c1 (#2)", "deliver core→host observe(c1, #2)", "observe-cancel c1 (#2)", "complete c1", "deliver host:c1 commit(c1)", "deliver host:c1 deliver_completion(c1)", "deliver host→core observe_outcome(c1, #2, completed)", "deliver core:self forget(c1)"];
    const r = replay(eager, commandsFromScript(eager, script), { drain: false });
    expect(r.failure).toBeUndefined();
    // the reference keeps the gate until cell_closed; this Core drops it on the reply
    expect(r.trace.find((s) => s.label === "deliver host→core observe_outcome(c1, #2, completed)")?.emitted).toEqual(["forget(c1)"]);
    expect(r.trace.at(-1)?.table).toEqual([]);
    expect(check(eager, { runs: 1000, seed: 5 }).counterexample).toBeUndefined();
  });
});

describe("the Host's report of attached observers (protocol 2)", () => {
  /** The reference whose Host reports, besides its own observers, what `extra` says. */
  function reporting(extra: (asked: readonly number[], answered: readonly number[]) => { cell: string; req: number }[], protocol: 1 | 2 = 2): Implementation {
    return {
      name: "lying-observers",
      summary: "test double",
      protocol,
      start() {
        const inner = reference.start();
        const asked: number[] = [];
        const answered: number[] = [];
        return {
          ...inner,
          core: (input) => {
            if (input.type === "wait_observe") asked.push(input.req);
            return inner.core(input);
          },
          host: (input) => {
            const out = inner.host(input);
            for (const m of out) if (m.type === "observe_outcome") answered.push(m.req);
            return out;
          },
          observers: () => [...(inner.observers?.() ?? []), ...(extra(asked, answered) as never[])],
        };
      },
    };
  }
  const run = (impl: Implementation, script: string[]) => replay(impl, commandsFromScript(impl, script), { drain: false });

  it("an observation reported attached before the Host received it is a protocol error", () => {
    const early = reporting((asked) => asked.map((req) => ({ cell: "c1", req })));
    const r = run(early, [...admitted, "observe c1 (#1)", "deliver core→host observe(c1, #1)"]);
    expect(r.failure).toEqual({ verdict: "protocol-error", step: 5, message: "the Host reports c1 #1 attached, but that observation is not yet received" });
  });

  it("an observation nobody asked for, one of another cell, one already answered, or one reported twice is a protocol error", () => {
    const phantom = run(reporting(() => [{ cell: "c1", req: 9 }]), ["create c1"]);
    expect(phantom.failure).toMatchObject({ verdict: "protocol-error", step: 1, message: expect.stringContaining("which is no observation of that cell") });
    const otherCell = run(reporting((asked) => asked.map((req) => ({ cell: "c2", req }))), [...admitted, "observe c1 (#1)"]);
    expect(otherCell.failure).toMatchObject({ verdict: "protocol-error", step: 5, message: expect.stringContaining("which is no observation of that cell") });
    const stale = run(reporting((_asked, answered) => answered.map((req) => ({ cell: "c1", req }))), [...admitted, "observe c1 (#1)", "deliver core→host observe(c1, #1)", "yield c1"]);
    expect(stale.failure).toEqual({ verdict: "protocol-error", step: 7, message: "the Host reports c1 #1 attached, but that observation is already answered" });
    const doubled = reporting(() => []);
    const d = run({ ...doubled, start: () => { const i = doubled.start(); return { ...i, observers: () => [...(i.observers?.() ?? []), ...(i.observers?.() ?? [])] }; } }, [...admitted, "observe c1 (#1)", "deliver core→host observe(c1, #1)"]);
    expect(d.failure).toEqual({ verdict: "protocol-error", step: 6, message: "the Host reports c1 #1 attached twice" });
  });

  it("a version 1 implementation's observers() is not read: attached is derived", () => {
    const r = run(reporting((asked) => asked.map((req) => ({ cell: "c1", req })), 1), [...admitted, "observe c1 (#1)", "deliver core→host observe(c1, #1)"]);
    expect(r.failure).toBeUndefined();
    expect(r.run.state.requests.get("observe:1")?.attached).toBe(true);
  });

  it("a queued observation the Host reports unattached may be told missing once the cell is shut down; an attached one may not", () => {
    // A Host that, after shutdown, answers a waiting observer missing instead of terminated.
    const lazy = (report: boolean): Implementation => ({
      name: "missing-after-shutdown",
      summary: "test double",
      protocol: report ? 2 : 1,
      start() {
        const inner = reference.start();
        return {
          ...inner,
          observers: report ? () => [] : undefined,
          host: (input) => inner.host(input).map((m) => (m.type === "observe_outcome" && m.outcome === "terminated" ? { ...m, outcome: "missing" as const } : m)),
        };
      },
    });
    const script = [...known, "observe c1 (#2)", "deliver core→host observe(c1, #2)", "shutdown", "deliver host:c1 actor_exit(c1)"];
    expect(run(lazy(true), script).failure).toBeUndefined();
    expect(run(lazy(false), script).failure).toMatchObject({ verdict: "violation", step: 12, violations: [{ invariant: "outcome-never-lost", message: "c1's attached observer #2 was answered missing instead of the cell's outcome" }] });
  });

  it("a dispatch message from an implementation that does not offer dispatch is a protocol error", () => {
    const chatty: Implementation = {
      name: "undeclared-dispatch",
      summary: "test double: its Host sends a tool call on a yield without offering dispatch",
      protocol: 2,
      start() {
        const inner = reference.start();
        return { ...inner, host: (input) => (input.type === "js_yield" ? [{ type: "invoke_tool", cell: input.cell, req: 1 }] : inner.host(input)) };
      },
    };
    const r = run(chatty, ["create c1", "deliver core→host create_cell(c1)", "deliver host→core created(c1)", "ready c1", "observe c1 (#1)", "yield c1"]);
    expect(r.failure).toMatchObject({ verdict: "protocol-error", message: "host emitted invoke_tool, but the implementation does not offer dispatch (nested tool calls)" });
  });
});

export { fc };
