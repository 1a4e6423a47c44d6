/**
 * Timing is never a verdict on its own, and starting is not a step. A step that misses the step
 * timeout is re-run in a fresh process under ten times the limit: slow is a warning (a timeout
 * with --strict-time), only a hang is a timeout. An implementation that cannot be started within
 * --start-timeout is a harness error (exit 2, one line), never a verdict. A crash on reset is a
 * crash. The fixtures are slow or broken in a way that depends on which process they are (a
 * count kept next to $PIDFILE), never on how loaded the machine is.
 */
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { check, StartFailure } from "../properties/index.ts";
import { stdioImplementation } from "../adapters/index.ts";
import { cli } from "./support/cli.ts";
import { PYTHON } from "./support/processes.ts";
import { removeScratch } from "./support/scratch.ts";

const scratch = mkdtempSync(join(tmpdir(), "cellgate-timing-"));
afterAll(() => removeScratch(scratch));

const FIXTURE = `${PYTHON} -S test/fixtures/stdio/misbehave.py`;
const SMALL = ["--runs", "30", "--max-commands", "3", "--seed", "1"];
let n = 0;
/** The fixture in `mode` with a pid file of its own (fresh process count). */
const fixture = (mode: string): string => `PIDFILE=${join(scratch, `${mode}-${++n}.pids`)} ${FIXTURE} ${mode}`;

