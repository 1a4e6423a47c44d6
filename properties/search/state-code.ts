/**
 * The search's key of a state as a flat array of 32-bit integers, built in one pass into a
 * reused buffer and fingerprinted directly (MurmurHash3 x86_128 over the integers), instead of a
 * text rendered by `abstractKey` and hashed character by character.
 *
 * It encodes exactly what `abstractKey` renders (abstract-state.ts), item for item, so two states
 * have equal codes exactly when they have equal keys; test/state-code.test.ts checks that on every
 * state of small searches. The encoding is prefix-free: every list carries its length, every
 * snapshot value a tag, and a string is its id in `Strings` (injective: a collision of two
 * strings' hashes is refused, not merged). Request ids are renamed as in `abstractKey`: a live id
 * is (cell, k), an id no longer live (cell, -k), and the calls happen in the same order, so the
 * ids not live are numbered alike.
 *
 * Where `abstractKey` sorts texts (requests; with symmetry the cells, channels, gate rows and the
 * collections keyed by cell), the code sorts the items' integer codes instead: any fixed order
 * of the items is canonical. With symmetry the least code over the same candidate renamings is
 * taken, so the states that count as one are the same (one orbit each).
 */
import type { Message } from "../../protocol/index.ts";
import type { HarnessRun } from "../run/run.ts";
import { candidateRenamings, gather, type Facts, type KeyOptions } from "./abstract-state.ts";
import type { Fingerprint } from "./visited.ts";

// Snapshot value tags (string ids are non-negative, so tags and ids never meet at one position).
const NULL = -1;
const TRUE = -2;
const FALSE = -3;
const NUM = -4;
const STR = -5;
const ARR = -6;
const OBJ = -7;
const NONE = -8;
const HOST_LANE = -9;

/** Strings as non-negative integer ids, from their content (the same in every thread); a collision is refused. */
class Strings {
  private readonly ids = new Map<string, number>();
  private readonly owners = new Map<number, string>();

  id(text: string): number {
    const known = this.ids.get(text);
    if (known !== undefined) return known;
    let h = 0x811c9dc5;
    for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
    h = (h ^ (h >>> 15)) >>> 1;
    const owner = this.owners.get(h);
    if (owner !== undefined) throw new Error(`state code: the strings ${JSON.stringify(owner)} and ${JSON.stringify(text)} have the same id`);
    this.owners.set(h, text);
    this.ids.set(text, h);
    return h;
  }
}

const strings = new Strings();
const sid = (text: string): number => strings.id(text);

/** A growable integer buffer. */
class Code {
  buf = new Int32Array(1024);
  len = 0;

  push(x: number): void {
    if (this.len === this.buf.length) {
      const bigger = new Int32Array(this.buf.length * 2);
      bigger.set(this.buf);
      this.buf = bigger;
    }
    this.buf[this.len++] = x;
  }

  /** Sort the items written since `start` (item i spans ends[i-1]..ends[i]) in lexicographic order of their codes. */
  sortItems(start: number, ends: number[]): void {
    if (ends.length < 2) return;
    const items: Int32Array[] = [];
    let from = start;
    for (const end of ends) {
      items.push(this.buf.slice(from, end));
      from = end;
    }
    items.sort(compareCodes);
    let at = start;
    for (const item of items) {
      this.buf.set(item, at);
      at += item.length;
    }
  }
}

function compareCodes(a: Int32Array, b: Int32Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return (a[i] as number) - (b[i] as number);
  return a.length - b.length;
}

/** One rendering: the state with every cell named `perm.get(cell)`, or as it is. */
class Renderer {
  private readonly ids = new Map<number, number>();
  private readonly live = new Set<number>();
  private readonly deadCount = new Map<string, number>();
  private readonly cellOf = new Map<number, string>();

  constructor(
    private readonly code: Code,
    private readonly run: HarnessRun,
    private readonly f: Facts,
    private readonly options: KeyOptions,
    private readonly perm: Map<string, string> | undefined,
  ) {
    for (const [cell, reqs] of f.liveByCell) {
      for (let i = 0; i < reqs.length; i++) {
        const req = reqs[i] as number;
        this.ids.set(req, i + 1);
        this.live.add(req);
        this.cellOf.set(req, this.name(cell));
      }
    }
  }

