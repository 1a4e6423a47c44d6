/**
 * The memo of a bundled implementation's steps (reference/parties.ts), one per party kind: a
 * party's behaviour is a function of its snapshot (the snapshot contract), and snapshots are
 * never changed once made, so a step from a snapshot object with an input is what it was the
 * first time: the same messages, leading to the same snapshot. What the harness reads after a
 * step (Core's gate table, the Host's observers) is a function of the snapshot too.
 *
 * The memo is a graph: a node per snapshot object (by identity: the search's frontier decodes
 * equal parts to one shared object, state-codec.ts), holding the steps taken from it, each input
 * (compared as data, exactly: `sameData`) with the messages it emitted and the node it led to, and
 * what was read of the party there. A party keeps the node it stands at, so a walk through known
 * steps (a drain) looks nothing up by object; only a restore from outside finds its node by the
 * snapshot. Inputs and what the party returned are kept as deep copies, so the party keeps its
 * own; the copies are handed out to every caller, which only reads them, as it reads the shared
 * messages the frontier decodes (state-codec.ts). They are frozen only when `freeze` is set (the
 * tests do, so that a caller that changed one would throw): frozen objects made the whole search
 * 8 % slower (BENCHMARKS.md). The memo is emptied when it reaches `LIMIT` nodes and steps, so a
 * long search's memory stays bounded.
 *
 * A memo that mostly misses turns itself off: where the snapshots a party is restored from are
 * new objects each time (a search worker decodes states its thread's value table has not met, so
 * nothing is shared by identity), every restore and step would add a node and only take memory.
 * Each time `WINDOW` more nodes and steps are added, a memo that found fewer lookups than it
 * missed since it was last emptied is emptied for good, and steps are run as without it.
 */
import type { Message } from "../protocol/index.ts";
import type { PartyState } from "./snapshot.ts";

/** Nodes and steps a memo holds before it is emptied. */
const LIMIT = 1 << 17;
/** How often (in nodes and steps added) a memo judges whether it pays. */
export const WINDOW = 1 << 13;

/** A step remembered: what the party emitted, and where it then stood. */
export interface Step<V> {
  readonly out: readonly Message[];
  readonly after: MemoNode<V>;
}

/** A snapshot in the memo: the steps taken from it and what was read of the party standing there. */
export class MemoNode<V> {
  /** The inputs of `steps`, copies, in the order first met. */
  readonly inputs: unknown[] = [];
  readonly steps: Step<V>[] = [];
  view: V | undefined = undefined;

  constructor(
    readonly snap: PartyState,
    /** The memo's generation it belongs to: a node of an earlier one (held by a party when the memo was emptied) is no longer in the memo. */
    readonly generation: number,
  ) {}
}

export class Memo<V> {
  private nodes = new Map<PartyState, MemoNode<V>>();
  private generation = 0;
  /** Nodes and steps held now. */
  size = 0;
  /** Times the memo was emptied on reaching its limit. */
  emptied = 0;
  /** Steps and views found here, and not. */
  found = 0;
  missed = 0;
  /** Turned off: it missed more than it found (see above). */
  off = false;
  private foundBefore = 0;
  private missedBefore = 0;
  /** The size at which it next judges whether it pays. */
  private judgeAt = WINDOW;

  constructor(
    readonly sameInput: (a: unknown, b: unknown) => boolean = sameData,
    private readonly freeze = false,
  ) {}

  /** The node of snapshot `s` if it is in the memo (a snapshot some party of this kind was restored from or encoded to). */
  node(s: PartyState): MemoNode<V> | undefined {
    return this.nodes.get(s);
  }

  /** The node of snapshot `s`, added if new (undefined for a value that is not an object, which no snapshot of a bundled party is). */
  nodeFor(s: PartyState): MemoNode<V> | undefined {
    if (this.off || typeof s !== "object" || s === null) return undefined;
    let n = this.nodes.get(s);
    if (n === undefined) {
      if (!this.room()) return undefined;
      n = new MemoNode<V>(s, this.generation);
      this.nodes.set(s, n);
      this.size++;
    }
    return n;
  }

  /** Is `n` in the memo still (not of a generation emptied since)? */
  holds(n: MemoNode<V>): boolean {
    return n.generation === this.generation;
  }

  /** The step from `from` with `input`, if taken before. */
  step(from: MemoNode<V>, input: unknown): Step<V> | undefined {
    if (from.generation === this.generation) {
      const inputs = from.inputs;
      for (let i = 0; i < inputs.length; i++) {
        if (this.sameInput(inputs[i], input)) {
          this.found++;
          return from.steps[i];
        }
      }
    }
    this.missed++;
    return undefined;
  }

