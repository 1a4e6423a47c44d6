/**
 * The memo of the abstract model's part of a run's steps, for the exhaustive search. What a step
 * asks of the model is a pure function of the model state it starts in and what the step did: the
 * input (a message delivered, or an input given), the messages the party emitted, and the step's
 * end (Core's gate table, the Host's observers, whether nothing is in flight). For the input and
 * each message `checkAction`, `countActionSubjects` and `next`; at the end `next(state, stepEnds)`,
 * `checkStep` and `countStepSubjects` on the state that gives. So a model state with such a step
 * leads, every time, to the same state, the same violations and the same invariant-check counts,
 * and the memo keeps each such step once, as an edge.
 *
 * The memo is a graph with a node per model state, held by identity: the states a step ends in
 * are made canonical (`canonical`, the search's value table: state-codec.ts), so equal states are
 * one object, and a run keeps the node it stands at (a step found here moves it along an edge,
 * looking nothing up by state). An edge is found by comparing what the model reads of the step,
 * exactly:
 * - the input and the messages, each by identity first (the harness never changes a message
 *   object once it was emitted, and an implementation must not change the messages it is given or
 *   returned: the frontier's codec relies on it too, as it hands every state the same decoded
 *   message objects), else as data: the same fields with the same values (`Object.is`; nested
 *   values as plain data, parties-memo.ts `sameData`). An input given (an event the harness made)
 *   is kept as a copy, as the implementation is handed the original.
 * - the step's end, on what the model reads of it, as its types let it read nothing else: each
 *   gate-table row's `cell` and `kind` and each observer row's `cell` and `req`, in order (or no
 *   observers list), and `quiescent`; the memo keeps a copy of that, never the implementation's list.
 *
 * What is guaranteed, for the search's key memo and any other user: a model state object is never
 * changed; with the memo on, the model state a run stands at between steps is canonical (equal
 * states are one object: the value table's) from the start of the run (the memo makes the initial
 * or restored state canonical) while the value table has room (2^20 values: past that, a state met
 * for the first time stays the object `next` made, equal perhaps to another). Two objects may thus
 * be equal states: identity is a sufficient sign of equality, never a necessary one.
 *
 * The memo is emptied when it holds LIMIT nodes and edges; a node a run still holds is then of an
 * older generation and no longer used. Violations found here are handed to every run that takes
 * the edge (the model's violation records are never changed).
 */
import type { CoreEvent, HostEvent, Message } from "../../protocol/index.ts";
import {
  checkAction,
  checkStep,
  next,
  type Action,
  type GateRow,
  type ModelState,
  type ObserverRow,
  type Violation,
} from "../../model/index.ts";
import { countActionSubjects, countStepSubjects, INVARIANT_NAMES, type CheckCounts } from "../coverage/invariant-coverage.ts";
import { sameData } from "../../reference/parties-memo.ts";
import { emitAction, envAction, receiveAction } from "./translate.ts";

/** Nodes and edges a memo holds before it is emptied (about 350 bytes each, with the value-table entries of its states). */
export const LIMIT = 1 << 19;

/** A step's input: a message delivered, or an input given. */
export type StepInput = { readonly kind: "receive"; readonly input: Message } | { readonly kind: "env"; readonly input: CoreEvent | HostEvent };

/** A step's end as the model reads it: the gate table's rows, the Host's observers (version 2), whether nothing is in flight. */
export interface StepEnd {
  readonly table: readonly GateRow[];
  readonly observers: readonly ObserverRow[] | undefined;
  readonly quiescent: boolean;
}

/** One step of the model, as a run takes it: where it leads, what it found, what it counted. */
export class ModelEdge {
  constructor(
    readonly env: boolean,
    /** The message delivered (itself), or a copy of the input given. */
    readonly input: object,
    readonly emitted: readonly object[],
    readonly end: StepEnd,
    readonly after: ModelNode,
    readonly violations: readonly Violation[],
    /** The invariant-check counters to add one to (in INVARIANT_NAMES order; an index twice is two). */
    readonly ticks: readonly number[],
  ) {}
}

/** A model state in the memo, its edges, and what runs found of it (candidate lists, by command kind). */
export class ModelNode {
  readonly edges: ModelEdge[] = [];
  /** Candidates of each command kind in this state (HarnessRun's, which depend on the state alone within one search). */
  readonly lists: (readonly unknown[] | undefined)[] = [];