  private name(cell: string): string {
    return this.perm?.get(cell) ?? cell;
  }

  /** A request id, renamed: its cell and k (live) or -k (no longer live, in order of appearance). */
  private rename(req: number): void {
    let k = this.ids.get(req);
    let cell = this.cellOf.get(req);
    if (k === undefined || cell === undefined) {
      cell = this.name(this.f.cellOfReq.get(req) ?? "?");
      k = -((this.deadCount.get(cell) ?? 0) + 1);
      this.deadCount.set(cell, -k);
      this.ids.set(req, k);
      this.cellOf.set(req, cell);
    }
    this.code.push(sid(cell));
    this.code.push(k);
  }

  render(): void {
    const { code, run, f, options, perm } = this;
    const s = run.state;
    code.push(s.shutdown ? 1 : 0);
    // Cells.
    code.push(s.cells.size);
    let start = code.len;
    const ends: number[] = [];
    for (const c of s.cells.values()) {
      code.push(sid(this.name(c.cell)));
      code.push(sid(c.admission));
      code.push(sid(c.hostAnswer));
      code.push(+c.ready | (+c.initialTaken << 1) | (+c.jsDone << 2));
      code.push(Math.min(c.terminatesReached, 2));
      code.push(c.outcome === undefined ? NONE : sid(c.outcome));
      code.push(c.closedEmitted);
      code.push(
        +c.closedDelivered | (+c.coreKnowsEnd << 1) | (+c.goneAfterClose << 2) | (+f.cancelledInitial.has(c.cell) << 3) | (+c.idKnown << 4) | (+c.consumed << 5) | (+c.endedNaturally << 6) | (+c.abandoned << 7),
      );
      let attached = 0;
      for (const r of c.attachedAtClose) if (this.live.has(r)) attached++;
      code.push(attached);
      for (const r of c.attachedAtClose) if (this.live.has(r)) this.rename(r);
      code.push(c.forgetsInFlight);
      code.push(options.issued === true ? (f.issued.get(c.cell) ?? 0) : NONE);
      ends.push(code.len);
    }
    if (perm !== undefined) code.sortItems(start, ends);
    // Requests not yet done, in order of their codes.
    const countAt = code.len;
    code.push(0);
    start = code.len;
    ends.length = 0;
    for (const r of s.requests.values()) {
      if (r.stage === "done") continue;
      code.push(sid(r.kind));
      if (r.kind === "create") {
        code.push(sid(this.name(r.cell)));
        code.push(0);
      } else this.rename(r.req);
      code.push(sid(this.name(r.cell)));
      code.push(sid(r.origin));
      code.push(sid(r.stage));
      code.push(+r.initial | (+r.cancelled << 1) | (+r.dropAtHost << 2) | (+r.attached << 3) | (+r.letGo << 4));
      code.push(r.dispatch === undefined ? NONE : sid(r.dispatch));
      ends.push(code.len);
    }
    code.buf[countAt] = ends.length;
    code.sortItems(start, ends);
    // Channels with messages in flight.
    const chansAt = code.len;
    code.push(0);
    start = code.len;
    ends.length = 0;
    const order = run.channels.order;
    for (let i = 0; i < order.length; i++) {
      const channel = order[i] as string;
      const messages = run.channels.messagesAt(i);
      if (messages.length === 0) continue;
      if (channel.startsWith("host:")) {
        code.push(HOST_LANE);
        code.push(sid(this.name(channel.slice(5))));
      } else code.push(sid(channel));
      code.push(messages.length);
      for (const m of messages) this.message(m);
      ends.push(code.len);
    }
    code.buf[chansAt] = ends.length;
    if (perm !== undefined) code.sortItems(start, ends);
    // The implementation part.
    if (f.table !== undefined) {
      code.push(ARR);
      code.push(f.table.length);
      start = code.len;
      ends.length = 0;
      for (const row of f.table) {
        code.push(sid(this.name(row.cell)));
        code.push(sid(row.kind));
        ends.push(code.len);
      }
      if (perm !== undefined) code.sortItems(start, ends);
    } else if (f.snapshot !== undefined) {
      code.push(OBJ);
      this.value(f.snapshot);
    } else code.push(NONE);
  }

