/**
 * A chunk's child records (expand.ts) as a few typed arrays, to send from a search worker to
 * the search's thread by transfer instead of cloning an object, a fingerprint array and two
 * counter lists per child: one row per child, in order, with its command's code, flags, the four
 * words of its fingerprint, the index of its saved state, its step's counters and its drain's
 * invariant checks. Failures are rare and go as they are, by row.
 */
import { COMMAND_KINDS, type Command, type CommandKind } from "../run/commands.ts";
import type { Failure } from "../run/run.ts";
import type { ChildRecord } from "./expand.ts";
import type { Fingerprint } from "./visited.ts";

const KEY = 1;
const SNAP = 2;
const DRAIN = 4;
const DRAIN_PASSES = 8;

export interface PackedChildren {
  /** How many children each state of the chunk has (rows in order). */
  readonly per: Int32Array;
  readonly commands: Int32Array;
  readonly flags: Uint8Array;
  readonly keys: Uint32Array;
  readonly snaps: Int32Array;
  /** `countsWidth` per row. */
  readonly counts: Int32Array;
  readonly countsWidth: number;
  /** `checksWidth` per row (zero without a drain). */
  readonly checks: Int32Array;
  readonly checksWidth: number;
  /** The step's failure, and the drain's, by row. */
  readonly failures: readonly (readonly [number, Failure])[];
  readonly drainFailures: readonly (readonly [number, Failure])[];
}

/** A command as one integer: kind, whether it has an index, the index. */
function commandCode(c: Command): number {
  const kind = COMMAND_KINDS.indexOf(c.kind);
  return "index" in c ? kind | 16 | (c.index * 32) : kind;
}

function commandOf(code: number): Command {
  const kind = COMMAND_KINDS[code & 15] as CommandKind;
  return (code & 16) === 0 ? ({ kind } as Command) : ({ kind, index: Math.floor(code / 32) } as Command);
}

/** Grown to hold `need` elements. */
function room<T extends Int32Array | Uint32Array | Uint8Array>(a: T, need: number, make: (n: number) => T): T {
  if (need <= a.length) return a;
  const bigger = make(Math.max(need, 2 * a.length));
  bigger.set(a);
  return bigger;
}

/**
 * A chunk's table, written row by row as the worker expands (no child record is made): `state()`
 * before each state's children, `row()` for each child, `drain()` after the row of a child sent
 * in full. Counters are copied from the run's own lists; their widths are the first row's.
 */
export class ChildRows {
  private per = new Int32Array(64);
  private states = 0;
  private commands = new Int32Array(256);
  private flags = new Uint8Array(256);
  private keys = new Uint32Array(1024);
  private snaps = new Int32Array(256);
  private counts = new Int32Array(0);
  private countsWidth = -1;
  private checks = new Int32Array(0);
  private checksWidth = -1;
  private rows = 0;
  private failures: [number, Failure][] = [];
  private drainFailures: [number, Failure][] = [];

  /** The next state's children follow. */
  state(): void {
    this.per = room(this.per, this.states + 1, (n) => new Int32Array(n));
    this.per[this.states++] = 0;
  }

  /** A child: its command, its counters (`moves` then `checks`, as `countsOf` lists them), its fingerprint and failure if any. */
  row(command: Command, moves: ArrayLike<number>, checks: ArrayLike<number>, key: Fingerprint | undefined, failure: Failure | undefined): void {
    const r = this.rows++;
    (this.per[this.states - 1] as number)++;
    const width = moves.length + checks.length;
    if (this.countsWidth < 0) this.countsWidth = width;
    if (width !== this.countsWidth) throw new Error("child table: rows of different counter widths");
    this.commands = room(this.commands, r + 1, (n) => new Int32Array(n));
    this.flags = room(this.flags, r + 1, (n) => new Uint8Array(n));
    this.snaps = room(this.snaps, r + 1, (n) => new Int32Array(n));
    this.keys = room(this.keys, 4 * r + 4, (n) => new Uint32Array(n));
    this.counts = room(this.counts, width * (r + 1), (n) => new Int32Array(n));
    this.commands[r] = commandCode(command);
    this.snaps[r] = -1;
    let flags = 0;
    if (key !== undefined) {
      flags |= KEY;
      for (let i = 0; i < 4; i++) this.keys[4 * r + i] = key[i] as number;
    }
    this.flags[r] = flags;
    const at = width * r;
    for (let i = 0; i < moves.length; i++) this.counts[at + i] = moves[i] as number;
    for (let i = 0; i < checks.length; i++) this.counts[at + moves.length + i] = checks[i] as number;
    if (failure !== undefined) this.failures.push([r, failure]);
  }

