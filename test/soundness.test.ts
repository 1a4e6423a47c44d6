/**
 * Soundness against implementations that behave only while watched: a sample of passing runs is
 * driven again without gate_table requests, renamed, and in a fresh process (soundness.ts). Each
 * verdict is made to fire by a fixture that is correct in a normal check and leaks its gates
 * otherwise; correct implementations never trip them, even when every run is sampled.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { check, type Verdict } from "../properties/index.ts";
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
    expect(r.stdout).toMatch(new RegExp(`verdict: ${verdict} after \\d+ runs?; shrunk counterexample`));
    expect(r.stdout).toMatch(message);
    const written = /^repro written to (.*)\/ \(/m.exec(r.stdout)?.[1] ?? dir;
    const again = await cli("replay", join(written, "repro.json"), "--trust-source");
    expect(again.code, again.stdout).toBe(1);
    expect(again.stdout).toContain(`still fails: the same ${verdict}`);
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
