/**
 * The memo of the bundled parties' steps (reference/parties-memo.ts, reference/parties.ts) is
 * exact: along seeded random walks of every bundled implementation, branching as the exhaustive
 * search does (a state's moves each from the same saved snapshot, drains after), the
 * implementation with its memo and the same one built without answers every call alike: each
 * step's messages, every gate table, every observers list and every snapshot, as text that keeps
 * key order and undefined fields. A memo made wrong on purpose (every input taken as the same, or
 * inputs taken as the same by their type) is caught by the same comparison, and the memo is seen
 * to answer steps. The memo's outputs are frozen here (`freeze`), so that any caller along the
 * walks, and along a whole search, that changed one would throw.
 */
import { describe, expect, it } from "vitest";
import { exhaustive } from "../properties/index.ts";
import { HarnessRun, type RunSnapshot } from "../properties/run/run.ts";
import { distinctMoves } from "../properties/search/moves.ts";
import { BUNDLED, reference } from "../reference/index.ts";
import { memoStats, rebuiltWith, type MemoOptions } from "../reference/parties.ts";
import { Memo, sameData, WINDOW } from "../reference/parties-memo.ts";
import type { Implementation, Instance } from "../protocol/index.ts";

/** A value as text: every own key in order (undefined ones too), Maps and Sets tagged. */
function layout(x: unknown): string {
  if (x === undefined) return "undefined";
  if (typeof x !== "object" || x === null) return Object.is(x, -0) ? "-0" : JSON.stringify(x);
  if (x instanceof Map) return `Map{${[...x].map(([k, v]) => `${layout(k)}=>${layout(v)}`).join(",")}}`;
  if (x instanceof Set) return `Set{${[...x].map(layout).join(",")}}`;
  if (Array.isArray(x)) return `[${x.map(layout).join(",")}]`;
  return `{${Object.keys(x).map((k) => `${k}:${layout((x as Record<string, unknown>)[k])}`).join(",")}}`;
}

/** `impl` with every call to its instances and what it returned (or threw) written to `log`. */
function recorded(impl: Implementation, log: string[]): Implementation {
  const note = <T>(what: string, call: () => T): T => {
    try {
      const out = call();
      log.push(`${what} -> ${layout(out)}`);
      return out;
    } catch (e) {
      log.push(`${what} threw ${String(e)}`);
      throw e;
    }
  };
  return {
    ...impl,
    start(options): Instance {
      const i = impl.start(options);
      return {
        ...i,
        host: (input) => note(`host ${layout(input)}`, () => i.host(input)),
        core: (input) => note(`core ${layout(input)}`, () => i.core(input)),
        gateTable: () => note("gateTable", () => i.gateTable()),
        observers: () => note("observers", () => i.observers?.() ?? []),
        snapshot: () => note("snapshot", () => i.snapshot?.()),
        restore: (s) => note("restore", () => i.restore?.(s)),
      };
    },
  };
}

/**
 * A seeded walk of `impl` as the search takes it: from each saved state, every move from a restore
 * of the same snapshot (the search's children), one of them carried on (after a drain, as the
 * search's); the log of every call.
 */
function walkLog(impl: Implementation, seed: number, steps = 25, cells = 2): string[] {
  const log: string[] = [];
  const traced = recorded(impl, log);
  let s = seed;
  const random = (n: number): number => {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    return (s >>> 8) % n;
  };
  const first = new HarnessRun(traced, { cells });
  let saved = first.save() as RunSnapshot;
  first.close();
  for (let step = 0; step < steps; step++) {
    const moves = distinctMoves(HarnessRun.restore(traced, saved, { cells }));
    if (moves.length === 0) break;
    const next: RunSnapshot[] = [];
    for (const move of moves) {
      const child = HarnessRun.restore(traced, saved, { cells });
      child.apply(move.command);
      log.push(`applied ${move.label}: ${layout(child.failure)}`);
      const snap = child.failure === undefined ? child.save() : undefined;
      if (snap !== undefined) next.push(snap);
      if (random(3) === 0) {
        child.drain();
        log.push(`drained: ${layout(child.failure)} after ${child.steps}`);
      }
      child.close();
    }
    if (next.length === 0) break;
    saved = next[random(next.length)] as RunSnapshot;
  }
  return log;
}

/** The first call at which two logs differ, or undefined when they agree throughout. */
function firstDifference(a: readonly string[], b: readonly string[]): string | undefined {
  for (let k = 0; k < Math.max(a.length, b.length); k++) if (a[k] !== b[k]) return `call ${k}: ${a[k] ?? "(none)"} | ${b[k] ?? "(none)"}`;
  return undefined;
}

/** Walks of `impl` with the memo `memo` against walks of the same implementation without one. */
function compare(impl: Implementation, memo: MemoOptions, seeds: readonly number[]): { difference: string | undefined; calls: number; found: number } {
  const with_ = rebuiltWith(impl, memo) as Implementation;
  const without = rebuiltWith(impl, false) as Implementation;
  let calls = 0;
  for (const seed of seeds) {
    const a = walkLog(with_, seed);
    const b = walkLog(without, seed);
    calls += b.length;
    const d = firstDifference(a, b);
    if (d !== undefined) return { difference: d, calls, found: memoStats(with_)?.found ?? 0 };
  }
  return { difference: undefined, calls, found: memoStats(with_)?.found ?? 0 };
}

