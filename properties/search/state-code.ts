/**
 * The search's key of a state as a flat array of 32-bit integers, built in one pass into a
 * reused buffer and fingerprinted directly (MurmurHash3 x86_128 over the integers), instead of a
 * text rendered by `abstractKey` and hashed character by character.
 *
 * It encodes exactly what `abstractKey` renders (abstract-state.ts), item for item, so two states
 * have equal codes exactly when they have equal keys; test/state-code.test.ts checks that on every
 * state of small searches. The encoding is prefix-free: every list carries its length, every
 * snapshot value a tag, and a string is its id in `Strings` (injective: a collision of two
 * strings' hashes is refused, not merged). Request ids are renamed as in `abstractKey`: a live id
 * is (cell, k), an id no longer live (cell, -k), and the calls happen in the same order, so the
 * ids not live are numbered alike.
 *
 * Where `abstractKey` sorts texts (requests; with symmetry the cells, channels, gate rows and the
 * collections keyed by cell), the code sorts the items' integer codes instead: any fixed order
 * of the items is canonical. With symmetry the least code over candidate renamings chosen as the
 * text key chooses them is taken (`Renderer.renamings`), so the states that count as one are
 * the same (one orbit each).
 *
 * Without a renaming, the code of a snapshot part met again is copied from an earlier rendering
 * with its request ids renamed again (code-reuse.ts), and strings are found among the few a place
 * in the code meets before they are looked up (string-ids.ts): the same words, fewer steps.
 */
import type { CellModel } from "../../model/index.ts";
import type { Message } from "../../protocol/index.ts";
import type { HarnessRun } from "../run/run.ts";
import { renamingsInOrder, type KeyOptions } from "./abstract-state.ts";
import { Code, compareRanges, EndStack } from "./code-buffer.ts";
import { CodeReuse, type Place, type Renamer } from "./code-reuse.ts";
import { strings, Vocabulary } from "./string-ids.ts";
import type { Fingerprint } from "./visited.ts";

// Snapshot value tags (string ids are non-negative, so tags and ids never meet at one position).
const NULL = -1;
const TRUE = -2;
const FALSE = -3;
const NUM = -4;
const STR = -5;
const ARR = -6;
const OBJ = -7;
const NONE = -8;
const HOST_LANE = -9;

const sid = (text: string): number => strings.id(text);

/** The places in a code that meet a few texts each (string-ids.ts). */
const CELL = new Vocabulary();
const ADMISSION = new Vocabulary();
const HOST_ANSWER = new Vocabulary();
const OUTCOME = new Vocabulary();
const KIND = new Vocabulary();
const ORIGIN = new Vocabulary();
const STAGE = new Vocabulary();
const DISPATCH = new Vocabulary();
const CHANNEL = new Vocabulary();
const TYPE = new Vocabulary(24);
const ROW_KIND = new Vocabulary();
const ANSWER = new Vocabulary();

function byValue(a: number, b: number): number {
  return a - b;
}

/** Request ids below this are tracked in typed arrays; others (any number a snapshot holds) in a Map. */
const SMALL = 1 << 16;

/**
 * What the code needs about a state's cells and request ids, gathered once per state (cell
 * names as they are, before any renaming), in tables reused from state to state: a request id
 * below SMALL is an index, and an entry counts only when its stamp is the current state's (or
 * rendering's) number, so nothing is cleared or allocated per state.
 */
class IdTables {
  /** Live ids: (cell, k). */
  liveStamp = new Uint32Array(256);
  liveK = new Int32Array(256);
  liveCell: string[] = [];
  /** The cell of every request the model knows (what a dead id is numbered under). */
  reqStamp = new Uint32Array(256);
  reqCell: string[] = [];
  /** Dead ids numbered in the current rendering: (renamed cell's id, -k). */
  deadStamp = new Uint32Array(256);
  deadK = new Int32Array(256);
  deadCell = new Int32Array(256);
  /** Ids at or above SMALL (or not integers): live and request cells per state, dead per rendering. */
  readonly bigLive = new Map<number, { readonly cell: string; readonly k: number }>();
  readonly bigReq = new Map<number, string>();
  readonly bigDead = new Map<number, { readonly cell: number; readonly k: number }>();

