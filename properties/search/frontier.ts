/**
 * How the search keeps what it reached without one object per state: the states of a level as
 * their encodings (state-codec.ts) back to back in one buffer, and every reached state's parent
 * and command in typed arrays (the trail), enough to rebuild the command list that reaches it.
 * States are numbered in the order they are first reached (breadth first), so a level's states
 * are a run of consecutive numbers.
 */
import { formatRawCommand, type Command } from "../run/commands.ts";

function grown<T extends Int32Array | Uint16Array | Uint8Array>(a: T, need: number, make: (n: number) => T): T {
  if (need <= a.length) return a;
  const bigger = make(Math.max(need, a.length * 2));
  bigger.set(a);
  return bigger;
}

/** Encodings back to back and each one's end: what a level's chunk is sent to a worker as, and what it sends back. */
export interface Encodings {
  readonly bytes: Uint8Array;
  readonly ends: Int32Array;
}

/** Encoding `k` of a chunk (a view). */
export function encodingAt(e: Encodings, k: number): Uint8Array {
  return e.bytes.subarray(k === 0 ? 0 : (e.ends[k - 1] as number), e.ends[k]);
}

/** The states of one level, in order; their encodings back to back (none when the search replays instead of restoring). */
export class Level {
  private bytes = new Uint8Array(1 << 12);
  private ends = new Int32Array(256);
  private used = 0;
  count = 0;

  /** `first`: the number of its first state in the trail. */
  constructor(public first: number) {}

  /** A level holding these encodings (copied), whose first state is `first`. */
  static of(first: number, e: Encodings): Level {
    const level = new Level(first);
    for (let k = 0; k < e.ends.length; k++) level.push(encodingAt(e, k));
    return level;
  }

  /** Empty again, for the level whose first state is `first` (keeping its buffers). */
  reset(first: number): this {
    this.first = first;
    this.count = 0;
    this.used = 0;
    return this;
  }

  /** Append the next state (its encoding, copied; or none). */
  push(encoding?: Uint8Array): void {
    if (encoding !== undefined) {
      this.bytes = grown(this.bytes, this.used + encoding.length, (n) => new Uint8Array(n));
      this.bytes.set(encoding, this.used);
      this.used += encoding.length;
    }
    this.ends = grown(this.ends, this.count + 1, (n) => new Int32Array(n));
    this.ends[this.count++] = this.used;
  }

  /** The encoding of state `i` of this level (a view; empty when none was kept). */
  at(i: number): Uint8Array {
    return this.bytes.subarray(this.start(i), this.ends[i]);
  }

  /** Where state `i`'s encoding starts in `buffer`. */
  start(i: number): number {
    return i === 0 ? 0 : (this.ends[i - 1] as number);
  }

  /** The encodings of states `from` to `to - 1`, copied into buffers of their own (to transfer to a worker). */
  slice(from: number, to: number): Encodings {
    const base = this.start(from);
    const ends = this.ends.slice(from, to);
    for (let i = 0; i < ends.length; i++) ends[i] = (ends[i] as number) - base;
    return { bytes: this.bytes.slice(base, this.start(to)), ends };
  }
}

/** Every reached state's parent (-1 for the first) and the command that reached it, by state number. */
export class Trail {
  private parents = new Int32Array(1 << 12);
  private codes = new Uint16Array(1 << 12);
  private readonly commands: Command[] = [];
  private readonly codeOf = new Map<string, number>();
  count = 0;

  /** The trail's arrays (not copies) and its commands by code (from 1): what a checkpoint saves (checkpoint.ts). */
  contents(): { readonly parents: Int32Array; readonly codes: Uint16Array; readonly count: number; readonly commands: readonly Command[] } {
    return { parents: this.parents, codes: this.codes, count: this.count, commands: this.commands };
  }

  /** The trail `contents` gave (copied). */
  static from(c: { readonly parents: Int32Array; readonly codes: Uint16Array; readonly count: number; readonly commands: readonly Command[] }): Trail {
    const t = new Trail();
    t.parents = grown(t.parents, c.count, (n) => new Int32Array(n));
    t.codes = grown(t.codes, c.count, (n) => new Uint16Array(n));
    t.parents.set(c.parents.subarray(0, c.count));
    t.codes.set(c.codes.subarray(0, c.count));
    t.count = c.count;
    for (const command of c.commands) t.code(command);
    return t;
  }

  /** Number a new state reached from `parent` (-1: the first state) by `command`. */
  add(parent: number, command: Command | undefined): number {
    this.parents = grown(this.parents, this.count + 1, (n) => new Int32Array(n));
    this.codes = grown(this.codes, this.count + 1, (n) => new Uint16Array(n));
    this.parents[this.count] = parent;
    this.codes[this.count] = command === undefined ? 0 : this.code(command);
    return this.count++;
  }

  /** The commands from the first state to state `i`. */
  pathOf(i: number): Command[] {
    const out: Command[] = [];
    for (let n = i; n >= 0 && this.parents[n] !== -1; n = this.parents[n] as number) out.push(this.commands[(this.codes[n] as number) - 1] as Command);
    return out.reverse();
  }

  /** Commands are numbered from 1 as first met (0: none). */
  private code(command: Command): number {
    const text = formatRawCommand(command);
    let code = this.codeOf.get(text);
    if (code === undefined) {
      this.commands.push(command);
      code = this.commands.length;
      if (code > 0xffff) throw new Error("the search met more than 65,535 distinct commands");
      this.codeOf.set(text, code);
    }
    return code;
  }
}
