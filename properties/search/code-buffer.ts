/**
 * The buffers a state's integer code is built in (state-code.ts): a growable array of 32-bit
 * words with the positions of the request ids in it ("holes", for reusing a part's code in another
 * state: code-reuse.ts), a stack of item ends, and the lexicographic order of word ranges.
 */

/** A growable integer buffer, with a log of where request ids were written into it. */
export class Code {
  buf = new Int32Array(1024);
  len = 0;
  /** The holes: at `holePos[i]` the two words of request id `holeId[i]` (as renamed in that state). */
  holePos = new Int32Array(64);
  holeId = new Float64Array(64);
  holes = 0;
  /** Scratch for `sortItems`: the items' bounds, their order, and the sorted words. */
  private bounds = new Int32Array(64);
  private order = new Int32Array(32);
  private sorted = new Int32Array(1024);

  push(x: number): void {
    if (this.len === this.buf.length) this.buf = grown(this.buf, this.len + 1);
    this.buf[this.len++] = x;
  }

  /** Make room for `n` words at the end and count them in; returns where they start. */
  reserve(n: number): number {
    const at = this.len;
    if (at + n > this.buf.length) this.buf = grown(this.buf, at + n);
    this.len = at + n;
    return at;
  }

  /** Note that request id `id` is written at `pos` (its two words). */
  hole(pos: number, id: number): void {
    if (this.holes === this.holePos.length) {
      this.holePos = grown(this.holePos, this.holes + 1);
      const ids = new Float64Array(this.holePos.length);
      ids.set(this.holeId);
      this.holeId = ids;
    }
    this.holePos[this.holes] = pos;
    this.holeId[this.holes++] = id;
  }

  /**
   * Sort the `n` items ending at `ends[from..from+n)` (the first starts at `start`) in
   * lexicographic order of their codes, in place, without allocating (lists are short: an
   * insertion sort). Holes are not moved: a sorted code is never reused.
   */
  sortItems(start: number, ends: EndStack, from: number): void {
    const n = ends.top - from;
    if (n < 2) return;
    if (this.bounds.length < 2 * n) this.bounds = new Int32Array(4 * n);
    if (this.order.length < n) this.order = new Int32Array(2 * n);
    const { buf, bounds, order } = this;
    let at = start;
    let sortedAlready = true;
    for (let i = 0; i < n; i++) {
      const end = ends.at[from + i] as number;
      bounds[2 * i] = at;
      bounds[2 * i + 1] = end;
      order[i] = i;
      if (i > 0 && sortedAlready && compareRanges(buf, bounds[2 * i - 2] as number, bounds[2 * i - 1] as number, buf, at, end) > 0) sortedAlready = false;
      at = end;
    }
    if (sortedAlready) return;
    for (let i = 1; i < n; i++) {
      const x = order[i] as number;
      const xs = bounds[2 * x] as number;
      const xe = bounds[2 * x + 1] as number;
      let j = i - 1;
      for (; j >= 0; j--) {
        const y = order[j] as number;
        if (compareRanges(buf, bounds[2 * y] as number, bounds[2 * y + 1] as number, buf, xs, xe) <= 0) break;
        order[j + 1] = y;
      }
      order[j + 1] = x;
    }
    const words = at - start;
    if (this.sorted.length < words) this.sorted = new Int32Array(2 * words);
    const sorted = this.sorted;
    let to = 0;
    for (let i = 0; i < n; i++) {
      const x = order[i] as number;
      for (let w = bounds[2 * x] as number, e = bounds[2 * x + 1] as number; w < e; w++) sorted[to++] = buf[w] as number;
    }
    buf.set(sorted.subarray(0, words), start);
  }
}

function grown(buf: Int32Array, least: number): Int32Array<ArrayBuffer> {
  let n = buf.length * 2;
  while (n < least) n *= 2;
  const bigger = new Int32Array(n);
  bigger.set(buf);
  return bigger;
}

/** The end offsets of the items of the lists being rendered, one stack for all nesting levels. */
export class EndStack {
  at = new Int32Array(256);
  top = 0;

  push(x: number): void {
    if (this.top === this.at.length) this.at = grown(this.at, this.top + 1);
    this.at[this.top++] = x;
  }
}

/** Compare a[as..ae) and b[bs..be) lexicographically (a shorter prefix first). */
export function compareRanges(a: Int32Array, as: number, ae: number, b: Int32Array, bs: number, be: number): number {
  const n = Math.min(ae - as, be - bs);
  for (let i = 0; i < n; i++) {
    const d = (a[as + i] as number) - (b[bs + i] as number);
    if (d !== 0) return d;
  }
  return ae - as - (be - bs);
}
