/**
 * A search saved between two levels, to resume later where it stopped (what TLC's checkpoints
 * and `-recover` are): the visited table, the trail, the level about to be expanded (its states'
 * encodings), the codec's dictionary those encodings are written in, and the counters so far.
 * A search resumed from the checkpoint of a level goes on exactly as the search that wrote it
 * would have (test/checkpoint.test.ts): the same states, transitions, levels, counters and first
 * counterexample.
 *
 * As bytes: a magic line, a header (JSON: the scalars and each binary part's length), the
 * binary parts back to back, and a 32-bit checksum of everything before it. Reading refuses,
 * with one line, anything that is not such a file or does not add up.
 */
import type { Command, CommandKind } from "../run/commands.ts";
import type { Ordering } from "../run/orderings.ts";
import type { SlowStep } from "../run/timing.ts";
import type { InvariantCounts } from "../coverage/invariant-coverage.ts";
import type { DictionaryEntries } from "./state-codec.ts";
import { FNV_BASIS, hashBytes } from "./value-table.ts";
import type { Fingerprint } from "./visited.ts";
import type { LevelStats } from "./exhaustive.ts";

/** What a resumed search must share with the one that wrote the checkpoint. */
export interface CheckpointSettings {
  readonly implementation: string;
  /** Whether nested tool calls were made (an implementation offering dispatch, not searched `--no-tools`). */
  readonly dispatch: boolean;
  readonly cells: number;
  /** Requests per cell; null: unbounded. */
  readonly requests: number | null;
  readonly dedupe: string;
  readonly symmetry: boolean;
  /** The initial state's fingerprint: another implementation or model gives another one. */
  readonly root: Fingerprint;
}

export interface SearchCheckpoint {
  readonly settings: CheckpointSettings;
  /** Levels expanded so far: the frontier is the states first reached at this depth. */
  readonly depth: number;
  readonly states: number;
  readonly transitions: number;
  /** Time the search had run when the checkpoint was taken, in ms (added to the resumed search's). */
  readonly elapsedMs: number;
  readonly executed: Record<CommandKind, number>;
  readonly orderings: Record<Ordering, number>;
  readonly invariantChecks: InvariantCounts;
  readonly levels: readonly LevelStats[];
  readonly slow: readonly SlowStep[];
  readonly dictionary: DictionaryEntries;
  readonly commands: readonly Command[];
  readonly visited: { readonly words: Uint32Array; readonly flags: Uint8Array; readonly count: number };
  readonly trail: { readonly parents: Int32Array; readonly codes: Uint16Array; readonly count: number };
  /** The frontier: the number of its first state in the trail, and its encodings back to back. */
  readonly frontier: { readonly first: number; readonly bytes: Uint8Array; readonly ends: Int32Array };
}

/** A file that is not a checkpoint, a damaged one, or one a search with other settings cannot resume. */
export class CheckpointError extends Error {
  override readonly name = "CheckpointError";
}

// 2: the codec's value table is a part of its own (its encodings name values by number).
const MAGIC = "cellgate-checkpoint 2\n";

/** The binary parts, in file order. */
const PARTS = ["words", "flags", "parents", "codes", "bytes", "ends", "values", "valueEnds"] as const;
type PartName = (typeof PARTS)[number];

function partsOf(c: SearchCheckpoint): Record<PartName, Uint8Array> {
  const bytesOf = (a: Uint32Array | Uint8Array | Int32Array | Uint16Array): Uint8Array => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
  return {
    words: bytesOf(c.visited.words),
    flags: bytesOf(c.visited.flags),
    parents: bytesOf(c.trail.parents.subarray(0, c.trail.count)),
    codes: bytesOf(c.trail.codes.subarray(0, c.trail.count)),
    bytes: bytesOf(c.frontier.bytes),
    ends: bytesOf(c.frontier.ends),
    values: c.dictionary.values?.bytes ?? new Uint8Array(0),
    valueEnds: bytesOf(c.dictionary.values?.ends ?? new Int32Array(0)),
  };
}

/** FNV-1a (value-table.ts), continued from `h` over `chunk`. */
function fnv(h: number, chunk: Uint8Array): number {
  return hashBytes(chunk, 0, chunk.length, h);
}

