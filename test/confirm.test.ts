/**
 * Confirming a counterexample compares what matters, not bytes: gate tables as sets, what a step
 * emits as a multiset (the order within a channel through the messages in flight), failure
 * messages with their numbers masked. A real difference is still nondeterminism.
 */
import { describe, expect, it } from "vitest";
import { check, firstDifference, maskNumbers, sameOutcome, type Failure, type ReplayResult, type StepRecord } from "../properties/index.ts";
import { cellId } from "../protocol/index.ts";
import noisyCrash from "./fixtures/ts/noisy-crash.ts";

const row = (cell: string, kind: "waiting" | "open" | "marker") => ({ cell: cellId(Number(cell.slice(1))), kind });

function step(table: StepRecord["table"], emitted: readonly string[] = [], inFlight: readonly string[] = []): StepRecord {
  return { step: 1, label: "create c1", party: "core", input: "exec_create(c1)", emitted, table, inFlight, drain: false };
}

function result(trace: StepRecord[], failure?: Failure): ReplayResult {
  return { failure, labels: [], commands: [], trace, steps: trace.length, run: undefined as never };
}

const crash = (message: string): Failure => ({ verdict: "crash", step: 3, message });

describe("confirming a counterexample", () => {
  it("takes gate-table rows in any order and a step's messages in any order across channels as the same", () => {
    const a = result([step([row("c1", "open"), row("c2", "waiting")], ["create_cell(c1)", "forget(c2)"], ["core→host: create_cell(c1)", "core:self: forget(c2)"])]);
    const b = result([step([row("c2", "waiting"), row("c1", "open")], ["forget(c2)", "create_cell(c1)"], ["core→host: create_cell(c1)", "core:self: forget(c2)"])]);
    expect(firstDifference(a, b)).toBeUndefined();
  });

  it("still reports a different table, different messages or a different order within a channel as nondeterminism", () => {
    const base = step([row("c1", "open")], ["observe(c1, #1)", "observe(c1, #2)"], ["core→host: observe(c1, #1)", "core→host: observe(c1, #2)"]);
    const variants = [
      step([row("c1", "marker")], base.emitted, base.inFlight),
      step(base.table, ["observe(c1, #1)"], ["core→host: observe(c1, #1)"]),
      step(base.table, base.emitted, ["core→host: observe(c1, #2)", "core→host: observe(c1, #1)"]),
    ];
    for (const v of variants) expect(firstDifference(result([base]), result([v]))?.verdict).toBe("nondeterminism");
  });

  it("masks numbers in failure messages (times, pids, byte counts), but not the verdict or the step", () => {
    expect(maskNumbers("a line of 1066156 bytes at 12:03:04.52")).toBe("a line of # bytes at #:#:#");
    expect(sameOutcome(crash("a line of 1066156 bytes (the limit is 1 MiB)"), crash("a line of 1073708 bytes (the limit is 1 MiB)"))).toBe(true);
    expect(sameOutcome(crash("exited with code 3"), crash("reported an error"))).toBe(false);
    expect(sameOutcome(crash("x"), { ...crash("x"), step: 4 })).toBe(false);
    expect(sameOutcome(crash("x"), { verdict: "timeout", step: 3, message: "x" })).toBe(false);
    expect(firstDifference(result([], crash("pid 4711 died")), result([], crash("pid 4712 died")))).toBeUndefined();
  });

  it("a crash whose message changes on every run is a crash, not nondeterminism", () => {
    const f = check(noisyCrash, { runs: 30, maxCommands: 10, seed: 1 }).counterexample?.failure;
    expect(f).toMatchObject({ verdict: "crash", message: expect.stringMatching(/^host threw: commit lock poisoned \(attempt \d+, \d+ bytes\)$/) });
  });
});