  constructor(
    readonly state: ModelState,
    readonly generation: number,
  ) {}
}

const NO_VIOLATIONS: readonly Violation[] = [];
const NO_TICKS: readonly number[] = [];
const NO_MESSAGES: readonly object[] = [];

export class ModelMemo {
  private nodes = new Map<ModelState, ModelNode>();
  private generation = 0;
  private edgeCount = 0;
  /** The last state a run started in, and its node (restoring one decoded state for every move finds it at once). */
  private lastStart: ModelNode | undefined;
  /** Step ends met, by their text: the few distinct ones are shared by every edge. */
  private ends = new Map<string, StepEnd>();
  private readonly scratch: CheckCounts = new Array<number>(INVARIANT_NAMES.length).fill(0);
  /** Steps found here and not. */
  found = 0;
  missed = 0;
  /** Times the memo was emptied on reaching LIMIT. */
  emptied = 0;
  /** What the runs of this memo's candidate lists depend on besides the state (HarnessRun checks it). */
  context: string | undefined;

  /** `canonical`: the canonical state equal to a state, or undefined when there is none to give (state-codec.ts `canonical`); `limit`: LIMIT (a test makes it small). */
  constructor(
    private readonly canonical: (state: ModelState) => ModelState | undefined,
    private readonly limit = LIMIT,
  ) {}

  /** Nodes and edges held now. */
  get size(): number {
    return this.nodes.size + this.edgeCount;
  }

  /** Distinct model states held now. */
  get states(): number {
    return this.nodes.size;
  }

  /** The node of a state a run starts in (the initial state, or a saved or decoded one), made canonical. */
  start(state: ModelState): ModelNode {
    const last = this.lastStart;
    if (last !== undefined && last.state === state && last.generation === this.generation) return last;
    this.room();
    const node = this.nodeOf(state);
    this.lastStart = node;
    return node;
  }

  /** The step from `node` with this input, these messages and this end, if taken before. */
  step(node: ModelNode, input: StepInput, emitted: readonly unknown[], end: StepEnd): ModelEdge | undefined {
    if (node.generation === this.generation) {
      const env = input.kind === "env";
      const edges = node.edges;
      for (let i = 0; i < edges.length; i++) {
        const e = edges[i] as ModelEdge;
        if (e.env === env && this.matches(e, input, emitted, end)) {
          this.found++;
          return e;
        }
      }
    }
    this.missed++;
    return undefined;
  }

  /** Is the step edge `e` was made of the same as this one, to the model? (Protected so a test can break it.) */
  protected matches(e: ModelEdge, input: StepInput, emitted: readonly unknown[], end: StepEnd): boolean {
    return sameMessage(e.input, input.input) && sameMessages(e.emitted, emitted) && sameEnd(e.end, end);
  }

  /**
   * Run the model on a step from `node` (one `step` did not find) and remember it; with `judge`,
   * unless `judge` finds fault with the state after the step's input and messages (before its
   * end: what the observers the Host reports are judged against), when that is returned instead
   * and nothing is remembered.
   */
  addStep(from: ModelNode, input: StepInput, emitted: readonly Message[], end: StepEnd, judge?: (mid: ModelState) => string | undefined): ModelEdge | string {
    const violations: Violation[] = [];
    const counts = this.scratch;
    let s = act(from.state, input.kind === "env" ? envAction(input.input) : receiveAction(input.input), violations, counts);
    for (const m of emitted) s = act(s, emitAction(m), violations, counts);
    const fault = judge?.(s);
    if (fault !== undefined) {
      counts.fill(0);
      return fault;
    }
    const { table, quiescent, observers } = end;
    s = next(s, observers === undefined ? { type: "stepEnds", table, quiescent } : { type: "stepEnds", table, quiescent, observers });
    for (const x of checkStep(s, table, quiescent)) violations.push(x);
    countStepSubjects(s, table, quiescent, counts);
    this.room();
    // Emptied since the run took `from` (or just now): the edge belongs to the state's node of this generation.
    const node = from.generation === this.generation ? from : this.nodeOf(from.state);
    const after = s === node.state ? node : this.nodeOf(s);
    const kept = input.kind === "env" ? { ...input.input } : input.input;
    const edge = new ModelEdge(input.kind === "env", kept, emitted.length === 0 ? NO_MESSAGES : emitted.slice(), this.endOf(end), after, violations.length === 0 ? NO_VIOLATIONS : violations, this.ticks());
    node.edges.push(edge);
    this.edgeCount++;
    return edge;
  }

