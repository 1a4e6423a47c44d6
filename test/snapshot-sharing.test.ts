/**
 * Snapshots that share their unchanged parts, and restores that keep what did not change
 * (reference/snapshot.ts, reference/parties.ts), are still exact:
 * - on party-like objects changed at random, an encoding against the previous one is the JSON
 *   value (key order included) of an encoding from scratch, and a restore into a party that is
 *   exactly the previous state lays out every object as a fresh decode does;
 * - along seeded random walks of every bundled implementation, branching as the exhaustive
 *   search does (restore the saved state into a closed instance's parties, take one move, save
 *   again, drain), every saved snapshot holds the state reached by replaying its commands from a
 *   fresh start, the drain ends as that replay's does, and no snapshot is ever changed once taken
 *   (each is frozen at once).
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { HarnessRun, type RunSnapshot } from "../properties/run/run.ts";
import { replay } from "../properties/run/replay.ts";
import type { Command } from "../properties/run/commands.ts";
import { distinctMoves } from "../properties/search/moves.ts";
import { BUNDLED, reference } from "../reference/index.ts";
import { decodeFields, encodedExactly, encodeFields, type PartyState } from "../reference/snapshot.ts";
import type { Implementation } from "../protocol/index.ts";

function deepFreeze(x: unknown): void {
  if (typeof x !== "object" || x === null || Object.isFrozen(x)) return;
  Object.freeze(x);
  for (const v of Object.values(x)) deepFreeze(v);
}

/** A live value as text: every own key in order (undefined ones too), Maps and Sets tagged, prototypes named. */
function layout(x: unknown): string {
  if (x === undefined) return "undefined";
  if (typeof x !== "object" || x === null) return JSON.stringify(x);
  if (x instanceof Map) return `Map{${[...x].map(([k, v]) => `${layout(k)}=>${layout(v)}`).join(",")}}`;
  if (x instanceof Set) return `Set{${[...x].map(layout).join(",")}}`;
  if (Array.isArray(x)) return `[${x.map(layout).join(",")}]`;
  const proto = Object.getPrototypeOf(x) === Object.prototype ? "" : "!";
  return `${proto}{${Object.keys(x).map((k) => `${k}:${layout((x as Record<string, unknown>)[k])}`).join(",")}}`;
}

/** JSON text with every object's keys sorted: the content of a snapshot, whatever order its fields were set in. */
function canonical(x: unknown): string {
  if (typeof x !== "object" || x === null) return JSON.stringify(x) ?? "null";
  if (Array.isArray(x)) return `[${x.map((y) => (y === undefined ? "null" : canonical(y))).join(",")}]`;
  const o = x as Record<string, unknown>;
  const keys = Object.keys(o).filter((k) => o[k] !== undefined).sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonical(o[k])}`).join(",")}}`;
}

/** A party-like object: fields of every kind a bundled party holds. */
interface Party {
  cells: Map<string, { phase: string; observer: number | undefined; list: number[]; nested: { on: boolean; req?: number | undefined } }>;
  ids: Set<number>;
  flag: boolean;
  rows: { cell: string; at: number | undefined }[];
}

function freshParty(): Party {
  return { cells: new Map(), ids: new Set(), flag: false, rows: [] };
}

const CELLS = ["c1", "c2", "c3"];
type Op = readonly [number, number, number];

/** One change to a party, chosen by three small numbers. */
function change(p: Party, [what, a, b]: Op): void {
  const cell = CELLS[a % CELLS.length] as string;
  const c = p.cells.get(cell);
  switch (what % 9) {
    case 0:
      p.cells.set(cell, { phase: "running", observer: undefined, list: [], nested: { on: false } });
      return;
    case 1:
      p.cells.delete(cell);
      return;
    case 2:
      if (c !== undefined) c.observer = b % 3 === 0 ? undefined : b;
      return;
    case 3:
      if (c !== undefined) c.list.push(b);
      return;
    case 4:
      if (c !== undefined) c.nested.req = b % 2 === 0 ? undefined : b;
      return;
    case 5:
      if (c !== undefined) c.phase = ["running", "completed", "gone"][b % 3] as string;
      return;
    case 6:
      if (b % 2 === 0) p.ids.add(b);
      else p.ids.delete(b - 1);
      return;
    case 7:
      p.flag = !p.flag;
      return;
    default:
      if (b % 2 === 0) p.rows.push({ cell, at: b % 4 === 0 ? undefined : b });
      else p.rows.shift();
  }
}

const opArb = fc.tuple(fc.nat(8), fc.nat(5), fc.nat(9));