describe("the memo of the parties' steps", () => {
  it.each(BUNDLED.map((i) => [i.name, i] as const))("%s: with the memo, every step, gate table, observers list and snapshot is as without it", (_, impl) => {
    const r = compare(impl, { freeze: true }, [7, 8, 9]);
    expect(r.difference).toBeUndefined();
    expect(r.calls).toBeGreaterThan(500);
    // The comparison is of the memo at work, not of two runs of the parties.
    expect(r.found).toBeGreaterThan(100);
  });

  it("a memo that takes every input as the same is caught by the comparison", () => {
    const r = compare(reference, { sameInput: () => true }, [7]);
    expect(r.difference).toBeDefined();
  });

  it("a memo that takes inputs of one type as the same is caught by the comparison", () => {
    const type = (x: unknown): unknown => (x as { type?: unknown }).type;
    const r = compare(reference, { sameInput: (a, b) => type(a) === type(b) }, [7, 8, 9]);
    expect(r.difference).toBeDefined();
  });

  it("a whole search with the memo (its outputs frozen) counts and ends as without it", () => {
    const options = { cells: 1, requests: 1, depth: 40 };
    const without = exhaustive(rebuiltWith(reference, false) as Implementation, options);
    const memoised = rebuiltWith(reference, { freeze: true }) as Implementation;
    const with_ = exhaustive(memoised, options);
    expect([with_.states, with_.transitions, with_.depth, with_.exhausted]).toEqual([without.states, without.transitions, without.depth, without.exhausted]);
    expect(with_.counterexample).toBeUndefined();
    expect(memoStats(memoised)?.found).toBeGreaterThan(with_.transitions);
  });

  it("what a memo with `freeze` hands out is frozen, and a party's own messages are not", () => {
    const impl = rebuiltWith(reference, { freeze: true }) as Implementation;
    const i = impl.start();
    const fresh = i.snapshot?.();
    const out = i.core({ type: "exec_create", cell: "c1" as never, req: 1 as never });
    expect(Object.isFrozen(out)).toBe(true);
    expect(out.every((m) => Object.isFrozen(m))).toBe(true);
    expect(Object.isFrozen(i.gateTable())).toBe(true);
    i.restore?.(fresh);
    // The same step again is the memo's: the same frozen list.
    expect(i.core({ type: "exec_create", cell: "c1" as never, req: 1 as never })).toBe(out);
    i.close?.();
    const plain = (rebuiltWith(reference, false) as Implementation).start();
    expect(Object.isFrozen(plain.core({ type: "exec_create", cell: "c1" as never, req: 1 as never }))).toBe(false);
    plain.close?.();
  });

  it("inputs are the same only as the same data: key order, undefined fields and -0 apart, anything but plain data never the same", () => {
    const values = [{ a: 1, b: 2 }, { b: 2, a: 1 }, { a: 1 }, { a: 1, b: undefined }, { a: 0 }, { a: -0 }, { a: "1" }, { a: [1] }, { a: ["1"] }, { a: [1, 2] }, { a: {} }, { a: null }, [1], { 0: 1 }];
    for (const [i, a] of values.entries()) for (const [j, b] of values.entries()) expect(sameData(a, b)).toBe(i === j);
    expect(sameData({ type: "x", cell: "c1", req: 3 }, { type: "x", cell: "c1", req: 3 })).toBe(true);
    const m = new Map();
    expect(sameData({ a: m }, { a: m })).toBe(true);
    expect(sameData({ a: new Map() }, { a: new Map() })).toBe(false);
  });
});

describe("a memo that mostly misses turns itself off", () => {
  /** Steps added from snapshot objects seen once, each after `hits` lookups that find a step taken before, until the memo has judged itself twice. */
  const fill = (memo: Memo<unknown>, hits: number): void => {
    const known = { a: -1 };
    memo.addStep(known as never, { type: "known" }, [], { b: -1 } as never);
    for (let k = 0; k < 2 * WINDOW; k++) {
      for (let h = 0; h < hits; h++) memo.step(memo.nodeFor(known as never) as never, { type: "known" });
      const from = { a: k };
      const node = memo.nodeFor(from as never);
      if (node !== undefined && memo.step(node, { type: "x" }) === undefined) memo.addStep(from as never, { type: "x" }, [], { b: k } as never);
    }
  };

  it("when its snapshots are new objects each time (as in a search worker), and then holds nothing", () => {
    const memo = new Memo<unknown>();
    fill(memo, 0);
    expect(memo.off).toBe(true);
    expect(memo.size).toBe(0);
    expect(memo.nodeFor({ a: 0 } as never)).toBeUndefined();
    expect(memo.addStep({ a: 0 } as never, { type: "x" }, [], { b: 0 } as never)).toBeUndefined();
  });

  it("not when its lookups find what they look for", () => {
    const memo = new Memo<unknown>();
    fill(memo, 2);
    expect(memo.off).toBe(false);
    // It grew past two judgements, finding twice what it missed.
    expect(memo.size).toBeGreaterThan(WINDOW);
    expect(memo.found).toBeGreaterThan(memo.missed);
  });

  it("not in a search on the search's own thread (2 cells x 1 request to depth 14: it keeps finding)", () => {
    const before = memoStats(reference) as NonNullable<ReturnType<typeof memoStats>>;
    exhaustive(reference, { cells: 2, requests: 1, depth: 14 });
    const after = memoStats(reference) as NonNullable<ReturnType<typeof memoStats>>;
    expect(after.off).toBe(false);
    expect(after.found - before.found).toBeGreaterThan(10 * (after.missed - before.missed));
  });
});