  /** Forget every stamp (when the stamps run out). */
  wipe(): void {
    this.liveStamp.fill(0);
    this.reqStamp.fill(0);
    this.deadStamp.fill(0);
  }

  /** Make room for id `req` (< SMALL). */
  fit(req: number): void {
    if (req >= this.liveStamp.length) this.widen(req);
  }

  private widen(req: number): void {
    let n = this.liveStamp.length;
    while (n <= req) n *= 2;
    const widen = <T extends Uint32Array | Int32Array>(a: T, make: (n: number) => T): T => {
      const b = make(n);
      b.set(a);
      return b;
    };
    this.liveStamp = widen(this.liveStamp, (k) => new Uint32Array(k));
    this.liveK = widen(this.liveK, (k) => new Int32Array(k));
    this.reqStamp = widen(this.reqStamp, (k) => new Uint32Array(k));
    this.deadStamp = widen(this.deadStamp, (k) => new Uint32Array(k));
    this.deadK = widen(this.deadK, (k) => new Int32Array(k));
    this.deadCell = widen(this.deadCell, (k) => new Int32Array(k));
  }
}

function small(req: number): boolean {
  return (req >>> 0) === req && req < SMALL;
}

/** Per cell (as named in the state): its live ids, in order of value, and the facts the cell item reads. */
interface CellSlot {
  cell: string;
  readonly live: number[];
  cancelledInitial: boolean;
  issued: number;
}

/** A cell's start flags, one word (the cell item and the symmetry signature both hold it). */
function startBits(c: CellModel): number {
  return +c.ready | (+c.initialTaken << 1) | (+c.jsDone << 2);
}

/** A cell's end flags, one word, with whether its initial request was cancelled (from its slot). */
function endBits(c: CellModel, slot: CellSlot | undefined): number {
  return +c.closedDelivered | (+c.coreKnowsEnd << 1) | (+c.goneAfterClose << 2) | (+(slot?.cancelledInitial === true) << 3) | (+c.idKnown << 4) | (+c.consumed << 5) | (+c.endedNaturally << 6) | (+c.abandoned << 7);
}

/**
 * What the code reads of the messages at each position of one channel, kept with the message it
 * was read from (messages are immutable and shared between a state and the next): its cell, its
 * request id if it has one, and its words without a renaming of cells (type, cell, then 0, 1 or 2
 * more: no id; an id; an id and an outcome or decision).
 */
class MessageFacts {
  readonly messages: (Message | undefined)[] = [];
  readonly cell: string[] = [];
  readonly hasReq: boolean[] = [];
  readonly req: number[] = [];
  readonly type: number[] = [];
  readonly cellId: number[] = [];
  readonly words: number[] = [];
  readonly extra: number[] = [];

  learn(j: number, m: Message): void {
    this.messages[j] = m;
    this.cell[j] = m.cell;
    const has = "req" in m;
    this.hasReq[j] = has;
    this.req[j] = has ? m.req : 0;
    this.type[j] = TYPE.id(m.type);
    this.cellId[j] = CELL.id(m.cell);
    let words = 0;
    let extra = 0;
    switch (m.type) {
      case "observe_outcome":
      case "terminate_outcome":
        words = 2;
        extra = ANSWER.id(m.outcome);
        break;
      case "dispatch":
        words = 2;
        extra = DISPATCH.id(m.decision);
        break;
      case "observe":
      case "drop_observation":
      case "terminate":
      case "invoke_tool":
      case "cancel_tool":
        words = 1;
        break;
      default:
        break;
    }
    this.words[j] = words;
    this.extra[j] = extra;
  }
}

/**
 * Renders states into a code, reusing its tables from one state to the next, and with `reuse`
 * the code of snapshot parts met again (code-reuse.ts).
 */
class Renderer implements Renamer {
  constructor(private readonly reuse: CodeReuse | undefined) {}

