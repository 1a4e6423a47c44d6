/**
 * A memo of the search's key (state-code.ts) on the parts it is a function of.
 * `stateFingerprint` reads, of a run, only its model state (`run.state`), the messages in flight
 * on each channel (`run.channels`, per channel of `order`), the implementation's part (with view
 * "snapshot" its snapshot; with view "table" its gate table) and the key's options (view,
 * issued, symmetry). A state reached again along another path is often made of the same
 * objects, or of equal objects numbered once: its key is then looked up instead of rendered.
 *
 * The lookup is exact, never by hash alone: each part is given a small number, and the tuple of
 * numbers (with the lengths that make it prefix-free) is compared word for word with the tuples
 * kept in an open-addressing table. Equal numbers imply equal parts, because of what each part
 * guarantees:
 * - a model state by identity: the model's states are immutable (model/state.ts), and the model's
 *   step memo makes equal ones one object (properties/run/model-memo.ts, where it is on; where
 *   not, equal states are other objects and only miss);
 * - a snapshot field by field, each value by content, and only for an instance with
 *   `snapshotsUnshared` (it never changes a value its snapshots hold, then or later): an object is
 *   numbered once, by the numbers of its fields, so equal party states made by different steps
 *   (other objects: reference/parties-memo.ts shares a node per step taken, not per content) get
 *   one number, and a part shared between snapshots (reference/snapshot.ts) is numbered once.
 *   Another instance's snapshots are rendered every time;
 * - a gate table by its contents (the cell and kind of each row): no guarantee that an
 *   implementation leaves a table it returned alone is needed;
 * - a message by content, as a snapshot value, once per message object: messages are never
 *   changed once emitted (channels.ts shares them between a state and the next).
 *
 * What it holds is bounded: past `LIMIT` tuples (or as many numbered objects) it is emptied, the
 * numbers with the tuples. A memo that mostly misses turns itself off (it would cost a lookup and
 * an insert per key and save nothing: where model states are new objects every step, or the
 * implementation's parts are not shared): each time `WINDOW` more keys are asked, a memo that
 * found fewer than one in `PAYS` of the keys asked since is emptied for good and renders every key.
 * `reset` (a search's start) turns it on again.
 */
import type { HarnessRun } from "../run/run.ts";
import type { KeyOptions } from "./abstract-state.ts";
import { fmix, stateFingerprint } from "./state-code.ts";
import type { Fingerprint } from "./visited.ts";

/**
 * Tuples kept before the memo is emptied (about 100 bytes each, with the numbers of their parts):
 * the 2 × 1 search keys 445,000 distinct tuples, and at 2^18 emptying twice lost an eighth of its hits.
 */
export const LIMIT = 1 << 20;
/** How often (in keys asked) a memo judges whether it pays. */
export const WINDOW = 1 << 14;
/**
 * A memo pays when at least one key in `PAYS` is found. Measured on the 2 × 1 search: building and
 * looking up a tuple costs about half a rendering (the key reuses snapshot code: code-reuse.ts),
 * so it breaks even near one key in two found; below one in three it surely costs more.
 */
