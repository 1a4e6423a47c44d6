/**
 * A saved run (RunSnapshot) as a few hundred bytes, for the search's frontier and for sending
 * states to worker threads: the model state, the channels' queues, `nextReq`, `steps` and the
 * implementation's snapshot, encoded exactly (`decode(encode(x))` deep-equals `x`, `undefined`
 * fields, `-0` and key order included).
 *
 * The encoding is generic over plain data (the implementation's snapshot is any JSON value; the
 * model state adds `undefined` and `PersistentMap`): one tag byte per value, and most values are
 * that byte alone. Small non-negative integers, strings and record shapes (a record's key list)
 * sit in the tag itself; larger ones follow it as varints. Strings and shapes are ids in the
 * codec's dictionary, records are their values in shape order. Numbers other than safe integers
 * are their eight IEEE bytes; a string no dictionary knows is written out (its UTF-16 units as
 * varints, so lone surrogates survive). Every object below the model state (and the state's
 * record itself, with `modelStatesKept`) and below the implementation's snapshot that the codec has
 * met before is its number in the codec's value table (value-table.ts), and decodes to the table's
 * one object for it.
 *
 * One dictionary per search, kept by the search's thread (`open`: it adds what it meets). A
 * worker's codec is closed: it learns the dictionary from the search (`extend`, with the entries
 * `entriesFrom` gives), writes a string or a record shape it does not know out in full, and
 * numbers a value it does not know provisionally, in a table of its own beside the search's (from
 * MAX_VALUES on, so the two never collide), emptied with each chunk it expands
 * (`takeProvisional`). The search reads a worker's encoding into its own (`fromWorker`): byte
 * for byte what `encode` gives for the same snapshot, adding what is new to its dictionary and
 * table in the order `encode` would, so the search's table, dictionary and frontier are those of
 * one thread whatever the workers; and it sends what it added on to every worker with its next
 * chunk, so a worker decodes every part the search knows to one object of its own table.
 */
import type { Message } from "../../protocol/index.ts";
import type { ModelState } from "../../model/index.ts";
import { PersistentMap } from "../../model/persistent-map.ts";
import { Channels } from "../run/channels.ts";
import type { RunSnapshot } from "../run/run.ts";
import type { Encodings } from "./frontier.ts";
import { hashBytes, MAX_VALUES, ValueTable } from "./value-table.ts";

const UNDEFINED = 0;
const NULL = 1;
const FALSE = 2;
const TRUE = 3;
const FLOAT = 4;
const NEGATIVE = 5;
const INT = 6;
const TEXT = 7;
const STRING = 8;
const ARRAY = 9;
const RECORD_TEXT = 10;
const RECORD = 11;
const PMAP = 12;
const MAP = 13;
const SET = 14;
/** Before a record: it has no prototype (Object.create(null)). */
const BARE = 15;
/** Tags 16..62: the integers 0..46. */
const SMALL_INT = 16;
const SMALL_INTS = 47;
/** A value met before: its number in the codec's value table follows. */
const REF = 63;
/** Tags 64..159: string ids 0..95. */
const SMALL_STRING = 64;
const SMALL_STRINGS = 96;
/** Tags 160..255: shape ids 0..95. */
const SMALL_RECORD = 160;
const SMALL_RECORDS = 96;

/** How deep containers may nest in an encoded value. */
const MAX_DEPTH = 500;

/** Dictionary entries one thread has and another has not yet: strings, shapes as key lists, and values (their encodings, value-table.ts). */
export interface DictionaryEntries {
  readonly strings: readonly string[];
  readonly shapes: readonly (readonly string[])[];
  /** From the search's codec only (a worker's values are provisional: `takeProvisional`). */
  readonly values?: Encodings;
}

/** How many strings, shapes and values a dictionary holds: entries are numbered in order, so this marks where new ones start. */
export interface DictionaryMark {
  readonly strings: number;
  readonly shapes: number;
  /** 0 when left out. */
  readonly values?: number;
}

const NOTHING = new Uint8Array(0);

interface ShapeNode {
  id: number;
  readonly next: Map<string, ShapeNode>;
}

