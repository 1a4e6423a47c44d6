/**
 * Soundness against implementations that behave only while watched: a sample of passing runs is
 * driven again without gate_table requests, renamed, and in a fresh process (soundness.ts). Each
 * verdict is made to fire by a fixture that is correct in a normal check and leaks its gates
 * otherwise; correct implementations never trip them, even when every run is sampled.
 */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { check, commandsFromScript, judgeReplay, parseRepro, soundnessOf, StepTimeout, type Verdict } from "../properties/index.ts";
import type { Implementation } from "../protocol/index.ts";
import { reference } from "../reference/index.ts";
import { stdioImplementation } from "../adapters/index.ts";
import { CORRECT } from "../reference/index.ts";
import { cli } from "./support/cli.ts";
import { PYTHON } from "./support/processes.ts";
import { removeScratch } from "./support/scratch.ts";

const scratch = mkdtempSync(join(tmpdir(), "cellgate-soundness-"));
afterAll(() => removeScratch(scratch));

const FIXTURE = `${PYTHON} -S test/fixtures/stdio/misbehave.py`;

describe("soundness replays of passing runs", () => {
  it.each([
    ["peek-dependent", "inspection-dependent", /driven without a gate_table request after each step, the gate table at the end was \[c\d: open.*\] instead of \[\]/],
    ["names-dependent", "rename-dependent", /driven with cells and request ids renamed \(c1↔c9, .*\), the gate table after step \d+ \(.*\) was \[.*\] instead of \[.*\]/],
  ] as const)("%s: a normal check would pass it; the sampled replay finds %s (exit 1), and replay finds it again", async (mode, verdict, message) => {
    const dir = join(scratch, mode);
    // Without sampling the fixture passes: the verdict comes from the soundness replay alone.
    const blind = stdioImplementation(`${FIXTURE} ${mode}`);
    try {
      expect(check(blind, { runs: 100, seed: 1, soundnessEvery: 0 }).counterexample).toBeUndefined();
    } finally {
      blind.dispose();
    }
    const r = await cli("check", "--impl-cmd", `${FIXTURE} ${mode}`, "--runs", "100", "--seed", "1", "--out", dir);
    expect(r.code, r.stdout + r.stderr).toBe(1);
    expect(r.stdout).toMatch(message);
    // Shrunk with the replay that found it: the sampled run (the longest of 100, 57 commands here) comes down to a few.
    const length = Number(new RegExp(`verdict: ${verdict} after \\d+ runs?; shrunk counterexample \\((\\d+) commands?\\)`).exec(r.stdout)?.[1]);
    expect(length, r.stdout).toBeLessThanOrEqual(4);
    const written = /^repro written to (.*)\/ \(/m.exec(r.stdout)?.[1] ?? dir;
    expect(JSON.parse(readFileSync(join(written, "repro.json"), "utf8")).commands).toHaveLength(length);
    const again = await cli("replay", join(written, "repro.json"), "--trust-source");
    expect(again.code, again.stdout).toBe(1);
    expect(again.stdout).toContain(`still fails: the same ${verdict}`);
  });

  it("explore shrinks a sampled finding too, and writes its repro (a plain replay of it passes: it was skipped), which replay finds again", async () => {
    const dir = join(scratch, "explore-peek");
    const r = await cli("explore", "--impl-cmd", `${FIXTURE} peek-dependent`, "--runs", "100", "--quiet", "--out", dir);
    expect(r.code, r.stdout + r.stderr).toBe(1);
    expect(r.stdout).toMatch(/^counterexample 1: seed 1, 1 command:$/m);
    const written = /^repro written to (.*)\/$/m.exec(r.stdout)?.[1];
    expect(written, r.stdout).toBeDefined();
    const again = await cli("replay", written as string, "--trust-source");
    expect(again.code, again.stdout).toBe(1);
    expect(again.stdout).toContain("still fails: the same inspection-dependent");
  });

  /** The reference, but driven unwatched it misses the step timeout: the first `misses` times only (a loaded machine), or always (it hangs). */
  const missesUnwatched = (misses: number): Implementation => {
    let left = misses;
    return {
      name: "misses-unwatched",
      summary: "test double",
      timing: { stepTimeoutMs: 300, withStepTimeout: (_ms, f) => f(), slowest: () => undefined },
      start(options) {
        const inner = reference.start();
        const late = options?.inspected === false && left-- > 0;
        return {
          host: (input) => {
            if (late) throw new StepTimeout("no answer within 300 ms");
            return inner.host(input);
          },
          core: (input) => inner.core(input),
          gateTable: () => inner.gateTable(),
        };
      },
    };
  };

  it("a step timeout missed in a soundness replay is looked at again under the retry limit: no finding when it answers there, a finding when it hangs", () => {
    const commands = commandsFromScript(reference, ["create c1", "deliver core→host create_cell(c1)", "yield c1", "complete c1"]);
    expect(soundnessOf(missesUnwatched(1), commands, 3)).toBeUndefined();
    expect(soundnessOf(missesUnwatched(Infinity), commands, 3)?.failure).toMatchObject({ verdict: "inspection-dependent", message: expect.stringContaining("no answer within 300 ms") });
  });

  const SOUNDNESS: readonly Verdict[] = ["inspection-dependent", "rename-dependent", "state-across-runs"];

  it("never trips on the bundled correct designs, every run sampled", () => {
    for (const impl of CORRECT) {
      const r = check(impl, { runs: 300, seed: 4, soundnessEvery: 1 });
      expect(r.counterexample?.failure, impl.name).toBeUndefined();
    }
  });

  it.each(["examples/python/cellgate_impl.py", "test/fixtures/independent/gate_impl.py"])(
    "never trips on %s over stdio, every fourth run sampled",
    (file) => {
      const impl = stdioImplementation(`${PYTHON} -S ${file}`);
      try {
        const f = check(impl, { runs: 40, seed: 4, soundnessEvery: 4 }).counterexample?.failure;
        expect(SOUNDNESS).not.toContain(f?.verdict);
        expect(f).toBeUndefined();
      } finally {
        impl.dispose();
      }
    },
  );
});

describe("state kept across runs is reproduced alone: its repro runs the commands again first", () => {
  const stateful = `${FIXTURE} nondeterministic`;

  it("check shrinks it and records the runs it needs; replay shows it again (exit 1), and against a correct implementation it is fixed", async () => {
    const dir = join(scratch, "across");
    const r = await cli("check", "--impl-cmd", stateful, "--runs", "200", "--seed", "1", "--out", dir);
    expect(r.code, r.stdout + r.stderr).toBe(1);
    expect(r.stdout).toMatch(/verdict: state-across-runs after \d+ runs; shrunk counterexample \(1 command\)/);
    expect(r.stdout).toMatch(/^state-across-runs at step 1: run 2 of these commands in one fresh process, after a run of them, ended differently from the first: the implementation keeps state across reset/m);
    const written = /^repro written to (.*)\/ \(/m.exec(r.stdout)?.[1] ?? dir;
    const file = join(written, "repro.json");
    expect(JSON.parse(readFileSync(file, "utf8"))).toMatchObject({ formatVersion: 2, runsBefore: 1, failure: { verdict: "state-across-runs" } });
    const again = await cli("replay", file, "--trust-source");
    expect(again.code, again.stdout + again.stderr).toBe(1);
    expect(again.stdout).toContain("run 2 times in one fresh process (the last run is judged)");
    expect(again.stdout).toContain("still fails: the same state-across-runs at step 1");
    const fixed = await cli("replay", file, "--impl-cmd", `${FIXTURE} chatty`);
    expect(fixed.code, fixed.stdout + fixed.stderr).toBe(0);
    expect(fixed.stdout).toContain("fixed: the recorded commands now pass");
    // The generated test judges it the same way.
    expect(readFileSync(join(written, "repro.test.ts"), "utf8")).toContain('judgeReplay(impl, commands, { cells: 3, verdict: "state-across-runs", runsBefore: 1 })');
    // A repro without the runs it needs (an older cellgate's) is judged by looking for them, never called fixed unseen.
    const old = JSON.parse(readFileSync(file, "utf8"));
    delete old.runsBefore;
    old.formatVersion = 1;
    writeFileSync(join(scratch, "old.json"), JSON.stringify(old));
    expect((await cli("replay", join(scratch, "old.json"), "--trust-source")).code).toBe(1);
    const unseen = await cli("replay", join(scratch, "old.json"), "--impl-cmd", `${FIXTURE} chatty`);
    expect(unseen.code, unseen.stdout + unseen.stderr).toBe(2);
    expect(unseen.stderr).toMatch(/^cellgate replay: .*old\.json: the recorded state-across-runs came after other runs of its check in the same process, .*a replay cannot judge it \(run the check again\)\n?$/);
  });

  it("judgeReplay with runs before: fails for the stateful implementation, passes for a correct one", () => {
    for (const [cmd, fails] of [[stateful, true], [`${FIXTURE} chatty`, false]] as const) {
      const impl = stdioImplementation(cmd);
      try {
        const r = judgeReplay(impl, [{ kind: "create" }], { cells: 3, verdict: "state-across-runs", runsBefore: 1 });
        expect(r.failure?.verdict, cmd).toBe(fails ? "state-across-runs" : undefined);
      } finally {
        impl.dispose();
      }
    }
  });

  it.each([
    ["0 runs before", { runsBefore: 0 }, 'bad "runsBefore": 0 (1 to 3)'],
    ["too many runs before", { runsBefore: 4 }, 'bad "runsBefore": 4 (1 to 3)'],
    ["runs before as text", { runsBefore: "1" }, 'bad "runsBefore": "1" (1 to 3)'],
    ["step 0 without runs before", { failure: { verdict: "crash", step: 0, invariants: [] } }, '"failure.step" 0 is not a step of the run (1 to'],
    ["an empty list without runs before", { commands: [], labels: [], trace: [] }, 'the "commands" list is empty'],
  ])("a repro with %s is refused", (_what, change, error) => {
    const base = { format: "cellgate-repro", formatVersion: 2, protocolVersion: 1, implementation: "reference", source: { kind: "bundled", name: "reference" }, cells: 3, commands: [{ kind: "create" }], labels: ["create c1"], trace: [{ step: 1, label: "create c1", drain: false }], failure: { verdict: "state-across-runs", step: 1, invariants: [] } };
    expect(parseRepro(JSON.stringify({ ...base, runsBefore: 1 })).ok).toBe(true);
    expect(parseRepro(JSON.stringify({ ...base, runsBefore: 1, commands: [], labels: [], trace: [], failure: { verdict: "crash", step: 0, invariants: [] } })).ok).toBe(true);
    expect(parseRepro(JSON.stringify({ ...base, ...change }))).toMatchObject({ ok: false, error: expect.stringContaining(error) });
  });
});