  /** Whether this state's snapshot parts may be reused: the instance never changes a snapshot's values. */
  private reusable = false;
  private readonly t = new IdTables();
  private readonly ends = new EndStack();
  /** The state's cells (in order of first mention); `slotCount` of `slots` are in use. */
  private readonly slots: CellSlot[] = [];
  private slotCount = 0;
  /** Slots in order of their first live id (the order ids are numbered in, as `abstractKey` does). */
  private readonly liveOrder: CellSlot[] = [];
  private stamps = 0;
  private stateNo = 0;
  private renderNo = 0;
  private code!: Code;
  private run!: HarnessRun;
  private options!: KeyOptions;
  private perm: Map<string, string> | undefined;
  private snapshot: unknown;
  private table: readonly { cell: string; kind: string }[] | undefined;

  /** Gather what every rendering of `run`'s state needs (as `gather` does). */
  begin(run: HarnessRun, options: KeyOptions): void {
    this.run = run;
    this.options = options;
    const t = this.t;
    const stamp = this.nextStamp();
    this.stateNo = stamp;
    if (t.bigLive.size > 0) t.bigLive.clear();
    if (t.bigReq.size > 0) t.bigReq.clear();
    this.slotCount = 0;
    this.liveOrder.length = 0;
    const s = run.state;
    for (const r of s.requests.values()) {
      if (r.kind === "create") continue;
      const req = r.req;
      if (small(req)) {
        t.fit(req);
        t.reqStamp[req] = stamp;
        t.reqCell[req] = r.cell;
      } else t.bigReq.set(req, r.cell);
      const slot = this.slotOf(r.cell);
      if (r.stage !== "done") this.addLive(slot, req);
      if (r.initial && r.cancelled) slot.cancelledInitial = true;
      if (r.origin !== "guard") slot.issued++;
    }
    const channels = run.channels;
    for (let i = 0; i < channels.order.length; i++) {
      const queue = channels.messagesAt(i);
      if (queue.length === 0) continue;
      const f = this.factsAt(i);
      for (let j = 0; j < queue.length; j++) {
        const m = queue[j] as Message;
        if (f.messages[j] !== m) f.learn(j, m);
        if (f.hasReq[j] === true) this.addLive(this.slotOf(f.cell[j] as string), f.req[j] as number);
      }
    }
    for (const slot of this.liveOrder) {
      const live = slot.live;
      if (live.length > 1) live.sort(byValue);
      for (let i = 0; i < live.length; i++) {
        const req = live[i] as number;
        if (small(req)) {
          t.fit(req);
          t.liveStamp[req] = stamp;
          t.liveK[req] = i + 1;
          t.liveCell[req] = slot.cell;
        } else t.bigLive.set(req, { cell: slot.cell, k: i + 1 });
      }
    }
    this.snapshot = undefined;
    if (options.view === "snapshot") {
      this.snapshot = options.snapshot ?? run.instance.snapshot?.();
      if (this.snapshot === undefined) throw new Error("the implementation offers no snapshot()");
    }
    this.table = options.view === "table" ? run.instance.gateTable() : undefined;
    this.reusable = this.reuse !== undefined && run.instance.snapshotsUnshared === true;
  }

  /** The buffer to render into without a renaming: the reuse's next one when its parts may be reused, else `scratch`. */
  target(scratch: Code): Code {
    return this.reusable ? (this.reuse as CodeReuse).next() : scratch;
  }

  /** A stamp no table entry holds yet (states and renderings share one count; at its end every stamp is wiped). */
  private nextStamp(): number {
    if (this.stamps === 0xffffffff) {
      this.t.wipe();
      this.stamps = 0;
      for (const slot of this.deadSlots.values()) slot.stamp = 0;
    }
    return ++this.stamps;
  }

  private slotOf(cell: string): CellSlot {
    const known = this.findSlot(cell);
    if (known !== undefined) return known;
    let slot = this.slots[this.slotCount];
    if (slot === undefined) {
      slot = { cell, live: [], cancelledInitial: false, issued: 0 };
      this.slots.push(slot);
    } else {
      slot.cell = cell;
      slot.live.length = 0;
      slot.cancelledInitial = false;
      slot.issued = 0;
    }
    this.slotCount++;
    return slot;
  }