export class StateCodec {
  private readonly strings: string[] = [];
  private readonly stringIds = new Map<string, number>();
  private readonly shapes: (readonly string[])[] = [];
  private readonly shapeRoot: ShapeNode = { id: -1, next: new Map() };
  /** The known shapes by their first key (for the empty shape, ""): a record's shape is found by comparing its keys with a few lists, not one Map lookup per key. */
  private readonly shapesByFirst = new Map<string, number[]>();
  private buf = new Uint8Array(4096);
  private pos = 0;
  private readonly float = new Float64Array(1);
  private readonly floatBytes = new Uint8Array(this.float.buffer);
  private input: Uint8Array = NOTHING;
  private at = 0;
  /** Containers open while encoding. */
  private depth = 0;
  /** The sub-values met so far (value-table.ts). */
  protected readonly table: ValueTable = this.newTable();
  /** The next object encoded is a whole part of the snapshot (the implementation's snapshot): not looked up nor kept, as each state has its own. */
  private whole = false;
  /**
   * Keep each model state's record in the table like its parts (set by a search with the model
   * memo, run/model-memo.ts), so that a decoded model state is the table's canonical object; else
   * the record is written whole in every state (its parts are still the table's), which costs less
   * when nothing needs canonical states (+3 % CPU over the full 2 × 1 search, BENCHMARKS.md).
   * Either encoding decodes alike.
   */
  modelStatesKept = false;
  /** Decoding gives values met before as copies rather than their canonical objects (for an implementation's snapshot that its restore may keep and change). */
  private copying = false;
  /** A closed codec's provisional values (numbered from MAX_VALUES on), met since the last `takeProvisional`: found by their encodings only. */
  private readonly local: ValueTable | undefined;
  /** While reading a worker's encoding (`fromWorker`): its provisional values, and the number each became here (-1: not read yet). */
  private provisional: Encodings = { bytes: NOTHING, ends: new Int32Array(0) };
  private became = new Int32Array(0);

  /** `open`: add unknown strings, shapes and values to the dictionary (the search's thread); else write strings and shapes out, and number values provisionally (a worker's). */
  constructor(
    private readonly cells: readonly string[],
    private readonly open = true,
  ) {
    this.local = open ? undefined : new ValueTable();
  }

  /** Where this dictionary's next entries will start. */
  get mark(): DictionaryMark {
    return { strings: this.strings.length, shapes: this.shapes.length, values: this.table.count };
  }

  /** The entries added since a mark, to send to a closed codec. */
  entriesFrom(mark: DictionaryMark): DictionaryEntries {
    const from = mark.values ?? 0;
    const base = this.table.start(from);
    const ends = new Int32Array(this.table.count - from);
    for (let i = 0; i < ends.length; i++) ends[i] = this.table.end(from + i) - base;
    const values = { bytes: this.table.encodings().slice(base, this.table.start(this.table.count)), ends };
    return { strings: this.strings.slice(mark.strings), shapes: this.shapes.slice(mark.shapes), values };
  }

  /** The table this codec keeps its values in (protected so a test can give it a broken one). */
  protected newTable(): ValueTable {
    return new ValueTable();
  }

  /** A closed codec takes the search's entries from `mark` on (its dictionary is the search's up to `mark`, so the ids agree). */
  extend(entries: DictionaryEntries, mark: DictionaryMark): void {
    if (this.open) throw new Error("state codec: only a closed codec takes another's entries");
    if (mark.strings !== this.strings.length || mark.shapes !== this.shapes.length || (mark.values ?? 0) !== this.table.count) throw new Error("state codec: dictionary entries out of order");
    for (const s of entries.strings) this.addString(s);
    for (const keys of entries.shapes) this.addShape(keys);
    if (entries.values !== undefined) this.addValues(entries.values);
  }

  /** Values in order, numbered from the table's count on (a value's encoding names only values before it). */
  private addValues(values: Encodings): void {
    for (let i = 0, from = 0; i < values.ends.length; from = values.ends[i++] as number) {
      const to = values.ends[i] as number;
      this.table.add(values.bytes, from, to, hashBytes(values.bytes, from, to), this.readFrom(values.bytes, from, to) as object);
    }
  }

