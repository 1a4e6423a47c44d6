/**
 * Every verdict, made to fire by a purpose-built misbehaving implementation: one over stdio
 * (test/fixtures/stdio/misbehave.py) and one in TypeScript (test/fixtures/ts/), each through the
 * CLI, with its exit code, its line, its JSON report and its repro directory; and no process left
 * behind, also when the gate is interrupted.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { check, parseRepro, type Failure, type Verdict } from "../properties/index.ts";
import { stdioImplementation } from "../adapters/index.ts";
import tsCrash from "./fixtures/ts/crash.ts";
import { implementation as tsGarbage } from "./fixtures/ts/garbage.ts";
import tsUnknown from "./fixtures/ts/unknown-message.ts";
import tsNondeterministic from "./fixtures/ts/nondeterministic.ts";
import { cli } from "./support/cli.ts";
import { alive, pidsIn, PYTHON, readIfThere, until } from "./support/processes.ts";
import { removeScratch } from "./support/scratch.ts";

const scratch = mkdtempSync(join(tmpdir(), "cellgate-verdicts-"));
afterAll(() => removeScratch(scratch));

const FIXTURE = "test/fixtures/stdio/misbehave.py";
/** Python without site packages: starts in half the time, and the fixtures are restarted often. */
const PY = `${PYTHON} -S`;
const SMALL = ["--runs", "30", "--max-commands", "3", "--seed", "1"];
/** Only the hanging fixtures get a short step timeout; the others keep the default 2 s (a loaded machine is slow, not hung). */
const SHORT = ["--step-timeout", "0.3"];

interface Case {
  readonly name: string;
  readonly args?: readonly string[];
  readonly verdict: Exclude<Verdict, "conforms" | "violation">;
  readonly message: RegExp;
}

type Gated = Awaited<ReturnType<typeof gate>>;