  /**
   * The renamings to render under with symmetry, chosen as `candidateRenamings` chooses them
   * (cells in order of a signature no renaming changes, equal ones in every order) with the same
   * facts as integers instead of a text: another order of signatures, so another least code per
   * orbit than the text's least key, but one per orbit all the same.
   */
  renamings(): Map<string, string>[] {
    const sigs = new Map<string, Int32Array>();
    const channels = this.run.channels;
    for (const c of this.run.state.cells.values()) {
      const slot = this.findSlot(c.cell);
      sigs.set(
        c.cell,
        Int32Array.of(
          ADMISSION.id(c.admission),
          HOST_ANSWER.id(c.hostAnswer),
          startBits(c),
          Math.min(c.terminatesReached, 2),
          c.outcome === undefined ? NONE : OUTCOME.id(c.outcome),
          c.closedEmitted,
          endBits(c, slot),
          c.attachedAtClose.length,
          c.forgetsInFlight,
          slot?.issued ?? 0,
          slot?.live.length ?? 0,
          channels.peek(`host:${c.cell}` as never) === undefined ? 0 : 1,
        ),
      );
    }
    return renamingsInOrder([...this.run.state.cells.keys()], (a, b) => {
      const x = sigs.get(a) as Int32Array;
      const y = sigs.get(b) as Int32Array;
      return compareRanges(x, 0, x.length, y, 0, y.length);
    });
  }

  /** The slot of `cell` if the state mentions it. */
  private findSlot(cell: string): CellSlot | undefined {
    for (let i = 0; i < this.slotCount; i++) if ((this.slots[i] as CellSlot).cell === cell) return this.slots[i];
    return undefined;
  }

  private addLive(slot: CellSlot, req: number): void {
    if (slot.live.length === 0) this.liveOrder.push(slot);
    else if (slot.live.includes(req)) return;
    slot.live.push(req);
  }

  private name(cell: string): string {
    return this.perm?.get(cell) ?? cell;
  }

  private isLive(req: number): boolean {
    return small(req) ? this.t.liveStamp[req] === this.stateNo : this.t.bigLive.has(req);
  }

  /** A request id, renamed: its cell and k (live) or -k (no longer live, in order of appearance). */
  private rename(req: number): void {
    this.renameAt(req, this.code.reserve(2));
  }

  /** `rename` into the two words at `at` of the code (there already). */
  renameAt(req: number, at: number): void {
    const t = this.t;
    const buf = this.code.buf;
    if (small(req)) {
      if (t.liveStamp[req] === this.stateNo) {
        buf[at] = CELL.id(this.name(t.liveCell[req] as string));
        buf[at + 1] = t.liveK[req] as number;
        return;
      }
      // An id the model never issued (a snapshot may hold any number) still gets its table entry.
      t.fit(req);
      if (t.deadStamp[req] !== this.renderNo) {
        const cell = this.name(t.reqStamp[req] === this.stateNo ? (t.reqCell[req] as string) : "?");
        t.deadStamp[req] = this.renderNo;
        t.deadK[req] = -this.nextDead(cell);
        t.deadCell[req] = CELL.id(cell);
      }
      buf[at] = t.deadCell[req] as number;
      buf[at + 1] = t.deadK[req] as number;
      return;
    }
    const live = t.bigLive.get(req);
    if (live !== undefined) {
      buf[at] = CELL.id(this.name(live.cell));
      buf[at + 1] = live.k;
      return;
    }
    let dead = t.bigDead.get(req);
    if (dead === undefined) {
      const cell = this.name(t.bigReq.get(req) ?? "?");
      dead = { cell: CELL.id(cell), k: -this.nextDead(cell) };
      t.bigDead.set(req, dead);
    }
    buf[at] = dead.cell;
    buf[at + 1] = dead.k;
  }

  /** Dead ids are counted per renamed cell: the next count of `cell` (a renamed name, or "?"). */
  private nextDead(cell: string): number {
    let slot = this.deadSlots.get(cell);
    if (slot === undefined) {
      slot = { stamp: 0, count: 0 };
      this.deadSlots.set(cell, slot);
    }
    if (slot.stamp !== this.renderNo) {
      slot.stamp = this.renderNo;
      slot.count = 0;
    }
    return ++slot.count;
  }

  private readonly deadSlots = new Map<string, { stamp: number; count: number }>();

