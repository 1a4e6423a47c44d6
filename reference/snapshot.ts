/**
 * A party's whole state as JSON and back, field by field: every own field of the object (a
 * variant's extra fields included), with Maps and Sets tagged so that they come back as such, in
 * the same order. This is what `Instance.snapshot`/`restore` return and take for the bundled
 * implementations. Per the snapshot contract every number in it must be a request id: a party
 * that ever keeps a counter must store it as a string.
 *
 * Structural sharing: a new encoding may be given the party's previous one (`base`: the value it
 * was last encoded to or restored from), and reuses every part of it (a cell's record, a whole
 * Map, the whole party) whose content is unchanged, so a step that changes one cell builds only
 * that cell's record and the containers above it. The values are therefore shared between
 * snapshots and must never be changed by anyone (nothing here or in the harness changes them);
 * the result is the same JSON value, key order included, as an encoding from scratch.
 */

/** The JSON form of a party's fields. */
export type PartyState = Readonly<Record<string, unknown>>;

/** Every own field of `party` as JSON, sharing the unchanged parts of `base` (see above, and `encodedExactly`). */
export function encodeFields(party: object, base?: PartyState): PartyState {
  exact = true;
  fix = undefined;
  const fields = party as Record<string, unknown>;
  const keys = Object.keys(fields);
  // Undefined fields are kept here (and dropped by JSON text), as they always were.
  // Built once a field differs from `base` (its first `i` fields are then `base`'s).
  let out: Record<string, unknown> | undefined = base !== undefined && sameKeys(keys, base) ? undefined : {};
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i] as string;
    const before = base?.[k];
    const v = fields[k];
    const x = typeof v === "object" && v !== null ? encode(v, before) : v;
    if (fix !== undefined) {
      fields[k] = fix;
      fix = undefined;
    }
    if (out === undefined && x !== before) out = firstKeys(base as Record<string, unknown>, keys, i);
    if (out !== undefined) out[k] = x;
  }
  return out ?? (base as PartyState);
}

/**
 * Whether the party of the last `encodeFields` is now exactly what its result decodes to: every
 * object in it plain, every Map key a value. On the way, each plain object that held a field set
 * to undefined (which its JSON form leaves out, so a decoded one has no such key and lays its
 * fields out differently once it is set again) was replaced in its container by a copy without
 * that field. The party behaves the same (a missing field reads as undefined) and encodes the
 * same; it now also lays out its fields as a restored one does, so that a restore can keep it.
 */
export function encodedExactly(): boolean {
  const e = exact;
  // Read once: a party whose snapshot does not go through encodeFields is never taken as exact.
  exact = false;
  return e;
}

let exact = false;
/** A copy of the plain object just encoded, without its undefined fields, for its container to hold instead. */
let fix: Record<string, unknown> | undefined;

/**
 * Overwrite every field of `party` (a fresh one of the same class, or one whose own fields are
 * the state's) from its JSON form. With `base`: `party` is, exactly, what `base` decodes to (it
 * was restored from `base` and has not stepped since), and every part of it whose JSON form is
 * the same value in `state` and `base` is kept as it is rather than decoded again.
 */
export function decodeFields(party: object, state: PartyState, base?: PartyState): void {
  const fields = party as Record<string, unknown>;
  for (const k of Object.keys(state)) {
    const v = state[k];
    const b = base?.[k];
    if (b === undefined) fields[k] = decode(v);
    else if (v !== b) fields[k] = decodeOver(fields[k], v, b);
  }
}

/** Does `state` hold a value for every own field of `party`, and for no other (so that decoding it overwrites the whole party)? */
export function coversFields(party: object, state: PartyState): boolean {
  return sameKeys(Object.keys(party), state);
}

/** Are `keys` the keys of `o`, in the same order? */
function sameKeys(keys: readonly string[], o: object): boolean {
  const own = Object.keys(o);
  if (own.length !== keys.length) return false;
  for (let i = 0; i < keys.length; i++) if (own[i] !== keys[i]) return false;
  return true;
}

function isPlain(o: unknown): o is Record<string, unknown> {
  return typeof o === "object" && o !== null && !Array.isArray(o);
}

/**
 * The JSON form of `v`; `prev`, when given, is an earlier JSON form of the value at the same place:
 * it is returned itself when equal, and its parts are reused where equal. A container is built
 * only once a part of it differs. Sets `fix` for a plain object that held undefined fields, and
 * clears `exact` for a part a decode would not give back as it is.
 */