/** Run `check` through the CLI with a JSON report and a repro directory; returns what they say. */
async function gate(name: string, implArgs: string[], extra: readonly string[] = []) {
  const dir = join(scratch, name.replace(/\W+/g, "-"));
  const json = join(dir, "report.json");
  const r = await cli("check", ...implArgs, ...SMALL, ...extra, "--out", dir, "--report", `json:${json}`);
  const report = JSON.parse(readFileSync(json, "utf8")) as {
    verdict: string;
    counterexample: { message: string; step: number } | null;
    stderr: { text: string; starts: number } | null;
  };
  // --out is the folder the repro directories go into: the check names the one it wrote.
  const reproDir = /^repro written to (.*)\/ \(/m.exec(r.stdout)?.[1] ?? dir;
  const repro = parseRepro(readFileSync(join(reproDir, "repro.json"), "utf8"));
  return { ...r, report, repro, dir: reproDir };
}

function expectVerdict(g: Gated, c: Case): void {
  expect(g.code, g.stdout + g.stderr).toBe(1);
  expect(g.stdout).toContain(`verdict: ${c.verdict} after`);
  expect(g.report.verdict).toBe(c.verdict);
  expect(g.report.counterexample?.message).toMatch(c.message);
  expect(g.repro.ok && g.repro.repro.failure.verdict).toBe(c.verdict);
}

describe("verdicts of an implementation over stdio (python fixtures)", () => {
  const cases: (Case & { mode: string; more?: (g: Gated) => Promise<void> })[] = [
    {
      mode: "exit",
      name: "exits",
      verdict: "crash",
      message: /the implementation exited with code 3 during the host step commit\(c1\)/,
      // Its stderr goes into the terminal output and the report; it was started again after each crash.
      more: async (g) => {
        expect(g.stdout).toContain("implementation stderr:\n  | giving up on commit");
        expect(g.report.stderr?.text).toBe("giving up on commit\n");
        expect(g.report.stderr?.starts).toBeGreaterThan(1);
      },
    },
    {
      mode: "raise",
      name: "raises (answers kind error)",
      verdict: "crash",
      message: /reported an error on the host step commit\(c1\): RuntimeError: commit lock poisoned/,
      // The repro names the command line; trusted, replay starts it again and sees the same crash.
      more: async (g) => {
        const r = await cli("replay", join(g.dir, "repro.json"), "--trust-source");
        expect(r.code).toBe(1);
        expect(r.stdout).toContain("still fails: the same crash at step");
      },
    },
    // A timeout is confirmed under the retry limit (10 × the step timeout) before it is a verdict.
    { mode: "hang", name: "hangs", args: SHORT, verdict: "timeout", message: /no answer to the host step commit\(c1\) and the gate_table request within 3 s; .*\(it had missed the 300 ms step timeout first: it hangs, it is not slow\)/ },
    { mode: "garbage", name: "writes a line that is not JSON", verdict: "protocol-error", message: /malformed JSON in the answer to the host step create_cell\(c1\): "this is not JSON"/ },
    { mode: "unknown-message", name: "emits an unknown message kind", verdict: "protocol-error", message: /host emitted an unknown message kind "cell_reopened"/ },
    { mode: "unknown-answer", name: "answers with an unknown kind", verdict: "protocol-error", message: /unknown answer kind "steps"/ },
    { mode: "wrong-field", name: "answers with a wrong field", verdict: "protocol-error", message: /has an unexpected field "msgs"/ },
    { mode: "wrong-id", name: "answers a request never asked", verdict: "protocol-error", message: /answered request id 11 while request 4 .* was open: an answer to a request never asked/ },
    { mode: "extra-line", name: "writes one line too many", verdict: "protocol-error", message: /answered request id 4 while request 5 \(the gate_table request\) was open/ },
    // Confirming replays run in fresh processes: they agree with each other, not with the search run.
    { mode: "nondeterministic", name: "keeps state across reset", verdict: "state-across-runs", message: /run 2 of these commands in one fresh process, after a run of them, ended differently from the first: the implementation keeps state across reset \(first run: create c1 -> \[create_cell\(c1\)\].*; run 2: create c1 -> \[\]/ },
    { mode: "alternate-process", name: "behaves differently in every other process", verdict: "nondeterminism", message: /replaying the same commands twice gave different outputs/ },
  ];

  it.each(cases)("$verdict when it $name, and every process it started is gone", async (c) => {
    const pidfile = join(scratch, `${c.mode}.pids`);
    const g = await gate(`stdio-${c.mode}`, ["--impl-cmd", `PIDFILE=${pidfile} ${PY} ${FIXTURE} ${c.mode}`], c.args);
    expectVerdict(g, c);
    const pids = pidsIn(pidfile);
    expect(pids.length).toBeGreaterThan(0);
    expect(pids.filter(alive)).toEqual([]);
    await c.more?.(g);
  });

  it("a step that is slow once is a warning, not a timeout: its run is retried in a fresh process under the retry limit", () => {
    const pidfile = join(scratch, "slow-once.pids");
    const impl = stdioImplementation(`PIDFILE=${pidfile} ${PY} ${FIXTURE} slow-once`, { stepTimeoutMs: 300 });
    try {
      const r = check(impl, { runs: 10, maxCommands: 3, seed: 1 });
      expect(r.counterexample).toBeUndefined();
      expect(r.slow).toHaveLength(1);
      expect(r.slow[0]).toMatchObject({ missed: expect.stringMatching(/^no answer to the host step commit\(c1\) .*within 300 ms/), limitMs: 300, retryMs: 3000 });
    } finally {
      impl.dispose();
    }
  });

  it("kills the whole process group: a grandchild that outlives end of input is gone too", () => {
    const pidfile = join(scratch, "grandchild.pids");
    const impl = stdioImplementation(`PIDFILE=${pidfile} ${PY} ${FIXTURE} grandchild`);
    expect(check(impl, { runs: 5, seed: 1 }).counterexample).toBeUndefined();
    const pids = pidsIn(pidfile);
    expect(pids.filter(alive)).toHaveLength(2);
    impl.dispose();
    expect(pids.filter(alive)).toEqual([]);
  });

  it.each([
    ["unknown-protocol", /speaks protocol version 3; this cellgate speaks versions 1 and 2$/m],
    ["no-hello", /no handshake: the implementation exited with code 1 during hello \(stderr: missing configuration file\)/],
  ])("refuses an implementation that cannot start (%s) with one line and exit 2", async (mode, line) => {
    const r = await cli("check", "--impl-cmd", `${PY} ${FIXTURE} ${mode}`);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(line);
    expect(r.stderr.split("\n")).toHaveLength(1);
  });
});

describe("verdicts of a TypeScript implementation (--impl PATH, in a worker thread)", () => {
  const cases: (Case & { file: string })[] = [
    { file: "crash", name: "throws", verdict: "crash", message: /reported an error on the host step commit\(c1\): Error: commit lock poisoned/ },
    { file: "exit", name: "calls process.exit", verdict: "crash", message: /the implementation called process\.exit\(3\) during the host step commit/ },
    { file: "hang", name: "never returns", args: SHORT, verdict: "timeout", message: /no answer to the host step commit\(c1\) .* within 3 s; .*it hangs, it is not slow/ },
    { file: "garbage", name: "returns something that is not a list", verdict: "protocol-error", message: /has "messages" "\\"created c1, probably\\"", not a list/ },
    { file: "unknown-message", name: "emits an unknown message kind", verdict: "protocol-error", message: /host emitted an unknown message kind "cell_reopened"/ },
    { file: "nondeterministic", name: "keeps state across runs", verdict: "state-across-runs", message: /the implementation keeps state across reset/ },
  ];

  it.each(cases)("$verdict when it $name", async (c) => {
    expectVerdict(await gate(`ts-${c.file}`, ["--impl", `./test/fixtures/ts/${c.file}.ts`], c.args), c);
  });

  it("refuses a module without an Implementation with one line and exit 2", async () => {
    const r = await cli("check", "--impl", "./test/fixtures/ts/not-an-implementation.ts");
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`cellgate check: ./test/fixtures/ts/not-an-implementation.ts: its "implementation" export is not an Implementation: "summary" must be a string`);
    expect((await cli("check", "--impl", "./no/such/module.ts")).stderr).toBe("cellgate check: --impl ./no/such/module.ts: no such file");
  });
});

describe("verdicts of an implementation on the harness thread (the check API)", () => {
  const verdictOf = (f: Failure | undefined) => f?.verdict;
  it("a party that throws is a crash, garbage and unknown kinds are protocol errors, state kept across runs is nondeterminism", () => {
    const run = (impl: Parameters<typeof check>[0]) => check(impl, { runs: 30, maxCommands: 10, seed: 1 }).counterexample?.failure;
    expect(run(tsCrash)).toMatchObject({ verdict: "crash", message: "host threw: commit lock poisoned" });
    expect(run(tsGarbage)).toMatchObject({ verdict: "protocol-error", message: 'host returned "created c1, probably" instead of a list of messages' });
    expect(run(tsUnknown)).toMatchObject({ verdict: "protocol-error", message: 'host emitted an unknown message kind "cell_reopened"' });
    const nd = run(tsNondeterministic);
    expect(verdictOf(nd)).toBe("nondeterminism");
    expect(nd).toMatchObject({ first: expect.stringContaining("table ["), second: expect.stringContaining("table [") });
  });
});

describe("the budget", () => {
  it("stops a long check early; without a failure that is a pass that says how many runs were done (exit 0)", async () => {
    const json = join(scratch, "budget.json");
    const r = await cli("check", "--impl-cmd", `${PYTHON} examples/python/cellgate_impl.py`, "--runs", "100000", "--budget", "1", "--min-runs", "1", "--report", `json:${json}`);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/verdict: conforms \(\d+ of 100000 runs \(the 1 s time limit ran out; 1 needed \(--min-runs\): a fault failing 1 run in \d+ or more would have shown with 95% confidence\), no invariant violated\)/);
    const report = JSON.parse(readFileSync(json, "utf8")) as { runs: number; runsRequested: number; budget: { seconds: number; exhausted: boolean } };
    expect(report.budget).toMatchObject({ seconds: 1, exhausted: true });
    expect(report.runs).toBeGreaterThan(0);
    expect(report.runs).toBeLessThan(report.runsRequested);
  });

  it("a budget that ends before the first run is done checked nothing: exit 2", async () => {
    // Every step takes 50 ms, so no run can be done within the 1 ms budget, however idle the machine.
    const r = await cli("check", "--impl-cmd", `${PY} ${FIXTURE} slow`, "--budget", "0.001");
    expect(r.code).toBe(2);
    expect(r.stderr).toBe("cellgate check: inconclusive: the time limit ran out before the first run was done; nothing was checked (raise --time or lower --min-runs)");
  });

  it("a time limit that ends below the --min-runs floor (default 100) is no pass: exit 2", async () => {
    // 50 ms a step: 100 runs cannot be done within 2 s, however idle the machine; a few can.
    const r = await cli("check", "--impl-cmd", `${PY} ${FIXTURE} slow`, "--time", "2", "--max-commands", "5");
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^cellgate check: inconclusive: the time limit ran out (after \d+ of the 100 runs a pass needs \(--min-runs\); this is no pass|before the first run was done; nothing was checked) \(raise --time or lower --min-runs\)$/);
  });
});

