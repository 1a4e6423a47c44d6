/**
 * The last shrinking step proves what it claims: for an implementation without snapshots (a black
 * box, searched by replaying prefixes with no deduplication) the reported length is the
 * breadth-first minimum, "proven minimal" is said only when every shorter run was searched, and a
 * search cut short by its bound says how far it got and claims nothing more.
 */
import { describe, expect, it } from "vitest";
import type { Implementation } from "../protocol/index.ts";
import { reference, VARIANTS } from "../reference/index.ts";
import { abstractKey, check, exhaustive, formatMinimality, partiesCoupled, replay, shortest, withInputTrace } from "../properties/index.ts";
import coupled from "./fixtures/ts/coupled-parties.ts";
import { MINIMUM } from "./support/minimum.ts";
import { named } from "./support/play.ts";

/** A bundled variant without snapshot/restore, as an implementation behind an adapter is. */
function blackBox(v: Implementation): Implementation {
  return { ...v, name: `${v.name}-black-box`, start: (o) => ({ ...v.start(o), snapshot: undefined, restore: undefined }) };
}

describe("shrinking a black box ends with an exact search", () => {
  it.each(VARIANTS.map((v) => [v.name, v] as const))("%s without snapshots: shrunk to its minimum, proven only when searched below it", (name, v) => {
    const ce = check(blackBox(v), { seed: 1 }).counterexample;
    const min = MINIMUM[name] as number;
    expect(ce?.commands.length).toBe(min);
    const m = ce?.minimality;
    expect(m?.dedupe).toBe("inputs");
    // Nothing shorter was ever claimed ruled out wrongly, and a proof is a proof of the true minimum.
    expect(m?.searched).toBeLessThan(min);
    expect(m?.proven).toBe(m?.searched === min - 1);
    // Keyed by each party's inputs, every one is proven within the default bound (the deepest, 12 commands, takes 2,434 transitions).
    expect(m?.proven).toBe(true);
  });

  it("a search cut short by its bound proves no minimum, and says how far it got", () => {
    const v = blackBox(named("bug-close-on-abandoned-wait"));
    const found = check(v, { seed: 1, minimize: false }).counterexample;
    expect(found?.minimality.proven).toBe(false);
    expect(formatMinimality(found!.minimality)).toBe("minimal: not proven, shrunk only (minimizing was turned off)");
    const start = replay(v, found!.commands, { cells: 3 });
    const cut = shortest(v, start, start.failure, 3, { maxTransitions: 40, heuristicTransitions: 0 });
    expect(cut.minimality).toMatchObject({ proven: false, dedupe: "inputs", transitions: 40 });
    expect(cut.minimality.searched).toBeLessThan(MINIMUM["bug-close-on-abandoned-wait"] as number);
    expect(formatMinimality(cut.minimality)).toMatch(/^minimal: not proven, shrunk only; no run of up to \d commands fails this way \(at most 1 cell\): the exact search stopped at its bound of 40 transitions$/);
    // The same start with the bound it needs is proven at the minimum.
    const whole = shortest(v, start, start.failure, 3);
    expect({ length: whole.result.commands.length, proven: whole.minimality.proven }).toEqual({ length: MINIMUM["bug-close-on-abandoned-wait"], proven: true });
  });

  it("a shorter run found by the unsound heuristic is proven minimal only when the exact levels reach just below it", () => {
    const v = blackBox(named("bug-cancelled-observation-marker"));
    const start = replay(v, check(v, { seed: 1, minimize: false }).counterexample!.commands, { cells: 3 });
    const r = shortest(v, start, start.failure, 3, { maxTransitions: 5, heuristicTransitions: 5_000, inputs: false });
    expect(r.minimality.searched).toBeLessThan(3);
    expect(r.minimality.proven).toBe(r.minimality.searched >= r.result.commands.length - 1);
    expect(r.minimality.proven).toBe(false);
  });
});

describe("states keyed by each party's inputs", () => {
  // Not to exhaustion: a move that changes no state still lengthens an input trace, so that space only ends at its depth bound.
  it("never merge states the reference's own snapshot tells apart (1 cell, 1 request, every state within 8 commands)", () => {
    // The reference with its snapshot kept aside: the search sees only the input trace.
    const inner = new WeakMap<object, () => unknown>();
    const traced: Implementation = {
      ...withInputTrace(blackBox(reference)),
      start(o) {
        const real = reference.start(o);
        const wrapped = withInputTrace({ ...reference, start: () => ({ ...real, snapshot: undefined, restore: undefined }) }).start(o);
        inner.set(wrapped, () => real.snapshot?.());
        return wrapped;
      },
    };
    const seen = new Map<string, string>();
    const r = exhaustive(traced, {
      cells: 1,
      requests: 1,
      depth: 8,
      dedupe: "snapshot",
      onState: (run) => {
        const byInputs = abstractKey(run, { view: "snapshot", issued: true });
        const snapshot = inner.get(run.instance)?.();
        expect(snapshot).toBeDefined();
        const bySnapshot = abstractKey(run, { view: "snapshot", issued: true, snapshot });
        expect(seen.get(byInputs) ?? bySnapshot).toBe(bySnapshot);
        seen.set(byInputs, bySnapshot);
      },
    });
    expect(r).toMatchObject({ counterexample: undefined, branching: "replay", depth: 8 });
    // It reaches every state the snapshot search reaches within the same depth, and tells apart at least as many.
    const bySnapshot = exhaustive(reference, { cells: 1, requests: 1, depth: 8 }).states;
    expect(new Set(seen.values()).size).toBe(bySnapshot - 1);
    expect(r.states).toBeGreaterThanOrEqual(bySnapshot);
  });

  it("are used only when the parties are seen to be separate: a Host that reads Core's state is searched with no dedupe", () => {
    expect(partiesCoupled(blackBox(reference), 2)).toBeUndefined();
    expect(partiesCoupled(coupled, 1)).toMatch(/^host answered .*create_cell.* when given its inputs host party first: its state depends on the other party's inputs$/);
  });
});