  /**
   * The search's codec adds a whole dictionary from a checkpoint (strings and shapes known already
   * are skipped): with values, which only a new codec takes (their encodings are in that
   * dictionary's ids, which are then this codec's).
   */
  adopt(entries: DictionaryEntries): void {
    if (!this.open) throw new Error("state codec: a closed codec takes entries by extend");
    const values = entries.values;
    if (values !== undefined && values.ends.length > 0 && (this.strings.length > 0 || this.shapes.length > 0 || this.table.count > 0)) throw new Error("state codec: only a new codec adopts values");
    for (const s of entries.strings) {
      if (!this.stringIds.has(s)) this.addString(s);
    }
    for (const keys of entries.shapes) {
      if (this.shapeId(keys, false) < 0) this.addShape(keys);
    }
    if (values !== undefined) this.addValues(values);
  }

  /** The values this (closed) codec numbered provisionally since the last call, in order (for `fromWorker`); it forgets them. */
  takeProvisional(): Encodings {
    const local = this.local;
    if (local === undefined) throw new Error("state codec: only a closed codec numbers values provisionally");
    const ends = new Int32Array(local.count);
    for (let i = 0; i < ends.length; i++) ends[i] = local.end(i);
    const out = { bytes: local.encodings().slice(0, local.start(local.count)), ends };
    local.clear();
    return out;
  }

  /** The encoding of `snap`: a view of the codec's buffer, valid until the next `encode`. */
  encode(snap: RunSnapshot): Uint8Array {
    this.pos = 0;
    this.depth = 0;
    this.whole = !this.modelStatesKept;
    this.value(snap.state);
    const channels = snap.channels;
    const n = channels.order.length;
    this.uint(n);
    for (let i = 0; i < n; i++) this.value(channels.messagesAt(i));
    this.value(snap.nextReq);
    this.value(snap.steps);
    this.whole = true;
    this.value(snap.impl);
    this.whole = false;
    return this.buf.subarray(0, this.pos);
  }

  /**
   * The table's canonical object equal to `v` (exactly: found by its encoding, value-table.ts),
   * added if new; undefined when this codec cannot add it (a closed codec, or a full table) and
   * has not met it. `v` must be a value nothing changes (the model memo gives its states:
   * run/model-memo.ts). The encoding a previous `encode` returned stays as it was.
   */
  canonical<T extends object>(v: T): T | undefined {
    if (this.table.idOf(v) !== undefined) return v;
    const start = this.pos;
    const depth = this.depth;
    this.depth = 0;
    this.whole = false;
    try {
      this.value(v);
      if (this.buf[start] !== REF) return undefined;
      this.input = this.buf;
      this.at = start + 1;
      return this.table.object(this.readUint()) as T;
    } finally {
      this.input = NOTHING;
      this.pos = start;
      this.depth = depth;
    }
  }

  /**
   * The snapshot encoded in `bytes[from, to)`. Its parts met before are the table's canonical
   * objects, shared with every other state decoded (the model state and the queues are never
   * changed by the harness); the implementation's snapshot is new throughout unless `shareImpl`
   * (the implementation's restore copies out of it: Instance.snapshotsUnshared).
   */
  decode(bytes: Uint8Array, from = 0, to = bytes.length, shareImpl = false): RunSnapshot {
    this.input = bytes;
    this.at = from;
    const state = this.read() as ModelState;
    const n = this.readUint();
    const queues: Message[][] = [];
    for (let i = 0; i < n; i++) queues.push(this.read() as Message[]);
    const nextReq = this.read() as number;
    const steps = this.read() as number;
    this.copying = !shareImpl;
    try {
      const impl = this.read();
      if (this.at !== to) throw new Error(`state codec: ${to - this.at} bytes left over after a snapshot`);
      return { state, channels: Channels.fromQueues(this.cells, queues), nextReq, steps, impl };
    } finally {
      this.copying = false;
      this.input = NOTHING;
    }
  }

  // --- writing

  private room(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    const bigger = new Uint8Array(Math.max(this.buf.length * 2, this.pos + n));
    bigger.set(this.buf.subarray(0, this.pos));
    this.buf = bigger;
  }

