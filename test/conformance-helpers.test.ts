/**
 * assertConforms and describeConformance run an implementation given in process in a worker
 * thread (its module), so that a step that loops is a timeout and never hangs the test.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { assertConforms, describeConformance } from "../properties/check/vitest.ts";
import { SetupError, stdioImplementation } from "../adapters/index.ts";
import { reference } from "../reference/index.ts";
import { PYTHON } from "./support/processes.ts";
import { removeScratch } from "./support/scratch.ts";

const HANG = new URL("./fixtures/ts/hang.ts", import.meta.url);

// A module whose step loops forever: the suite ends, with the timeout verdict it expects (assertConforms
// throws a ConformanceError naming any other verdict).
describeConformance(HANG, { expect: "timeout", runs: 20, maxCommands: 3, stepTimeoutMs: 300, timeout: 120_000 });

// A correct implementation whose first process sleeps 1 s on its first commit: it conforms, and the
// slow step is a warning in the test's annotations (checked after the file's tests, below).
const scratch = mkdtempSync(join(tmpdir(), "cellgate-helpers-"));
const SLOW = `PIDFILE=${join(scratch, "slow-first.pids")} ${PYTHON} -S test/fixtures/stdio/misbehave.py slow-first`;
describeConformance(() => stdioImplementation(SLOW, { stepTimeoutMs: 300 }), { name: "slow-first", runs: 30, maxCommands: 3, timeout: 120_000 });
afterAll(({}, file) => {
  removeScratch(scratch);
  const suite = file.tasks.find((t) => t.name === "cellgate conformance: slow-first");
  const test = suite?.type === "suite" ? suite.tasks[0] : undefined;
  const notes = test?.type === "test" ? test.annotations : [];
  expect(test?.result?.state).toBe("pass");
  expect(notes.map((a) => [a.type, a.message])).toEqual([["warning", expect.stringMatching(/^warning: slow, not hung: step \d+: no answer to the host step commit\(c1\) .*within 300 ms; .*under the 3 s retry limit, it answered/)]]);
});

describe("the conformance helpers", () => {
  it("load a named export (exportName), from a path or a URL", () => {
    expect(assertConforms("./test/fixtures/ts/wrapped-reference.ts", { runs: 50, exportName: "implementation" }).counterexample).toBeUndefined();
    expect(() => assertConforms(new URL("./fixtures/ts/wrapped-reference.ts", import.meta.url), { runs: 5, exportName: "gate" })).toThrow(/has no export "gate"/);
  });

  it("refuse an object on the test's thread unless asked for (inThread), with a one-line reason", () => {
    const mine = { name: "mine", summary: "the reference, wrapped", start: () => reference.start() };
    expect(() => assertConforms(mine, { runs: 5 })).toThrow(SetupError);
    expect(() => assertConforms(mine, { runs: 5 })).toThrow(/^mine is an object on the test's thread, where a step that never returns would hang the test: pass its module instead/);
    expect(assertConforms(mine, { runs: 50, inThread: true }).counterexample).toBeUndefined();
    // cellgate's own bundled implementations are known to return: they stay on the thread.
    expect(assertConforms(reference, { runs: 50 }).counterexample).toBeUndefined();
  });
});
