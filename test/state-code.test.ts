/**
 * The search's integer code of a state (properties/search/state-code.ts) against the text key it
 * replaces (abstractKey): on every state reached, two states have equal codes exactly when they
 * have equal keys, with and without symmetry, for the snapshot and the table views.
 */
import { describe, expect, it } from "vitest";
import { abstractKey, exhaustive, HarnessRun } from "../properties/index.ts";
import type { KeyOptions } from "../properties/search/abstract-state.ts";
import { distinctMoves } from "../properties/search/moves.ts";
import { murmur128, stateCode, stateFingerprint } from "../properties/search/state-code.ts";
import { reference } from "../reference/index.ts";
import { closeBeforeReady } from "../reference/variants/close-before-ready.ts";

const VIEWS: readonly (readonly [string, KeyOptions])[] = [
  ["snapshot", { view: "snapshot", issued: true }],
  ["snapshot, symmetry", { view: "snapshot", issued: true, symmetry: true }],
  ["table", { view: "table", issued: true }],
  ["table, symmetry", { view: "table", symmetry: true }],
];

/** Per view, the pairs (key, code) of every state passed to `add`. */
function collector(): { add: (run: HarnessRun) => void; pairs: [string, string][][] } {
  const pairs: [string, string][][] = VIEWS.map(() => []);
  const add = (run: HarnessRun): void => {
    for (const [i, [, options]] of VIEWS.entries()) pairs[i]?.push([abstractKey(run, options), stateCode(run, options).join(",")]);
  };
  return { add, pairs };
}

/** Pairs (key, code) must form a bijection: no key with two codes, no code with two keys. Returns the distinct keys. */
function expectSamePartition(pairs: readonly (readonly [string, string])[]): number {
  const codeOfKey = new Map<string, string>();
  const keyOfCode = new Map<string, string>();
  for (const [key, code] of pairs) {
    expect(codeOfKey.get(key) ?? code).toBe(code);
    expect(keyOfCode.get(code) ?? key).toBe(key);
    codeOfKey.set(key, code);
    keyOfCode.set(code, key);
  }
  return codeOfKey.size;
}

/** Every path's state (no dedupe) of 2 cells, 1 request each, to depth 6: the paths meet often. */
const paths = collector();
exhaustive(reference, { cells: 2, depth: 6, requests: 1, dedupe: "off", onState: paths.add });

/** The states along seeded random walks of 40 distinct moves (2 cells): deep states, where more of the key's fields matter. */
const walks = collector();
let seed = 12345;
const random = (n: number): number => {
  seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
  return (seed >>> 8) % n;
};
for (let w = 0; w < 300; w++) {
  const run = new HarnessRun(reference, { cells: 2 });
  for (let i = 0; i < 40 && run.failure === undefined; i++) {
    const moves = distinctMoves(run);
    if (moves.length === 0) break;
    run.apply((moves[random(moves.length)] as (typeof moves)[number]).command);
    walks.add(run);
  }
  run.close();
}