describe("a step that misses the step timeout", () => {
  it("is slow, not hung, when its retry answers: a warning with the times, exit 0", async () => {
    const json = join(scratch, "slow.json");
    const r = await cli("check", "--impl-cmd", fixture("slow-first"), ...SMALL, "--step-timeout", "0.3", "--report", `json:${json}`, "--report", `md:${json}.md`, "--report", `junit:${json}.xml`);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(readFileSync(`${json}.md`, "utf8")).toMatch(/### Slow, not hung \(\d+\)[^]*warning: slow, not hung: step \d+: no answer/);
    expect(readFileSync(`${json}.xml`, "utf8")).toMatch(/<property name="slowSteps" value="[1-9]\d*"\/>[^]*<system-out>warning: slow, not hung: step/);
    expect(JSON.parse(readFileSync(json, "utf8"))).toMatchObject({ verdict: "conforms", slow: expect.arrayContaining([expect.objectContaining({ stepTimeoutMs: 300, retryMs: 3000, missed: expect.stringContaining("within 300 ms") })]) });
    expect(r.stdout).toMatch(
      /^warning: slow, not hung: step \d+: no answer to the host step commit\(c1\) and the gate_table request within 300 ms; the implementation was stopped; run again in a fresh process under the 3 s retry limit, it answered \(slowest: .*, \d+ ms\)$/m,
    );
    expect(r.stdout).toContain("verdict: conforms (30 runs, no invariant violated)");
  });

  it("is a timeout with --strict-time, saying it answered under the retry limit (exit 1)", async () => {
    const r = await cli("check", "--impl-cmd", fixture("slow-first"), ...SMALL, "--step-timeout", "0.3", "--strict-time", "--out", join(scratch, "strict"));
    expect(r.code, r.stdout + r.stderr).toBe(1);
    expect(r.stdout).toMatch(/^timeout at step \d+: no answer to the host step commit\(c1\) .*within 300 ms; .*it answered .*; --strict-time makes a slow step a timeout$/m);
  });

  it("never makes a correct implementation fail (a load spike is at most a warning)", () => {
    const impl = stdioImplementation(`${PYTHON} -S examples/python/cellgate_impl.py`);
    try {
      const r = check(impl, { runs: 50, seed: 2 });
      expect(r.counterexample).toBeUndefined();
    } finally {
      impl.dispose();
    }
  });
});

describe("starting an implementation", () => {
  it("that misses --start-timeout is a harness error: one line, exit 2", async () => {
    const r = await cli("check", "--impl-cmd", fixture("slow-hello"), ...SMALL, "--start-timeout", "0.5");
    expect(r.code).toBe(2);
    // Which part missed the limit depends on the machine's load; that it is a one-line harness error does not.
    expect(r.stderr).toMatch(/^cellgate check: (.*slow-hello: no handshake: no answer to hello within 500 ms; the implementation was stopped|cannot start ".*slow-hello": the adapter thread and the process did not start within 1 s \(--start-timeout\))$/);
    // The default limit (30 s) is generous: the same fixture starts and conforms.
    expect((await cli("check", "--impl-cmd", fixture("slow-hello"), ...SMALL)).code).toBe(0);
  });

  it("that cannot be started again mid-check is a harness error, not a verdict (check, exhaustive)", async () => {
    const check1 = await cli("check", "--impl-cmd", fixture("hello-hang-again"), ...SMALL, "--start-timeout", "3", "--out", join(scratch, "again"));
    expect(check1.code).toBe(2);
    expect(check1.stderr).toMatch(/^cellgate check: harness error: .*hello-hang-again: could not be started again: no answer to hello within 3 s; the implementation was stopped$/);
    const exhaustive = await cli("exhaustive", "--impl-cmd", fixture("hello-hang-again"), "--cells", "1", "--depth", "6", "--start-timeout", "3");
    expect(exhaustive.code).toBe(2);
    expect(exhaustive.stderr).toMatch(/could not be started again: no answer to hello within 3 s/);
    expect(exhaustive.stdout).not.toContain("counterexample");
  });

  it("is a StartFailure through the check API", () => {
    const impl = stdioImplementation(fixture("hello-hang-again"), { startTimeoutMs: 3000 });
    try {
      expect(() => check(impl, { runs: 30, maxCommands: 3, seed: 1 })).toThrow(StartFailure);
    } finally {
      impl.dispose();
    }
  });
});

describe("a crash on reset", () => {
  it("is a crash, not a silent restart", async () => {
    const r = await cli("check", "--impl-cmd", fixture("segv-on-reset"), ...SMALL, "--out", join(scratch, "segv"));
    expect(r.code, r.stdout + r.stderr).toBe(1);
    expect(r.stdout).toContain("verdict: crash after 2 runs");
    expect(r.stdout).toMatch(/^crash at step 0: the implementation exited with code 139 during reset \(run 2 of these commands in one fresh process, after a run of them; the first run passed\)$/m);
    // Its repro says it needs the run before it, and replay brings the crash back (an empty list is the run that crashes on its reset).
    const written = /^repro written to (.*)\/ \(/m.exec(r.stdout)?.[1] ?? "";
    expect(JSON.parse(readFileSync(join(written, "repro.json"), "utf8"))).toMatchObject({ formatVersion: 2, runsBefore: 1, failure: { verdict: "crash", step: 0 } });
    const again = await cli("replay", written, "--trust-source");
    expect(again.code, again.stdout + again.stderr).toBe(1);
    expect(again.stdout).toContain("still fails: the same crash at step 0");
  });
});

describe("exhaustive judges time as check does, in the end-of-run drain too", () => {
  // --depth 2: every step from the third on is a drain's (the commands are at most two).
  const EXHAUSTIVE_SMALL = ["--cells", "1", "--depth", "2", "--step-timeout", "0.3"];

  it("a drain step that is slow is re-run under the retry limit: a warning (and in the report), exit 0", async () => {
    const json = join(scratch, "exhaustive-slow.json");
    const r = await cli("exhaustive", "--impl-cmd", fixture("slow-late"), ...EXHAUSTIVE_SMALL, "--report", `json:${json}`);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toContain("verdict: conforms");
    // The drain's step 3 (created(c1)); on a loaded machine another step may be the one that missed the limit first.
    expect(r.stdout).toMatch(/^warning: slow, not hung: step \d+: no answer to the (core|host) step .*within 300 ms; .*under the 3 s retry limit, it answered/m);
    expect(JSON.parse(readFileSync(json, "utf8"))).toMatchObject({ verdict: "conforms", slow: expect.arrayContaining([expect.objectContaining({ stepTimeoutMs: 300, retryMs: 3000 })]) });
  });

  it("with --strict-time that slow drain step is a timeout (exit 1), and the report says strict-time", async () => {
    const json = join(scratch, "exhaustive-strict.json");
    const r = await cli("exhaustive", "--impl-cmd", fixture("slow-late"), ...EXHAUSTIVE_SMALL, "--strict-time", "--report", `json:${json}`, "--out", join(scratch, "exhaustive-strict"));
    expect(r.code, r.stdout + r.stderr).toBe(1);
    expect(r.stdout).toMatch(/under the 3 s retry limit, it answered.*; --strict-time makes a slow step a timeout/);
    expect(JSON.parse(readFileSync(json, "utf8"))).toMatchObject({ verdict: "timeout", settings: { "strict-time": true }, counterexample: { inDrain: true } });
  });

  it("a drain step that hangs is still a timeout after the retry (exit 1, its counterexample in the drain)", async () => {
    const json = join(scratch, "exhaustive-hang.json");
    const r = await cli("exhaustive", "--impl-cmd", fixture("hang-late"), ...EXHAUSTIVE_SMALL, "--report", `json:${json}`, "--out", join(scratch, "exhaustive-hang"));
    expect(r.code, r.stdout + r.stderr).toBe(1);
    expect(r.stdout).toMatch(/within 3 s; .*\(it had missed the 300 ms step timeout first: it hangs, it is not slow\)/);
    expect(JSON.parse(readFileSync(json, "utf8"))).toMatchObject({ verdict: "timeout", counterexample: { inDrain: true } });
  });
});

describe("explore judges time as check does", () => {
  const EXPLORE_SMALL = ["--runs", "30", "--batch", "30", "--max-commands", "3", "--seed", "1", "--quiet"];

  it("a slow step is a warning, and a timeout with --strict-time (exit 1)", async () => {
    const lenient = await cli("explore", "--impl-cmd", fixture("slow-first"), ...EXPLORE_SMALL, "--step-timeout", "0.3", "--out", join(scratch, "explore-lenient"));
    expect(lenient.code, lenient.stdout + lenient.stderr).toBe(0);
    expect(lenient.stdout).toMatch(/^warning: slow, not hung: seed 1, step \d+: no answer to the host step commit\(c1\) .*within 300 ms; .*under the 3 s retry limit, it answered/m);
    const strict = await cli("explore", "--impl-cmd", fixture("slow-first"), ...EXPLORE_SMALL, "--step-timeout", "0.3", "--strict-time", "--out", join(scratch, "explore-strict"));
    expect(strict.code, strict.stdout + strict.stderr).toBe(1);
    expect(strict.stdout).toMatch(/--strict-time makes a slow step a timeout/);
  });

  it("on worker threads, the slow step of a worker is warned of in the output and in every report, and merge keeps it", async () => {
    const out = (ext: string): string => join(scratch, `explore-workers.${ext}`);
    const pidfile = join(scratch, `slow-once-workers.pids`);
    // slow-once: only the first commit ever (of any worker's process) is slow.
    const r = await cli("explore", "--impl-cmd", `PIDFILE=${pidfile} ${FIXTURE} slow-once`, ...EXPLORE_SMALL, "--runs", "60", "--workers", "2", "--step-timeout", "0.3", "--out", join(scratch, "explore-workers"), "--report", `json:${out("json")}`, "--report", `md:${out("md")}`, "--report", `junit:${out("xml")}`);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const warning = /^warning: slow, not hung: seed [12], step \d+: no answer to the host step commit\(c1\) .*within 300 ms; .*it answered .*$/m;
    const line = warning.exec(r.stdout)?.[0];
    expect(line, r.stdout).toBeDefined();
    const json = JSON.parse(readFileSync(out("json"), "utf8"));
    expect(json).toMatchObject({ verdict: "conforms", slow: expect.arrayContaining([expect.objectContaining({ seed: expect.any(Number), stepTimeoutMs: 300, retryMs: 3000, missed: expect.stringContaining("within 300 ms") })]) });
    expect(readFileSync(out("md"), "utf8")).toMatch(/### Slow, not hung \(\d+\)/);
    expect(readFileSync(out("md"), "utf8")).toContain(line);
    expect(readFileSync(out("xml"), "utf8")).toMatch(/<property name="slowSteps" value="[1-9]\d*"\/>[^]*<system-out>warning: slow, not hung: seed/);
    const merged = await cli("merge", out("json"));
    expect(merged.code, merged.stdout + merged.stderr).toBe(0);
    expect(merged.stdout).toContain(line);
  });

  it("an implementation that is never slow gets no warning (and an empty list in its report)", async () => {
    const json = join(scratch, "explore-fast.json");
    const r = await cli("explore", "--impl-cmd", `${FIXTURE} chatty`, ...EXPLORE_SMALL, "--step-timeout", "30", "--report", `json:${json}`);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).not.toContain("warning: slow");
    expect(JSON.parse(readFileSync(json, "utf8")).slow).toEqual([]);
  });

  it("a pass cut short by --time below --min-runs is inconclusive (exit 2, and so says its report)", async () => {
    const json = join(scratch, "explore-short.json");
    const r = await cli("explore", "--time", "0.5", "--min-runs", "100000000", "--quiet", "--report", `json:${json}`);
    expect(r.code, r.stdout + r.stderr).toBe(2);
    expect(r.stderr).toMatch(/inconclusive: the time limit ran out after \d+ of the 100000000 runs a pass needs \(--min-runs\)/);
    expect(JSON.parse(readFileSync(json, "utf8"))).toMatchObject({ verdict: "inconclusive", settings: { "min-runs": 100000000 } });
    const enough = await cli("explore", "--time", "0.5", "--min-runs", "1", "--quiet");
    expect(enough.code, enough.stdout + enough.stderr).toBe(0);
  });
});
