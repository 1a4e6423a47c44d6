/**
 * A memo of the search's key (state-code.ts) on the identity of the parts it is a function of.
 * `stateFingerprint` reads, of a run, only its model state (`run.state`), the messages in flight
 * on each channel (`run.channels`, per channel of `order`), the implementation's part (with view
 * "snapshot" its snapshot; with view "table" its gate table) and the key's options (view,
 * issued, symmetry). A state reached again along another path is often made of the same
 * objects: the search's frontier decodes equal parts to one shared object (state-codec.ts), the
 * bundled parties' snapshots are shared nodes per party state (reference/parties-memo.ts), and so
 * are the messages they emit. Its key is then looked up instead of rendered.
 *
 * The lookup is exact, never by hash alone: each part is given a small number, and the tuple of
 * numbers (with the lengths that make it prefix-free) is compared word for word with the tuples
 * kept in an open-addressing table. Equal numbers imply equal parts, because of what each part
 * guarantees:
 * - a model state by identity: the model's states are immutable (model/state.ts);
 * - a snapshot by the identity of its top-level fields (their names and values), and only for an
 *   instance with `snapshotsUnshared` (it never changes a value its snapshots hold, then or
 *   later; the bundled snapshot is a fresh `{ host, core }` per call around two shared nodes);
 *   another instance's snapshots are rendered every time;
 * - a gate table by its contents (the cell and kind of each row, numbered as texts): no guarantee
 *   that an implementation leaves a table it returned alone is needed;
 * - a message by its content (its JSON text, numbered once per message object): messages are
 *   immutable once sent (channels.ts shares them between a state and the next), and equal JSON
 *   means every field the key reads is equal (the key reads no field JSON leaves out).
 *
 * What it holds is bounded: past `LIMIT` tuples (or as many numbered objects) it is emptied, the
 * numbers with the tuples. A memo that mostly misses turns itself off (it would cost a lookup and
 * an insert per key and save nothing: where model states are new objects every step, or the
 * implementation's parts are not shared): each time `WINDOW` more keys are asked, a memo that
 * found fewer than one in `PAYS` of the keys asked since is emptied for good and renders every key.
 * `reset` (a search's start) turns it on again.
 */
import type { Message } from "../../protocol/index.ts";
import type { HarnessRun } from "../run/run.ts";
import type { KeyOptions } from "./abstract-state.ts";
import { fmix, stateFingerprint } from "./state-code.ts";
import type { Fingerprint } from "./visited.ts";

/** Tuples kept before the memo is emptied (about 150 bytes each). */
export const LIMIT = 1 << 18;
/** How often (in keys asked) a memo judges whether it pays. */
export const WINDOW = 1 << 14;
/** A memo pays when at least one key in `PAYS` is found (a hit saves a rendering; a miss costs about a tenth of one). */
const PAYS = 5;

const VIEW = { snapshot: 0, table: 1, none: 2 } as const;

/** The key of a run's state, rendered (`stateFingerprint`, or a test's stand-in). */
export type RenderKey = (run: HarnessRun, options: KeyOptions) => Fingerprint;

/** A part of the tuple (what a test's deliberately broken memo leaves out). */
export type KeyPart = "state" | "impl" | "channels" | "options";

export interface KeyMemoOptions {
  /** Render every key found too, and count those that differ (`wrong`): for tests. */
  readonly verify?: boolean;
  /** Leave this part out of the tuple: a broken memo, for the tests that must catch one. */
  readonly omit?: KeyPart;
  /** Never turn off, whatever it finds (benches measuring what it finds). */
  readonly stayOn?: boolean;
  /** Keys asked between judgements (`WINDOW`; a test's smaller one). */
  readonly window?: number;
}

export class KeyMemo {
  /** Keys asked, found, and times emptied at the limit (for tests and benches). */
  asked = 0;
  found = 0;
  emptied = 0;
  /** With `verify`: keys found that differ from their rendering. */
  wrong = 0;
  /** Turned off: it found too few keys (see above). */
  off = false;
  private readonly window: number;
  private judgeAt: number;
  private foundBefore = 0;
  private askedBefore = 0;