  private message(m: Message): void {
    const code = this.code;
    code.push(sid(m.type));
    code.push(sid(this.name(m.cell)));
    switch (m.type) {
      case "observe_outcome":
      case "terminate_outcome":
        this.rename(m.req);
        code.push(sid(m.outcome));
        return;
      case "dispatch":
        this.rename(m.req);
        code.push(sid(m.decision));
        return;
      case "observe":
      case "drop_observation":
      case "terminate":
      case "invoke_tool":
      case "cancel_tool":
        this.rename(m.req);
        return;
      default:
        return;
    }
  }

  /** A snapshot value, as `canonicalJson` renders it (abstract-state.ts), collections keyed by cell sorted under a renaming. */
  private value(x: unknown): void {
    const code = this.code;
    const perm = this.perm;
    switch (typeof x) {
      case "number":
        code.push(NUM);
        this.rename(x);
        return;
      case "string":
        code.push(STR);
        code.push(sid(perm?.get(x) ?? x));
        return;
      case "boolean":
        code.push(x ? TRUE : FALSE);
        return;
      case "object": {
        if (x === null) {
          code.push(NULL);
          return;
        }
        if (Array.isArray(x)) {
          code.push(ARR);
          code.push(x.length);
          for (let i = 0; i < x.length; i++) {
            if (x[i] === undefined) code.push(NULL);
            else this.value(x[i]);
          }
          return;
        }
        const o = x as Record<string, unknown>;
        if (perm !== undefined) {
          const isMap = Array.isArray(o.$map);
          const keyed = isMap ? (o.$map as unknown[]) : Array.isArray(o.$set) ? (o.$set as unknown[]) : undefined;
          if (keyed !== undefined && keyed.length > 1 && keyed.every((e) => perm.has((isMap ? (e as unknown[])[0] : e) as string))) {
            code.push(OBJ);
            code.push(1);
            code.push(sid(isMap ? "$map" : "$set"));
            code.push(ARR);
            code.push(keyed.length);
            const start = code.len;
            const ends: number[] = [];
            for (const e of keyed) {
              this.value(e);
              ends.push(code.len);
            }
            code.sortItems(start, ends);
            return;
          }
        }
        code.push(OBJ);
        const countAt = code.len;
        code.push(0);
        const start = code.len;
        const ends: number[] = [];
        let byCell = false;
        for (const k in o) {
          if (perm?.has(k) === true) byCell = true;
          const v = o[k];
          if (v === undefined || typeof v === "function") continue;
          code.push(sid(perm?.get(k) ?? k));
          this.value(v);
          ends.push(code.len);
        }
        code.buf[countAt] = ends.length;
        if (byCell) code.sortItems(start, ends);
        return;
      }
      default:
        code.push(NULL);
    }
  }
}

const scratch = new Code();
const best = new Code();

/**
 * The fingerprint of a run's key (`abstractKey` with the same options), computed from its integer
 * code. With symmetry, the least code over the candidate renamings.
 */
export function stateFingerprint(run: HarnessRun, options: KeyOptions): Fingerprint {
  const f = gather(run, options);
  const cells = [...run.state.cells.keys()];
  scratch.len = 0;
  if (options.symmetry !== true || cells.length < 2) {
    new Renderer(scratch, run, f, options, undefined).render();
    return murmur128(scratch.buf, scratch.len);
  }
  let have = false;
  for (const perm of candidateRenamings(run, f, cells)) {
    scratch.len = 0;
    new Renderer(scratch, run, f, options, perm).render();
    if (!have || compareCodes(scratch.buf.subarray(0, scratch.len), best.buf.subarray(0, best.len)) < 0) {
      if (best.buf.length < scratch.len) best.buf = new Int32Array(scratch.buf.length);
      best.buf.set(scratch.buf.subarray(0, scratch.len));
      best.len = scratch.len;
      have = true;
    }
  }
  return murmur128(best.buf, best.len);
}

