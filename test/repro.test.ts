import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { BUNDLED, bundled, VARIANTS } from "../reference/index.ts";
import {
  buildRepro,
  check,
  formatCommandList,
  formatFailure,
  mermaid,
  parseRepro,
  reproJson,
  reproTestFile,
  REPRO_FILES,
  type CheckResult,
} from "../properties/index.ts";
import type { Implementation } from "../protocol/index.ts";
import type { ImplementationSource } from "../properties/repro/format.ts";
import { PYTHON } from "./support/processes.ts";
import { cli } from "./support/cli.ts";
import { MINIMUM } from "./support/minimum.ts";
import { named } from "./support/play.ts";
import { removeScratch } from "./support/scratch.ts";

const scratch = mkdtempSync(join(tmpdir(), "cellgate-repro-test-"));
afterAll(() => removeScratch(scratch));

const variant = named;
const EXAMPLE = `${PYTHON} examples/python/cellgate_impl.py`;
const BROKEN = `${PYTHON} examples/python/cellgate_impl_broken.py`;

function printed(r: CheckResult): string[] {
  const ce = r.counterexample;
  if (ce === undefined) return [];
  return [...formatCommandList(ce.labels, ce.replay.trace, ce.failure), ...formatFailure(ce.failure)];
}


describe("every bundled variant fails the default gate", () => {
  it("lists a minimum for every variant", () => {
    expect(Object.keys(MINIMUM).sort()).toEqual(VARIANTS.map((v) => v.name).sort());
  });

  it.each(VARIANTS.map((v) => [v.name, v] as const))("%s: caught for 20 seeds, shrunk to its minimum", (name, impl) => {
    const outcome = fc.check(
      fc.property(fc.integer({ min: 1, max: 1_000_000 }), (seed) => {
        const ce = check(impl, { seed }).counterexample;
        return ce !== undefined && ce.failure.verdict === "violation" && ce.commands.length === MINIMUM[name] && ce.minimality.proven;
      }),
      { numRuns: 20, seed: 2026 },
    );
    expect(outcome.failed, `seed ${String(outcome.counterexample)}`).toBe(false);
  });

  it("the reference passes the default gate", () => {
    expect(check(variant("reference")).counterexample).toBeUndefined();
  });
});

describe("the printed minimal counterexample of each review bug (seed 1)", () => {
  it("bug-close-before-ready", () => {
    // The fast cell of review comment 1: it yields and completes before readiness; the gate that
    // readiness opens outlives the exec call's initial read, whose reply is the preserved yield.
    expect(printed(check(variant("bug-close-before-ready"), { seed: 1 }))).toEqual([
      "  1. create c1",
      "  2. deliver core→host create_cell(c1)",
      "  3. yield c1",
      "  4. complete c1",
      "     then the end-of-run drain:",
      "       5. deliver host→core created(c1)",
      "       6. deliver host:c1 commit(c1)",
      "       7. deliver host:c1 deliver_completion(c1)",
      "       8. deliver host⇢core cell_closed(c1)",
      "       9. ready c1",
      "      10. observe c1 (#1)",
      "      11. deliver core→host observe(c1, #1)",
      "      12. deliver host→core observe_outcome(c1, #1, yielded)   <-- fails here",
      "violated no-gate-leak: (a) every gate-table entry belongs to a cell that may still dispatch or whose removal is guaranteed to come",
      "  gate leak: c1 still has an open entry though it is closed, ready, and no consumer waits",
      "  expected: no entry for c1 (it is closed, ready, and no consumer waits)",
      "  actual:   c1: open",
    ]);
  });

  it("bug-cancelled-observation-marker", () => {
    expect(printed(check(variant("bug-cancelled-observation-marker"), { seed: 1 }))).toEqual([
      "  1. create c1",
      "  2. deliver core→host create_cell(c1)",
      "  3. deliver host→core created(c1)",
      "  4. ready c1",
      "  5. observe c1 (#1)",
      "  6. observe-cancel c1 (#1)",
      "     then the end-of-run drain:",
      "       7. deliver core→host observe(c1, #1)",
      "       8. deliver core→host drop_observation(c1, #1)",
      "       9. deliver core→host terminate(c1, #1)",
      "      10. deliver host:c1 actor_exit(c1)",
      "      11. deliver host→core terminate_outcome(c1, #1, terminated)",
      "      12. deliver host⇢core cell_closed(c1)   <-- fails here",
      "violated no-gate-leak: (a) every gate-table entry belongs to a cell that may still dispatch or whose removal is guaranteed to come",
      "  gate leak: c1 still has a marker entry though it is closed, ready, and no consumer waits",
      "  expected: no entry for c1 (it is closed, ready, and no consumer waits)",
      "  actual:   c1: marker",
    ]);
  });

  it("bug-close-before-rejected-delivery", () => {
    expect(printed(check(variant("bug-close-before-rejected-delivery"), { seed: 1 }))).toEqual([
      "  1. create c1",
      "  2. deliver core→host create_cell(c1)",
      "  3. deliver host→core created(c1)",
      "  4. ready c1",
      "  5. observe c1 (#1)",
      "  6. yield c1",
      "  7. deliver core→host observe(c1, #1)",
      "  8. deliver host→core observe_outcome(c1, #1, yielded)",
      "  9. complete c1",
      " 10. observe c1 (#2)",
      " 11. terminate c1 (#3)",
      " 12. deliver host:c1 commit(c1)",
      "     then the end-of-run drain:",
      "      13. deliver core→host observe(c1, #2)",
      "      14. deliver core→host terminate(c1, #3)",
      "      15. deliver host→core terminate_outcome(c1, #3, completed)",
      "      16. deliver host:c1 deliver_completion(c1)   <-- fails here",
      "violated outcome-before-close: (f) an attached observer's terminal outcome is sent before cell_closed",
      "  the attached observer #2 got its completed after cell_closed(c1)",
      "  expected: observe_outcome(#2, completed) before cell_closed(c1)",
      "  actual:   cell_closed(c1) first",
    ]);
  });
});

