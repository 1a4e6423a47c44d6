/**
 * What the search workers know of the states between them (search-pool.ts), in one table in
 * shared memory: for each fingerprint met, the first chunk (in frontier order, by chunk number)
 * that claimed it, and its end-of-run drain's verdict when known. A worker sends a child's state
 * and drains it only when no chunk before its own (or its own, at an earlier child) has claimed
 * the child's key: such a chunk sent the state, so the search, taking the chunks back in frontier
 * order, has it before it meets this child, and the state is one it has reached already. Whichever
 * worker gets to a key first, a chunk later in the frontier never keeps an earlier one from
 * sending it, so what the search receives, and so its result, is what one thread finds. Drain
 * verdicts are shared the same way as one thread's visited table shares them (visited.ts).
 *
 * Open addressing over slots of eight 32-bit words: a tag (empty, being written, written), the
 * four words of the fingerprint, the claiming chunk, the verdict. A slot is taken by
 * compare-and-swap on its tag, written, then published; a reader that meets a slot being written
 * takes it for another key and probes on, so a key may, rarely, get two slots: a worker may then
 * send a state twice, never leave one out. The table is filled to at most 3/4 (then a key not in
 * it is neither claimed nor given a verdict: sent and drained, as if new); the search's thread
 * grows it between levels, when no worker uses it.
 */
import type { Fingerprint } from "./visited.ts";

const WORDS = 8;
const EMPTY = 0;
const WRITING = 1;
const WRITTEN = 2;
/** The claim of a slot no chunk has claimed (its key has only a verdict). */
const UNCLAIMED = 0x7fffffff;
/** Word 0 of the buffer counts the slots taken; slots start at word WORDS. */
const COUNT = 0;

export class Claims {
  private readonly words: Int32Array;
  private readonly mask: number;

  constructor(readonly buffer: SharedArrayBuffer) {
    this.words = new Int32Array(buffer);
    this.mask = this.words.length / WORDS - 2;
  }

  /** An empty table of `slots` slots (a power of two). */
  static create(slots: number): Claims {
    return new Claims(new SharedArrayBuffer((slots + 1) * WORDS * 4));
  }

  get slots(): number {
    return this.mask + 1;
  }

  get count(): number {
    return Atomics.load(this.words, COUNT);
  }

  /** Is the table past half full, so that a level could fill it? */
  crowded(): boolean {
    return this.count * 2 > this.slots;
  }

  /** A table twice as large or more (at most a quarter full) with every key, claim and verdict of this one; only while no worker uses either. */
  grown(): Claims {
    let slots = this.slots;
    while (this.count * 4 > slots) slots *= 2;
    const out = Claims.create(slots);
    const w = this.words;
    for (let s = 0; s < this.slots; s++) {
      const at = (s + 1) * WORDS;
      if (w[at] !== WRITTEN) continue;
      const to = out.slotOf(w[at + 1] as number, w[at + 2] as number, w[at + 3] as number, w[at + 4] as number, true);
      out.words[to + 5] = w[at + 5] as number;
      out.words[to + 6] = w[at + 6] as number;
    }
    return out;
  }

  /** Claim `key` for chunk `chunk`: true when no chunk up to `chunk` had claimed it (the caller then sends it). */
  claim(key: Fingerprint, chunk: number): boolean {
    const at = this.slotOf(key[0], key[1], key[2], key[3], true);
    if (at < 0) return true;
    const w = this.words;
    for (;;) {
      const c = Atomics.load(w, at + 5);
      if (c <= chunk) return false;
      if (Atomics.compareExchange(w, at + 5, c, chunk) === c) return true;
    }
  }

  /** The drain verdict of `key`, if known. */
  drainVerdict(key: Fingerprint): boolean | undefined {
    const at = this.slotOf(key[0], key[1], key[2], key[3], false);
    if (at < 0) return undefined;
    const v = Atomics.load(this.words, at + 6);
    return v === 0 ? undefined : v === 1;
  }

  setDrainVerdict(key: Fingerprint, passes: boolean): void {
    const at = this.slotOf(key[0], key[1], key[2], key[3], true);
    if (at >= 0) Atomics.store(this.words, at + 6, passes ? 1 : 2);
  }

  /** The first word of the slot of a key (added if `add` and there is room), or -1. */
  private slotOf(k0: number, k1: number, k2: number, k3: number, add: boolean): number {
    const w = this.words;
    const a = k0 | 0;
    const b = k1 | 0;
    const c = k2 | 0;
    const d = k3 | 0;
    for (let s = (a ^ c) & this.mask, probes = 0; probes <= this.mask; s = (s + 1) & this.mask, probes++) {
      const at = (s + 1) * WORDS;
      let tag = Atomics.load(w, at);
      if (tag === EMPTY) {
        if (!add || Atomics.load(w, COUNT) * 4 >= this.slots * 3) return -1;
        tag = Atomics.compareExchange(w, at, EMPTY, WRITING);
        if (tag === EMPTY) {
          w[at + 1] = a;
          w[at + 2] = b;
          w[at + 3] = c;
          w[at + 4] = d;
          w[at + 5] = UNCLAIMED;
          w[at + 6] = 0;
          Atomics.add(w, COUNT, 1);
          Atomics.store(w, at, WRITTEN);
          return at;
        }
      }
      if (tag === WRITTEN && w[at + 1] === a && w[at + 2] === b && w[at + 3] === c && w[at + 4] === d) return at;
    }
    return -1;
  }
}
