/**
 * The memo of the model's part of each step (properties/run/model-memo.ts) is exact: a search
 * with it reports what the same search without it reports, field by field (states, transitions,
 * levels, every command, ordering and invariant-check counter, the first counterexample and the
 * rule it breaks), on 1 × 1 and 1 × 3 with tool calls, 2 × 1 to a depth, with symmetry, with the
 * memo emptied again and again (a small limit), and at every bundled variant's shortest
 * counterexample. A memo made wrong on purpose (one that ignores the messages a step emitted, or
 * its end) is caught by the same comparison. With the memo on, equal model states are one object.
 */
import { describe, expect, it } from "vitest";
import { exhaustive, type ExhaustiveOptions, type ExhaustiveResult } from "../properties/index.ts";
import { ModelEdge, ModelMemo, type StepEnd, type StepInput } from "../properties/run/model-memo.ts";
import type { ModelState } from "../model/index.ts";
import type { Implementation } from "../protocol/index.ts";
import { reference, VARIANTS } from "../reference/index.ts";
import { MINIMUM } from "./support/minimum.ts";
import { HarnessRun, type RunSnapshot } from "../properties/run/run.ts";
import { distinctMoves } from "../properties/search/moves.ts";
import { StateCodec } from "../properties/search/state-codec.ts";

const withoutDispatch: Implementation = { ...reference, name: "reference-without-dispatch", dispatch: false };

/** What a search reports, without its timings. */
function report(r: ExhaustiveResult): string {
  const { durationMs: _, levels, counterexample, ...rest } = r;
  return JSON.stringify({
    ...rest,
    levels: levels.map((l) => [l.depth, l.states, l.transitions]),
    counterexample: counterexample === undefined ? undefined : { depth: counterexample.depth, labels: counterexample.labels, inDrain: counterexample.inDrain, failure: counterexample.failure },
  });
}

const search = (impl: Implementation, options: ExhaustiveOptions, modelMemo: ExhaustiveOptions["modelMemo"]): string => report(exhaustive(impl, { ...options, modelMemo }));

/** A memo that takes two steps as the same when they differ only in what the party emitted. */
class IgnoresEmitted extends ModelMemo {
  protected override matches(e: ModelEdge, input: StepInput, _emitted: readonly unknown[], end: StepEnd): boolean {
    return super.matches(e, input, e.emitted, end);
  }
}

/** A memo that takes two steps as the same when they differ only in their end (gate table, observers, quiescence). */
class IgnoresEnd extends ModelMemo {
  protected override matches(e: ModelEdge, input: StepInput, emitted: readonly unknown[]): boolean {
    return super.matches(e, input, emitted, e.end);
  }
}