describe("the integer code of a state", () => {
  it.each(VIEWS.map(([name], i) => [name, i] as const))("merges exactly the states the text key merges (%s; every path of 2 cells to depth 6, random walks of 40 moves)", (_name, i) => {
    const p = paths.pairs[i] as [string, string][];
    const distinct = expectSamePartition(p);
    expect(distinct).toBeGreaterThan(100);
    expect(distinct).toBeLessThan(p.length / 3);
    expect(expectSamePartition(walks.pairs[i] as [string, string][])).toBeGreaterThan(500);
  });

  it("gives a search the same states as the text key did (1 cell x 1 request: 1,418; 2 cells x 1 request to depth 8 with symmetry)", () => {
    const keys = new Set<string>();
    const r = exhaustive(reference, { cells: 1, requests: 1, depth: 60, onState: (run) => void keys.add(abstractKey(run, { view: "snapshot", issued: true })) });
    expect(r.exhausted).toBe(true);
    expect(r.states).toBe(1418);
    // No two states the search kept apart share a text key (none was split), and the count is the pinned one (none merged).
    expect(keys.size).toBe(r.states - 1);
    const orbits = new Set<string>();
    const s = exhaustive(reference, { cells: 2, requests: 1, depth: 8, symmetry: true, onState: (run) => void orbits.add(abstractKey(run, { view: "snapshot", issued: true, symmetry: true })) });
    expect(orbits.size).toBe(s.states - 1);
  });

  it("finds a faulty variant at its minimum", () => {
    expect(exhaustive(closeBeforeReady, { cells: 1, depth: 4 }).counterexample?.depth).toBe(4);
  });

  it("is fingerprinted as a whole: codes that differ in one word, or only in length, have different fingerprints", () => {
    const seen = new Set<string>();
    const words = new Int32Array(7);
    for (let i = 0; i < 20000; i++) {
      words[i % 7] = i;
      seen.add(murmur128(words, 7).join(","));
    }
    expect(seen.size).toBe(20000);
    for (let n = 0; n < 6; n++) expect(murmur128(new Int32Array(n), n).join(",")).not.toBe(murmur128(new Int32Array(n + 1), n + 1).join(","));
    exhaustive(reference, {
      cells: 2,
      requests: 1,
      depth: 5,
      onState: (run) => {
        const options = { view: "snapshot", issued: true, symmetry: true } as const;
        const code = stateCode(run, options);
        expect(stateFingerprint(run, options)).toEqual(murmur128(code, code.length));
      },
    });
  });

  it("does not depend on the values of request ids: walks whose ids start at 1, below and across 65,536 (where the code's id tables give way to a map), and far above, have the same codes", () => {
    let compared = 0;
    for (let w = 0; w < 40; w++) {
      seed = 777 + w;
      const picks: number[] = [];
      const starts = [1, 65_530, 65_536, 1_000_000_007];
      const codes = starts.map((start, i) => {
        const run = new HarnessRun(reference, { cells: 2 });
        run.nextReq = start;
        const out: string[] = [];
        for (let k = 0; k < 40 && run.failure === undefined; k++) {
          const moves = distinctMoves(run);
          if (moves.length === 0) break;
          if (i === 0) picks.push(random(moves.length));
          const move = moves[picks[k] ?? 0];
          if (move === undefined) break;
          run.apply(move.command);
          for (const [, options] of VIEWS) out.push(stateCode(run, options).join(","));
        }
        run.close();
        return out;
      });
      for (const other of codes.slice(1)) expect(other).toEqual(codes[0]);
      compared += (codes[0] as string[]).length;
    }
    expect(compared).toBeGreaterThan(1000);
  });

  it("merges exactly the states the text key merges when the snapshot is any JSON value: ids live or not (numbered in order of appearance), cell names as keys and values, $map and $set, with and without symmetry", () => {
    let pick = 99;
    const next = (n: number): number => {
      pick = (Math.imul(pick, 1103515245) + 12345) >>> 0;
      return (pick >>> 8) % n;
    };
    const atoms: readonly unknown[] = ["c1", "c2", "x", "", true, false, null];
    const keys = ["c1", "c2", "a", "b"];
    // Request ids of the run (live ones among them) and others: below the id tables' first size, above it (300, 5,000: ids the run never issued, which once all rendered alike) and past 65,536.
    const numbers = [1, 2, 3, 4, 5, 6, 40, 300, 5_000, 70_000];
    const reordered = (x: unknown): unknown => {
      if (Array.isArray(x)) return x.map(reordered);
      if (typeof x !== "object" || x === null) return x;
      return Object.fromEntries(Object.entries(x).reverse().map(([k, v]) => [k, reordered(v)]));
    };
    const value = (depth: number): unknown => {
      const k = next(depth > 2 ? 3 : 8);
      if (k === 0) return numbers[next(numbers.length)];
      if (k === 1 || k === 2) return atoms[next(atoms.length)];
      if (k === 3) return Array.from({ length: next(4) }, () => value(depth + 1));
      if (k === 4) return { $set: Array.from({ length: next(3) }, () => (next(3) === 0 ? numbers[next(numbers.length)] : ["c1", "c2"][next(2)])) };
      if (k === 5) return { $map: Array.from({ length: next(3) }, (_, i) => [["c2", "c1", "a"][i], value(depth + 1)]) };
      const o: Record<string, unknown> = {};
      for (let i = next(3); i >= 0; i--) o[keys[next(keys.length)] as string] = value(depth + 1);
      return o;
    };
    // A few states of 2 created cells with live ids in flight and held.
    const runs: HarnessRun[] = [];
    for (const steps of [6, 14, 25]) {
      const run = new HarnessRun(reference, { cells: 2 });
      run.apply({ kind: "create" });
      run.apply({ kind: "create" });
      for (let i = 0; i < steps && run.failure === undefined; i++) {
        const moves = distinctMoves(run);
        if (moves.length === 0) break;
        run.apply((moves[next(moves.length)] as (typeof moves)[number]).command);
      }
      expect(run.state.cells.size).toBe(2);
      runs.push(run);
    }
    for (const symmetry of [false, true]) {
      const pairs: [string, string][] = [];
      for (let i = 0; i < 1500; i++) {
        const run = runs[i % runs.length] as HarnessRun;
        const snapshot = { s: value(0), t: value(1) };
        // The same parts with every object's keys in reverse order: one key under symmetry where a key is a cell name.
        for (const x of [snapshot, { s: reordered(snapshot.s), t: reordered(snapshot.t) }]) {
          const options: KeyOptions = { view: "snapshot", issued: true, symmetry, snapshot: x };
          pairs.push([`${i % runs.length}|${abstractKey(run, options)}`, `${i % runs.length}|${stateCode(run, options).join(",")}`]);
        }
      }
      expect(expectSamePartition(pairs)).toBeGreaterThan(1000);
    }
    for (const run of runs) run.close();
  });
});
