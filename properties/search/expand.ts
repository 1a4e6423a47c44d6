/**
 * Expanding one state of a search: every distinct move within the request budget, applied to a
 * run restored in that state, with what the search needs of each child (its failure, its
 * fingerprint, its saved state, the counters of its step). The sequential search does this
 * inline; a worker thread (search-pool.ts) does it for a chunk of the frontier.
 */
import { cellId, type Implementation } from "../../protocol/index.ts";
import type { Command } from "../run/commands.ts";
import { addInto, MOVE_COUNTERS, zeros } from "../run/counters.ts";
import { INVARIANT_NAMES, type CheckCounts } from "../coverage/invariant-coverage.ts";
import { drainBound, HarnessRun, type Failure } from "../run/run.ts";
import type { ImplView } from "./abstract-state.ts";
import type { DeliveryNote } from "./delivery-hints.ts";
import { distinctMoves, type Move } from "./moves.ts";
import { memoKey, resetKeyMemo } from "./key-memo.ts";
import { encodingAt, Level, type Encodings } from "./frontier.ts";
import { ChildRows, type PackedChildren } from "./child-table.ts";
import { StateCodec, type DictionaryEntries, type DictionaryMark } from "./state-codec.ts";
import type { Fingerprint } from "./visited.ts";
import type { Claims } from "./claims.ts";

/** What a search's expansion depends on. */
export interface ExpandSettings {
  readonly cells: number;
  /** Requests per cell (Infinity: no bound). */
  readonly budget: number;
  readonly view: ImplView;
  readonly symmetry: boolean;
  /** False with dedupe "off": no fingerprints. */
  readonly keyed: boolean;
}

/** The move a drain starts with (and a delivery hint stands for). */
export function isFirstDelivery(command: Command): boolean {
  return command.kind === "deliver" && command.index === 0;
}

/** A move within the request budget: observe, terminate and tool requests are counted per cell. */
export function withinBudget(run: HarnessRun, move: Move, budget: number): boolean {
  const requesting = move.command.kind === "observe" || move.command.kind === "terminate" || move.command.kind === "tool";
  if (!Number.isFinite(budget) || !requesting) return true;
  let issued = 0;
  for (const r of run.state.requests.values()) {
    if (r.cell === move.cell && r.kind !== "create" && r.origin !== "guard") issued++;
  }
  return issued < budget;
}

/**
 * The fingerprint a search keys a run's state by (`snapshot`: the instance's, when taken already),
 * found in the thread's memo when the state's parts were keyed before (key-memo.ts).
 */
export function searchKey(run: HarnessRun, s: ExpandSettings, snapshot?: unknown): Fingerprint {
  const impl = s.view === "snapshot" ? (snapshot ?? run.instance.snapshot?.()) : undefined;
  return memoKey(run, { view: s.view, issued: Number.isFinite(s.budget), symmetry: s.symmetry, ...(impl !== undefined ? { snapshot: impl } : {}) });
}

/** A run's counters as one list: executed by kind, orderings, invariant checks (in this order; run/counters.ts). */
export function countsOf(run: HarnessRun): number[] {
  return run.moveCounts.concat(run.checkCounts);
}

/** Add counters listed by `countsOf` into the search's totals (moves, then checks: the lists of run/counters.ts). */
export function addCounts(counts: ArrayLike<number>, moves: number[], checks: CheckCounts): void {
  addInto(moves, counts);
  addInto(checks, counts, MOVE_COUNTERS);
}

/**
 * Does the end-of-run drain from this run's state pass? The drain starts by delivering
 * `deliver[0]` until nothing is in flight, so from a state with messages in flight it is that
 * delivery followed by the drain from the next state. Verdicts are memoised in `memo` per state
 * along that prefix while its states are shallow enough for the search to reach them later
 * (deeper ones are not worth the key), and per quiescent state, from which the rest of the drain
 * runs. Adds the drain's invariant checks to `checks`, and closes the run. With `noteFirst`, says
 * where its first delivery led and that step's counters, when it began with one (delivery-hints.ts).
 */
export function drainOf(
  run: HarnessRun,
  firstKey: Fingerprint | undefined,
  depthLeft: number,
  memo: DrainMemo,
  s: ExpandSettings,
  checks: CheckCounts,
  noteFirst = false,
): { passes: boolean; failure: Failure | undefined; first?: DeliveryNote } {
  const chain: Fingerprint[] = [];
  let verdict: boolean | undefined;
  let key = firstKey;
  let first: DeliveryNote | undefined;
  for (let step = 0; verdict === undefined; step++) {
    const known = key === undefined ? undefined : memo.drainVerdict(key);
    if (known === true) {
      verdict = true;
      break;
    }
    if (known === false) {
      // Confirm on this very run before reporting it (under "table" dedupe the key may merge states that differ).
      run.drain();
      verdict = run.failure === undefined;
      break;
    }
    if (key !== undefined) chain.push(key);
    // A delivery that never settles is the drain's to judge (its bound makes it a livelock).
    if (run.channels.quiescent || step >= drainBound(run.steps - step)) {
      run.drain();
      verdict = run.failure === undefined;
      break;
    }
    const before = noteFirst && step === 0 ? countsOf(run) : undefined;
    run.apply({ kind: "deliver", index: 0 });
    if (run.failure !== undefined) {
      verdict = false;
      break;
    }
    key = !s.keyed || (step + 1 > depthLeft && !run.channels.quiescent) ? undefined : searchKey(run, s);
    if (before !== undefined && key !== undefined) first = { to: key, counts: countsOf(run).map((x, i) => x - (before[i] as number)) };
  }
  addInto(checks, run.checkCounts);
  const failure = run.failure;
  run.close();
  for (const k of chain) memo.setDrainVerdict(k, verdict);
  return { passes: verdict, failure, ...(first !== undefined ? { first } : {}) };
}