/** The integer code itself (for tests: equal codes exactly when equal keys). */
export function stateCode(run: HarnessRun, options: KeyOptions): Int32Array {
  stateFingerprint(run, options);
  return options.symmetry !== true || run.state.cells.size < 2 ? scratch.buf.slice(0, scratch.len) : best.buf.slice(0, best.len);
}

/** MurmurHash3 x86_128 over `n` 32-bit words (seed 0). */
export function murmur128(words: Int32Array, n: number): Fingerprint {
  const c1 = 0x239b961b;
  const c2 = 0xab0e9789;
  const c3 = 0x38b34ae5;
  const c4 = 0xa1e38b93;
  let h1 = 0;
  let h2 = 0;
  let h3 = 0;
  let h4 = 0;
  const blocks = n & ~3;
  for (let i = 0; i < blocks; i += 4) {
    let k1 = words[i] as number;
    let k2 = words[i + 1] as number;
    let k3 = words[i + 2] as number;
    let k4 = words[i + 3] as number;
    k1 = Math.imul(k1, c1);
    k1 = (k1 << 15) | (k1 >>> 17);
    k1 = Math.imul(k1, c2);
    h1 ^= k1;
    h1 = (h1 << 19) | (h1 >>> 13);
    h1 = (h1 + h2) | 0;
    h1 = (Math.imul(h1, 5) + 0x561ccd1b) | 0;
    k2 = Math.imul(k2, c2);
    k2 = (k2 << 16) | (k2 >>> 16);
    k2 = Math.imul(k2, c3);
    h2 ^= k2;
    h2 = (h2 << 17) | (h2 >>> 15);
    h2 = (h2 + h3) | 0;
    h2 = (Math.imul(h2, 5) + 0x0bcaa747) | 0;
    k3 = Math.imul(k3, c3);
    k3 = (k3 << 17) | (k3 >>> 15);
    k3 = Math.imul(k3, c4);
    h3 ^= k3;
    h3 = (h3 << 15) | (h3 >>> 17);
    h3 = (h3 + h4) | 0;
    h3 = (Math.imul(h3, 5) + 0x96cd1c35) | 0;
    k4 = Math.imul(k4, c4);
    k4 = (k4 << 18) | (k4 >>> 14);
    k4 = Math.imul(k4, c1);
    h4 ^= k4;
    h4 = (h4 << 13) | (h4 >>> 19);
    h4 = (h4 + h1) | 0;
    h4 = (Math.imul(h4, 5) + 0x32ac3b17) | 0;
  }
  const tail = n - blocks;
  if (tail > 0) {
    let k3 = tail >= 3 ? (words[blocks + 2] as number) : 0;
    let k2 = tail >= 2 ? (words[blocks + 1] as number) : 0;
    let k1 = words[blocks] as number;
    if (tail >= 3) {
      k3 = Math.imul(k3, c3);
      k3 = (k3 << 17) | (k3 >>> 15);
      k3 = Math.imul(k3, c4);
      h3 ^= k3;
    }
    if (tail >= 2) {
      k2 = Math.imul(k2, c2);
      k2 = (k2 << 16) | (k2 >>> 16);
      k2 = Math.imul(k2, c3);
      h2 ^= k2;
    }
    k1 = Math.imul(k1, c1);
    k1 = (k1 << 15) | (k1 >>> 17);
    k1 = Math.imul(k1, c2);
    h1 ^= k1;
  }
  const bytes = n * 4;
  h1 ^= bytes;
  h2 ^= bytes;
  h3 ^= bytes;
  h4 ^= bytes;
  h1 = (h1 + h2 + h3 + h4) | 0;
  h2 = (h2 + h1) | 0;
  h3 = (h3 + h1) | 0;
  h4 = (h4 + h1) | 0;
  h1 = fmix(h1);
  h2 = fmix(h2);
  h3 = fmix(h3);
  h4 = fmix(h4);
  h1 = (h1 + h2 + h3 + h4) | 0;
  h2 = (h2 + h1) | 0;
  h3 = (h3 + h1) | 0;
  h4 = (h4 + h1) | 0;
  return [h1 >>> 0, h2 >>> 0, h3 >>> 0, h4 >>> 0];
}

function fmix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h;
}
