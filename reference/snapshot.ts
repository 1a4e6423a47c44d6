/**
 * A party's whole state as JSON and back, field by field: every own field of the object (a
 * variant's extra fields included), with Maps and Sets tagged so that they come back as such, in
 * the same order. This is what `Instance.snapshot`/`restore` return and take for the bundled
 * implementations. Per the snapshot contract every number in it must be a request id: a party
 * that ever keeps a counter must store it as a string.
 */

/** The JSON form of a party's fields. */
export type PartyState = Readonly<Record<string, unknown>>;

export function encodeFields(party: object): PartyState {
  const out: Record<string, unknown> = {};
  const fields = party as Record<string, unknown>;
  for (const k of Object.keys(fields)) out[k] = encode(fields[k]);
  return out;
}

/** Overwrite every field of `party` (a fresh one of the same class) from its JSON form. */
export function decodeFields(party: object, state: PartyState): void {
  const fields = party as Record<string, unknown>;
  for (const k of Object.keys(state)) fields[k] = decode(state[k]);
}

// Plain loops rather than entries/map chains: a search snapshots and restores on every transition.
function encode(v: unknown): unknown {
  if (typeof v !== "object" || v === null) return v;
  if (v instanceof Map) {
    const entries: unknown[] = [];
    for (const [k, x] of v) entries.push([encode(k), encode(x)]);
    return { $map: entries };
  }
  if (v instanceof Set) {
    const members: unknown[] = [];
    for (const x of v) members.push(encode(x));
    return { $set: members };
  }
  if (Array.isArray(v)) {
    const out: unknown[] = new Array(v.length);
    for (let i = 0; i < v.length; i++) out[i] = encode(v[i]);
    return out;
  }
  const o = v as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(o)) {
    const x = o[k];
    if (x !== undefined) out[k] = encode(x);
  }
  return out;
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
