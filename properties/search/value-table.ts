/**
 * The sub-values a state codec has met, each kept once (state-codec.ts): its encoding, and one
 * object it decodes to (the canonical one, owned by the table and never changed). An encoding
 * then names a value met before by its number, and decoding that number gives the canonical
 * object itself, shared by every state that holds the value. A search's states share most of
 * their parts (a step changes one cell of one party), and these parts take few distinct values,
 * so a state is a few dozen bytes, most of it numbers, and a state built from a decoded one
 * finds its unchanged parts by identity, without walking them.
 *
 * Found two ways: by identity (the canonical objects, as decoding hands them out) and by
 * encoding (a value built anew that equals one met before). Equal encodings are equal values,
 * as the encoding is exact, so a match by encoding is checked byte by byte, never by hash alone.
 */

/** How many values a table keeps at most; past that, new values stay written out in full (so a number from MAX_VALUES on names no value of a table: state-codec.ts numbers a worker's provisional values there). */
export const MAX_VALUES = 1 << 20;
/** How many bytes of encodings it keeps at most (likewise). */
const MAX_BYTES = 1 << 26;

/** FNV-1a's offset basis: the hash of no bytes. */
export const FNV_BASIS = 0x811c9dc5;

/** FNV-1a over `bytes[from, to)`, continued from hash `h` (the checkpoint's sum hashes its chunks one after another). */
export function hashBytes(bytes: Uint8Array, from: number, to: number, h = FNV_BASIS): number {
  for (let i = from; i < to; i++) h = Math.imul(h ^ (bytes[i] as number), 0x01000193);
  return h >>> 0;
}

export class ValueTable {
  private bytes: Uint8Array<ArrayBuffer> = new Uint8Array(1 << 14);
  /** Value `i`'s encoding is `bytes[ends[i - 1], ends[i])` (from 0 for the first). */
  private ends = new Int32Array(1 << 10);
  private hashes = new Uint32Array(1 << 10);
  /** Open addressing over the encodings' hashes: a value's number + 1, 0 for an empty slot. */
  private index = new Int32Array(1 << 11);
  private readonly objects: object[] = [];
  private readonly ids = new Map<object, number>();
  count = 0;

  /** The number of a canonical object (undefined: it is not one). */
  idOf(o: object): number | undefined {
    return this.ids.get(o);
  }

  /** The canonical object of value `id`. */
  object(id: number): object | undefined {
    return this.objects[id];
  }

  /** Where value `id`'s encoding starts and ends in `encodings()`. */
  start(id: number): number {
    return id === 0 ? 0 : (this.ends[id - 1] as number);
  }

  end(id: number): number {
    return this.ends[id] as number;
  }

  /** The buffer the encodings are in (valid until the next `add`). */
  encodings(): Uint8Array {
    return this.bytes;
  }

  /** Is there room for one more value of `n` bytes? */
  hasRoom(n: number): boolean {
    return this.count < MAX_VALUES && this.start(this.count) + n <= MAX_BYTES;
  }

  /** The number of the value encoded as `buf[from, to)` (its hash `h`), or -1. */
  find(buf: Uint8Array, from: number, to: number, h: number): number {
    const mask = this.index.length - 1;
    const n = to - from;
    for (let slot = h & mask; ; slot = (slot + 1) & mask) {
      const e = this.index[slot] as number;
      if (e === 0) return -1;
      const id = e - 1;
      if (this.hashes[id] !== h) continue;
      const s = this.start(id);
      if ((this.ends[id] as number) - s !== n) continue;
      if (this.sameBytes(buf, from, s, n)) return id;
    }
  }

  /** Are `buf[from, from + n)` and the table's `bytes[at, at + n)` the same bytes? (Protected so a test can break it.) */
  protected sameBytes(buf: Uint8Array, from: number, at: number, n: number): boolean {
    const bytes = this.bytes;
    for (let i = 0; i < n; i++) if (buf[from + i] !== bytes[at + i]) return false;
    return true;
  }

  /** Add the value encoded as `buf[from, to)` (hash `h`, not in the table), whose canonical object is `canonical` (none: the value is found by its encoding only); its number. */
  add(buf: Uint8Array, from: number, to: number, h: number, canonical?: object): number {
    const id = this.count++;
    const at = this.start(id);
    const n = to - from;
    if (at + n > this.bytes.length) this.bytes = grown(this.bytes, at + n);
    this.bytes.set(buf.subarray(from, to), at);
    if (id >= this.ends.length) {
      const ends = new Int32Array(this.ends.length * 2);
      ends.set(this.ends);
      this.ends = ends;
      const hashes = new Uint32Array(this.hashes.length * 2);
      hashes.set(this.hashes);
      this.hashes = hashes;
    }
    this.ends[id] = at + n;
    this.hashes[id] = h;
    if (canonical !== undefined) {
      this.objects[id] = canonical;
      this.ids.set(canonical, id);
    }
    if (this.count * 2 > this.index.length) this.rehash();
    else this.place(id);
    return id;
  }

  /** Empty again (keeping its buffers). */
  clear(): void {
    this.count = 0;
    this.index.fill(0);
    this.objects.length = 0;
    this.ids.clear();
  }

  private place(id: number): void {
    const mask = this.index.length - 1;
    let slot = (this.hashes[id] as number) & mask;
    while (this.index[slot] !== 0) slot = (slot + 1) & mask;
    this.index[slot] = id + 1;
  }

  private rehash(): void {
    this.index = new Int32Array(this.index.length * 2);
    for (let id = 0; id < this.count; id++) this.place(id);
  }
}

function grown(a: Uint8Array, need: number): Uint8Array<ArrayBuffer> {
  const bigger = new Uint8Array(Math.max(need, a.length * 2));
  bigger.set(a);
  return bigger;
}