  /** Render the state gathered by `begin` into `code`, with every cell named `perm.get(cell)`, or as it is. */
  render(code: Code, perm: Map<string, string> | undefined): void {
    this.code = code;
    this.perm = perm;
    this.renderNo = this.nextStamp();
    if (this.t.bigDead.size > 0) this.t.bigDead.clear();
    const { run, options, ends } = this;
    const s = run.state;
    ends.top = 0;
    code.push(s.shutdown ? 1 : 0);
    // Cells.
    code.push(s.cells.size);
    let start = code.len;
    for (const c of s.cells.values()) {
      const slot = this.findSlot(c.cell);
      code.push(CELL.id(this.name(c.cell)));
      code.push(ADMISSION.id(c.admission));
      code.push(HOST_ANSWER.id(c.hostAnswer));
      code.push(startBits(c));
      code.push(Math.min(c.terminatesReached, 2));
      code.push(c.outcome === undefined ? NONE : OUTCOME.id(c.outcome));
      code.push(c.closedEmitted);
      code.push(endBits(c, slot));
      let attached = 0;
      for (const r of c.attachedAtClose) if (this.isLive(r)) attached++;
      code.push(attached);
      if (attached > 0) for (const r of c.attachedAtClose) if (this.isLive(r)) this.rename(r);
      code.push(c.forgetsInFlight);
      code.push(options.issued === true ? (slot?.issued ?? 0) : NONE);
      ends.push(code.len);
    }
    if (perm !== undefined) code.sortItems(start, ends, 0);
    ends.top = 0;
    // Requests not yet done, in order of their codes.
    const countAt = code.len;
    code.push(0);
    start = code.len;
    for (const r of s.requests.values()) {
      if (r.stage === "done") continue;
      code.push(KIND.id(r.kind));
      if (r.kind === "create") {
        code.push(CELL.id(this.name(r.cell)));
        code.push(0);
      } else this.rename(r.req);
      code.push(CELL.id(this.name(r.cell)));
      code.push(ORIGIN.id(r.origin));
      code.push(STAGE.id(r.stage));
      code.push(+r.initial | (+r.cancelled << 1) | (+r.dropAtHost << 2) | (+r.attached << 3) | (+r.letGo << 4));
      code.push(r.dispatch === undefined ? NONE : DISPATCH.id(r.dispatch));
      ends.push(code.len);
    }
    code.buf[countAt] = ends.top;
    code.sortItems(start, ends, 0);
    ends.top = 0;
    // Channels with messages in flight.
    const chansAt = code.len;
    code.push(0);
    start = code.len;
    const order = run.channels.order;
    const lanes = this.lanesOf(order);
    for (let i = 0; i < order.length; i++) {
      const messages = run.channels.messagesAt(i);
      if (messages.length === 0) continue;
      const lane = lanes[i];
      if (lane !== undefined) {
        code.push(HOST_LANE);
        code.push(CELL.id(this.name(lane)));
      } else code.push(CHANNEL.id(order[i] as string));
      code.push(messages.length);
      if (perm === undefined) {
        const f = this.factsAt(i);
        for (let j = 0; j < messages.length; j++) {
          // Learnt by `begin`, which gathered this same state.
          code.push(f.type[j] as number);
          code.push(f.cellId[j] as number);
          const words = f.words[j] as number;
          if (words > 0) this.rename(f.req[j] as number);
          if (words > 1) code.push(f.extra[j] as number);
        }
      } else for (const m of messages) this.message(m);
      ends.push(code.len);
    }
    code.buf[chansAt] = ends.top;
    if (perm !== undefined) code.sortItems(start, ends, 0);
    ends.top = 0;
    // The implementation part.
    const table = this.table;
    if (table !== undefined) {
      code.push(ARR);
      code.push(table.length);
      start = code.len;
      for (const row of table) {
        code.push(CELL.id(this.name(row.cell)));
        code.push(ROW_KIND.id(row.kind));
        ends.push(code.len);
      }
      if (perm !== undefined) code.sortItems(start, ends, 0);
      ends.top = 0;
    } else if (this.snapshot !== undefined) {
      code.push(OBJ);
      if (perm === undefined && this.reusable) this.reusedValue(this.snapshot, (this.reuse as CodeReuse).root);
      else this.value(this.snapshot, perm);
    } else code.push(NONE);
  }

