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
  for (const [k, v] of Object.entries(party)) out[k] = encode(v);
  return out;
}

/** Overwrite every field of `party` (a fresh one of the same class) from its JSON form. */
export function decodeFields(party: object, state: PartyState): void {
  for (const [k, v] of Object.entries(state)) (party as Record<string, unknown>)[k] = decode(v);
}

function encode(v: unknown): unknown {
  if (v instanceof Map) return { $map: [...v].map(([k, x]) => [encode(k), encode(x)]) };
  if (v instanceof Set) return { $set: [...v].map(encode) };
  if (Array.isArray(v)) return v.map(encode);
  if (typeof v === "object" && v !== null) {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) if (x !== undefined) out[k] = encode(x);
    return out;
  }
  return v;
}

function decode(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(decode);
  if (typeof v !== "object" || v === null) return v;
  const o = v as Record<string, unknown>;
  if (Array.isArray(o.$map)) return new Map((o.$map as [unknown, unknown][]).map(([k, x]) => [decode(k), decode(x)]));
  if (Array.isArray(o.$set)) return new Set((o.$set as unknown[]).map(decode));
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(o)) out[k] = decode(x);
  return out;
}