  /** The last row's child is sent in full: its saved state's index, and its drain's verdict, failure and invariant checks. */
  drain(snap: number, passes: boolean, failure: Failure | undefined, checks: ArrayLike<number>): void {
    const r = this.rows - 1;
    if (this.checksWidth < 0) this.checksWidth = checks.length;
    if (checks.length !== this.checksWidth) throw new Error("child table: drains of different check widths");
    this.checks = room(this.checks, this.checksWidth * (r + 1), (n) => new Int32Array(n));
    this.snaps[r] = snap;
    this.flags[r] = (this.flags[r] as number) | SNAP | DRAIN | (passes ? DRAIN_PASSES : 0);
    this.checks.set(checks, this.checksWidth * r);
    if (failure !== undefined) this.drainFailures.push([r, failure]);
  }

  /** The table (in arrays of its own, to transfer). */
  done(): PackedChildren {
    const rows = this.rows;
    const countsWidth = Math.max(0, this.countsWidth);
    const checksWidth = Math.max(0, this.checksWidth);
    return {
      per: this.per.slice(0, this.states),
      commands: this.commands.slice(0, rows),
      flags: this.flags.slice(0, rows),
      keys: this.keys.slice(0, 4 * rows),
      snaps: this.snaps.slice(0, rows),
      counts: this.counts.slice(0, countsWidth * rows),
      countsWidth,
      checks: checksWidth === 0 ? new Int32Array(0) : this.checks.slice(0, checksWidth * rows),
      checksWidth,
      failures: this.failures,
      drainFailures: this.drainFailures,
    };
  }
}

/** Child records as a table (what `ChildRows` writes as a worker goes). */
export function pack(children: readonly (readonly ChildRecord[])[]): PackedChildren {
  const t = new ChildRows();
  for (const list of children) {
    t.state();
    for (const c of list) {
      t.row(c.command, c.counts, [], c.key, c.failure);
      if (c.drain !== undefined) t.drain(c.snap ?? -1, c.drain.passes, c.drain.failure, c.drain.checks);
    }
  }
  return t.done();
}

/** The buffers to transfer. */
export function transferables(p: PackedChildren): ArrayBuffer[] {
  return [p.per, p.commands, p.flags, p.keys, p.snaps, p.counts, p.checks].map((a) => a.buffer as ArrayBuffer);
}

/** The child records again, state by state (counters as views of the table). */
export function unpack(p: PackedChildren): ChildRecord[][] {
  const failures = new Map(p.failures);
  const drainFailures = new Map(p.drainFailures);
  const out: ChildRecord[][] = [];
  let r = 0;
  for (let k = 0; k < p.per.length; k++) {
    const list: ChildRecord[] = [];
    for (let n = p.per[k] as number; n > 0; n--, r++) {
      const flags = p.flags[r] as number;
      const failure = failures.get(r);
      const counts = p.counts.subarray(p.countsWidth * r, p.countsWidth * (r + 1));
      const c: { -readonly [K in keyof ChildRecord]: ChildRecord[K] } = { command: commandOf(p.commands[r] as number), counts };
      if (failure !== undefined) c.failure = failure;
      if ((flags & KEY) !== 0) c.key = [p.keys[4 * r] as number, p.keys[4 * r + 1] as number, p.keys[4 * r + 2] as number, p.keys[4 * r + 3] as number];
      if ((flags & SNAP) !== 0) c.snap = p.snaps[r] as number;
      if ((flags & DRAIN) !== 0) {
        c.drain = { passes: (flags & DRAIN_PASSES) !== 0, failure: drainFailures.get(r), checks: p.checks.subarray(p.checksWidth * r, p.checksWidth * (r + 1)) };
      }
      list.push(c);
    }
    out.push(list);
  }
  return out;
}