// Plain loops rather than entries/map chains: a search snapshots and restores on every transition.
function encode(v: unknown, prev: unknown): unknown {
  if (typeof v !== "object" || v === null) return v;
  if (v instanceof Map) {
    const before = isPlain(prev) && Array.isArray(prev.$map) && prev.$map.length === v.size ? (prev.$map as readonly (readonly unknown[])[]) : undefined;
    let entries: unknown[] | undefined = before === undefined ? new Array(v.size) : undefined;
    let i = 0;
    for (const [k, x] of v) {
      const pe = before?.[i];
      let ek: unknown = k;
      if (typeof k === "object" && k !== null) {
        exact = false;
        ek = encode(k, pe?.[0]);
        fix = undefined;
      }
      let ex: unknown = x;
      if (typeof x === "object" && x !== null) {
        ex = encode(x, pe?.[1]);
        if (fix !== undefined) {
          v.set(k, fix);
          fix = undefined;
        }
      }
      if (pe === undefined || ek !== pe[0] || ex !== pe[1]) {
        entries ??= prefix(before as readonly unknown[], i, v.size);
        entries[i] = [ek, ex];
      } else if (entries !== undefined) entries[i] = pe;
      i++;
    }
    return entries === undefined ? prev : { $map: entries };
  }
  if (v instanceof Set) {
    const before = isPlain(prev) && Array.isArray(prev.$set) && prev.$set.length === v.size ? (prev.$set as readonly unknown[]) : undefined;
    let members: unknown[] | undefined = before === undefined ? new Array(v.size) : undefined;
    let i = 0;
    for (const x of v) {
      let m: unknown = x;
      if (typeof x === "object" && x !== null) {
        m = encode(x, before?.[i]);
        // A member cannot be replaced in place; such a Set is left as it is.
        if (fix !== undefined) {
          exact = false;
          fix = undefined;
        }
      }
      if (members === undefined && m !== (before as readonly unknown[])[i]) members = prefix(before as readonly unknown[], i, v.size);
      if (members !== undefined) members[i] = m;
      i++;
    }
    return members === undefined ? prev : { $set: members };
  }
  if (Array.isArray(v)) {
    const before = Array.isArray(prev) && prev.length === v.length ? (prev as readonly unknown[]) : undefined;
    let out: unknown[] | undefined = before === undefined ? new Array(v.length) : undefined;
    for (let i = 0; i < v.length; i++) {
      const y = v[i];
      let x: unknown = y;
      if (typeof y === "object" && y !== null) {
        x = encode(y, before?.[i]);
        if (fix !== undefined) {
          v[i] = fix;
          fix = undefined;
        }
      }
      if (out === undefined && x !== (before as readonly unknown[])[i]) out = prefix(before as readonly unknown[], i, v.length);
      if (out !== undefined) out[i] = x;
    }
    return out === undefined ? prev : out;
  }
  const o = v as Record<string, unknown>;
  if (Object.getPrototypeOf(o) !== Object.prototype) exact = false;
  // A Map's or a Set's form at the same place is compared as a record (its key differs, so nothing of it is reused).
  const before = isPlain(prev) ? prev : undefined;
  // While `out` is unbuilt, the keys seen so far are the first `n` of `before`, in its order, with equal values.
  // Fields read by position (Object.values) rather than by key: one lookup per field costs more than the two arrays.
  const order = before === undefined ? undefined : Object.keys(before);
  const was = before === undefined ? undefined : Object.values(before);
  let out: Record<string, unknown> | undefined = before === undefined ? {} : undefined;
  let n = 0;
  let holes = false;
  const keys = Object.keys(o);
  const xs = Object.values(o);
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i] as string;
    const x = xs[i];
    if (x === undefined) {
      holes = true;
      continue;
    }
    const p = was === undefined ? undefined : (order as string[])[n] === k ? was[n] : (before as Record<string, unknown>)[k];
    let e: unknown = x;
    if (typeof x === "object" && x !== null) {
      e = encode(x, p);
      if (fix !== undefined) {
        o[k] = fix;
        fix = undefined;
      }
    }
    if (out === undefined && ((order as string[])[n] !== k || e !== p)) out = firstKeys(before as Record<string, unknown>, order as string[], n);
    if (out !== undefined) out[k] = e;
    n++;
  }
  if (holes) fix = withoutHoles(o);
  if (out !== undefined) return out;
  return n === (order as string[]).length ? prev : firstKeys(before as Record<string, unknown>, order as string[], n);
}

/** An array of `length` whose first `n` elements are `before`'s (the rest to be set: made at its full length, so that setting them does not grow it). */
function prefix(before: readonly unknown[], n: number, length: number): unknown[] {
  const out: unknown[] = new Array(length);
  for (let j = 0; j < n; j++) out[j] = before[j];
  return out;
}

/** `o` without its undefined fields: what its JSON form decodes to, sharing its values. */
function withoutHoles(o: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(o)) if (o[k] !== undefined) out[k] = o[k];
  return out;
}

