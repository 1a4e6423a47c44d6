/**
 * cellgate abstract model — the immutable map the state is made of.
 *
 * A `ReadonlyMap` whose `set` returns a new map and leaves the old one as it was, so transitions
 * stay pure. Entries live in two small arrays in insertion order: a run has a few cells and a few
 * dozen requests at most, and copying a short array is far cheaper than copying a `Map` (which
 * the harness would otherwise do for every action of every step).
 */
export class PersistentMap<K, V> implements ReadonlyMap<K, V> {
  private constructor(
    private readonly ks: readonly K[],
    private readonly vs: readonly V[],
  ) {}

  static empty<K, V>(): PersistentMap<K, V> {
    return new PersistentMap<K, V>([], []);
  }

  /** The map of these keys (distinct) and values, in this order; it keeps both lists (for decoding a saved state). */
  static of<K, V>(keys: readonly K[], values: readonly V[]): PersistentMap<K, V> {
    return new PersistentMap<K, V>(keys, values);
  }

  /** A map with `key` bound to `value` (replaced in place if present, else appended). */
  set(key: K, value: V): PersistentMap<K, V> {
    const i = this.ks.indexOf(key);
    if (i < 0) return new PersistentMap([...this.ks, key], [...this.vs, value]);
    const vs = this.vs.slice();
    vs[i] = value;
    return new PersistentMap(this.ks, vs);
  }

  get size(): number {
    return this.ks.length;
  }

  get(key: K): V | undefined {
    const i = this.ks.indexOf(key);
    return i < 0 ? undefined : this.vs[i];
  }

  has(key: K): boolean {
    return this.ks.includes(key);
  }

  values(): MapIterator<V> {
    return this.vs.values();
  }

  keys(): MapIterator<K> {
    return this.ks.values();
  }

  *entries(): MapIterator<[K, V]> {
    for (let i = 0; i < this.ks.length; i++) yield [this.ks[i] as K, this.vs[i] as V];
  }

  [Symbol.iterator](): MapIterator<[K, V]> {
    return this.entries();
  }

  forEach(f: (value: V, key: K, map: ReadonlyMap<K, V>) => void, thisArg?: unknown): void {
    for (let i = 0; i < this.ks.length; i++) f.call(thisArg, this.vs[i] as V, this.ks[i] as K, this);
  }
}
