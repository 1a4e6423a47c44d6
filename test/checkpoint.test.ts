/**
 * Checkpoints of the exhaustive search (properties/search/checkpoint.ts): a search resumed from
 * the checkpoint of any level goes on exactly as the search that wrote it (states, transitions,
 * levels, counters, first counterexample), through the bytes a file holds; a checkpoint of
 * other settings, a damaged one or no checkpoint at all is refused with one line.
 */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { nextLevelOutruns } from "../properties/search/checkpoint.ts";
import { bytesSource, checkpointChunks, CheckpointError, exhaustive, readCheckpoint, type ExhaustiveOptions, type ExhaustiveResult, type SearchCheckpoint } from "../properties/index.ts";
import type { Implementation } from "../protocol/index.ts";
import { bundled, reference } from "../reference/index.ts";
import { cli } from "./support/cli.ts";
import { searchOutcome } from "./support/search-outcome.ts";

function bytesOf(c: SearchCheckpoint): Uint8Array {
  const chunks = checkpointChunks(c);
  const out = new Uint8Array(chunks.reduce((n, x) => n + x.length, 0));
  let at = 0;
  for (const x of chunks) {
    out.set(x, at);
    at += x.length;
  }
  return out;
}

/** Everything but the clock. */
const outcome = (r: ExhaustiveResult): unknown => searchOutcome(r, true);
/** The same, without the invariant-check counts. */
const outcomeWithoutChecks = (r: ExhaustiveResult): unknown => searchOutcome(r);

/** The search, and its checkpoint at every level as the bytes of a file. */
function withCheckpoints(impl: Implementation, options: ExhaustiveOptions): { full: ExhaustiveResult; saved: Uint8Array[] } {
  const saved: Uint8Array[] = [];
  const full = exhaustive(impl, { ...options, onCheckpoint: (c) => saved.push(bytesOf(c)) });
  return { full, saved };
}

const resumeFrom = (bytes: Uint8Array): SearchCheckpoint => readCheckpoint(bytesSource(bytes));

describe("a resumed search goes on as the one that wrote the checkpoint", () => {
  it("from every level of an exhausted space (1 cell, 2 requests, tool calls)", () => {
    const options = { cells: 1, requests: 2, depth: 60 };
    const { full, saved } = withCheckpoints(reference, options);
    expect(full.exhausted).toBe(true);
    expect(saved.length).toBe(full.depth + 1);
    // Every fourth level and the last (every level takes 13 s).
    for (const [k, bytes] of saved.entries()) {
      if (k % 4 !== 0 && k !== saved.length - 1) continue;
      const c = resumeFrom(bytes);
      expect(c.depth).toBe(k);
      expect(outcome(exhaustive(reference, { ...options, resume: c }))).toEqual(outcome(full));
    }
  });

  it("with symmetry, and on worker threads", () => {
    const options = { cells: 2, requests: 1, depth: 9, symmetry: true };
    const { full, saved } = withCheckpoints(reference, options);
    const c = resumeFrom(saved[5] as Uint8Array);
    expect(outcome(exhaustive(reference, { ...options, resume: c }))).toEqual(outcome(full));
    const workers = exhaustive(reference, { ...options, resume: resumeFrom(saved[5] as Uint8Array), workers: 2 });
    expect(outcomeWithoutChecks(workers)).toEqual(outcomeWithoutChecks(full));
  });

  it("to the same first counterexample of a faulty variant", () => {
    const impl = bundled("bug-terminate-overrides-completion") as Implementation;
    const options = { cells: 1, requests: 3, depth: 20 };
    const { full, saved } = withCheckpoints(impl, options);
    expect(full.counterexample?.depth).toBe(12);
    for (const k of [1, 6, 11]) expect(outcome(exhaustive(impl, { ...options, resume: resumeFrom(saved[k] as Uint8Array) }))).toEqual(outcome(full));
  });

  it("deeper than the bound it was written at (the checkpoint at the bound)", () => {
    const shallow = withCheckpoints(reference, { cells: 1, requests: 2, depth: 8, checkpointEveryMs: 1e9 });
    // At most one per 10⁶ s: the first level's, and the one forced at the depth bound.
    expect(shallow.saved.length).toBe(2);
    const atBound = resumeFrom(shallow.saved[1] as Uint8Array);
    expect(atBound.depth).toBe(8);
    const full = exhaustive(reference, { cells: 1, requests: 2, depth: 60 });
    const deeper = exhaustive(reference, { cells: 1, requests: 2, depth: 60, resume: atBound });
    // The drains memoised along a shorter bound may take other steps: their invariant checks are not compared.
    expect(outcomeWithoutChecks(deeper)).toEqual(outcomeWithoutChecks(full));
  });

  it("the comparison catches a checkpoint that lost part of its frontier", () => {
    const options = { cells: 1, requests: 2, depth: 60 };
    const { full, saved } = withCheckpoints(reference, options);
    const c = resumeFrom(saved[10] as Uint8Array);
    const ends = c.frontier.ends.subarray(0, c.frontier.ends.length - 1);
    const lossy: SearchCheckpoint = { ...c, frontier: { ...c.frontier, ends, bytes: c.frontier.bytes.subarray(0, ends.at(-1)) }, trail: { ...c.trail, count: c.trail.count - 1 } };
    expect(outcome(exhaustive(reference, { ...options, resume: lossy }))).not.toEqual(outcome(full));
  });
});