/** The checkpoint as chunks to write one after another (the binary parts are views of the search's arrays: write them before the search goes on). */
export function checkpointChunks(c: SearchCheckpoint): Uint8Array[] {
  const parts = partsOf(c);
  const { visited, trail, frontier, dictionary, ...rest } = c;
  const header = {
    ...rest,
    dictionary: { strings: dictionary.strings, shapes: dictionary.shapes },
    visitedCount: visited.count,
    trailCount: trail.count,
    frontierFirst: frontier.first,
    lengths: PARTS.map((p) => parts[p].byteLength),
  };
  const head = new TextEncoder().encode(JSON.stringify(header));
  const prefix = new TextEncoder().encode(MAGIC);
  const size = new Uint8Array(4);
  new DataView(size.buffer).setUint32(0, head.byteLength, true);
  const chunks = [prefix, size, head, ...PARTS.map((p) => parts[p])];
  const sum = new Uint8Array(4);
  new DataView(sum.buffer).setUint32(0, chunks.reduce(fnv, FNV_BASIS) >>> 0, true);
  return [...chunks, sum];
}

/**
 * Where a checkpoint is read from: its size, and `read(at, length)`, the bytes at `at` in a
 * buffer of their own (a file is read part by part, so a checkpoint may be larger than one buffer).
 */
export interface CheckpointSource {
  readonly size: number;
  read(at: number, length: number): Uint8Array;
}

/** A checkpoint held in memory, as a source. */
export function bytesSource(bytes: Uint8Array): CheckpointSource {
  return { size: bytes.length, read: (at, length) => bytes.slice(at, at + length) };
}