describe("structural sharing in reference/snapshot.ts", () => {
  it("an encoding against the previous one is the encoding from scratch, and a restore keeping the unchanged parts lays out objects as a fresh decode", () => {
    fc.assert(
      fc.property(fc.array(fc.array(opArb, { maxLength: 4 }), { minLength: 1, maxLength: 25 }), fc.nat(), (rounds, pick) => {
        const live = freshParty();
        const states: PartyState[] = [];
        let base: PartyState | undefined;
        for (const ops of rounds) {
          for (const op of ops) change(live, op);
          const scratch = encodeFields(structuredClone(live) as object);
          const shared = encodeFields(live, base);
          const exact = encodedExactly();
          expect(JSON.stringify(shared)).toBe(JSON.stringify(scratch));
          expect(canonical(shared)).toBe(canonical(scratch));
          // The party encoded exactly is what its snapshot decodes to, field layout included.
          const decoded = freshParty();
          decodeFields(decoded, shared);
          if (exact) expect(layout(live)).toBe(layout(decoded));
          deepFreeze(shared);
          states.push(shared);
          base = shared;
        }
        // Restore every state in turn into one party, keeping what each shares with the one before.
        const target = freshParty();
        let at: PartyState | undefined;
        for (let i = 0; i < states.length; i++) {
          const s = states[(i * 7 + pick) % states.length] as PartyState;
          decodeFields(target, s, at);
          const fresh = freshParty();
          decodeFields(fresh, s);
          expect(layout(target)).toBe(layout(fresh));
          at = s;
        }
      }),
      { numRuns: 300, seed: 11 },
    );
  });
});

/** The implementation's snapshot after `commands` from a fresh start with no snapshot taken before, as canonical text. */
function replayedText(impl: Implementation, commands: readonly Command[], cells: number): string {
  const run = new HarnessRun(impl, { cells });
  for (const c of commands) run.apply(c);
  const text = canonical(run.instance.snapshot?.());
  run.close();
  return text;
}

describe("snapshots and restores of the bundled implementations", () => {
  it.each(BUNDLED.map((i) => [i.name, i] as const))("%s: every saved state is the state replayed from the start, and no snapshot is changed", (_, impl) => {
    const cells = 2;
    let seed = 7;
    const random = (n: number): number => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return (seed >>> 8) % n;
    };
    let compared = 0;
    for (let walk = 0; walk < 6; walk++) {
      const path: Command[] = [];
      const first = new HarnessRun(impl, { cells });
      let saved = first.save() as RunSnapshot;
      first.close();
      deepFreeze(saved.impl);
      for (let step = 0; step < 30; step++) {
        const here = HarnessRun.restore(impl, saved, { cells });
        const moves = distinctMoves(here);
        if (moves.length === 0) break;
        // A sibling first, as the search expands every move of a state from the same snapshot.
        const sibling = HarnessRun.restore(impl, saved, { cells });
        sibling.apply((moves[random(moves.length)] as (typeof moves)[number]).command);
        deepFreeze(sibling.save()?.impl);
        sibling.close();
        const move = (moves[random(moves.length)] as (typeof moves)[number]).command;
        here.apply(move);
        if (here.failure !== undefined) break;
        path.push(move);
        const next = here.save() as RunSnapshot;
        deepFreeze(next.impl);
        expect(canonical(next.impl)).toBe(replayedText(impl, path, cells));
        compared++;
        // The drain runs on after the snapshot, as the search's does, and ends as a replay's from the start.
        here.drain();
        const replayed = replay(impl, path, { cells });
        expect([here.failure, here.steps]).toEqual([replayed.failure, replayed.steps]);
        here.close();
        saved = next;
      }
    }
    expect(compared).toBeGreaterThan(20);
  });

  it("a restore that throws halfway (a malformed snapshot) leaves nothing taken as restored: the next restore decodes in full", () => {
    const i = reference.start();
    const waiting = i.snapshot?.() as { host: object; core: { gates: unknown; cells: unknown } };
    i.core({ type: "exec_create", cell: "c1" as never, req: 1 as never });
    const created = i.snapshot?.() as typeof waiting;
    i.core({ type: "mark_ready", cell: "c1" as never });
    const ready = i.snapshot?.() as typeof waiting;
    i.restore?.(created);
    // Core's gates decode, then its cells do not.
    expect(() => i.restore?.({ host: created.host, core: { gates: ready.core.gates, cells: { $map: [null] } } })).toThrow();
    i.restore?.(created);
    expect(i.gateTable()).toEqual([{ cell: "c1", kind: "waiting" }]);
    expect(canonical(i.snapshot?.())).toBe(canonical(created));
    i.close?.();
  });

  it("a closed instance refuses to be used, and the next one started behaves as a fresh one", () => {
    const a = reference.start();
    a.core({ type: "exec_create", cell: "c1" as never, req: 1 as never });
    const snap = JSON.stringify(a.snapshot?.());
    a.close?.();
    expect(() => a.gateTable()).toThrow(/used after close/);
    a.close?.();
    const b = reference.start();
    expect(b.gateTable()).toEqual([]);
    expect(JSON.stringify(b.snapshot?.())).toBe(JSON.stringify(reference.start().snapshot?.()));
    expect(JSON.stringify(b.snapshot?.())).not.toBe(snap);
  });
});