  /** Parts by identity (objects) or value (texts, numbers), and messages by content. */
  private readonly ids = new Map<unknown, number>();
  private readonly contents = new Map<string, number>();
  private nextId = 1;
  /** The tuple being looked up. */
  private t = new Int32Array(64);
  private len = 0;
  /** Kept tuples, end to end in `words`; entry e at `start[e]`, `size[e]` words, hash `hash[e]`, key `keys[e]`. */
  private words = new Int32Array(1 << 16);
  private used = 0;
  private start = new Int32Array(1 << 10);
  private size = new Int32Array(1 << 10);
  private hash = new Int32Array(1 << 10);
  private keys: Fingerprint[] = [];
  /** Open addressing: entry + 1, or 0 for an empty slot. */
  private slots = new Int32Array(1 << 11);

  constructor(
    private readonly render: RenderKey = stateFingerprint,
    private readonly options: KeyMemoOptions = {},
  ) {
    this.window = options.window ?? WINDOW;
    this.judgeAt = this.window;
  }

  /** Empty it and turn it on again (a search's start). */
  reset(): void {
    this.empty();
    this.off = false;
    this.asked = this.found = this.emptied = this.wrong = 0;
    this.foundBefore = this.askedBefore = 0;
    this.judgeAt = this.window;
  }

  /** The key of `run`'s state under `options`: as `render` gives it, found in the memo when its parts were met before. */
  key(run: HarnessRun, options: KeyOptions): Fingerprint {
    if (this.off) return this.render(run, options);
    let o = options;
    if (o.view === "snapshot" && o.snapshot === undefined) {
      const snapshot = run.instance.snapshot?.();
      if (snapshot !== undefined) o = { ...options, snapshot };
    }
    if (!this.tuple(run, o)) return this.render(run, o);
    if (++this.asked >= this.judgeAt && this.options.stayOn !== true && !this.pays()) return this.render(run, o);
    const h = mix(this.t, this.len);
    const mask = this.slots.length - 1;
    let i = h & mask;
    for (let e = this.slots[i] as number; e !== 0; e = this.slots[(i = (i + 1) & mask)] as number) {
      if (this.hash[e - 1] === h && this.same(e - 1)) {
        this.found++;
        const key = this.keys[e - 1] as Fingerprint;
        if (this.options.verify === true && this.render(run, o).some((w, k) => w !== key[k])) this.wrong++;
        return key;
      }
    }
    const key = this.render(run, o);
    if (this.keys.length >= LIMIT || this.ids.size >= 2 * LIMIT) {
      this.empty();
      this.emptied++;
      // The numbers are gone with the tuples: this key is kept from the next time it is asked.
      return key;
    }
    this.add(h, i, key);
    return key;
  }

  /** Judge whether it pays; false when it has turned off instead (it then holds nothing). */
  private pays(): boolean {
    this.judgeAt += this.window;
    const found = this.found - this.foundBefore;
    const asked = this.asked - this.askedBefore;
    this.foundBefore = this.found;
    this.askedBefore = this.asked;
    if (found * PAYS >= asked) return true;
    this.empty();
    this.off = true;
    return false;
  }

  /** The tuple of `run`'s parts into `t`; false when a part cannot be numbered exactly (the key is then rendered). */
  private tuple(run: HarnessRun, o: KeyOptions): boolean {
    this.len = 0;
    const omit = this.options.omit;
    this.push(omit === "options" ? 0 : VIEW[o.view] | (o.issued === true ? 4 : 0) | (o.symmetry === true ? 8 : 0));
    this.push(omit === "state" ? 0 : this.id(run.state));
    if (omit === "impl") {
      // Left out (a broken memo).
    } else if (o.view === "snapshot") {
      if (run.instance.snapshotsUnshared !== true) return false;
      const snap = o.snapshot;
      if (typeof snap !== "object" || snap === null) return false;
      if (Array.isArray(snap)) {
        this.push(-1 - snap.length);
        for (let i = 0; i < snap.length; i++) this.push(this.id(snap[i]));
      } else {
        const at = this.len;
        this.push(0);
        let n = 0;
        const fields = snap as Record<string, unknown>;
        for (const k in fields) {
          this.push(this.id(k));
          this.push(this.id(fields[k]));
          n++;
        }
        (this.t as Int32Array)[at] = n;
      }
    } else if (o.view === "table") {
      const table = run.instance.gateTable();
      this.push(table.length);
      for (const row of table) {
        this.push(this.id(row.cell));
        this.push(this.id(row.kind));
      }
    }
    if (omit === "channels") return true;
    const channels = run.channels;
    const n = channels.order.length;
    for (let i = 0; i < n; i++) {
      const queue = channels.messagesAt(i);
      if (queue.length === 0) continue;
      this.push(i);
      this.push(queue.length);
      for (let j = 0; j < queue.length; j++) this.push(this.messageId(queue[j] as Message));
    }
    return true;
  }