describe("interrupting the gate", () => {
  it.concurrent.each([
    ["SIGINT", 130],
    ["SIGTERM", 143],
  ] as const)("%s while a step hangs: the implementation is killed and reaped, exit %i", async (signal, code) => {
    const pidfile = join(scratch, `${signal}.pids`);
    const gate = spawn(process.execPath, ["cli/bin.mjs", "check", "--impl-cmd", `PIDFILE=${pidfile} ${PY} ${FIXTURE} hang`, "--step-timeout", "60"], { stdio: ["ignore", "pipe", "pipe"] });
    let stderr = "";
    gate.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<number | null>((resolve) => gate.on("exit", (c) => resolve(c)));
    // The fixture notes "hang" in its pid file when it starts spinning: the gate is then blocked in that step.
    expect(await until(() => readIfThere(pidfile).includes("hang"), 20_000)).toBe(true);
    const [pid] = pidsIn(pidfile);
    gate.kill(signal);
    expect(await exited).toBe(code);
    // The pid named is the process group's leader (the shell that runs the command line).
    // What was checked before the signal, then the signal itself (the last line).
    expect(stderr).toMatch(/^cellgate check: interrupted after \d+\.\d s: \d+ of 10000 runs done, \d+ steps, \d+ failing runs? \(stdio-hang, seed 1\)\ncellgate check: was [a-z0-9 ]+;/);
    expect(stderr).toMatch(new RegExp(`\ncellgate: interrupted by ${signal}; stopped the implementation \\(pid \\d+\\)\n$`));
    expect(alive(pid as number)).toBe(false);
  });
});