  /** The counters `scratch` holds, as a list of indices; `scratch` back to zeros. */
  private ticks(): readonly number[] {
    let out: number[] | undefined;
    const s = this.scratch;
    for (let i = 0; i < s.length; i++) {
      for (let n = s[i] as number; n > 0; n--) (out ??= []).push(i);
      s[i] = 0;
    }
    return out ?? NO_TICKS;
  }

  /** The node of the canonical state equal to `state` (of `state` itself when there is none). */
  private nodeOf(state: ModelState): ModelNode {
    const c = this.canonical(state) ?? state;
    let n = this.nodes.get(c);
    if (n === undefined) {
      n = new ModelNode(c, this.generation);
      this.nodes.set(c, n);
    }
    return n;
  }

  /** What the model reads of a step's end, as a copy shared by every edge with that end. */
  private endOf(end: StepEnd): StepEnd {
    let text = end.quiescent ? "q" : "";
    for (const r of end.table) text += ` ${r.cell}:${r.kind}`;
    if (end.observers !== undefined) {
      text += " /";
      for (const o of end.observers) text += ` ${o.cell}#${Object.is(o.req, -0) ? "-0" : String(o.req)}`;
    }
    let kept = this.ends.get(text);
    if (kept === undefined) {
      kept = {
        table: end.table.map((r) => ({ cell: r.cell, kind: r.kind })),
        observers: end.observers?.map((o) => ({ cell: o.cell, req: o.req })),
        quiescent: end.quiescent,
      };
      this.ends.set(text, kept);
    }
    return kept;
  }

  private room(): void {
    if (this.size < this.limit) return;
    this.nodes = new Map();
    this.ends = new Map();
    this.edgeCount = 0;
    this.lastStart = undefined;
    this.generation++;
    this.emptied++;
  }
}

/** The model's part of one action from `s`: its violations and invariant checks added to these, and the state it leads to. */
function act(s: ModelState, a: Action, violations: Violation[], counts: CheckCounts): ModelState {
  for (const x of checkAction(s, a)) violations.push(x);
  countActionSubjects(s, a, counts);
  return next(s, a);
}

/** Is `m` (a message or an input, of the run) the same as `kept` (of an edge): the same object, or the same fields with the same values? */
function sameMessage(kept: object, m: unknown): boolean {
  if (kept === m) return true;
  if (typeof m !== "object" || m === null) return false;
  const x = kept as Record<string, unknown>;
  const y = m as Record<string, unknown>;
  if (x.type !== y.type) return false;
  let n = 0;
  for (const k in x) {
    const a = x[k];
    const b = y[k];
    if (!Object.is(a, b) && !(typeof a === "object" && a !== null && sameData(a, b))) return false;
    n++;
  }
  for (const _ in y) n--;
  return n === 0 && Object.getPrototypeOf(x) === Object.getPrototypeOf(y);
}

function sameMessages(kept: readonly object[], emitted: readonly unknown[]): boolean {
  if (kept.length !== emitted.length) return false;
  for (let i = 0; i < kept.length; i++) if (!sameMessage(kept[i] as object, emitted[i])) return false;
  return true;
}

/** Do two step ends read the same to the model? */
function sameEnd(a: StepEnd, b: StepEnd): boolean {
  if (a.quiescent !== b.quiescent) return false;
  const t = a.table;
  const u = b.table;
  if (t.length !== u.length) return false;
  for (let i = 0; i < t.length; i++) {
    const r = t[i] as GateRow;
    const s = u[i] as GateRow;
    if (r.cell !== s.cell || r.kind !== s.kind) return false;
  }
  const o = a.observers;
  const p = b.observers;
  if (o === undefined || p === undefined) return o === p;
  if (o.length !== p.length) return false;
  for (let i = 0; i < o.length; i++) {
    const r = o[i] as ObserverRow;
    const s = p[i] as ObserverRow;
    if (r.cell !== s.cell || !Object.is(r.req, s.req)) return false;
  }
  return true;
}