const PAYS = 3;

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
  /**
   * What the places of the tuple met lately (the model state; each snapshot field, its name and
   * value; each channel's messages): the parts of a state's children are mostly its own, one party
   * changed, so most are found here by `===` without a lookup in the (large) map.
   */
  private readonly recentState = new Recent();
  private readonly recentField: Recent[] = [];
  private readonly recentMessage: Recent[] = [];
  /** The tuple being looked up. */
  private t = new Int32Array(64);
  private len = 0;
  /**
   * Kept entries, end to end in `words`, each its tuple's length, its key (4 words), its tuple:
   * one stretch of memory per entry, and no object per entry for the collector to trace.
   */
  private words = new Int32Array(1 << 16);
  private used = 0;
  private entries = 0;
  /** Open addressing, two words a slot: the tuple's hash and where its entry starts + 1 (0: empty). */
  private slots = new Int32Array(1 << 12);

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
    const slots = this.slots;
    const mask = (slots.length >> 1) - 1;
    let i = h & mask;
    for (let at = slots[2 * i + 1] as number; at !== 0; at = slots[2 * (i = (i + 1) & mask) + 1] as number) {
      if (slots[2 * i] === h && this.same(at - 1)) {
        this.found++;
        const w = this.words;
        const key: Fingerprint = [(w[at] as number) >>> 0, (w[at + 1] as number) >>> 0, (w[at + 2] as number) >>> 0, (w[at + 3] as number) >>> 0];
        if (this.options.verify === true && this.render(run, o).some((x, k) => x !== key[k])) this.wrong++;
        return key;
      }
    }
    const key = this.render(run, o);
    if (this.entries >= LIMIT || this.ids.size >= 2 * LIMIT) {
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
    this.push(omit === "state" ? 0 : this.idAt(run.state, this.recentState));
    if (omit === "impl") {
      // Left out (a broken memo).
    } else if (o.view === "snapshot") {
      if (run.instance.snapshotsUnshared !== true) return false;
      const snap = o.snapshot;
      if (typeof snap !== "object" || snap === null) return false;
      // The root (a fresh `{ host, core }` per call for the bundled ones) field by field, without a text of its own.
      if (Array.isArray(snap)) {
        this.push(-1 - snap.length);
        for (let i = 0; i < snap.length; i++) if (!this.pushValue(snap[i], this.recentAt(this.recentField, i))) return false;
      } else {
        const at = this.len;
        this.push(0);
        let n = 0;
        const fields = snap as Record<string, unknown>;
        for (const k in fields) {
          const place = this.recentAt(this.recentField, n);
          this.push(this.idAt(k, place.keys));
          if (!this.pushValue(fields[k], place)) return false;
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
      const place = this.recentAt(this.recentMessage, i);
      for (let j = 0; j < queue.length; j++) if (!this.pushValue(queue[j], place)) return false;
    }
    return true;
  }

  /** Push a value's number (`value`), found among those `place` met lately first; false when it has none. */
  private pushValue(x: unknown, place: Recent): boolean {
    let n = place.find(x);
    if (n === 0) {
      n = this.value(x);
      if (n > 0) place.keep(x, n);
    }
    this.push(n);
    return n >= 0;
  }

  /** `id`, found among those `place` met lately first. */
  private idAt(x: unknown, place: Recent): number {
    let n = place.find(x);
    if (n === 0) {
      n = this.id(x);
      place.keep(x, n);
    }
    return n;
  }

  /** The `i`-th place of a kind. */
  private recentAt(places: Recent[], i: number): Recent {
    let p = places[i];
    if (p === undefined) {
      p = new Recent();
      places[i] = p;
    }
    return p;
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

  /**
   * A value's number by content: a primitive by value, an object by the numbers of its fields
   * (names and values, in the order the key meets them), worked out once per object (it is never
   * changed: see above), so a part shared between values is numbered once; -1 for an object that
   * is not plain data (another prototype, or a `$map` or `$set` the key would read but `for in`
   * does not meet), which is then rendered.
   */
  private value(x: unknown): number {
    if (typeof x !== "object" || x === null) return this.id(x);
    const known = this.ids.get(x);
    if (known !== undefined) return known;
    const proto: unknown = Object.getPrototypeOf(x);
    let text: string;
    if (Array.isArray(x)) {
      if (proto !== Array.prototype) return -1;
      text = "a";
      for (let i = 0; i < x.length; i++) {
        const v = this.value(x[i]);
        if (v < 0) return -1;
        text += `,${v}`;
      }
    } else {
      if (proto !== Object.prototype && proto !== null) return -1;
      const o = x as Record<string, unknown>;
      if (hidden(o, "$map") || hidden(o, "$set")) return -1;
      text = "o";
      for (const k in o) {
        const v = this.value(o[k]);
        if (v < 0) return -1;
        text += `,${this.id(k)}:${v}`;
      }
    }
    let n = this.contents.get(text);
    if (n === undefined) {
      n = this.nextId++;
      this.contents.set(text, n);
    }
    this.ids.set(x, n);
    return n;
  }

  /** Is the tuple of the entry at `at` the one in `t`, word for word? */
  private same(at: number): boolean {
    const n = this.len;
    const w = this.words;
    if (w[at] !== n) return false;
    const t = this.t;
    for (let i = 0, j = at + 5; i < n; i++, j++) if (w[j] !== t[i]) return false;
    return true;
  }

  /** Keep the tuple in `t` with its key, in the empty slot `slot` of its hash `h`. */
  private add(h: number, slot: number, key: Fingerprint): void {
    const n = this.len;
    const need = this.used + 5 + n;
    if (need > this.words.length) {
      const w = new Int32Array(Math.max(this.words.length * 2, need));
      w.set(this.words.subarray(0, this.used));
      this.words = w;
    }
    const w = this.words;
    const at = this.used;
    w[at] = n;
    for (let k = 0; k < 4; k++) w[at + 1 + k] = key[k] as number;
    w.set(this.t.subarray(0, n), at + 5);
    this.used = need;
    this.slots[2 * slot] = h;
    this.slots[2 * slot + 1] = at + 1;
    this.entries++;
    if (4 * this.entries > this.slots.length) this.rehash();
  }

  /** Twice the slots, every entry placed again. */
  private rehash(): void {
    const old = this.slots;
    const slots = new Int32Array(old.length * 2);
    const mask = (slots.length >> 1) - 1;
    for (let k = 0; k < old.length; k += 2) {
      const at = old[k + 1] as number;
      if (at === 0) continue;
      const h = old[k] as number;
      let i = h & mask;
      while (slots[2 * i + 1] !== 0) i = (i + 1) & mask;
      slots[2 * i] = h;
      slots[2 * i + 1] = at;
    }
    this.slots = slots;
  }

  private empty(): void {
    this.recentState.clear();
    // Sparse lists (a place is made when first met): `forEach` skips the holes.
    this.recentField.forEach((p) => p.clear());
    this.recentMessage.forEach((p) => p.clear());
    this.ids.clear();
    this.contents.clear();
    this.nextId = 1;
    this.entries = 0;
    this.used = 0;
    this.slots = new Int32Array(1 << 12);
  }
}

/** Parts met lately at one place of the tuple, with their numbers (0: none), the oldest replaced first. */
class Recent {
  private readonly parts: unknown[] = [undefined, undefined, undefined, undefined, undefined, undefined, undefined, undefined];
  private readonly numbers = new Int32Array(8);
  private next = 0;
  /** A field's name met lately at this place (a field place only). */
  private names: Recent | undefined;

  get keys(): Recent {
    if (this.names === undefined) this.names = new Recent();
    return this.names;
  }

  find(x: unknown): number {
    const parts = this.parts;
    for (let i = 0; i < 8; i++) if (parts[i] === x) return this.numbers[i] as number;
    return 0;
  }

  keep(x: unknown, n: number): void {
    this.parts[this.next] = x;
    this.numbers[this.next] = n;
    this.next = (this.next + 1) & 7;
  }

  clear(): void {
    this.parts.fill(undefined);
    this.numbers.fill(0);
    this.names?.clear();
  }
}

/** Does `o` hold `key` where `for in` does not meet it? */
function hidden(o: object, key: string): boolean {
  return key in o && !Object.prototype.propertyIsEnumerable.call(o, key);
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