/** A new object with the first `n` keys of `o` (in `order`) and their values. */
function firstKeys(o: Record<string, unknown>, order: readonly string[], n: number): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (let j = 0; j < n; j++) {
    const k = order[j] as string;
    out[k] = o[k];
  }
  return out;
}

/**
 * What `v` decodes to, given `live`, exactly what `b` decodes to: the parts of `live` whose JSON
 * form is the same value (the same object) in `v` and `b` are reused, the rest is decoded. New
 * containers throughout, so nothing that held `live`'s containers sees them change.
 */
function decodeOver(live: unknown, v: unknown, b: unknown): unknown {
  if (v === b) return live;
  if (typeof v !== "object" || v === null || typeof b !== "object" || b === null) return decode(v);
  if (Array.isArray(v)) {
    if (!Array.isArray(b) || !Array.isArray(live) || !sharesPart(v, b)) return decode(v);
    const out: unknown[] = new Array(v.length);
    for (let i = 0; i < v.length; i++) out[i] = i < b.length ? decodeOver(live[i], v[i], b[i]) : decode(v[i]);
    return out;
  }
  if (Array.isArray(b)) return decode(v);
  const o = v as Record<string, unknown>;
  const p = b as Record<string, unknown>;
  if (Array.isArray(o.$map)) {
    if (!Array.isArray(p.$map) || !(live instanceof Map)) return decode(v);
    const before = p.$map as readonly (readonly unknown[])[];
    const entries = o.$map as readonly (readonly unknown[])[];
    if (!sharesEntry(entries, before)) return decode(v);
    const m = new Map<unknown, unknown>();
    for (let i = 0; i < entries.length; i++) {
      const e = entries[i] as readonly unknown[];
      const k = e[0];
      const pe = before[i];
      // A key that is a value (not an object) names the same entry of `live` as of `b`.
      if (pe !== undefined && pe[0] === k && (typeof k !== "object" || k === null)) m.set(k, decodeOver(live.get(k), e[1], pe[1]));
      else m.set(decode(k), decode(e[1]));
    }
    return m;
  }
  if (Array.isArray(o.$set) || Array.isArray(p.$map) || Array.isArray(p.$set) || live instanceof Map || live instanceof Set || typeof live !== "object" || live === null) return decode(v);
  const from = live as Record<string, unknown>;
  const keys = Object.keys(o);
  if (!sharesField(o, p, keys)) return decode(v);
  const out: Record<string, unknown> = {};
  for (const k of keys) {
    const x = o[k];
    const y = p[k];
    out[k] = y === undefined ? decode(x) : decodeOver(from[k], x, y);
  }
  return out;
}

// A value decoded apart (a state from the frontier's encoding) shares with the parties' last state
// only what the frontier's value table shares (its canonical objects): these tell at the first
// level when it shares nothing, and the value is then decoded without comparing.

function isObject(x: unknown): boolean {
  return typeof x === "object" && x !== null;
}

/** Is an element of `v` that is an object the same object in `b`? */
function sharesPart(v: readonly unknown[], b: readonly unknown[]): boolean {
  for (let i = 0; i < v.length && i < b.length; i++) if (isObject(v[i]) && v[i] === b[i]) return true;
  return false;
}

/** Is an entry of `v`, or its value when an object, the same in `b`? */
function sharesEntry(v: readonly (readonly unknown[])[], b: readonly (readonly unknown[])[]): boolean {
  for (let i = 0; i < v.length && i < b.length; i++) {
    const e = v[i] as readonly unknown[];
    const p = b[i] as readonly unknown[];
    if (e === p || (isObject(e[1]) && e[1] === p[1])) return true;
  }
  return false;
}

/** Is a field of `o` that is an object the same object in `p`? (Fields that are values are cheap to decode either way.) */
function sharesField(o: Record<string, unknown>, p: Record<string, unknown>, keys: readonly string[]): boolean {
  let objects = false;
  for (const k of keys) {
    const x = o[k];
    if (!isObject(x)) continue;
    if (x === p[k]) return true;
    objects = true;
  }
  return !objects;
}

function decode(v: unknown): unknown {
  if (typeof v !== "object" || v === null) return v;
  if (Array.isArray(v)) {
    const out: unknown[] = new Array(v.length);
    for (let i = 0; i < v.length; i++) out[i] = decode(v[i]);
    return out;
  }
  const o = v as Record<string, unknown>;
  if (Array.isArray(o.$map)) {
    const m = new Map<unknown, unknown>();
    for (const e of o.$map as [unknown, unknown][]) m.set(decode(e[0]), decode(e[1]));
    return m;
  }
  if (Array.isArray(o.$set)) {
    const s = new Set<unknown>();
    for (const x of o.$set as unknown[]) s.add(decode(x));
    return s;
  }
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(o)) out[k] = decode(o[k]);
  return out;
}