describe("under a time limit, the last level boundary before it is saved", () => {
  const levels = [
    { states: 100, elapsedMs: 1000 },
    { states: 150, elapsedMs: 3000 },
  ];
  it("when the next level, as long as the last one times its growth, will not end in time", () => {
    // The last level took 2 s and grew 1.5×: the next one is judged to take 3 s.
    expect(nextLevelOutruns(levels, 2999)).toBe(true);
    expect(nextLevelOutruns(levels, 3001)).toBe(false);
    // A shrinking level is judged to take as long as the last one.
    expect(nextLevelOutruns([levels[1] as (typeof levels)[0], { states: 50, elapsedMs: 5000 }], 1999)).toBe(true);
    expect(nextLevelOutruns([levels[1] as (typeof levels)[0], { states: 50, elapsedMs: 5000 }], 2001)).toBe(false);
    // Nothing to judge from before two levels.
    expect(nextLevelOutruns(levels.slice(0, 1), 0)).toBe(false);
  });
});

describe("a checkpoint that cannot be resumed is refused", () => {
  const options = { cells: 1, requests: 2, depth: 6 };
  const { saved } = withCheckpoints(reference, options);
  const bytes = saved[4] as Uint8Array;

  it.each([
    ["cells", { cells: 2 }, /cells 1, this search has 2/],
    ["requests", { requests: 3 }, /requests 2, this search has 3/],
    ["symmetry", { symmetry: true }, /symmetry false, this search has true/],
    ["dedupe", { dedupe: "off" as const }, /dedupe "snapshot", this search has "off"/],
  ])("another %s", (_name, change, message) => {
    expect(() => exhaustive(reference, { ...options, ...change, resume: resumeFrom(bytes) })).toThrow(message);
  });

  it("another implementation, or one whose initial state differs", () => {
    const variant = bundled("bug-double-close") as Implementation;
    expect(() => exhaustive(variant, { ...options, resume: resumeFrom(bytes) })).toThrow(/implementation "reference", this search has "bug-double-close"/);
    const c = resumeFrom(bytes);
    const moved: SearchCheckpoint = { ...c, settings: { ...c.settings, root: [1, 2, 3, 4] } };
    expect(() => exhaustive(reference, { ...options, resume: moved })).toThrow(/initial state differs/);
  });

  it("bytes that are not a checkpoint, another format, a damaged or a truncated one", () => {
    const refused = (b: Uint8Array): string => {
      try {
        resumeFrom(b);
      } catch (e) {
        expect(e).toBeInstanceOf(CheckpointError);
        return (e as Error).message;
      }
      throw new Error("accepted");
    };
    expect(refused(new TextEncoder().encode("{}"))).toBe("not a cellgate checkpoint");
    const other = bytes.slice();
    other[20] = "9".charCodeAt(0);
    expect(refused(other)).toMatch(/another format/);
    const damaged = bytes.slice();
    const middle = Math.floor(damaged.length / 2);
    damaged[middle] = (damaged[middle] as number) ^ 0xff;
    expect(refused(damaged)).toMatch(/damaged/);
    expect(refused(bytes.subarray(0, bytes.length - 100))).toMatch(/truncated/);
    for (const m of [refused(damaged), refused(other)]) expect(m).not.toContain("\n");
  });
});

describe("cellgate exhaustive --checkpoint, --resume", () => {
  it("saves a search at its depth bound and goes on from it to the same space", async () => {
    const dir = mkdtempSync(join(tmpdir(), "cellgate-ckpt-"));
    const file = join(dir, "search.ckpt");
    const first = await cli("exhaustive", "--cells", "1", "--requests", "2", "--depth", "8", "--checkpoint", file, "-q");
    expect(first.code).toBe(0);
    expect(first.stdout).toContain(`checkpoint: ${file} holds the search at depth 8`);
    const next = await cli("exhaustive", "--cells", "1", "--requests", "2", "--depth", "60", "--resume", file, "-q");
    expect(next.code).toBe(0);
    expect(next.stdout).toMatch(/resuming .*searched to depth 8/);
    expect(next.stdout).toContain("states: 11956");
    expect(next.stdout).toContain("exhausted:");
    const mismatch = await cli("exhaustive", "--cells", "2", "--requests", "2", "--resume", file, "-q");
    expect(mismatch.code).toBe(2);
    expect(mismatch.stderr).toMatch(/^cellgate exhaustive: cannot resume this checkpoint: the checkpoint was written with cells 1, this search has 2$/);
    const junk = join(dir, "junk.ckpt");
    writeFileSync(junk, readFileSync(file).subarray(0, 300));
    const bad = await cli("exhaustive", "--cells", "1", "--requests", "2", "--resume", junk, "-q");
    expect(bad.code).toBe(2);
    expect(bad.stderr.split("\n")).toHaveLength(1);
    expect(bad.stderr).toMatch(/junk\.ckpt: the checkpoint/);
    const missing = await cli("exhaustive", "--resume", join(dir, "none.ckpt"), "-q");
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/cannot read checkpoint .*none\.ckpt: ENOENT/);
    // A directory (or a FIFO) is refused before it is read, never waited on.
    const notFile = await cli("exhaustive", "--resume", dir, "-q");
    expect(notFile.code).toBe(2);
    expect(notFile.stderr).toMatch(/checkpoint .* is not a regular file$/);
    const por = await cli("exhaustive", "--cells", "1", "--por", "--checkpoint", file, "-q");
    expect(por.code).toBe(2);
    expect(por.stderr).toMatch(/--por is refused with --checkpoint/);
  });
});
