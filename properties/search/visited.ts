/**
 * The visited set of a search: 128-bit fingerprints of abstract-state keys in one open-addressing
 * table (four 32-bit words per slot in a typed array, linear probing, doubled at half load), with
 * one byte of flags per slot: reached by the search, and the end-of-run drain's verdict once
 * known. 17 bytes per state instead of a string in a `Set` and another in a `Map`.
 *
 * Fingerprints are hash compaction, as SPIN's `-DHC` and the 132-bit SHA-1 prefixes this table
 * replaces: two keys with equal fingerprints count as one state. With 128 bits the odds of any
 * collision among 10⁹ states are about 10⁻²¹ for a well-mixed hash.
 */

/** A key's fingerprint: four 32-bit lanes. */
export type Fingerprint = readonly [number, number, number, number];

/** A 128-bit string hash: four 32-bit multiply–xor lanes, mixed at the end (after bryc's cyrb128). */
export function fingerprint(text: string): Fingerprint {
  let h1 = 1779033703;
  let h2 = 3144134277;
  let h3 = 1013904242;
  let h4 = 2773480762;
  for (let i = 0; i < text.length; i++) {
    const k = text.charCodeAt(i);
    h1 = h2 ^ Math.imul(h1 ^ k, 597399067);
    h2 = h3 ^ Math.imul(h2 ^ k, 2869860233);
    h3 = h4 ^ Math.imul(h3 ^ k, 951274213);
    h4 = h1 ^ Math.imul(h4 ^ k, 2716044179);
  }
  h1 = Math.imul(h3 ^ (h1 >>> 18), 597399067);
  h2 = Math.imul(h4 ^ (h2 >>> 22), 2869860233);
  h3 = Math.imul(h1 ^ (h3 >>> 17), 951274213);
  h4 = Math.imul(h2 ^ (h4 >>> 19), 2716044179);
  h1 ^= h2 ^ h3 ^ h4;
  h2 ^= h1;
  h3 ^= h1;
  h4 ^= h1;
  return [h1 >>> 0, h2 >>> 0, h3 >>> 0, h4 >>> 0];
}

const OCCUPIED = 1;
const SEEN = 2;
const DRAIN_KNOWN = 4;
const DRAIN_PASSES = 8;

export class VisitedTable {
  private words: Uint32Array;
  private flags: Uint8Array;
  private mask: number;
  private count = 0;

  /** `expected`: how many fingerprints to make room for before the first resize. */
  constructor(expected = 1 << 12) {
    let cap = 1 << 4;
    while (cap < expected * 2) cap *= 2;
    this.words = new Uint32Array(cap * 4);
    this.flags = new Uint8Array(cap);
    this.mask = cap - 1;
  }

  /** Fingerprints stored (seen states and drain verdicts). */
  get size(): number {
    return this.count;
  }

  /** Bytes held by the table. */
  get bytes(): number {
    return this.words.byteLength + this.flags.byteLength;
  }

  /** The table's arrays (not copies) and how many fingerprints it holds: what a checkpoint saves (checkpoint.ts). */
  contents(): { readonly words: Uint32Array; readonly flags: Uint8Array; readonly count: number } {
    return { words: this.words, flags: this.flags, count: this.count };
  }

  /** The table `contents` gave (its arrays are taken, not copied). */
  static from(c: { readonly words: Uint32Array; readonly flags: Uint8Array; readonly count: number }): VisitedTable {
    const t = new VisitedTable(1);
    t.words = c.words;
    t.flags = c.flags;
    t.mask = c.flags.length - 1;
    t.count = c.count;
    return t;
  }

  /** Mark `f` seen; true when it was not seen before. */
  addSeen(f: Fingerprint): boolean {
    const slot = this.slot(f, true);
    const old = this.flags[slot] as number;
    this.flags[slot] = old | SEEN;
    return (old & SEEN) === 0;
  }

  hasSeen(f: Fingerprint): boolean {
    const slot = this.slot(f, false);
    return slot >= 0 && ((this.flags[slot] as number) & SEEN) !== 0;
  }

  /** The drain verdict recorded for `f`, if any. */
  drainVerdict(f: Fingerprint): boolean | undefined {
    const slot = this.slot(f, false);
    if (slot < 0) return undefined;
    const fl = this.flags[slot] as number;
    return (fl & DRAIN_KNOWN) === 0 ? undefined : (fl & DRAIN_PASSES) !== 0;
  }

  setDrainVerdict(f: Fingerprint, passes: boolean): void {
    const slot = this.slot(f, true);
    this.flags[slot] = ((this.flags[slot] as number) & ~DRAIN_PASSES) | DRAIN_KNOWN | (passes ? DRAIN_PASSES : 0);
  }

  /** The slot holding `f`; with `claim`, an empty one is claimed for it; else -1 when absent. */
  private slot(f: Fingerprint, claim: boolean): number {
    if (claim && (this.count + 1) * 2 > this.mask + 1) this.grow();
    const [a, b, c, d] = f;
    const words = this.words;
    for (let i = a & this.mask; ; i = (i + 1) & this.mask) {
      if (this.flags[i] === 0) {
        if (!claim) return -1;
        words[i * 4] = a;
        words[i * 4 + 1] = b;
        words[i * 4 + 2] = c;
        words[i * 4 + 3] = d;
        this.flags[i] = OCCUPIED;
        this.count++;
        return i;
      }
      if (words[i * 4] === a && words[i * 4 + 1] === b && words[i * 4 + 2] === c && words[i * 4 + 3] === d) return i;
    }
  }

  private grow(): void {
    const oldWords = this.words;
    const oldFlags = this.flags;
    const cap = (this.mask + 1) * 2;
    this.words = new Uint32Array(cap * 4);
    this.flags = new Uint8Array(cap);
    this.mask = cap - 1;
    for (let j = 0; j < oldFlags.length; j++) {
      const fl = oldFlags[j] as number;
      if (fl === 0) continue;
      const a = oldWords[j * 4] as number;
      let i = a & this.mask;
      while (this.flags[i] !== 0) i = (i + 1) & this.mask;
      this.words.set(oldWords.subarray(j * 4, j * 4 + 4), i * 4);
      this.flags[i] = fl;
    }
  }
}