  private byte(b: number): void {
    if (this.pos === this.buf.length) this.room(1);
    this.buf[this.pos++] = b;
  }

  /** A non-negative safe integer, seven bits a byte. */
  private uint(n: number): void {
    this.room(8);
    while (n >= 128) {
      this.buf[this.pos++] = (n % 128) | 128;
      n = Math.floor(n / 128);
    }
    this.buf[this.pos++] = n;
  }

  /** One value, whatever it is (protected so a test can break it and see the round trip fail). */
  protected value(v: unknown): void {
    switch (typeof v) {
      case "undefined":
        return this.byte(UNDEFINED);
      case "boolean":
        return this.byte(v ? TRUE : FALSE);
      case "number":
        return this.number(v);
      case "string":
        return this.string(v);
      case "object": {
        if (v === null) return this.byte(NULL);
        const whole = this.whole;
        this.whole = false;
        if (!whole) {
          const id = this.table.idOf(v);
          if (id !== undefined) return this.ref(id);
        }
        // A value this deep is a cycle, most likely: say so rather than overflow the stack.
        if (++this.depth > MAX_DEPTH) throw new Error(`state codec: the snapshot nests more than ${MAX_DEPTH} levels deep (does it refer to itself?)`);
        const start = this.pos;
        if (Array.isArray(v)) this.array(v);
        else if (v instanceof PersistentMap) this.pmap(v as PersistentMap<unknown, unknown>);
        else if (v instanceof Map) this.map(v);
        else if (v instanceof Set) this.set(v);
        else this.record(v);
        this.depth--;
        if (!whole) this.intern(start);
        return;
      }
      default:
        throw new Error(`state codec: cannot encode a ${typeof v}`);
    }
  }

  private ref(id: number): void {
    this.byte(REF);
    this.uint(id);
  }

  /**
   * The value just written from `start` on becomes a reference to it in the table (added first if
   * new: to the table by an open codec, to its provisional ones by a closed one); its number, or
   * -1 when there is no room and it stays written out.
   */
  private intern(start: number): number {
    const end = this.pos;
    const h = hashBytes(this.buf, start, end);
    let id = this.table.find(this.buf, start, end, h);
    if (id < 0) {
      const local = this.local;
      if (local !== undefined) {
        id = local.find(this.buf, start, end, h);
        if (id < 0 && local.hasRoom(end - start)) id = local.add(this.buf, start, end, h);
        if (id < 0) return -1;
        id += MAX_VALUES;
      } else {
        if (!this.table.hasRoom(end - start)) return -1;
        // The canonical object is decoded from the encoding, so that it is the table's alone.
        id = this.table.add(this.buf, start, end, h, this.readFrom(this.buf, start, end) as object);
      }
    }
    this.pos = start;
    this.ref(id);
    return id;
  }

  private number(v: number): void {
    if (Number.isSafeInteger(v) && !Object.is(v, -0)) {
      if (v >= 0 && v < SMALL_INTS) return this.byte(SMALL_INT + v);
      this.byte(v >= 0 ? INT : NEGATIVE);
      return this.uint(Math.abs(v));
    }
    this.room(9);
    this.buf[this.pos++] = FLOAT;
    this.float[0] = v;
    this.buf.set(this.floatBytes, this.pos);
    this.pos += 8;
  }

  private string(s: string): void {
    let id = this.stringIds.get(s);
    if (id === undefined) {
      if (!this.open) return this.text(s);
      id = this.addString(s);
    }
    if (id < SMALL_STRINGS) return this.byte(SMALL_STRING + id);
    this.byte(STRING);
    this.uint(id);
  }

  private text(s: string): void {
    this.byte(TEXT);
    this.uint(s.length);
    for (let i = 0; i < s.length; i++) this.uint(s.charCodeAt(i));
  }

  private array(a: readonly unknown[]): void {
    this.byte(ARRAY);
    this.uint(a.length);
    for (let i = 0; i < a.length; i++) this.value(a[i]);
  }

  private pmap(m: PersistentMap<unknown, unknown>): void {
    this.byte(PMAP);
    this.uint(m.size);
    for (const k of m.keys()) this.value(k);
    for (const v of m.values()) this.value(v);
  }