  private push(w: number): void {
    if (this.len === this.t.length) {
      const t = new Int32Array(this.t.length * 2);
      t.set(this.t);
      this.t = t;
    }
    (this.t as Int32Array)[this.len++] = w;
  }

  /** A part's number (an object by identity, anything else by value). */
  private id(x: unknown): number {
    let n = this.ids.get(x);
    if (n === undefined) {
      n = this.nextId++;
      this.ids.set(x, n);
    }
    return n;
  }

  /** A message's number: one per content, found by the message object once it was met. */
  private messageId(m: Message): number {
    let n = this.ids.get(m);
    if (n === undefined) {
      const text = JSON.stringify(m);
      n = this.contents.get(text);
      if (n === undefined) {
        n = this.nextId++;
        this.contents.set(text, n);
      }
      this.ids.set(m, n);
    }
    return n;
  }

  /** Is entry `e`'s tuple the one in `t`, word for word? */
  private same(e: number): boolean {
    const n = this.len;
    if (this.size[e] !== n) return false;
    const w = this.words;
    const t = this.t;
    for (let i = 0, j = this.start[e] as number; i < n; i++, j++) if (w[j] !== t[i]) return false;
    return true;
  }

  /** Keep the tuple in `t` with its key, in the empty slot `slot` of its hash `h`. */
  private add(h: number, slot: number, key: Fingerprint): void {
    const e = this.keys.length;
    if (e === this.start.length) {
      this.start = grown(this.start);
      this.size = grown(this.size);
      this.hash = grown(this.hash);
    }
    const n = this.len;
    if (this.used + n > this.words.length) {
      const w = new Int32Array(Math.max(this.words.length * 2, this.used + n));
      w.set(this.words.subarray(0, this.used));
      this.words = w;
    }
    this.words.set(this.t.subarray(0, n), this.used);
    this.start[e] = this.used;
    this.size[e] = n;
    this.hash[e] = h;
    this.used += n;
    this.keys.push(key);
    this.slots[slot] = e + 1;
    if (2 * (e + 1) > this.slots.length) this.rehash();
  }

  /** Twice the slots, every entry placed again. */
  private rehash(): void {
    const slots = new Int32Array(this.slots.length * 2);
    const mask = slots.length - 1;
    for (let e = 0; e < this.keys.length; e++) {
      let i = (this.hash[e] as number) & mask;
      while (slots[i] !== 0) i = (i + 1) & mask;
      slots[i] = e + 1;
    }
    this.slots = slots;
  }

  private empty(): void {
    this.ids.clear();
    this.contents.clear();
    this.nextId = 1;
    this.keys = [];
    this.used = 0;
    this.slots = new Int32Array(1 << 11);
  }
}

function grown(a: Int32Array<ArrayBuffer>): Int32Array<ArrayBuffer> {
  const b = new Int32Array(a.length * 2);
  b.set(a);
  return b;
}

/** A hash of `n` words (multiply and rotate per word, then MurmurHash3's finaliser). */
function mix(t: Int32Array, n: number): number {
  let h = n;
  for (let i = 0; i < n; i++) {
    h = Math.imul(h ^ (t[i] as number), 0x9e3779b1);
    h = (h << 13) | (h >>> 19);
  }
  return fmix(h);
}

let thread = new KeyMemo();

/** The search's key of `run`'s state: `stateFingerprint`, through the thread's memo. */
export function memoKey(run: HarnessRun, options: KeyOptions): Fingerprint {
  return thread.key(run, options);
}

/** Empty the thread's memo and turn it on again (each search starts so: one that turned off in an earlier search is tried again). */
export function resetKeyMemo(): void {
  thread.reset();
}

/** The thread's memo, replaced by `memo` (tests: a verifying or a broken one); gives back the one it replaced. */
export function useKeyMemo(memo: KeyMemo): KeyMemo {
  const before = thread;
  thread = memo;
  return before;
}

/** The thread's memo (its counters). */
export function threadKeyMemo(): KeyMemo {
  return thread;
}
