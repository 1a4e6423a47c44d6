/**
 * The frontier's encoding of a saved run (properties/search/state-codec.ts): exact on every state
 * of small searches and along random walks, for arbitrary JSON in the implementation's snapshot,
 * across a search's codec and a worker's closed one; and the check used here catches a codec
 * that gets one value wrong.
 */
import { describe, expect, it } from "vitest";
import { fc } from "@fast-check/vitest";
import { exhaustive, HarnessRun } from "../properties/index.ts";
import type { RunSnapshot } from "../properties/run/run.ts";
import { distinctMoves } from "../properties/search/moves.ts";
import { StateCodec } from "../properties/search/state-codec.ts";
import { ValueTable } from "../properties/search/value-table.ts";
import { PersistentMap } from "../model/persistent-map.ts";
import { reference } from "../reference/index.ts";

/** Where two values differ, exactly (types, -0, undefined fields, key order, prototypes), or undefined. */
function difference(a: unknown, b: unknown, path = "$"): string | undefined {
  if (typeof a !== typeof b) return `${path}: ${typeof a} vs ${typeof b}`;
  if (typeof a !== "object" || a === null || b === null) return Object.is(a, b) ? undefined : `${path}: ${String(a)} vs ${String(b)}`;
  const pa = Object.getPrototypeOf(a) as unknown;
  if (pa !== Object.getPrototypeOf(b)) return `${path}: different prototypes`;
  const list = (x: unknown): unknown[] => (x instanceof PersistentMap ? [...(x as PersistentMap<unknown, unknown>).entries()] : x instanceof Map ? [...x.entries()] : x instanceof Set ? [...x] : (x as unknown[]));
  if (Array.isArray(a) || a instanceof PersistentMap || a instanceof Map || a instanceof Set) {
    const xs = list(a);
    const ys = list(b);
    if (xs.length !== ys.length) return `${path}: length ${xs.length} vs ${ys.length}`;
    for (let i = 0; i < xs.length; i++) {
      const d = difference(xs[i], ys[i], `${path}[${i}]`);
      if (d !== undefined) return d;
    }
    return undefined;
  }
  const ka = Object.keys(a);
  const kb = Object.keys(b as object);
  if (ka.join("\u0000") !== kb.join("\u0000")) return `${path}: keys ${ka.join(",")} vs ${kb.join(",")}`;
  for (const k of ka) {
    const d = difference((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], `${path}.${k}`);
    if (d !== undefined) return d;
  }
  return undefined;
}

function snapshotDifference(a: RunSnapshot, b: RunSnapshot): string | undefined {
  const queues = (s: RunSnapshot): unknown[] => s.channels.order.map((name, i) => [name, s.channels.messagesAt(i)]);
  return difference([a.state, queues(a), a.nextReq, a.steps, a.impl], [b.state, queues(b), b.nextReq, b.steps, b.impl]);
}

/** Round-trip every snapshot; the first difference found (or undefined). */
function roundTrips(codec: StateCodec, snaps: readonly RunSnapshot[]): string | undefined {
  for (const snap of snaps) {
    const bytes = codec.encode(snap).slice();
    const back = codec.decode(bytes);
    const d = snapshotDifference(snap, back);
    if (d !== undefined) return d;
    // Decoding gives new values that encode to the same bytes.
    if (codec.encode(back).join(",") !== bytes.join(",")) return "the decoded snapshot encodes differently";
  }
  return undefined;
}

function searchSnapshots(options: Parameters<typeof exhaustive>[1]): RunSnapshot[] {
  const out: RunSnapshot[] = [];
  exhaustive(reference, { ...options, onState: (run) => out.push(run.save() as RunSnapshot) });
  return out;
}

function walkSnapshots(walks: number, length: number, cells: number): RunSnapshot[] {
  let seed = 2024;
  const random = (n: number): number => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return (seed >>> 8) % n;
  };
  const out: RunSnapshot[] = [];
  for (let w = 0; w < walks; w++) {
    const run = new HarnessRun(reference, { cells });
    for (let i = 0; i < length && run.failure === undefined; i++) {
      const moves = distinctMoves(run);
      if (moves.length === 0) break;
      run.apply((moves[random(moves.length)] as (typeof moves)[number]).command);
      const s = run.save();
      if (s !== undefined) out.push(s);
    }
    run.close();
  }
  return out;
}

const small = searchSnapshots({ cells: 1, requests: 1, depth: 40 });
const walks = walkSnapshots(200, 60, 3);

