/**
 * The exhaustive search on worker threads (properties/search/search-pool.ts) gives the result of
 * the search on one thread: the same states, transitions, levels, command and ordering counts,
 * and the same first counterexample, and between levels the same value table, dictionary and
 * frontier. (The drains' invariant-check counts may differ: each worker memoises drain verdicts
 * on its own.)
 */
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { exhaustive, HarnessRun, type ExhaustiveOptions, type ExhaustiveResult } from "../properties/index.ts";
import { Level } from "../properties/search/frontier.ts";
import { SearchPool } from "../properties/search/search-pool.ts";
import { StateCodec } from "../properties/search/state-codec.ts";
import { hashBytes } from "../properties/search/value-table.ts";
import type { Implementation } from "../protocol/index.ts";
import { bundled, reference } from "../reference/index.ts";
import { cli } from "./support/cli.ts";
import { MINIMUM } from "./support/minimum.ts";
import { searchOutcome } from "./support/search-outcome.ts";

function bothWays(impl: Implementation, options: ExhaustiveOptions): [ExhaustiveResult, ExhaustiveResult] {
  const one = exhaustive(impl, options);
  const two = exhaustive(impl, { ...options, workers: 2 });
  expect(one.workers).toBe(1);
  expect(two.workers).toBe(2);
  expect(searchOutcome(two)).toEqual(searchOutcome(one));
  return [one, two];
}

describe("exhaustive search on worker threads", () => {
  it("exhausts 1 cell x 1 request as one thread does (1,418 states), and 2 cells to depth 7 with symmetry", () => {
    const [one] = bothWays(reference, { cells: 1, requests: 1, depth: 60 });
    expect(one.exhausted).toBe(true);
    expect(one.states).toBe(1418);
    const [sym] = bothWays(reference, { cells: 2, requests: 1, depth: 7, symmetry: true });
    expect(sym.levels).toHaveLength(7);
  });

  it("keeps one thread's value table, dictionary and frontier, level by level (the search reads the workers' encodings as it would have encoded them)", () => {
    /** What a search holds between levels, by its checkpoints: the dictionary and the frontier's encodings, hashed. */
    const held = (options: ExhaustiveOptions): unknown[] => {
      const out: unknown[] = [];
      exhaustive(reference, {
        ...options,
        onCheckpoint: (c) => {
          const values = c.dictionary.values ?? { bytes: new Uint8Array(0), ends: new Int32Array(0) };
          out.push([c.depth, c.dictionary.strings, c.dictionary.shapes, values.ends.length, hashBytes(values.bytes, 0, values.bytes.length), c.frontier.ends.length, hashBytes(c.frontier.bytes, 0, c.frontier.bytes.length)]);
        },
      });
      return out;
    };
    for (const options of [{ cells: 2, requests: 1, depth: 9 }, { cells: 2, requests: 1, depth: 9, symmetry: true }]) {
      const one = held(options);
      expect(one).toHaveLength(10);
      expect(held({ ...options, workers: 2 })).toEqual(one);
    }
  });

  // A failure at a command, and one in the end-of-run drain.
  it.each(["bug-close-before-ready", "bug-close-only-at-exit"])("finds the same shortest counterexample of %s", (name) => {
    const variant = bundled(name) as Implementation;
    const [one] = bothWays(variant, { cells: 1, depth: (MINIMUM[name] as number) + 2, requests: Infinity });
    expect(one.counterexample?.depth).toBe(MINIMUM[name]);
  });

  it("stops at the same transition under a transition bound", () => {
    const [one] = bothWays(reference, { cells: 2, requests: 1, depth: 40, maxTransitions: 700 });
    expect(one.stoppedByTime).toBe(true);
    expect(one.transitions).toBe(700);
  });

  it("the CLI takes --workers, says so, and refuses it for an implementation without snapshots", async () => {
    const r = await cli("exhaustive", "--cells", "1", "--requests", "1", "--depth", "40", "--workers", "2", "--quiet");
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/expanded on 2 worker threads/);
    expect(r.stdout).toMatch(/states: 1418 /);
    const refused = await cli("exhaustive", "--impl", "./test/fixtures/ts/picky-names.ts", "--workers", "2", "--depth", "3");
    expect(refused.code).toBe(2);
    expect(refused.stderr.trim().split("\n")).toHaveLength(1);
    expect(refused.stderr).toMatch(/--workers needs an implementation that offers snapshot/);
  });
});

describe("search workers that cannot start", () => {
  it("are started without --input-type, which a process run with `node --input-type=module -e` has and a worker's file entry refuses", async () => {
    const code = "import { exhaustive } from './properties/index.ts'; import { bundled } from './reference/registry.ts'; const r = exhaustive(bundled('reference'), { cells: 1, depth: 4, workers: 2 }); console.log(r.states, r.workers);";
    const { stdout, code: exit } = await run(process.execPath, ["--import", "tsx", "--input-type=module", "-e", code]);
    expect(exit).toBe(0);
    expect(stdout.trim()).toBe(`${exhaustive(reference, { cells: 1, depth: 4 }).states} 2`);
  });

  it("are an error once the start limit has passed, not a search that waits on (a worker given --input-type dies before its first line)", () => {
    const root = new HarnessRun(reference, { cells: 1 });
    const codec = new StateCodec(root.cellNames);
    const level = new Level(0);
    level.push(codec.encode(root.save() as NonNullable<ReturnType<HarnessRun["save"]>>));
    root.close();
    const settings = { cells: 1, budget: 2, view: "snapshot", symmetry: false, keyed: true } as const;
    const open = { module: new URL("../reference/registry.ts", import.meta.url).href, export: "bundled", argument: "reference" };
    const pool = new SearchPool(1, open, settings, { limitMs: 1500, execArgv: ["--input-type=module"] });
    try {
      expect(() => [...pool.expandAll(level, codec, 3)]).toThrow(/^a search worker did not start within 1\.5 s$/);
    } finally {
      pool.close();
    }
  });
});

function run(cmd: string, args: string[]): Promise<{ stdout: string; code: number | null }> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd: fileURLToPath(new URL("..", import.meta.url)), stdio: ["ignore", "pipe", "inherit"], timeout: 120_000 });
    let stdout = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.on("close", (code) => resolve({ stdout, code }));
  });
}