  private map(m: Map<unknown, unknown>): void {
    this.byte(MAP);
    this.uint(m.size);
    for (const [k, v] of m) {
      this.value(k);
      this.value(v);
    }
  }

  private set(s: Set<unknown>): void {
    this.byte(SET);
    this.uint(s.size);
    for (const x of s) this.value(x);
  }

  private record(o: object): void {
    const proto = Object.getPrototypeOf(o) as unknown;
    if (proto === null) this.byte(BARE);
    else if (proto !== Object.prototype) throw new Error(`state codec: cannot encode an instance of ${(o.constructor as { name?: string } | undefined)?.name ?? "a class"}`);
    const keys = Object.keys(o);
    const id = this.shapeOf(keys);
    if (id < 0) {
      this.byte(RECORD_TEXT);
      this.uint(keys.length);
      for (const k of keys) this.string(k);
    } else {
      this.shapeTag(id);
    }
    const fields = o as Record<string, unknown>;
    for (const k of keys) this.value(fields[k]);
  }

  private shapeTag(id: number): void {
    if (id < SMALL_RECORDS) return this.byte(SMALL_RECORD + id);
    this.byte(RECORD);
    this.uint(id);
  }

  private addString(s: string): number {
    const id = this.strings.length;
    this.strings.push(s);
    this.stringIds.set(s, id);
    return id;
  }

  /** The id of a record's key list (-1: unknown to this closed codec; an open one adds it). */
  private shapeOf(keys: readonly string[]): number {
    const n = keys.length;
    const first = n === 0 ? "" : (keys[0] as string);
    const known = this.shapesByFirst.get(first);
    if (known !== undefined) {
      outer: for (let c = 0; c < known.length; c++) {
        const id = known[c] as number;
        const shape = this.shapes[id] as readonly string[];
        if (shape.length !== n) continue;
        for (let i = 1; i < n; i++) if (shape[i] !== keys[i]) continue outer;
        return id;
      }
    }
    return this.shapeId(keys, this.open);
  }

  /** The id of a key list (-1: unknown; with `add`, added instead). */
  private shapeId(keys: readonly string[], add: boolean): number {
    let node = this.shapeRoot;
    for (const k of keys) {
      let next = node.next.get(k);
      if (next === undefined) {
        if (!add) return -1;
        next = { id: -1, next: new Map() };
        node.next.set(k, next);
      }
      node = next;
    }
    if (node.id < 0 && add) {
      node.id = this.shapes.length;
      this.shapes.push(keys.slice());
      const first = keys.length === 0 ? "" : (keys[0] as string);
      const known = this.shapesByFirst.get(first);
      if (known === undefined) this.shapesByFirst.set(first, [node.id]);
      else known.push(node.id);
    }
    return node.id;
  }

  private addShape(keys: readonly string[]): void {
    this.shapeId(keys, true);
  }

  // --- a worker's encodings

  /**
   * A worker's encoding of a snapshot (`provisional`: the values its codec numbered provisionally
   * in the same chunk) as this open codec's: what `encode` writes for that snapshot, byte for byte,
   * adding to the dictionary and the table what `encode` would, in its order (a value numbered
   * provisionally is read where it is first referred to, as `encode` meets it there). A view of
   * the codec's buffer, valid until the next `encode` or `fromWorker`.
   */
  fromWorker(bytes: Uint8Array, provisional: Encodings): Uint8Array {
    if (!this.open) throw new Error("state codec: only the search's codec reads a worker's encodings");
    if (provisional !== this.provisional) {
      this.provisional = provisional;
      this.became = new Int32Array(provisional.ends.length).fill(-1);
    }
    this.input = bytes;
    this.at = 0;
    this.pos = 0;
    this.depth = 0;
    try {
      this.copy(true);
      const n = this.readUint();
      this.uint(n);
      for (let i = 0; i < n + 2; i++) this.copy(false);
      this.copy(true);
      if (this.at !== bytes.length) throw new Error(`state codec: ${bytes.length - this.at} bytes left over after a worker's snapshot`);
      return this.buf.subarray(0, this.pos);
    } finally {
      this.input = NOTHING;
    }
  }