/** Where drain verdicts are kept per state: the search's visited table, or the workers' shared claims (claims.ts). */
export interface DrainMemo {
  drainVerdict(f: Fingerprint): boolean | undefined;
  setDrainVerdict(f: Fingerprint, passes: boolean): void;
}

/** One child of an expanded state, in move order. */
export interface ChildRecord {
  readonly command: Command;
  /** The step failed (the child is a counterexample candidate, not a state). */
  readonly failure?: Failure;
  readonly key?: Fingerprint;
  /** Which of the chunk's encodings is the child's saved state; left out when a chunk before this one, or this one at an earlier child, claimed its key (the search has it, too: claims.ts). */
  readonly snap?: number;
  /** With `snap`: the end-of-run drain from the child, and the invariant checks it made (in `countsOf` order). */
  readonly drain?: { readonly passes: boolean; readonly failure: Failure | undefined; readonly checks: ArrayLike<number> };
  readonly counts: ArrayLike<number>;
}

/** A chunk's children, state by state, as a table (child-table.ts), and the encodings of those sent in full (`ChildRecord.snap` indexes them). */
export interface ExpandedChunk {
  readonly children: PackedChildren;
  readonly states: Encodings;
  /** The values the encodings number provisionally (the search reads them with the encodings: StateCodec.fromWorker). */
  readonly provisional: Encodings;
}

/**
 * Expands states sent to it (encoded by the search's dictionary, state-codec.ts), claiming the
 * keys of the children it sends in the workers' shared table (claims.ts). Every part of a state the search's table holds decodes to
 * this expander's one object for it, so the implementation's steps from it are found in its memo
 * (reference/parties-memo.ts) and its code in the key's (code-reuse.ts), as on the search's thread.
 */
export class Expander {
  private readonly codec: StateCodec;
  /** The implementation's restore copies out of what it is given (Instance.snapshotsUnshared): known after the first restore. */
  private shared = false;
  /** A drain's invariant checks (copied into the chunk's table). */
  private readonly checks = zeros(INVARIANT_NAMES.length);

  constructor(
    private readonly impl: Implementation,
    private readonly s: ExpandSettings,
    /** The workers' shared claims and drain verdicts (replaced as the search grows them). */
    public claims: Claims,
  ) {
    this.codec = new StateCodec(cellNames(s.cells), false);
    resetKeyMemo();
  }

  /** The search's dictionary entries from `mark` on. */
  learn(entries: DictionaryEntries, mark: DictionaryMark): void {
    this.codec.extend(entries, mark);
  }

  /** The children of every state of chunk number `chunk`, whose drains may look `depthLeft` levels ahead. */
  expandChunk(states: Encodings, depthLeft: number, chunk: number): ExpandedChunk {
    const out = new Level(0);
    const rows = new ChildRows();
    for (let k = 0; k < states.ends.length; k++) this.expand(encodingAt(states, k), depthLeft, chunk, out, rows);
    return { children: rows.done(), states: out.slice(0, out.count), provisional: this.codec.takeProvisional() };
  }

  private expand(encoding: Uint8Array, depthLeft: number, chunk: number, sent: Level, out: ChildRows): void {
    const snap = this.codec.decode(encoding, 0, encoding.length, this.shared);
    const here = HarnessRun.restore(this.impl, snap, { cells: this.s.cells });
    // One decoded value serves every move only when restore copies out of it.
    const shared = here.instance.snapshotsUnshared === true;
    this.shared = shared;
    const moves = distinctMoves(here).filter((m) => withinBudget(here, m, this.s.budget));
    out.state();
    if (moves.length === 0) here.close();
    for (const [i, move] of moves.entries()) {
      const child = i === 0 ? here : HarnessRun.restore(this.impl, shared ? snap : this.codec.decode(encoding), { cells: this.s.cells });
      child.apply(move.command);
      if (child.failure !== undefined) {
        out.row(move.command, child.moveCounts, child.checkCounts, undefined, child.failure);
        child.close();
        continue;
      }
      const saved = child.save();
      if (saved === undefined) throw new Error(`${this.impl.name} stopped offering snapshots`);
      const key = this.s.keyed ? searchKey(child, this.s, saved.impl) : undefined;
      out.row(move.command, child.moveCounts, child.checkCounts, key, undefined);
      if (key !== undefined && !this.claims.claim(key, chunk)) {
        child.close();
        continue;
      }
      sent.push(this.codec.encode(saved));
      // The drain counts only its own checks, as in the search's own thread.
      child.checkCounts.fill(0);
      this.checks.fill(0);
      const d = drainOf(child, key, depthLeft, this.claims, this.s, this.checks);
      out.drain(sent.count - 1, d.passes, d.failure, this.checks);
    }
  }
}

/** The cell names of a search of `n` cells, as every run of it names them. */
export function cellNames(n: number): string[] {
  return Array.from({ length: n }, (_, i) => cellId(i + 1));
}