describe("state codec", () => {
  it("round-trips every state of a small exhaustive search exactly", () => {
    expect(small.length).toBe(1417);
    expect(roundTrips(new StateCodec(["c1"]), small)).toBeUndefined();
  });

  it("round-trips every state along random walks of 3 cells exactly", () => {
    expect(walks.length).toBeGreaterThan(2500);
    expect(roundTrips(new StateCodec(["c1", "c2", "c3"]), walks)).toBeUndefined();
  });

  it("keeps a state in a few hundred bytes", () => {
    const codec = new StateCodec(["c1", "c2", "c3"]);
    let total = 0;
    for (const s of walks) total += codec.encode(s).length;
    expect(total / walks.length).toBeLessThan(400);
  });

  it("round-trips any JSON value (and undefined, -0, large and fractional numbers) as the implementation's snapshot", () => {
    const base = small[0] as RunSnapshot;
    const codec = new StateCodec(["c1"]);
    const extra = fc.oneof(fc.constant(undefined), fc.constant(-0), fc.double(), fc.integer({ min: -(2 ** 53), max: 2 ** 53 }), fc.string({ unit: "binary" }));
    fc.assert(
      fc.property(fc.jsonValue(), fc.array(extra), fc.dictionary(fc.string(), extra), fc.dictionary(fc.string(), fc.jsonValue(), { noNullPrototype: false }), (json, list, record, bare) => {
        expect(roundTrips(codec, [{ ...base, impl: { json, list, record, bare, map: new Map([[1, "a"]]), set: new Set(["x"]) } }])).toBeUndefined();
      }),
      { seed: 7, numRuns: 300 },
    );
  });

  it("refuses a value it cannot encode exactly", () => {
    const base = small[0] as RunSnapshot;
    expect(() => new StateCodec(["c1"]).encode({ ...base, impl: new Date(0) })).toThrow(/instance of Date/);
    expect(() => new StateCodec(["c1"]).encode({ ...base, impl: () => 1 })).toThrow(/function/);
    const cyclic: Record<string, unknown> = { a: 1 };
    cyclic.self = cyclic;
    expect(() => new StateCodec(["c1"]).encode({ ...base, impl: cyclic })).toThrow(/refer to itself/);
  });

  it("reads a worker's encodings in the search's thread and the search's in a worker", () => {
    const search = new StateCodec(["c1", "c2", "c3"]);
    const worker = new StateCodec(["c1", "c2", "c3"], false);
    const half = walks.slice(0, 500);
    // The worker knows nothing yet: it writes strings and shapes out and numbers values provisionally.
    const fromWorker = half.map((s) => worker.encode(s).slice());
    const provisional = worker.takeProvisional();
    expect(provisional.ends.length).toBeGreaterThan(100);
    for (const [i, bytes] of fromWorker.entries()) expect(snapshotDifference(half[i] as RunSnapshot, search.decode(search.fromWorker(bytes, provisional).slice()))).toBeUndefined();
    const fromSearch = half.map((s) => search.encode(s).slice());
    worker.extend(search.entriesFrom({ strings: 0, shapes: 0 }), { strings: 0, shapes: 0 });
    for (const [i, bytes] of fromSearch.entries()) expect(snapshotDifference(half[i] as RunSnapshot, worker.decode(bytes))).toBeUndefined();
    // Once it has the dictionary, the worker's encodings are the search's, and it numbers nothing itself.
    expect(worker.encode(half[400] as RunSnapshot).join(",")).toBe(search.encode(half[400] as RunSnapshot).join(","));
    expect(worker.takeProvisional().ends.length).toBe(0);
  });

  it("the search reads a worker's encodings into what it would have encoded itself, and adds to its table and dictionary what encoding would, in the same order", () => {
    const one = new StateCodec(["c1", "c2", "c3"]);
    const search = new StateCodec(["c1", "c2", "c3"]);
    const workers = [new StateCodec(["c1", "c2", "c3"], false), new StateCodec(["c1", "c2", "c3"], false)];
    const marks = workers.map(() => ({ strings: 0, shapes: 0, values: 0 }));
    // Chunks of 40 states, to one worker and the other; each worker learns what the search added only with its next chunk.
    for (let from = 0, c = 0; from < 1200; from += 40, c++) {
      const w = c % 2;
      const worker = workers[w] as StateCodec;
      worker.extend(search.entriesFrom(marks[w] as { strings: number; shapes: number }), marks[w] as { strings: number; shapes: number });
      marks[w] = { ...search.mark, values: search.mark.values ?? 0 };
      const chunk = walks.slice(from, from + 40);
      const sent = chunk.map((s) => worker.encode(s).slice());
      const provisional = worker.takeProvisional();
      for (const [i, bytes] of sent.entries()) expect(search.fromWorker(bytes, provisional).join(",")).toBe(one.encode(chunk[i] as RunSnapshot).join(","));
    }
    expect(search.mark).toEqual(one.mark);
    const all = { strings: 0, shapes: 0 };
    expect(search.entriesFrom(all)).toEqual(one.entriesFrom(all));
  });

  it("a worker decodes every part the search's table holds to one object of its own (shared by every state decoded, the implementation's too when asked)", () => {
    const search = new StateCodec(["c1", "c2", "c3"]);
    const worker = new StateCodec(["c1", "c2", "c3"], false);
    const some = walks.slice(0, 300);
    const bytes = some.map((s) => search.encode(s).slice());
    worker.extend(search.entriesFrom({ strings: 0, shapes: 0 }), { strings: 0, shapes: 0 });
    const a = worker.decode(bytes[10] as Uint8Array, 0, (bytes[10] as Uint8Array).length, true);
    const b = worker.decode(bytes[11] as Uint8Array, 0, (bytes[11] as Uint8Array).length, true);
    const again = worker.decode(bytes[10] as Uint8Array, 0, (bytes[10] as Uint8Array).length, true);
    const cells = [...a.state.cells.keys()];
    expect(cells.filter((c) => a.state.cells.get(c) === b.state.cells.get(c)).length).toBeGreaterThan(0);
    for (const c of cells) expect(again.state.cells.get(c)).toBe(a.state.cells.get(c));
    const parts = (x: RunSnapshot): unknown[] => Object.values(x.impl as Record<string, unknown>);
    expect(parts(again).length).toBeGreaterThan(0);
    for (const [i, part] of parts(again).entries()) if (typeof part === "object" && part !== null) expect(part).toBe(parts(a)[i]);
    // Unless asked to share it, the implementation's snapshot is a new value throughout.
    const copy = worker.decode(bytes[10] as Uint8Array);
    for (const [i, part] of parts(copy).entries()) if (typeof part === "object" && part !== null) expect(part).not.toBe(parts(a)[i]);
  });

  it("the search reads any JSON value of a worker's as it would have encoded it", () => {
    const base = small[0] as RunSnapshot;
    const extra = fc.oneof(fc.constant(undefined), fc.constant(-0), fc.double(), fc.integer({ min: -(2 ** 53), max: 2 ** 53 }), fc.string({ unit: "binary" }));
    fc.assert(
      fc.property(fc.array(fc.dictionary(fc.string(), fc.oneof(fc.jsonValue(), extra), { noNullPrototype: false }), { minLength: 1, maxLength: 4 }), (impls) => {
        const one = new StateCodec(["c1"]);
        const search = new StateCodec(["c1"]);
        const worker = new StateCodec(["c1"], false);
        // Each value twice (the second finds the first's number), and nested in the next.
        const snaps = impls.flatMap((impl, i) => [{ ...base, impl }, { ...base, impl: { impl, list: [impl, impls[i - 1]], map: new Map([[1, impl]]), set: new Set([impl]) } }]);
        const sent = snaps.map((s) => worker.encode(s).slice());
        const provisional = worker.takeProvisional();
        for (const [i, bytes] of sent.entries()) {
          const mine = search.fromWorker(bytes, provisional).slice();
          expect(mine.join(",")).toBe(one.encode(snaps[i] as RunSnapshot).join(","));
          expect(snapshotDifference(snaps[i] as RunSnapshot, search.decode(mine))).toBeUndefined();
        }
      }),
      { seed: 11, numRuns: 200 },
    );
  });

  it("refuses a worker's encoding that names a value it did not send", () => {
    const search = new StateCodec(["c1", "c2", "c3"]);
    const worker = new StateCodec(["c1", "c2", "c3"], false);
    const bytes = worker.encode(walks[5] as RunSnapshot).slice();
    worker.takeProvisional();
    expect(() => search.fromWorker(bytes, { bytes: new Uint8Array(0), ends: new Int32Array(0) })).toThrow(/provisional value \d+ is not among the worker's/);
    expect(() => worker.fromWorker(bytes, { bytes: new Uint8Array(0), ends: new Int32Array(0) })).toThrow(/only the search's codec/);
  });

  it("the round-trip check catches a codec that gets one value wrong", () => {
    // Writes `undefined` as null (as a JSON text would drop or null it): CellModel.outcome is undefined until a terminal reply.
    class UndefinedAsNull extends StateCodec {
      protected override value(v: unknown): void {
        super.value(v === undefined ? null : v);
      }
    }
    expect(roundTrips(new UndefinedAsNull(["c1"]), small)).toMatch(/outcome: undefined vs object/);
    // Writes `false` as `true` in the implementation's part only.
    class TrueForFalse extends StateCodec {
      protected override value(v: unknown): void {
        super.value(v === false ? true : v);
      }
    }
    expect(roundTrips(new TrueForFalse(["c1"]), small)).toMatch(/false vs true/);
  });
});

describe("state codec: values met before (value-table.ts)", () => {
  /** The encoding of the first `n` states, each once, by one codec (as the search encodes each state it reaches). */
  const lengths = (codec: StateCodec, snaps: readonly RunSnapshot[]): number[] => snaps.map((s) => codec.encode(s).length);

  it("writes a part met before as its number, and decodes it to one object shared by every state that holds it", () => {
    const codec = new StateCodec(["c1", "c2", "c3"]);
    const first = lengths(codec, walks);
    const again = lengths(codec, walks);
    // Every part of a state below its model state and its implementation's snapshot is met by the second pass.
    for (let i = 0; i < walks.length; i++) expect(again[i]).toBeLessThanOrEqual(first[i] as number);
    expect(again.reduce((a, b) => a + b, 0) / walks.length).toBeLessThan(80);
    const a = codec.decode(codec.encode(walks[10] as RunSnapshot).slice());
    const b = codec.decode(codec.encode(walks[11] as RunSnapshot).slice());
    // Consecutive states of one walk share most cells: the same value decodes to the same object.
    const shared = [...a.state.cells.keys()].filter((c) => a.state.cells.get(c) === b.state.cells.get(c));
    expect(shared.length).toBeGreaterThan(0);
    for (const c of shared) expect(difference(a.state.cells.get(c), (walks[10] as RunSnapshot).state.cells.get(c))).toBeUndefined();
  });

  it("gives the implementation's snapshot as a new value unless asked to share it, so a restore that changes it changes no later decode", () => {
    const codec = new StateCodec(["c1", "c2", "c3"]);
    const snap = walks[40] as RunSnapshot;
    lengths(codec, walks.slice(0, 50));
    const bytes = codec.encode(snap).slice();
    const copy = codec.decode(bytes).impl as { host: Record<string, unknown> };
    const sharedOnce = codec.decode(bytes, 0, bytes.length, true).impl as { host: unknown };
    const sharedTwice = codec.decode(bytes, 0, bytes.length, true).impl as { host: unknown };
    expect(sharedOnce.host).toBe(sharedTwice.host);
    expect(copy.host).not.toBe(sharedOnce.host);
    // An implementation that keeps and changes what it restored from: the next decode is unchanged.
    copy.host.cells = "changed";
    copy.host.extra = 1;
    expect(snapshotDifference(snap, codec.decode(bytes))).toBeUndefined();
    expect(snapshotDifference(snap, codec.decode(bytes, 0, bytes.length, true))).toBeUndefined();
  });

  it("stays exact once its table is full (new values are then written out in full)", () => {
    class Full extends ValueTable {
      override hasRoom(): boolean {
        return this.count < 20;
      }
    }
    class Small extends StateCodec {
      protected override newTable(): ValueTable {
        return new Full();
      }
    }
    const codec = new Small(["c1", "c2", "c3"]);
    expect(roundTrips(codec, walks)).toBeUndefined();
    expect(codec.mark.values).toBe(20);
  });

  it("a worker learns the search's values and writes them as numbers too", () => {
    const search = new StateCodec(["c1", "c2", "c3"]);
    const worker = new StateCodec(["c1", "c2", "c3"], false);
    const some = walks.slice(0, 300);
    lengths(search, some);
    const mark = search.mark;
    expect(mark.values).toBeGreaterThan(100);
    worker.extend(search.entriesFrom({ strings: 0, shapes: 0 }), { strings: 0, shapes: 0 });
    for (const s of some) expect(snapshotDifference(s, worker.decode(search.encode(s).slice()))).toBeUndefined();
    expect(worker.encode(some[200] as RunSnapshot).join(",")).toBe(search.encode(some[200] as RunSnapshot).join(","));
    // Entries out of order are refused.
    expect(() => worker.extend(search.entriesFrom(mark), { ...mark, values: 0 })).toThrow(/out of order/);
  });

  it("the round-trip check catches a table that matches values by hash and length only, or names the wrong value", () => {
    /** A codec over the table `make` gives. */
    const over = (make: () => ValueTable): StateCodec =>
      new (class extends StateCodec {
        protected override newTable(): ValueTable {
          return make();
        }
      })(["c1"]);
    class Colliding extends ValueTable {
      // Every value hashes alike: matching rests on comparing the bytes.
      override find(buf: Uint8Array, from: number, to: number): number {
        return super.find(buf, from, to, 1);
      }
      override add(buf: Uint8Array, from: number, to: number, _h: number, canonical: object): number {
        return super.add(buf, from, to, 1, canonical);
      }
    }
    expect(roundTrips(over(() => new Colliding()), small)).toBeUndefined();
    class Blind extends Colliding {
      protected override sameBytes(): boolean {
        return true;
      }
    }
    expect(roundTrips(over(() => new Blind()), small)).toBeDefined();
    class WrongIdentity extends ValueTable {
      // A stale identity entry: any object is taken for the value numbered 0.
      override idOf(o: object): number | undefined {
        return this.count > 0 ? 0 : super.idOf(o);
      }
    }
    expect(roundTrips(over(() => new WrongIdentity()), small)).toBeDefined();
  });
});