  /** One value of a worker's encoding, written as `value` writes it (`whole`: a whole part of the snapshot, not interned). */
  private copy(whole: boolean): void {
    const tag = this.input[this.at++];
    if (tag === undefined) throw new Error("state codec: the encoding ends inside a value");
    if (tag >= SMALL_RECORD) return void this.copyContainer(tag, whole);
    if (tag >= SMALL_STRING) return this.byte(tag);
    if (tag === REF) return this.copyRef(this.readUint());
    if (tag >= SMALL_INT) return this.byte(tag);
    switch (tag) {
      case UNDEFINED:
      case NULL:
      case FALSE:
      case TRUE:
        return this.byte(tag);
      case FLOAT:
        this.room(9);
        this.buf.set(this.input.subarray(this.at - 1, this.at + 8), this.pos);
        this.pos += 9;
        this.at += 8;
        return;
      case NEGATIVE:
      case INT:
      case STRING:
        this.byte(tag);
        return this.uint(this.readUint());
      case TEXT:
        this.at--;
        return this.string(this.read() as string);
      default:
        return void this.copyContainer(tag, whole);
    }
  }

  /** A value the worker numbered: the table's, or provisional (read from its encoding the first time, then by the number it became). */
  private copyRef(id: number): void {
    if (id < MAX_VALUES) {
      if (id >= this.table.count) throw new Error(`state codec: value ${id} is not in this thread's table`);
      return this.ref(id);
    }
    const p = id - MAX_VALUES;
    const known = this.became[p];
    if (known === undefined) throw new Error(`state codec: provisional value ${p} is not among the worker's`);
    if (known >= 0) return this.ref(known);
    const input = this.input;
    const at = this.at;
    this.input = this.provisional.bytes;
    this.at = p === 0 ? 0 : (this.provisional.ends[p - 1] as number);
    const became = this.copyContainer(this.input[this.at++] as number, false);
    this.input = input;
    this.at = at;
    if (became >= 0) this.became[p] = became;
  }

  /** A container of a worker's encoding, written as this codec's and interned unless `whole`: its number, or -1. */
  private copyContainer(tag: number, whole: boolean): number {
    if (++this.depth > MAX_DEPTH) throw new Error(`state codec: a worker's snapshot nests more than ${MAX_DEPTH} levels deep`);
    const start = this.pos;
    if (tag === BARE) {
      this.byte(BARE);
      this.copyRecord(this.input[this.at++] as number);
    } else if (tag >= SMALL_RECORD || tag === RECORD || tag === RECORD_TEXT) {
      this.copyRecord(tag);
    } else if (tag === ARRAY || tag === SET || tag === PMAP || tag === MAP) {
      this.byte(tag);
      const n = this.readUint();
      this.uint(n);
      for (let i = tag === ARRAY || tag === SET ? n : 2 * n; i > 0; i--) this.copy(false);
    } else {
      throw new Error(`state codec: unknown tag ${tag}`);
    }
    this.depth--;
    return whole ? -1 : this.intern(start);
  }

  private copyRecord(tag: number): void {
    let keys: readonly string[] | undefined;
    if (tag === RECORD_TEXT) {
      const n = this.readUint();
      const named: string[] = [];
      for (let i = 0; i < n; i++) named.push(this.read() as string);
      keys = named;
      this.shapeTag(this.shapeOf(named));
    } else {
      const id = tag >= SMALL_RECORD ? tag - SMALL_RECORD : tag === RECORD ? this.readUint() : -1;
      keys = this.shapes[id];
      if (keys === undefined) throw new Error("state codec: a record shape is not in this thread's dictionary");
      this.shapeTag(id);
    }
    for (let i = keys.length; i > 0; i--) this.copy(false);
  }

  // --- reading

  /** The value encoded as `bytes[from, to)` (values met before as their canonical objects). */
  private readFrom(bytes: Uint8Array, from: number, to: number): unknown {
    const input = this.input;
    const at = this.at;
    const copying = this.copying;
    this.input = bytes;
    this.at = from;
    this.copying = false;
    try {
      const v = this.read();
      if (this.at !== to) throw new Error("state codec: a value's encoding has bytes left over");
      return v;
    } finally {
      this.input = input;
      this.at = at;
      this.copying = copying;
    }
  }

