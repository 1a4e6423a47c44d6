/**
 * The livelock verdict: an implementation whose hop re-emits itself answers every step at once,
 * and the end-of-run drain would deliver forever. The drain is bounded (drainBound), so check,
 * replay and exhaustive all end, with the verdict `livelock`; correct implementations never reach
 * the bound (their drains take a small fraction of it).
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { check, drainBound, exhaustive, HarnessRun, replay, commandsFromScript } from "../properties/index.ts";
import { reference } from "../reference/index.ts";
import livelock from "./fixtures/ts/livelock.ts";
import { cli } from "./support/cli.ts";
import { PYTHON } from "./support/processes.ts";
import { removeScratch } from "./support/scratch.ts";

const scratch = mkdtempSync(join(tmpdir(), "cellgate-livelock-"));
afterAll(() => removeScratch(scratch));

const FIXTURE = `${PYTHON} -S test/fixtures/stdio/misbehave.py`;
const LIVELOCK = /the end-of-run drain did not settle within \d+ steps \(every step was answered, but each delivery brought more messages; 1 still in flight\); the last deliveries: /;

describe("livelock", () => {
  it.each([
    ["commit", "commit(c1)", []],
    ["forget", "forget(c1)", []],
    ["actor_exit", "actor_exit(c1)", ["--runs", "400"]],
  ] as const)("the %s hop that re-emits itself is a livelock through the CLI, and its repro replays as one", async (hop, message, extra) => {
    const dir = join(scratch, hop);
    const r = await cli("check", "--impl-cmd", `${FIXTURE} echo-${hop}`, "--runs", "100", "--max-commands", "10", "--seed", "1", ...extra, "--out", dir);
    expect(r.code, r.stdout + r.stderr).toBe(1);
    expect(r.stdout).toMatch(/verdict: livelock after \d+ runs; shrunk counterexample/);
    expect(r.stdout).toMatch(new RegExp(LIVELOCK.source + message.replace(/[()]/g, "\\$&")));
    // The printed drain keeps its ends and elides the repeated middle.
    expect(r.stdout).toMatch(/\.\.\. \d+ more drain steps \.\.\./);
    // --out is the folder of repro directories; the repro names a command line, which replay runs only when trusted.
    const written = /^repro written to (.*)\/ \(/m.exec(r.stdout)?.[1] ?? dir;
    const again = await cli("replay", join(written, "repro.json"), "--trust-source");
    expect(again.code).toBe(1);
    expect(again.stdout).toContain("still fails: the same livelock at step");
  });

  it("in process: the drain stops at its bound, one step past the steps before it plus the allowance", () => {
    const commands = commandsFromScript(reference, ["create c1", "deliver core→host create_cell(c1)", "yield c1", "complete c1"]);
    const r = replay(livelock, commands);
    expect(r.failure).toMatchObject({ verdict: "livelock", step: 4 + drainBound(4), message: expect.stringMatching(LIVELOCK) });
  });

  it("exhaustive ends with a livelock as the shortest counterexample", () => {
    const r = exhaustive(livelock, { cells: 1, depth: 6, requests: 1 });
    expect(r.counterexample?.failure.verdict).toBe("livelock");
    expect(r.counterexample?.inDrain).toBe(true);
  });

  it("correct implementations drain far below the bound", () => {
    // Any drain that reached the bound would fail these checks (the conformance tests of the
    // Python example and the independent implementation are the same check over stdio).
    expect(check(reference, { runs: 300, cells: 9, seed: 3 }).counterexample).toBeUndefined();
    const run = new HarnessRun(reference, { cells: 3 });
    for (let i = 0; i < 3; i++) run.apply({ kind: "create" });
    for (let i = 0; i < 12; i++) run.apply({ kind: "observe", index: i });
    const before = run.steps;
    run.drain();
    expect(run.failure).toBeUndefined();
    expect((run.steps - before) * 10).toBeLessThan(drainBound(before));
  });
});
