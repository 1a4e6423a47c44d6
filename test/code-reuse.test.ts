/**
 * Reusing the code of snapshot parts met again (properties/search/code-reuse.ts): a coder that
 * reuses gives, state after state, the very words a coder that renders everything from scratch
 * gives, on the states of searches and walks and on made-up snapshots whose parts recur under
 * other request-id tables; a reuse that keeps stale ids or ignores which object it meets is
 * caught by the same comparison; a snapshot of an instance that may change its values is never
 * reused.
 */
import { describe, expect, it } from "vitest";
import { exhaustive, HarnessRun } from "../properties/index.ts";
import type { KeyOptions } from "../properties/search/abstract-state.ts";
import type { Code } from "../properties/search/code-buffer.ts";
import { CodeReuse, type Place, type Renamer } from "../properties/search/code-reuse.ts";
import { distinctMoves } from "../properties/search/moves.ts";
import { StateCoder } from "../properties/search/state-code.ts";
import type { Implementation } from "../protocol/index.ts";
import { reference } from "../reference/index.ts";

const OPTIONS: KeyOptions = { view: "snapshot", issued: true };

/** Compares a coder's codes with those of a coder that renders from scratch, state by state. */
function comparer(reuse: CodeReuse): { see: (run: HarnessRun, options?: KeyOptions) => void; states: number; differ: number } {
  const reusing = new StateCoder(reuse);
  const plain = new StateCoder(undefined);
  const out = {
    states: 0,
    differ: 0,
    see(run: HarnessRun, options: KeyOptions = OPTIONS): void {
      const a = reusing.code(run, options).join(",");
      const b = plain.code(run, options).join(",");
      out.states++;
      if (a !== b) out.differ++;
    },
  };
  return out;
}

/** Copies a part's words with the ids as they were renamed in the state it was rendered for. */
class KeepsIds extends CodeReuse {
  override copy(place: Place, x: object, code: Code, _ids: Renamer): boolean {
    return super.copy(place, x, code, { renameAt: () => undefined });
  }
}

/** Reuses whatever was rendered at the place, whichever object is there now. */
class IgnoresIdentity extends CodeReuse {
  override copy(place: Place, x: object, code: Code, ids: Renamer): boolean {
    return super.copy(place, place.node ?? x, code, ids);
  }
}

/** The states along seeded random walks of 2 cells (each state's snapshot shares the unchanged parts of the one before). */
function walk(see: (run: HarnessRun) => void, walks: number, seed: number): void {
  let s = seed;
  for (let w = 0; w < walks; w++) {
    const run = new HarnessRun(reference, { cells: 2 });
    for (let i = 0; i < 40 && run.failure === undefined; i++) {
      const moves = distinctMoves(run);
      if (moves.length === 0) break;
      s = (Math.imul(s, 1103515245) + 12345) >>> 0;
      run.apply((moves[(s >>> 8) % moves.length] as (typeof moves)[number]).command);
      see(run);
    }
    run.close();
  }
}

/** Made-up snapshots from a pool of parts with request ids in them, put together again and again and keyed against states whose live ids differ. */
function madeUp(see: (run: HarnessRun, options: KeyOptions) => void): void {
  let pick = 7;
  const next = (n: number): number => {
    pick = (Math.imul(pick, 1103515245) + 12345) >>> 0;
    return (pick >>> 8) % n;
  };
  const numbers = [1, 2, 3, 4, 5, 6, 300, 70_000];
  const part = (depth: number): unknown => {
    const k = next(depth > 2 ? 3 : 6);
    if (k === 0) return numbers[next(numbers.length)];
    if (k === 1) return ["c1", "c2", "x", true, null][next(5)];
    if (k === 2) return { $set: Array.from({ length: next(3) }, () => numbers[next(numbers.length)]) };
    if (k === 3) return Array.from({ length: 1 + next(3) }, () => part(depth + 1));
    const o: Record<string, unknown> = {};
    for (let i = next(3); i >= 0; i--) o[["a", "b", "held", "c1"][next(4)] as string] = part(depth + 1);
    return o;
  };
  const pool = Array.from({ length: 12 }, () => part(0));
  const runs: HarnessRun[] = [];
  for (const steps of [5, 12, 20, 30]) {
    const run = new HarnessRun(reference, { cells: 2 });
    run.apply({ kind: "create" });
    run.apply({ kind: "create" });
    let s = steps;
    for (let i = 0; i < steps && run.failure === undefined; i++) {
      const moves = distinctMoves(run);
      if (moves.length === 0) break;
      s = (Math.imul(s, 1103515245) + 12345) >>> 0;
      run.apply((moves[(s >>> 8) % moves.length] as (typeof moves)[number]).command);
    }
    runs.push(run);
  }
  for (let i = 0; i < 3000; i++) {
    // Mostly the same few parts at the same places, sometimes another one.
    const snapshot = { s: pool[next(3)], t: [pool[3 + next(2)], pool[next(pool.length)]], u: pool[5 + next(2)] };
    see(runs[next(runs.length)] as HarnessRun, { ...OPTIONS, snapshot });
  }
  for (const run of runs) run.close();
}

describe("reusing the code of snapshot parts", () => {
  it("gives every state of a search the words it has from scratch (2 cells x 1 request to depth 9; 1 cell x 1 request with tool calls, exhausted), reusing most parts", () => {
    const reuse = new CodeReuse();
    const c = comparer(reuse);
    exhaustive(reference, { cells: 2, requests: 1, depth: 9, onState: (run) => c.see(run) });
    const r = exhaustive(reference, { cells: 1, requests: 1, depth: 60, onState: (run) => c.see(run) });
    expect(r.exhausted).toBe(true);
    expect(c.states).toBeGreaterThan(3000);
    expect(c.differ).toBe(0);
    expect(reuse.reused).toBeGreaterThan(c.states);
  });

  it("gives the states along random walks and made-up snapshots whose parts recur under other live ids the words they have from scratch", () => {
    const reuse = new CodeReuse();
    const c = comparer(reuse);
    walk(c.see, 100, 4242);
    madeUp(c.see);
    expect(c.differ).toBe(0);
    expect(reuse.reused).toBeGreaterThan(3000);
  });

  it("would be caught keeping stale ids or reusing another object's code", () => {
    for (const broken of [new KeepsIds(), new IgnoresIdentity()]) {
      const c = comparer(broken);
      walk(c.see, 100, 4242);
      madeUp(c.see);
      expect(c.differ).toBeGreaterThan(10);
    }
  });

  it("never reuses the snapshot of an instance that may change its values afterwards", () => {
    const changing: Implementation = {
      ...reference,
      start() {
        const { snapshotsUnshared: _, ...rest } = reference.start();
        return rest;
      },
    };
    const reuse = new CodeReuse();
    const c = comparer(reuse);
    const run = new HarnessRun(changing, { cells: 2 });
    run.apply({ kind: "create" });
    // One object, changed in place between keys.
    const snapshot: { held: number[]; name: string } = { held: [], name: "c1" };
    for (let i = 0; i < 20; i++) {
      snapshot.held.push(i % 3);
      snapshot.name = i % 2 === 0 ? "c1" : "c2";
      c.see(run, { ...OPTIONS, snapshot });
    }
    run.close();
    expect(c.differ).toBe(0);
    expect(reuse.reused + reuse.rendered).toBe(0);
  });
});
