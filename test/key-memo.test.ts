/**
 * The memo of the search's key (properties/search/key-memo.ts): a key found in it is the key
 * rendering gives, on every key of small searches (with and without symmetry) and on runs made
 * of the parts of many states mixed (a model state, the messages in flight and the parties'
 * snapshots each taken from another state, so that the same parts recur in other company); a
 * memo that leaves one part out of its tuple is caught by the same comparison; a memo that
 * keeps missing turns itself off, and a search starts with it on again.
 */
import { afterEach, describe, expect, it } from "vitest";
import { exhaustive, HarnessRun, type ExhaustiveOptions, type RunSnapshot } from "../properties/index.ts";
import type { KeyOptions } from "../properties/search/abstract-state.ts";
import { KeyMemo, threadKeyMemo, useKeyMemo, type KeyPart } from "../properties/search/key-memo.ts";
import type { Implementation } from "../protocol/index.ts";
import { reference } from "../reference/index.ts";

const withoutTools: Implementation = { ...reference, name: "reference-without-dispatch", dispatch: false };
const threads = threadKeyMemo();

afterEach(() => {
  useKeyMemo(threads);
});

/** A small search with `memo` as the thread's memo; its counts and the memo. */
function searchWith(memo: KeyMemo, impl: Implementation, options: ExhaustiveOptions): { states: number; transitions: number; memo: KeyMemo } {
  useKeyMemo(memo);
  const r = exhaustive(impl, options);
  return { states: r.states, transitions: r.transitions, memo };
}

/** The saved states of a small search (2 cells, 1 request each, to depth 8). */
function savedStates(): RunSnapshot[] {
  const saved: RunSnapshot[] = [];
  exhaustive(withoutTools, {
    cells: 2,
    requests: 1,
    depth: 8,
    onState: (run) => {
      const s = run.save();
      if (s !== undefined && saved.length < 400) saved.push(s);
    },
  });
  return saved;
}

const OPTIONS: readonly KeyOptions[] = [
  { view: "snapshot", issued: true },
  { view: "snapshot", issued: true, symmetry: true },
  { view: "snapshot", issued: false },
  { view: "table", issued: true },
  { view: "table", issued: true, symmetry: true },
  { view: "none", issued: true },
];

/**
 * Keys runs made of mixed parts of `saved` (model state of one, channels of another, snapshot of
 * a third), each twice and under every option, with `memo` verifying every key it finds.
 */
function mixed(memo: KeyMemo, saved: readonly RunSnapshot[]): KeyMemo {
  const n = saved.length;
  let s = 7;
  const pick = (): RunSnapshot => {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    return saved[s % n] as RunSnapshot;
  };
  const combos: RunSnapshot[] = [];
  for (let i = 0; i < 150; i++) {
    const a = pick();
    combos.push({ ...a, channels: pick().channels, impl: pick().impl });
  }
  for (let round = 0; round < 2; round++) {
    for (const combo of combos) {
      for (const options of OPTIONS) {
        const run = HarnessRun.restore(withoutTools, combo, { cells: 2 });
        memo.key(run, options);
        run.close();
      }
    }
  }
  return memo;
}

describe("the search key's memo", () => {
  const saved = savedStates();

  it("finds, for runs made of recurring parts, the key rendering gives", () => {
    const memo = mixed(new KeyMemo(undefined, { verify: true, stayOn: true }), saved);
    expect(memo.asked).toBe(2 * 150 * OPTIONS.length);
    expect(memo.found).toBeGreaterThanOrEqual(150 * OPTIONS.length);
    expect(memo.wrong).toBe(0);
  });

  it.each<KeyPart>(["state", "impl", "channels", "options"])("a memo that leaves out the %s is caught", (omit) => {
    const memo = mixed(new KeyMemo(undefined, { verify: true, stayOn: true, omit }), saved);
    expect(memo.wrong).toBeGreaterThan(0);
  });

  it.each<[string, Implementation, ExhaustiveOptions, number, number]>([
    ["1 × 1 with tool calls", reference, { cells: 1, requests: 1, depth: 60 }, 1418, 3217],
    ["2 × 1 without tool calls, to depth 12", withoutTools, { cells: 2, requests: 1, depth: 12 }, -1, -1],
    ["2 × 1 without tool calls, to depth 12, with symmetry", withoutTools, { cells: 2, requests: 1, depth: 12, symmetry: true }, -1, -1],
    ["1 × 1 with tool calls, gate table view", reference, { cells: 1, requests: 1, depth: 60, dedupe: "table" }, -1, -1],
  ])("a search of %s counts as with the key rendered every time", (_, impl, options, states, transitions) => {
    const plain = searchWith(new KeyMemo(undefined, { window: 1, stayOn: false }), impl, options);
    const memo = searchWith(new KeyMemo(undefined, { verify: true, stayOn: true }), impl, options);
    expect(memo.memo.wrong).toBe(0);
    expect(memo.memo.asked).toBeGreaterThan(0);
    expect([memo.states, memo.transitions]).toEqual([plain.states, plain.transitions]);
    if (states >= 0) expect([memo.states, memo.transitions]).toEqual([states, transitions]);
  });

  it("a memo that leaves out the model state merges a search's states and is caught", () => {
    const memo = searchWith(new KeyMemo(undefined, { verify: true, stayOn: true, omit: "state" }), reference, { cells: 1, requests: 1, depth: 60 });
    expect(memo.memo.wrong).toBeGreaterThan(0);
  });

  it("turns itself off when it keeps missing (model states new objects every time), and on again at a search's start", () => {
    const memo = new KeyMemo(undefined, { window: 64 });
    const base = saved[saved.length - 1] as RunSnapshot;
    for (let i = 0; i < 200; i++) {
      // An equal model state, but a new object each time: never found.
      const run = HarnessRun.restore(withoutTools, { ...base, state: { ...base.state } }, { cells: 2 });
      memo.key(run, OPTIONS[0] as KeyOptions);
      run.close();
    }
    expect(memo.off).toBe(true);
    expect(memo.asked).toBe(64);
    const again = searchWith(memo, reference, { cells: 1, requests: 1, depth: 60 });
    expect(again.memo.asked).toBeGreaterThan(0);
    expect([again.states, again.transitions]).toEqual([1418, 3217]);
  });

  it("stays on when it finds its keys (each state keyed twice: half are found)", () => {
    const memo = new KeyMemo(undefined, { window: 64 });
    for (const snap of saved) {
      const run = HarnessRun.restore(withoutTools, snap, { cells: 2 });
      memo.key(run, OPTIONS[0] as KeyOptions);
      memo.key(run, OPTIONS[0] as KeyOptions);
      run.close();
    }
    expect(memo.asked).toBe(2 * saved.length);
    expect(memo.asked).toBeGreaterThan(4 * 64);
    expect(memo.off).toBe(false);
    expect(memo.found).toBe(saved.length);
  });

  it("renders every key of an implementation whose snapshots may change (nothing is numbered by identity)", () => {
    const changing: Implementation = { ...withoutTools, name: "changing", start: () => ({ ...withoutTools.start(), snapshotsUnshared: false }) };
    const memo = new KeyMemo(undefined, { verify: true, stayOn: true });
    const base = saved[saved.length - 1] as RunSnapshot;
    for (let i = 0; i < 3; i++) {
      const run = HarnessRun.restore(changing, base, { cells: 2 });
      memo.key(run, OPTIONS[0] as KeyOptions);
      run.close();
    }
    expect(memo.asked).toBe(0);
  });
});