describe("model memo", () => {
  const cases: [string, Implementation, ExhaustiveOptions][] = [
    ["1 × 1 with tool calls", reference, { cells: 1, requests: 1, depth: 80 }],
    ["1 × 3 with tool calls, to depth 14", reference, { cells: 1, requests: 3, depth: 14 }],
    ["2 × 1 without tool calls, to depth 11", withoutDispatch, { cells: 2, requests: 1, depth: 11 }],
    ["2 × 1 with symmetry, to depth 11", reference, { cells: 2, requests: 1, depth: 11, symmetry: true }],
  ];

  it.each(cases)("reports what the search without it reports: %s", (_name, impl, options) => {
    const plain = search(impl, options, false);
    expect(search(impl, options, true)).toBe(plain);
  });

  it("is exact when it is emptied again and again (a limit of 64 nodes and edges)", () => {
    let memo: ModelMemo | undefined;
    const small = (canonical: (s: ModelState) => ModelState | undefined): ModelMemo => (memo = new ModelMemo(canonical, 64));
    const options: ExhaustiveOptions = { cells: 1, requests: 2, depth: 40 };
    expect(search(reference, options, small)).toBe(search(reference, options, false));
    expect(memo?.emptied).toBeGreaterThan(10);
    expect(memo?.size).toBeLessThanOrEqual(64);
  });

  it.each(VARIANTS.map((v) => [v.name, v] as const))("finds %s at the same minimum, by the same steps, as without it", (name, variant) => {
    const options: ExhaustiveOptions = { cells: 2, depth: MINIMUM[name] as number, requests: Infinity };
    const plain = exhaustive(variant, { ...options, modelMemo: false });
    const memo = exhaustive(variant, { ...options, modelMemo: true });
    expect(plain.counterexample?.depth).toBe(MINIMUM[name]);
    expect(report(memo)).toBe(report(plain));
  });

  it("finds steps: the model runs for a fraction of them", () => {
    let memo: ModelMemo | undefined;
    exhaustive(withoutDispatch, { cells: 2, requests: 1, depth: 11, modelMemo: (canonical) => (memo = new ModelMemo(canonical)) });
    expect(memo?.found).toBeGreaterThan(2 * (memo?.missed ?? Infinity));
  });

  it("a memo that ignores what a step emitted, or how it ended, is caught by that comparison", () => {
    const options: ExhaustiveOptions = { cells: 1, requests: 1, depth: 80 };
    const plain = search(reference, options, false);
    expect(search(reference, options, (canonical) => new IgnoresEmitted(canonical))).not.toBe(plain);
    expect(search(reference, options, (canonical) => new IgnoresEnd(canonical))).not.toBe(plain);
  });
});

describe("canonical model states", () => {
  /** Every model state the runs of a search stood at after a new state's step, grouped by value. */
  const statesOf = (modelMemo: boolean): Map<string, Set<ModelState>> => {
    const out = new Map<string, Set<ModelState>>();
    exhaustive(withoutDispatch, {
      cells: 2,
      requests: 1,
      depth: 9,
      modelMemo,
      onState: (run) => {
        const text = layout(run.state);
        const same = out.get(text) ?? new Set<ModelState>();
        same.add(run.state);
        out.set(text, same);
      },
    });
    return out;
  };

  it("with the memo on, equal model states are one object", () => {
    const groups = statesOf(true);
    expect(groups.size).toBeGreaterThan(100);
    for (const same of groups.values()) expect(same.size).toBe(1);
  });

  it("the frontier decodes a model state to the value table's one object, the one `canonical` gives", () => {
    const codec = new StateCodec(["c1", "c2"]);
    codec.modelStatesKept = true;
    const run = new HarnessRun(reference, { cells: 2 });
    for (let i = 0; i < 6; i++) run.apply((distinctMoves(run)[i % 2] ?? distinctMoves(run)[0])?.command ?? { kind: "create" });
    const snap = run.save() as RunSnapshot;
    const bytes = codec.encode(snap).slice();
    const decoded = codec.decode(bytes).state;
    expect(decoded).not.toBe(snap.state);
    expect(layout(decoded)).toBe(layout(snap.state));
    expect(codec.decode(bytes).state).toBe(decoded);
    expect(codec.canonical(snap.state)).toBe(decoded);
    run.close();
  });

  it("without it they are not (the memo is what makes them one)", () => {
    const groups = statesOf(false);
    expect([...groups.values()].some((same) => same.size > 1)).toBe(true);
  });
});

/** A value as text: every own key in order (undefined ones too), PersistentMaps by their entries. */
function layout(x: unknown): string {
  if (x === undefined) return "undefined";
  if (typeof x !== "object" || x === null) return Object.is(x, -0) ? "-0" : JSON.stringify(x);
  if (Array.isArray(x)) return `[${x.map(layout).join(",")}]`;
  if (Symbol.iterator in x && typeof (x as { entries?: unknown }).entries === "function") {
    return `Map{${[...(x as ReadonlyMap<unknown, unknown>).entries()].map(([k, v]) => `${layout(k)}=>${layout(v)}`).join(",")}}`;
  }
  return `{${Object.keys(x).map((k) => `${k}:${layout((x as Record<string, unknown>)[k])}`).join(",")}}`;
}
