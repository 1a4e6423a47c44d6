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

export function pack(children: readonly (readonly ChildRecord[])[]): PackedChildren {
  let rows = 0;
  for (const list of children) rows += list.length;
  const first = children.find((l) => l.length > 0)?.[0];
  const countsWidth = first?.counts.length ?? 0;
  const checksWidth = children.flat().find((c) => c.drain !== undefined)?.drain?.checks.length ?? 0;
  const p = {
    per: new Int32Array(children.length),
    commands: new Int32Array(rows),
    flags: new Uint8Array(rows),
    keys: new Uint32Array(4 * rows),
    snaps: new Int32Array(rows),
    counts: new Int32Array(countsWidth * rows),
    countsWidth,
    checks: new Int32Array(checksWidth * rows),
    checksWidth,
    failures: [] as [number, Failure][],
    drainFailures: [] as [number, Failure][],
  };
  let r = 0;
  for (const [k, list] of children.entries()) {
    p.per[k] = list.length;
    for (const c of list) {
      let flags = 0;
      p.commands[r] = commandCode(c.command);
      if (c.key !== undefined) {
        flags |= KEY;
        p.keys.set(c.key, 4 * r);
      }
      p.snaps[r] = c.snap ?? -1;
      if (c.snap !== undefined) flags |= SNAP;
      p.counts.set(c.counts, countsWidth * r);
      if (c.failure !== undefined) p.failures.push([r, c.failure]);
      if (c.drain !== undefined) {
        flags |= DRAIN | (c.drain.passes ? DRAIN_PASSES : 0);
        p.checks.set(c.drain.checks, checksWidth * r);
        if (c.drain.failure !== undefined) p.drainFailures.push([r, c.drain.failure]);
      }
      p.flags[r] = flags;
      r++;
    }
  }
  return p;
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