/** Read a checkpoint written by `checkpointChunks`; throws CheckpointError (one line) when it is not one. */
export function readCheckpoint(source: CheckpointSource): SearchCheckpoint {
  const magic = new TextEncoder().encode(MAGIC);
  const opening = source.read(0, Math.min(source.size, magic.length + 4));
  if (!magic.every((b, i) => opening[i] === b)) {
    const line = new TextDecoder().decode(opening.subarray(0, 20)).split("\n")[0] ?? "";
    throw new CheckpointError(line.startsWith("cellgate-checkpoint") ? `a checkpoint of another format (${JSON.stringify(line)}; this cellgate reads ${JSON.stringify(MAGIC.trim())})` : "not a cellgate checkpoint");
  }
  if (source.size < magic.length + 8) throw new CheckpointError("the checkpoint is truncated");
  let sum = fnv(FNV_BASIS, opening);
  const headLength = new DataView(opening.buffer, opening.byteOffset).getUint32(magic.length, true);
  let at = magic.length + 4;
  if (at + headLength > source.size - 4) throw new CheckpointError("the checkpoint is truncated");
  const headBytes = source.read(at, headLength);
  sum = fnv(sum, headBytes);
  at += headLength;
  let header: Record<string, unknown>;
  try {
    header = JSON.parse(new TextDecoder().decode(headBytes)) as Record<string, unknown>;
  } catch {
    throw new CheckpointError("the checkpoint's header is not JSON");
  }
  const lengths = header.lengths;
  if (!Array.isArray(lengths) || lengths.length !== PARTS.length || !lengths.every((n) => Number.isSafeInteger(n) && n >= 0)) throw new CheckpointError("the checkpoint's header lists no part lengths");
  if (at + (lengths as number[]).reduce((a, b) => a + b, 0) !== source.size - 4) throw new CheckpointError("the checkpoint's parts do not add up to its size (truncated?)");
  const part = <T>(i: number, width: number, make: (b: ArrayBuffer) => T): T => {
    const length = lengths[i] as number;
    if (length % width !== 0) throw new CheckpointError(`the checkpoint's ${PARTS[i]} part has a length of ${length} bytes`);
    const bytes = source.read(at, length);
    sum = fnv(sum, bytes);
    at += length;
    return make(bytes.buffer.byteLength === length && bytes.byteOffset === 0 ? (bytes.buffer as ArrayBuffer) : bytes.slice().buffer);
  };
  const words = part(0, 4, (b) => new Uint32Array(b));
  const flags = part(1, 1, (b) => new Uint8Array(b));
  const parents = part(2, 4, (b) => new Int32Array(b));
  const codes = part(3, 2, (b) => new Uint16Array(b));
  const frontierBytes = part(4, 1, (b) => new Uint8Array(b));
  const ends = part(5, 4, (b) => new Int32Array(b));
  const values = part(6, 1, (b) => new Uint8Array(b));
  const valueEnds = part(7, 4, (b) => new Int32Array(b));
  const stored = new DataView(source.read(at, 4).buffer).getUint32(0, true);
  if (sum >>> 0 !== stored) throw new CheckpointError("the checkpoint is damaged (its checksum does not match)");
  const count = (name: string): number => {
    const n = header[name];
    if (!Number.isSafeInteger(n) || (n as number) < 0) throw new CheckpointError(`the checkpoint's header has no ${name}`);
    return n as number;
  };
  const visitedCount = count("visitedCount");
  const trailCount = count("trailCount");
  const first = count("frontierFirst");
  for (const name of ["depth", "states", "transitions"]) count(name);
  if (words.length !== 4 * flags.length || flags.length === 0 || (flags.length & (flags.length - 1)) !== 0) throw new CheckpointError("the checkpoint's visited table is not a table");
  if (parents.length !== trailCount || codes.length !== trailCount || first + ends.length !== trailCount) throw new CheckpointError("the checkpoint's trail and frontier do not agree");
  for (const name of ["settings", "executed", "orderings", "invariantChecks", "dictionary"]) {
    if (typeof header[name] !== "object" || header[name] === null) throw new CheckpointError(`the checkpoint's header has no ${name}`);
  }
  for (const name of ["levels", "slow", "commands"]) {
    if (!Array.isArray(header[name])) throw new CheckpointError(`the checkpoint's header has no ${name}`);
  }
  const h = header as unknown as Omit<SearchCheckpoint, "visited" | "trail" | "frontier">;
  return {
    settings: h.settings,
    depth: h.depth,
    states: h.states,
    transitions: h.transitions,
    elapsedMs: typeof h.elapsedMs === "number" ? h.elapsedMs : 0,
    executed: h.executed,
    orderings: h.orderings,
    invariantChecks: h.invariantChecks,
    levels: h.levels,
    slow: h.slow,
    dictionary: { ...h.dictionary, values: { bytes: values, ends: valueEnds } },
    commands: h.commands,
    visited: { words, flags, count: visitedCount },
    trail: { parents, codes, count: trailCount },
    frontier: { first, bytes: frontierBytes, ends },
  };
}

/** Why a checkpoint cannot be resumed by a search with these settings, or undefined when it can. */
export function settingsDiffer(saved: CheckpointSettings, now: CheckpointSettings): string | undefined {
  const show = (x: unknown): string => (x === null ? "unbounded" : JSON.stringify(x));
  for (const key of ["implementation", "dispatch", "cells", "requests", "dedupe", "symmetry"] as const) {
    if (saved[key] !== now[key]) return `the checkpoint was written with ${key} ${show(saved[key])}, this search has ${show(now[key])}`;
  }
  if (saved.root.some((x, i) => x !== now.root[i])) return `the initial state differs from the checkpoint's (the implementation or the model changed since it was written)`;
  return undefined;
}

/** What `nextLevelOutruns` reads of a level. */
type Timed = Pick<LevelStats, "states" | "elapsedMs">;

/**
 * Will the next level take longer than `leftMs`? Judged from the last level: its time, scaled by
 * how much the last level grew over the one before (levels of these spaces grow, then shrink).
 * A search under a time limit saves a checkpoint when it will, since no later one completes.
 */
export function nextLevelOutruns(levels: readonly Timed[], leftMs: number): boolean {
  if (levels.length < 2) return false;
  const last = levels[levels.length - 1] as Timed;
  const before = levels[levels.length - 2] as Timed;
  const growth = before.states > 0 ? Math.max(1, last.states / before.states) : 1;
  return leftMs < (last.elapsedMs - before.elapsedMs) * growth;
}