  /** Value `id` of the table: its canonical object, or a new copy of it while `copying`. */
  private valueAt(id: number): unknown {
    if (id >= this.table.count) throw new Error(`state codec: value ${id} is not in this thread's table`);
    if (!this.copying) return this.table.object(id);
    const input = this.input;
    const at = this.at;
    this.input = this.table.encodings();
    this.at = this.table.start(id);
    const v = this.read();
    this.input = input;
    this.at = at;
    return v;
  }

  private readUint(): number {
    let b = this.input[this.at++] as number;
    if (b < 128) return b;
    let n = b & 127;
    let scale = 128;
    for (;;) {
      b = this.input[this.at++] as number;
      if (b === undefined) throw new Error("state codec: the encoding ends inside a number");
      n += (b & 127) * scale;
      if (b < 128) return n;
      scale *= 128;
    }
  }

  private read(): unknown {
    const tag = this.input[this.at++];
    if (tag === undefined) throw new Error("state codec: the encoding ends inside a value");
    if (tag >= SMALL_RECORD) return this.readRecord(this.shapes[tag - SMALL_RECORD]);
    if (tag >= SMALL_STRING) return this.stringAt(tag - SMALL_STRING);
    if (tag === REF) return this.valueAt(this.readUint());
    if (tag >= SMALL_INT) return tag - SMALL_INT;
    switch (tag) {
      case UNDEFINED:
        return undefined;
      case NULL:
        return null;
      case FALSE:
        return false;
      case TRUE:
        return true;
      case FLOAT:
        this.floatBytes.set(this.input.subarray(this.at, this.at + 8));
        this.at += 8;
        return this.float[0];
      case NEGATIVE:
        return -this.readUint();
      case INT:
        return this.readUint();
      case TEXT: {
        const n = this.readUint();
        let s = "";
        for (let i = 0; i < n; i++) s += String.fromCharCode(this.readUint());
        return s;
      }
      case STRING:
        return this.stringAt(this.readUint());
      case ARRAY: {
        const n = this.readUint();
        const out: unknown[] = new Array(n);
        for (let i = 0; i < n; i++) out[i] = this.read();
        return out;
      }
      case RECORD_TEXT: {
        const n = this.readUint();
        const keys: string[] = [];
        for (let i = 0; i < n; i++) keys.push(this.read() as string);
        return this.readRecord(keys);
      }
      case RECORD:
        return this.readRecord(this.shapes[this.readUint()]);
      case PMAP: {
        const n = this.readUint();
        const ks: unknown[] = new Array(n);
        for (let i = 0; i < n; i++) ks[i] = this.read();
        const vs: unknown[] = new Array(n);
        for (let i = 0; i < n; i++) vs[i] = this.read();
        return PersistentMap.of(ks, vs);
      }
      case MAP: {
        const n = this.readUint();
        const m = new Map<unknown, unknown>();
        for (let i = 0; i < n; i++) m.set(this.read(), this.read());
        return m;
      }
      case BARE: {
        const o = this.read() as object;
        Object.setPrototypeOf(o, null);
        return o;
      }
      case SET: {
        const n = this.readUint();
        const s = new Set<unknown>();
        for (let i = 0; i < n; i++) s.add(this.read());
        return s;
      }
      default:
        throw new Error(`state codec: unknown tag ${tag}`);
    }
  }

  private stringAt(id: number): string {
    const s = this.strings[id];
    if (s === undefined) throw new Error(`state codec: string ${id} is not in this thread's dictionary`);
    return s;
  }

  private readRecord(keys: readonly string[] | undefined): Record<string, unknown> {
    if (keys === undefined) throw new Error("state codec: a record shape is not in this thread's dictionary");
    const out: Record<string, unknown> = {};
    for (let i = 0; i < keys.length; i++) {
      const k = keys[i] as string;
      // As JSON.parse does: "__proto__" is a field, not the prototype.
      if (k === "__proto__") Object.defineProperty(out, k, { value: this.read(), enumerable: true, writable: true, configurable: true });
      else out[k] = this.read();
    }
    return out;
  }
}