  /**
   * Remember a step from snapshot `from` to snapshot `after`; `input` and `out` are copied. The step, or undefined (and nothing remembered) when either is not plain data.
   */
  addStep(from: PartyState, input: unknown, out: readonly unknown[], after: PartyState): Step<V> | undefined {
    if (this.off) return undefined;
    const i = copyOf(input, this.freeze);
    const o = copyOf(out, this.freeze) as readonly Message[] | typeof NOT_PLAIN;
    if (i === NOT_PLAIN || o === NOT_PLAIN || !this.room()) return undefined;
    const a = this.nodeFor(after);
    const f = this.nodeFor(from);
    // Emptied between the two (the limit reached): `after`'s node is of the old generation.
    if (a === undefined || f === undefined || a.generation !== f.generation) return undefined;
    const step = { out: o, after: a };
    f.inputs.push(i);
    f.steps.push(step);
    this.size++;
    return step;
  }

  /** What was read of the party standing at `at`, if read before. */
  view(at: MemoNode<V>): V | undefined {
    const v = at.generation === this.generation ? at.view : undefined;
    if (v === undefined) this.missed++;
    else this.found++;
    return v;
  }

  /** Remember what is read of the party standing at `at`; the copy is returned (`v` itself, and nothing remembered, when it is not plain data). */
  addView(at: MemoNode<V>, v: V): V {
    if (this.off) return v;
    const copy = copyOf(v, this.freeze) as V | typeof NOT_PLAIN;
    if (copy === NOT_PLAIN) return v;
    const n = at.generation === this.generation ? at : this.nodeFor(at.snap);
    if (n !== undefined) n.view = copy;
    return copy;
  }

  /** Make room for one more node or step: false when the memo has turned off instead (it then holds nothing). */
  private room(): boolean {
    if (this.size >= this.judgeAt) {
      this.judgeAt += WINDOW;
      if (this.found - this.foundBefore < this.missed - this.missedBefore) {
        this.empty();
        this.off = true;
        return false;
      }
    }
    if (this.size >= LIMIT) {
      this.empty();
      this.emptied++;
    }
    return true;
  }

  private empty(): void {
    // Nodes still held by parties keep their steps but are of an old generation, so none is used again.
    for (const n of this.nodes.values()) {
      n.inputs.length = 0;
      n.steps.length = 0;
      n.view = undefined;
    }
    this.nodes = new Map();
    this.generation++;
    this.size = 0;
    this.foundBefore = this.found;
    this.missedBefore = this.missed;
    this.judgeAt = WINDOW;
  }
}

/** Are `a` and `b` the same plain data: the same own keys in the same order with the same values (-0 apart from 0), throughout? */
export function sameData(a: unknown, b: unknown): boolean {
  if (typeof a !== "object" || a === null || typeof b !== "object" || b === null) return Object.is(a, b);
  if (a === b) return true;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!sameData(a[i], b[i])) return false;
    return true;
  }
  if (Array.isArray(b) || Object.getPrototypeOf(a) !== Object.prototype || Object.getPrototypeOf(b) !== Object.prototype) return false;
  const x = a as Record<string, unknown>;
  const y = b as Record<string, unknown>;
  // Most inputs differ in their type, the first field of every message: tell those apart without listing keys.
  if (x.type !== y.type) return false;
  const kx = Object.keys(x);
  const ky = Object.keys(y);
  if (kx.length !== ky.length) return false;
  for (let i = 0; i < kx.length; i++) {
    const k = kx[i] as string;
    if (k !== ky[i] || !sameData(x[k], y[k])) return false;
  }
  return true;
}

const NOT_PLAIN: unique symbol = Symbol("not plain data");

/** A deep copy of plain data (arrays and plain objects copied, key order and undefined fields kept), frozen throughout if `freeze`; NOT_PLAIN if it holds anything else. */
function copyOf(v: unknown, freeze: boolean): unknown {
  if (typeof v === "function" || typeof v === "symbol") return NOT_PLAIN;
  if (typeof v !== "object" || v === null) return v;
  if (Array.isArray(v)) {
    const out: unknown[] = new Array(v.length);
    for (let i = 0; i < v.length; i++) {
      // A hole is not an undefined element to a party that asks `i in v`.
      if (!(i in v)) return NOT_PLAIN;
      const x = copyOf(v[i], freeze);
      if (x === NOT_PLAIN) return NOT_PLAIN;
      out[i] = x;
    }
    return freeze ? Object.freeze(out) : out;
  }
  if (Object.getPrototypeOf(v) !== Object.prototype) return NOT_PLAIN;
  const o = v as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(o)) {
    const x = copyOf(o[k], freeze);
    if (x === NOT_PLAIN) return NOT_PLAIN;
    out[k] = x;
  }
  return freeze ? Object.freeze(out) : out;
}