  /** Per channel of `order`, the cell of a Host lane (`host:<cell>`), else undefined; kept for the last order met (one per channel layout). */
  private lanesOf(order: readonly string[]): readonly (string | undefined)[] {
    if (order !== this.laneOrder) {
      this.laneOrder = order;
      this.lanes = order.map((channel) => (channel.startsWith("host:") ? channel.slice(5) : undefined));
    }
    return this.lanes;
  }

  /** Per channel, what the code reads of the messages last met at each position. */
  private factsAt(i: number): MessageFacts {
    let f = this.facts[i];
    if (f === undefined) {
      f = new MessageFacts();
      this.facts[i] = f;
    }
    return f;
  }

  private readonly facts: (MessageFacts | undefined)[] = [];
  private laneOrder: readonly string[] | undefined;
  private lanes: readonly (string | undefined)[] = [];

  private message(m: Message): void {
    const code = this.code;
    code.push(TYPE.id(m.type));
    code.push(CELL.id(this.name(m.cell)));
    switch (m.type) {
      case "observe_outcome":
      case "terminate_outcome":
        this.rename(m.req);
        code.push(ANSWER.id(m.outcome));
        return;
      case "dispatch":
        this.rename(m.req);
        code.push(DISPATCH.id(m.decision));
        return;
      case "observe":
      case "drop_observation":
      case "terminate":
      case "invoke_tool":
      case "cancel_tool":
        this.rename(m.req);
        return;
      default:
        return;
    }
  }

  /**
   * A snapshot value, as `canonicalJson` renders it (abstract-state.ts): under a renaming, cell
   * names renamed and collections keyed by cell sorted.
   */
  private value(x: unknown, perm: Map<string, string> | undefined): void {
    const code = this.code;
    switch (typeof x) {
      case "number":
        code.push(NUM);
        this.rename(x);
        return;
      case "string":
        code.push(STR);
        code.push(sid(perm === undefined ? x : (perm.get(x) ?? x)));
        return;
      case "boolean":
        code.push(x ? TRUE : FALSE);
        return;
      case "object":
        if (x === null) code.push(NULL);
        else if (Array.isArray(x)) {
          code.push(ARR);
          code.push(x.length);
          for (let i = 0; i < x.length; i++) {
            const v: unknown = x[i];
            if (v === undefined) code.push(NULL);
            else this.value(v, perm);
          }
        } else if (perm === undefined) this.fields(x as Record<string, unknown>);
        else this.renamedFields(x as Record<string, unknown>, perm);
        return;
      default:
        code.push(NULL);
    }
  }

  /**
   * A snapshot value as `value` renders it without a renaming, its objects' code copied where the
   * same object was rendered at the same place lately (code-reuse.ts); request ids logged as holes.
   */
  private reusedValue(x: unknown, place: Place): void {
    const code = this.code;
    if (typeof x !== "object" || x === null) {
      if (typeof x === "number") {
        code.push(NUM);
        code.hole(code.len, x);
        this.rename(x);
      } else if (typeof x === "string") {
        code.push(STR);
        code.push(place.textId(x));
      } else this.value(x, undefined);
      return;
    }
    const reuse = this.reuse as CodeReuse;
    if (reuse.copy(place, x, code, this)) return;
    const start = code.len;
    const holes = code.holes;
    if (Array.isArray(x)) {
      code.push(ARR);
      code.push(x.length);
      for (let i = 0; i < x.length; i++) {
        const v: unknown = x[i];
        if (v === undefined) code.push(NULL);
        else this.reusedValue(v, place.kid(i));
      }
    } else {
      const o = x as Record<string, unknown>;
      code.push(OBJ);
      const countAt = code.len;
      code.push(0);
      let n = 0;
      let i = 0;
      for (const k in o) {
        const v = o[k];
        const at = i++;
        if (v === undefined || typeof v === "function") continue;
        const kid = place.kid(at);
        code.push(kid.keyId(k));
        this.reusedValue(v, kid);
        n++;
      }
      code.buf[countAt] = n;
    }
    reuse.fresh(place, x, code, start, holes);
  }