describe("the repro directory and replay", () => {
  it("check writes repro.json, repro.test.ts, trace.mmd and report.md", async () => {
    const dir = join(scratch, "cbr", "bug-close-before-ready-1");
    const r = await cli("check", "--impl", "bug-close-before-ready", "--out", dirname(dir));
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(`repro written to ${dir}/`); // --out is the folder of repro directories
    const repro = parseRepro(readFileSync(join(dir, "repro.json"), "utf8"));
    expect(repro.ok && repro.repro.failure).toMatchObject({ verdict: "violation", step: 12, invariants: ["no-gate-leak"] });
    for (const f of REPRO_FILES) expect(readFileSync(join(dir, f), "utf8").length).toBeGreaterThan(0);
    const mmd = readFileSync(join(dir, "trace.mmd"), "utf8");
    expect(mmd.startsWith("sequenceDiagram\n")).toBe(true);
    expect(mmd).toContain("Note over Host,Core: ✗ step 12 violates no-gate-leak");
    const report = readFileSync(join(dir, "report.md"), "utf8");
    // the open gate outlives the read of the initial reply, the last consumer
    expect(report).toContain("## The failing step: 12. `deliver host→core observe_outcome(c1, #1, yielded)`");
    expect(report).toContain("| gate table | c1: open | c1: open |");
    expect(report).toContain("| in flight | host→core: observe_outcome(c1, #1, yielded) | (nothing) |");
    expect(report).toContain("```mermaid");
  });

  it("replay exits 1 when the same invariant fails at the same step, byte-identically", async () => {
    const dir = join(scratch, "marker", "bug-cancelled-observation-marker-1");
    await cli("check", "--impl", "bug-cancelled-observation-marker", "--out", dirname(dir));
    const a = await cli("replay", join(dir, "repro.json"));
    const b = await cli("replay", dir);
    expect(a.code).toBe(1);
    expect(a.stdout).toContain("still fails: the same no-gate-leak at step 12");
    expect(b.stdout.replace(`${dir}/repro.json`, "")).toBe(a.stdout.replace(`${dir}/repro.json`, ""));
  });

  it("replay exits 0 ('fixed') against the reference", async () => {
    const dir = join(scratch, "cbrd", "bug-close-before-rejected-delivery-1");
    await cli("check", "--impl", "bug-close-before-rejected-delivery", "--out", dirname(dir));
    const r = await cli("replay", join(dir, "repro.json"), "--impl", "reference");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("fixed: the recorded commands now pass");
  });

  it("replay exits 1 and says so when a different invariant fails", async () => {
    const dir = join(scratch, "diff", "bug-close-before-rejected-delivery-1");
    await cli("check", "--impl", "bug-close-before-rejected-delivery", "--out", dirname(dir));
    const r = await cli("replay", dir, "--impl", "bug-terminate-overrides-completion");
    expect(r.code).toBe(1);
    expect(r.stdout).toContain("fails differently: now violation one-terminal-outcome at step 16; recorded violation outcome-before-close at step 16");
  });

  it.each([
    ["corrupt", "{ not json", "not valid JSON"],
    ["truncated", '{"format":"cellgate-repro","formatVersion":1,"protocolVersion":1,"implementation":"reference","cells":3', "not valid JSON"],
    ["a future version", JSON.stringify({ format: "cellgate-repro", formatVersion: 99, protocolVersion: 1 }), "newer than this cellgate reads"],
    ["another protocol", JSON.stringify({ format: "cellgate-repro", formatVersion: 1, protocolVersion: 7 }), "protocol version 7"],
    ["not a repro", JSON.stringify([1, 2]), "not a repro file"],
    ["a bad command", JSON.stringify({ format: "cellgate-repro", formatVersion: 1, protocolVersion: 1, implementation: "reference", cells: 3, commands: [{ kind: "fly" }] }), "command 1 is not a cellgate command"],
    ["an empty command list", JSON.stringify({ format: "cellgate-repro", formatVersion: 1, protocolVersion: 1, implementation: "reference", cells: 3, commands: [] }), 'the "commands" list is empty'],
  ])("replay of %s file exits 2 with one line", async (_what, text, message) => {
    const file = join(scratch, `bad-${Math.random().toString(36).slice(2)}.json`);
    writeFileSync(file, text);
    const r = await cli("replay", file);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(message);
    expect(r.stderr.split("\n")).toHaveLength(1);
    expect(r.stdout).toBe("");
  });

  it("replay of a missing file or an unknown implementation exits 2", async () => {
    expect((await cli("replay", join(scratch, "nope.json"))).code).toBe(2);
    const dir = join(scratch, "cbr2", "bug-double-close-1");
    await cli("check", "--impl", "bug-double-close", "--out", dirname(dir));
    const r = await cli("replay", dir, "--impl", "no-such-impl");
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('unknown implementation "no-such-impl"');
  });

  it("repro.json is the same bytes for the same seed", () => {
    const make = () => {
      const r = check(variant("bug-forget-on-yield"), { seed: 5 });
      const ce = r.counterexample;
      if (ce === undefined) throw new Error("expected a counterexample");
      return reproJson(buildRepro({ implementation: r.implementation, seed: 5, cells: 3, path: ce.path, replayPath: ce.replayPath ?? null, result: ce.replay }));
    };
    expect(make()).toBe(make());
  });

  it("mermaid escapes the characters Mermaid reserves", () => {
    const r = check(variant("bug-close-before-rejected-delivery"), { seed: 1 });
    const ce = r.counterexample;
    if (ce === undefined) throw new Error("expected a counterexample");
    const text = mermaid(buildRepro({ implementation: r.implementation, seed: 1, cells: 3, result: ce.replay }));
    expect(text).toContain("observe c1 (#35;1)");
    expect(text).not.toMatch(/#(?!35;|59;)/);
  });
});

describe("the generated regression test of each review bug", () => {
  it("fails against the implementation the check ran and passes against a correct one, from a folder of the project's tests", () => {
    // A folder of this process's own, so concurrent runs (mutation testing) cannot see each other's files.
    const dir = join(process.cwd(), "test", ".generated", String(process.pid));
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    // The three review bugs by name, and the first as a module and as a command line, started as
    // the check starts them (paths relative to the folder vitest runs in, like the check's own).
    const sources: [string, string, ImplementationSource | undefined][] = [
      ["bug-close-before-ready", "bug-close-before-ready", undefined],
      ["bug-cancelled-observation-marker", "bug-cancelled-observation-marker", undefined],
      ["bug-close-before-rejected-delivery", "bug-close-before-rejected-delivery", undefined],
      ["module", "bug-close-before-ready", { kind: "module", path: "./test/fixtures/ts/close-before-ready.ts" }],
      ["command", "bug-close-before-ready", { kind: "command", command: BROKEN }],
    ];
    try {
      for (const [file, name, source] of sources) {
        const r = check(variant(name), { seed: 1 });
        const ce = r.counterexample;
        if (ce === undefined) throw new Error("expected a counterexample");
        const repro = buildRepro({ implementation: name, seed: 1, cells: 3, result: ce.replay, ...(source === undefined ? {} : { source }) });
        const text = reproTestFile(repro);
        expect(text.match(/from "[^"]+"/g)).toEqual(['from "vitest"', 'from "cellgate"']);
        writeFileSync(join(dir, `${file}.test.ts`), text);
      }
      const run = (overrides: Record<string, string>) => {
        const env: NodeJS.ProcessEnv = { ...process.env, ...overrides };
        for (const k of ["CELLGATE_IMPL", "CELLGATE_IMPL_MODULE", "CELLGATE_IMPL_CMD"]) if (overrides[k] === undefined) delete env[k];
        try {
          const out = execFileSync("npx", ["vitest", "run", "--config", "test/support/generated.vitest.config.ts", "--reporter", "json", `test/.generated/${process.pid}/`], { env, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] });
          return JSON.parse(out) as { numFailedTests: number; numPassedTests: number };
        } catch (e) {
          return JSON.parse(String((e as { stdout?: string }).stdout)) as { numFailedTests: number; numPassedTests: number };
        }
      };
      expect(run({})).toMatchObject({ numFailedTests: 5, numPassedTests: 0 });
      const correct = { CELLGATE_IMPL: "reference", CELLGATE_IMPL_MODULE: "./test/fixtures/ts/wrapped-reference.ts", CELLGATE_IMPL_CMD: EXAMPLE };
      expect(run(correct)).toMatchObject({ numFailedTests: 0, numPassedTests: 5 });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("cellgate list", () => {
  it("names every bundled implementation with its one-line summary", async () => {
    const r = await cli("list");
    expect(r.code).toBe(0);
    const lines = r.stdout.split("\n");
    expect(lines).toHaveLength(BUNDLED.length);
    BUNDLED.forEach((impl, i) => {
      expect(impl.summary.length, impl.name).toBeGreaterThan(20);
      expect(lines[i]).toMatch(new RegExp(`^${impl.name} +${impl.summary.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}$`));
    });
  });
});