  /** An object's fields in the order it keeps them. */
  private fields(o: Record<string, unknown>): void {
    const code = this.code;
    code.push(OBJ);
    const countAt = code.len;
    code.push(0);
    let n = 0;
    for (const k in o) {
      const v = o[k];
      if (v === undefined || typeof v === "function") continue;
      code.push(sid(k));
      this.value(v, undefined);
      n++;
    }
    code.buf[countAt] = n;
  }

  /** An object's fields under a renaming: a `$map` or `$set` keyed by cell, or an object with a cell among its keys, in order of codes. */
  private renamedFields(o: Record<string, unknown>, perm: Map<string, string>): void {
    const code = this.code;
    const ends = this.ends;
    const isMap = Array.isArray(o.$map);
    const keyed = isMap ? (o.$map as unknown[]) : Array.isArray(o.$set) ? (o.$set as unknown[]) : undefined;
    if (keyed !== undefined && keyed.length > 1 && keyed.every((e) => perm.has((isMap ? (e as unknown[])[0] : e) as string))) {
      code.push(OBJ);
      code.push(1);
      code.push(sid(isMap ? "$map" : "$set"));
      code.push(ARR);
      code.push(keyed.length);
      const start = code.len;
      const from = ends.top;
      for (const e of keyed) {
        this.value(e, perm);
        ends.push(code.len);
      }
      code.sortItems(start, ends, from);
      ends.top = from;
      return;
    }
    code.push(OBJ);
    const countAt = code.len;
    code.push(0);
    const start = code.len;
    const from = ends.top;
    let byCell = false;
    for (const k in o) {
      if (perm.has(k)) byCell = true;
      const v = o[k];
      if (v === undefined || typeof v === "function") continue;
      code.push(sid(perm.get(k) ?? k));
      this.value(v, perm);
      ends.push(code.len);
    }
    code.buf[countAt] = ends.top - from;
    if (byCell) code.sortItems(start, ends, from);
    ends.top = from;
  }
}

/**
 * Computes states' codes and fingerprints, reusing its buffers and tables from one state to the
 * next; with a `CodeReuse`, also the code of snapshot parts met again.
 */
export class StateCoder {
  private readonly renderer: Renderer;
  private readonly scratch = new Code();
  private readonly best = new Code();
  /** The buffer holding the last code. */
  private last: Code = this.scratch;

  constructor(reuse: CodeReuse | undefined = new CodeReuse()) {
    this.renderer = new Renderer(reuse);
  }

  /**
   * The fingerprint of a run's key (`abstractKey` with the same options), computed from its
   * integer code. With symmetry, the least code over the candidate renamings.
   */
  fingerprint(run: HarnessRun, options: KeyOptions): Fingerprint {
    const renderer = this.renderer;
    renderer.begin(run, options);
    if (options.symmetry !== true || run.state.cells.size < 2) {
      const code = renderer.target(this.scratch);
      code.len = 0;
      renderer.render(code, undefined);
      this.last = code;
      return murmur128(code.buf, code.len);
    }
    const { scratch, best } = this;
    let have = false;
    for (const perm of renderer.renamings()) {
      scratch.len = 0;
      renderer.render(scratch, perm);
      if (!have || compareRanges(scratch.buf, 0, scratch.len, best.buf, 0, best.len) < 0) {
        if (best.buf.length < scratch.len) best.buf = new Int32Array(scratch.buf.length);
        best.buf.set(scratch.buf.subarray(0, scratch.len));
        best.len = scratch.len;
        have = true;
      }
    }
    this.last = best;
    return murmur128(best.buf, best.len);
  }

  /** The integer code itself (for tests: equal codes exactly when equal keys). */
  code(run: HarnessRun, options: KeyOptions): Int32Array {
    this.fingerprint(run, options);
    return this.last.buf.slice(0, this.last.len);
  }
}

const coder = new StateCoder();

/** `StateCoder.fingerprint` of the thread's coder. */
export function stateFingerprint(run: HarnessRun, options: KeyOptions): Fingerprint {
  return coder.fingerprint(run, options);
}

/** `StateCoder.code` of the thread's coder. */
export function stateCode(run: HarnessRun, options: KeyOptions): Int32Array {
  return coder.code(run, options);
}

/** MurmurHash3 x86_128 over `n` 32-bit words (seed 0). */
export function murmur128(words: Int32Array, n: number): Fingerprint {
  const c1 = 0x239b961b;
  const c2 = 0xab0e9789;
  const c3 = 0x38b34ae5;
  const c4 = 0xa1e38b93;
  let h1 = 0;
  let h2 = 0;
  let h3 = 0;
  let h4 = 0;
  const blocks = n & ~3;
  for (let i = 0; i < blocks; i += 4) {
    let k1 = words[i] as number;
    let k2 = words[i + 1] as number;
    let k3 = words[i + 2] as number;
    let k4 = words[i + 3] as number;
    k1 = Math.imul(k1, c1);
    k1 = (k1 << 15) | (k1 >>> 17);
    k1 = Math.imul(k1, c2);
    h1 ^= k1;
    h1 = (h1 << 19) | (h1 >>> 13);
    h1 = (h1 + h2) | 0;
    h1 = (Math.imul(h1, 5) + 0x561ccd1b) | 0;
    k2 = Math.imul(k2, c2);
    k2 = (k2 << 16) | (k2 >>> 16);
    k2 = Math.imul(k2, c3);
    h2 ^= k2;
    h2 = (h2 << 17) | (h2 >>> 15);
    h2 = (h2 + h3) | 0;
    h2 = (Math.imul(h2, 5) + 0x0bcaa747) | 0;
    k3 = Math.imul(k3, c3);
    k3 = (k3 << 17) | (k3 >>> 15);
    k3 = Math.imul(k3, c4);
    h3 ^= k3;
    h3 = (h3 << 15) | (h3 >>> 17);
    h3 = (h3 + h4) | 0;
    h3 = (Math.imul(h3, 5) + 0x96cd1c35) | 0;
    k4 = Math.imul(k4, c4);
    k4 = (k4 << 18) | (k4 >>> 14);
    k4 = Math.imul(k4, c1);
    h4 ^= k4;
    h4 = (h4 << 13) | (h4 >>> 19);
    h4 = (h4 + h1) | 0;
    h4 = (Math.imul(h4, 5) + 0x32ac3b17) | 0;
  }
  const tail = n - blocks;
  if (tail > 0) {
    let k3 = tail >= 3 ? (words[blocks + 2] as number) : 0;
    let k2 = tail >= 2 ? (words[blocks + 1] as number) : 0;
    let k1 = words[blocks] as number;
    if (tail >= 3) {
      k3 = Math.imul(k3, c3);
      k3 = (k3 << 17) | (k3 >>> 15);
      k3 = Math.imul(k3, c4);
      h3 ^= k3;
    }
    if (tail >= 2) {
      k2 = Math.imul(k2, c2);
      k2 = (k2 << 16) | (k2 >>> 16);
      k2 = Math.imul(k2, c3);
      h2 ^= k2;
    }
    k1 = Math.imul(k1, c1);
    k1 = (k1 << 15) | (k1 >>> 17);
    k1 = Math.imul(k1, c2);
    h1 ^= k1;
  }
  const bytes = n * 4;
  h1 ^= bytes;
  h2 ^= bytes;
  h3 ^= bytes;
  h4 ^= bytes;
  h1 = (h1 + h2 + h3 + h4) | 0;
  h2 = (h2 + h1) | 0;
  h3 = (h3 + h1) | 0;
  h4 = (h4 + h1) | 0;
  h1 = fmix(h1);
  h2 = fmix(h2);
  h3 = fmix(h3);
  h4 = fmix(h4);
  h1 = (h1 + h2 + h3 + h4) | 0;
  h2 = (h2 + h1) | 0;
  h3 = (h3 + h1) | 0;
  h4 = (h4 + h1) | 0;
  return [h1 >>> 0, h2 >>> 0, h3 >>> 0, h4 >>> 0];
}

/** MurmurHash3's 32-bit finaliser. */
export function fmix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h;
}
