/**
 * One run of the harness against one implementation: resolves commands against what is live,
 * feeds inputs, routes every emitted message onto its channel, translates everything into model
 * actions, and checks every invariant after every step. Deterministic: the same command list
 * gives the same steps, the same messages and the same verdict.
 */
import {
  cellId,
  formatMessage,
  offersDispatch,
  type AttachedObserver,
  type CellId,
  type ChannelName,
  type CoreEvent,
  type GateEntry,
  type HostEvent,
  type Implementation,
  type Instance,
  type Message,
  type Party,
} from "../../protocol/index.ts";
import {
  checkAction,
  checkFinal,
  checkStep,
  enabled,
  initialState,
  next,
  pendingObservations,
  requestKey,
  type Action,
  type EnvAction,
  type ModelState,
  type Violation,
} from "../../model/index.ts";
import { errorMessage } from "../../adapters/errors.ts";
import { StartFailure } from "./start-failure.ts";

export { StartFailure } from "./start-failure.ts";
import { Channels } from "./channels.ts";
import type { Command, CommandKind } from "./commands.ts";
import { orderingsOfDelivery, shutdownMidDrain, type Ordering } from "./orderings.ts";
import { emitAction, envAction, receiveAction } from "./translate.ts";
import { checksOf, countActionSubjects, countFinalSubjects, countStepSubjects, INVARIANT_NAMES, type CheckCounts, type InvariantCounts } from "../coverage/invariant-coverage.ts";
import { clear, executedOf, kindAt, MOVE_COUNTERS, orderingAt, orderingsOf, zeros } from "./counters.ts";
import { invalidMessage } from "./validate.ts";
import type { ModelMemo, ModelNode, StepInput } from "./model-memo.ts";

/**
 * What ended a run early (step 0 = starting the implementation). The verdicts:
 * - `violation`: an invariant or the model rejected what the implementation did;
 * - `crash`: the implementation threw, reported an error, or its process exited;
 * - `timeout`: one step got no answer within the step timeout (only an adapter can tell);
 * - `protocol-error`: the implementation broke the protocol's form (malformed or unknown
 *   message, wrong field, an answer to a request never asked);
 * - `nondeterminism`: the same command list, replayed twice, gave different outputs
 *   (judged by `confirm`, never by one run);
 * - `livelock`: the end-of-run drain did not settle within its bound (DRAIN_BOUND): the parties
 *   keep messaging each other with no new input, each step answered promptly;
 * - `inspection-dependent`, `state-across-runs`, `rename-dependent`: a passing run did not behave
 *   the same when replayed without gate_table requests, in a fresh process, or with cells and
 *   request ids renamed (judged by `properties/check/soundness.ts`, never by one run).
 */
export type Failure =
  | { readonly verdict: "violation"; readonly step: number; readonly violations: readonly Violation[] }
  | { readonly verdict: "crash"; readonly step: number; readonly message: string }
  | { readonly verdict: "timeout"; readonly step: number; readonly message: string }
  | { readonly verdict: "protocol-error"; readonly step: number; readonly message: string }
  | { readonly verdict: "livelock"; readonly step: number; readonly message: string }
  | { readonly verdict: SoundnessVerdict; readonly step: number; readonly message: string }
  | {
      readonly verdict: "nondeterminism";
      readonly step: number;
      readonly message: string;
      /** What the first and the second replay did at `step` (one line each). */
      readonly first: string;
      readonly second: string;
    };

/** Verdicts about a passing run that behaves differently when driven differently (see soundness.ts). */
export type SoundnessVerdict = "inspection-dependent" | "state-across-runs" | "rename-dependent";

/**
 * How many steps the end-of-run drain may take before it is a livelock: a fixed allowance plus a
 * multiple of the steps before it (what is in flight grows at most linearly with them). The
 * bundled implementations' longest drain in 3,600 generated runs of 100 commands (3 and 9 cells)
 * was 101 steps, at most 13 per message in flight or cell; the bound is ten times that and more.
 */
export function drainBound(stepsBefore: number): number {
  return 1000 + 20 * stepsBefore;
}

/** Every verdict a check can end with. */
export type Verdict = "conforms" | Failure["verdict"];

/** One step as recorded for reports: what ran, what went in, what came out, the table after. */
export interface StepRecord {
  readonly step: number;
  readonly label: string;
  readonly party: Party;
  readonly input: string;
  readonly emitted: readonly string[];
  readonly table: readonly GateEntry[];
  /** Messages in flight after the step, `channel: message`, in canonical channel order. */
  readonly inFlight: readonly string[];
  readonly drain: boolean;
}

/** One step's input and what the implementation emitted for it, as objects. */
export interface StepIo {
  readonly party: Party;
  readonly input: Message | CoreEvent | HostEvent;
  readonly emitted: readonly Message[];
}

/**
 * A command resolved against the live run: the party and the concrete input (an event, or the
 * channel whose next message is delivered). Its readable label is built only when read, since
 * only recorded runs and scripts need it.
 */
class Resolved {
  constructor(
    readonly kind: CommandKind,
    readonly party: Party,
    readonly event?: CoreEvent | HostEvent,
    readonly channel?: ChannelName,
    private readonly message?: Message,
  ) {}

  /** `deliver host⇢core cell_closed(c1)`, `observe c1 (#3)`, `shutdown`. */
  get label(): string {
    if (this.channel !== undefined) return `deliver ${this.channel} ${formatMessage(this.message as Message)}`;
    const e = this.event as CoreEvent | HostEvent;
    if (e.type === "shutdown") return "shutdown";
    return "req" in e && e.type !== "exec_create" ? `${this.kind} ${e.cell} (#${e.req})` : `${this.kind} ${e.cell}`;
  }
}

/** What a command of a kind can act on now: a cell, and for `observe-cancel` the observation. */
interface Candidate {
  readonly cell: CellId;
  readonly req?: number;
}

export interface RunOptions {
  /** How many cells a run may create (default 3). */
  readonly cells?: number;
  /** Record a StepRecord per step (for reports); off in the fast path. */
  readonly record?: boolean;
  /** Called after every step that ran to its checks (coverage: distinct abstract states). */
  readonly onStep?: (run: HarnessRun) => void;
  /** Start the run in a fresh process (for implementations that can: `freshStart`). */
  readonly fresh?: boolean;
  /**
   * The memo of the model's part of each step (model-memo.ts), shared by the runs of one search
   * (of one implementation, with one number of cells); the run's model states between steps are
   * then the memo's canonical ones.
   */
  readonly modelMemo?: ModelMemo;
}

/**
 * A run's state without its counters, to branch a search without replaying from the start. Only
 * for implementations whose instances offer `snapshot`/`restore`.
 */
export interface RunSnapshot {
  readonly state: ModelState;
  readonly channels: Channels;
  readonly nextReq: number;
  readonly steps: number;
  readonly impl: unknown;
}

export class HarnessRun {
  readonly cellNames: CellId[];
  readonly instance: Instance;
  readonly channels: Channels;
  state: ModelState;
  steps = 0;
  checks = 0;
  nextReq = 1;
  /** The commands executed by kind, then the rare orderings met (counters.ts: why lists). */
  readonly moveCounts: number[] = zeros(MOVE_COUNTERS);
  /** How often each invariant had something to judge, in INVARIANT_NAMES order (see invariant-coverage.ts). */
  readonly checkCounts: CheckCounts = zeros(INVARIANT_NAMES.length);
  readonly trace: StepRecord[] | undefined;
  /** With `record`: every step's input object and what it emitted (the soundness replays drive these again). */
  readonly io: StepIo[] | undefined;
  failure: Failure | undefined;
  /** The commands applied before the drain, in order (effective ones: what a replay runs again). */
  readonly applied: Command[] = [];
  private readonly known: Set<string>;
  /** The protocol version the implementation speaks (1: no observers report, no `req` on exec_create). */
  readonly protocol: number;
  /** The implementation offers dispatch (nested tool calls; version 2). */
  readonly dispatch: boolean;
  private readonly onStep: ((run: HarnessRun) => void) | undefined;
  private readonly memo: ModelMemo | undefined;
  /** With `memo`: the memo's node of `state` (undefined once a step failed). */
  private node: ModelNode | undefined;
  private inDrain = false;
  /** The candidates of each kind (by `kindAt`) found in `state`. */
  private found: { readonly state: ModelState; readonly lists: (readonly Candidate[] | undefined)[] } | undefined;
  /** The last resolution, and the step and model state it was made in: fast-check's `check` then `run` resolve the same command twice. */
  private resolved: { readonly cmd: Command; readonly step: number; readonly state: ModelState; readonly r: Resolved | undefined } | undefined;

  /** `from`: start in a saved state instead (what `restore` does; the instance is restored by it). */
  constructor(impl: Implementation, options: RunOptions = {}, from?: RunSnapshot) {
    const n = options.cells ?? 3;
    const names = namesOf(n);
    this.cellNames = names.cells;
    this.known = names.known;
    this.channels = from === undefined ? new Channels(this.cellNames) : from.channels.clone();
    this.state = from?.state ?? initialState(n);
    if (from !== undefined) {
      this.nextReq = from.nextReq;
      this.steps = from.steps;
    }
    this.memo = options.modelMemo;
    if (this.memo !== undefined) {
      this.node = this.memo.start(this.state);
      this.state = this.node.state;
    }
    this.trace = options.record === true ? [] : undefined;
    this.io = options.record === true ? [] : undefined;
    this.onStep = options.onStep;
    try {
      this.instance = options.fresh === true ? impl.start({ fresh: true }) : impl.start();
    } catch (e) {
      if (e instanceof StartFailure) throw e;
      this.instance = { host: () => [], core: () => [], gateTable: () => [] };
      this.failure = errorFailure(e, 0, "start");
    }
    // Read after start: an out-of-process implementation learns its version in the handshake.
    this.protocol = impl.protocol ?? 1;
    this.dispatch = offersDispatch(impl);
    if (this.memo !== undefined) {
      // The candidate lists the memo keeps per state depend on these too.
      const context = `${n} ${this.dispatch}`;
      if ((this.memo.context ??= context) !== context) throw new Error(`a model memo serves runs of one implementation with one number of cells (${this.memo.context}, not ${context})`);
    }
  }

  /** The commands executed by kind (a record made from `moveCounts`: read it, do not count into it). */
  get executed(): Readonly<Record<CommandKind, number>> {
    return executedOf(this.moveCounts);
  }

  /** The rare orderings met (a record made from `moveCounts`). */
  get orderings(): Readonly<Record<Ordering, number>> {
    return orderingsOf(this.moveCounts);
  }

  /** How often each invariant had something to judge (a record made from `checkCounts`). */
  get invariantChecks(): Readonly<InvariantCounts> {
    return checksOf(this.checkCounts);
  }

  /** Every counter back to zero (a search counts each step of a restored run apart). */
  resetCounts(): void {
    clear(this.moveCounts);
    clear(this.checkCounts);
  }

  /** This run's state (without counters), or undefined when the instance cannot snapshot. */
  save(): RunSnapshot | undefined {
    if (this.failure !== undefined || this.instance.snapshot === undefined || this.instance.restore === undefined) return undefined;
    return { state: this.state, channels: this.channels.clone(), nextReq: this.nextReq, steps: this.steps, impl: this.instance.snapshot() };
  }

  /** A fresh run of `impl` put into a saved state; its counters start at zero. */
  static restore(impl: Implementation, snap: RunSnapshot, options: RunOptions = {}): HarnessRun {
    const run = new HarnessRun(impl, options, snap);
    if (run.failure !== undefined) return run;
    if (run.instance.restore === undefined) throw new Error(`${impl.name} cannot restore a snapshot`);
    run.instance.restore(snap.impl);
    return run;
  }

  /**
   * Candidates of a command kind, in a stable order. They depend on the model state alone, so
   * they are kept for the state they were found in (a search resolves every index of every kind
   * in one state).
   */
  private candidates(kind: CommandKind): readonly Candidate[] {
    const i = kindAt(kind);
    // With a memo, kept in the state's node: found once per state for every run of the search.
    if (this.node !== undefined) return (this.node.lists[i] ??= this.candidatesNow(kind)) as readonly Candidate[];
    if (this.found?.state !== this.state) this.found = { state: this.state, lists: [] };
    return (this.found.lists[i] ??= this.candidatesNow(kind));
  }

  private candidatesNow(kind: CommandKind): Candidate[] {
    const s = this.state;
    const out: Candidate[] = [];
    switch (kind) {
      case "create": {
        const cell = this.cellNames[s.cells.size];
        if (cell !== undefined && enabled(s, { type: "coreStartsCell", cell })) out.push({ cell });
        return out;
      }
      case "shutdown":
        if (enabled(s, { type: "hostShutsDown" })) out.push({ cell: this.cellNames[0] as CellId });
        return out;
      case "observe-cancel":
        for (const c of s.cells.values()) for (const req of pendingObservations(s, c.cell)) out.push({ cell: c.cell as CellId, req });
        return out;
      case "deliver":
        return out;
      case "tool":
        // Only for an implementation that offers dispatch (protocol version 2).
        if (!this.dispatch) return out;
        for (const c of s.cells.values()) if (enabled(s, { type: "jsCallsTool", cell: c.cell, req: 0 })) out.push({ cell: c.cell as CellId });
        return out;
      default: {
        const type = ENV_OF[kind];
        for (const c of s.cells.values()) {
          if (enabled(s, { type, cell: c.cell, req: 0 } as EnvAction)) out.push({ cell: c.cell as CellId });
        }
        return out;
      }
    }
  }

  /** Resolve a command against the live run, or undefined when it does not apply now. */
  resolve(cmd: Command): Resolved | undefined {
    if (cmd.kind === "deliver") {
      const chans = this.channels.nonEmpty();
      if (chans.length === 0) return undefined;
      const channel = chans[cmd.index % chans.length] as ChannelName;
      const m = this.channels.peek(channel) as Message;
      const party: Party = channel === "core→host" || channel.startsWith("host:") ? "host" : "core";
      return new Resolved("deliver", party, undefined, channel, m);
    }
    const cands = this.candidates(cmd.kind);
    if (cands.length === 0) return undefined;
    const pick = cands[(cmd.kind === "create" || cmd.kind === "shutdown" ? 0 : cmd.index) % cands.length] as Candidate;
    const cell = pick.cell;
    const req = this.nextReq;
    switch (cmd.kind) {
      case "create":
        // Version 2: the exec call offers its initial observation's id, used if Core fuses it.
        return new Resolved(cmd.kind, "core", this.protocol >= 2 ? { type: "exec_create", cell, req } : { type: "exec_create", cell });
      case "ready":
        return new Resolved(cmd.kind, "core", { type: "mark_ready", cell });
      case "observe":
        return new Resolved(cmd.kind, "core", { type: "wait_observe", cell, req });
      case "observe-cancel":
        return new Resolved(cmd.kind, "core", { type: "cancel_observe", cell, req: pick.req as number });
      case "terminate":
        return new Resolved(cmd.kind, "core", { type: "user_terminate", cell, req });
      case "yield":
        return new Resolved(cmd.kind, "host", { type: "js_yield", cell });
      case "complete":
        return new Resolved(cmd.kind, "host", { type: "js_complete", cell });
      case "tool":
        return new Resolved(cmd.kind, "host", { type: "js_tool_call", cell, req });
      case "shutdown":
        return new Resolved(cmd.kind, "host", { type: "shutdown" });
    }
  }

  /** `resolve`, remembered until the next step, so `canApply` then `apply` resolve only once. */
  private resolveOnce(cmd: Command): Resolved | undefined {
    const last = this.resolved;
    if (last !== undefined && last.cmd === cmd && last.step === this.steps && last.state === this.state) return last.r;
    const r = this.resolve(cmd);
    this.resolved = { cmd, step: this.steps, state: this.state, r };
    return r;
  }

  /** Can `cmd` run now? (fast-check's `check`.) */
  canApply(cmd: Command): boolean {
    return this.failure === undefined && this.resolveOnce(cmd) !== undefined;
  }

  /** Run one command; returns false if it did not apply. Sets `failure` on a violation. */
  apply(cmd: Command): boolean {
    if (this.failure !== undefined) return false;
    const r = this.resolveOnce(cmd);
    if (r === undefined) return false;
    this.count(kindAt(cmd.kind));
    if (!this.inDrain) this.applied.push(cmd);
    this.execute(r);
    return true;
  }

  private execute(r: Resolved): void {
    const step = ++this.steps;
    const violations: Violation[] = [];
    // With the memo, the model takes the whole step at its end (or, when the step fails before, its actions up to there).
    const memo = this.node === undefined ? undefined : this.memo;
    let given: StepInput;
    let emitted: readonly unknown[];
    if (r.channel !== undefined) {
      const m = this.channels.peek(r.channel) as Message;
      for (const o of orderingsOfDelivery(m, this.state, this.channels)) this.count(orderingAt(o));
      this.channels.take(r.channel);
      if (memo === undefined) this.model(receiveAction(m), violations);
      given = { kind: "receive", input: m };
      emitted = this.call(r.party, m, step);
    } else {
      const e = r.event as CoreEvent | HostEvent;
      if (e.type === "shutdown" && shutdownMidDrain(this.cellNames, this.channels)) this.count(orderingAt("shutdown-mid-drain"));
      if (e.type === "wait_observe" || e.type === "user_terminate" || e.type === "js_tool_call") this.nextReq++;
      if (memo === undefined) this.model(envAction(e), violations);
      given = { kind: "env", input: e };
      emitted = this.call(r.party, e, step);
    }
    const input = given.input;
    if (this.failure !== undefined) return this.modelUpTo(given, emitted, 0);
    this.io?.push({ party: r.party, input, emitted: emitted as readonly Message[] });
    const texts: string[] = [];
    let pushed = 0;
    if (input.type === "exec_create" && input.req !== undefined) {
      const { cell, req } = input;
      if (emitted.some((x) => isObserveOf(x, cell, req))) this.nextReq++;
    }
    for (const x of emitted) {
      const bad = invalidMessage(r.party, x, this.known, this.nextReq - 1) ?? this.undeclaredDispatch(r.party, x);
      if (bad !== undefined) {
        this.failure = { verdict: "protocol-error", step, message: bad };
        this.modelUpTo(given, emitted, pushed);
        this.record(step, r, input, texts);
        return;
      }
      const m = x as Message;
      if (memo === undefined) this.model(emitAction(m), violations);
      this.channels.push(m);
      pushed++;
      if (this.trace !== undefined) texts.push(formatMessage(m));
    }
    const table = this.readTable(step);
    if (table === undefined) return this.modelUpTo(given, emitted, pushed);
    if (memo !== undefined) {
      const node = this.node as ModelNode;
      const rows = this.observerRows(step);
      if (this.failure !== undefined) return this.modelUpTo(given, emitted, pushed);
      const end = { table, observers: rows as readonly AttachedObserver[] | undefined, quiescent: this.channels.quiescent };
      // A step found in the memo had these observers judged valid in the same model state (they are judged on nothing else).
      let e = rows === undefined || rows.every(isObject) ? memo.step(node, given, emitted, end) : undefined;
      if (e === undefined) {
        const added = memo.addStep(node, given, emitted as readonly Message[], end, rows === undefined ? undefined : (mid) => this.invalidObservers(rows, mid));
        if (typeof added === "string") {
          this.failure = { verdict: "protocol-error", step, message: added };
          return this.modelUpTo(given, emitted, pushed);
        }
        e = added;
      }
      this.checks += 2 + emitted.length;
      for (const x of e.violations) violations.push(x);
      const counts = this.checkCounts;
      for (const i of e.ticks) counts[i] = (counts[i] as number) + 1;
      this.node = e.after;
      this.state = e.after.state;
    } else {
      const observers = this.readObservers(step);
      if (this.failure !== undefined) return;
      this.checks++;
      const quiescent = this.channels.quiescent;
      this.state = next(this.state, observers === undefined ? { type: "stepEnds", table, quiescent } : { type: "stepEnds", table, quiescent, observers });
      for (const x of checkStep(this.state, table, quiescent)) violations.push(x);
      countStepSubjects(this.state, table, quiescent, this.checkCounts);
    }
    this.record(step, r, input, texts, table);
    if (violations.length > 0) this.failure = { verdict: "violation", step, violations };
    this.onStep?.(this);
  }

  /** Core's gate table, validated; sets `failure` and returns undefined when it cannot be read. */
  private readTable(step: number): readonly GateEntry[] | undefined {
    let table: unknown;
    try {
      table = this.instance.gateTable();
    } catch (e) {
      this.failure = errorFailure(e, step, "core");
      return undefined;
    }
    const bad = invalidTable(table, this.known);
    if (bad !== undefined) {
      this.failure = { verdict: "protocol-error", step, message: bad };
      return undefined;
    }
    return table as readonly GateEntry[];
  }

  /** A dispatch message from an implementation that did not offer dispatch is a protocol error. */
  private undeclaredDispatch(party: Party, x: unknown): string | undefined {
    if (this.dispatch) return undefined;
    const type = (x as { type?: unknown }).type;
    if (type !== "invoke_tool" && type !== "cancel_tool" && type !== "dispatch") return undefined;
    return `${party} emitted ${String(type)}, but the implementation does not offer dispatch (nested tool calls)`;
  }

  /**
   * Version 2: the observations the Host reports attached, validated (each one an observation of
   * that cell that reached the Host and is unanswered); undefined for a version 1 implementation.
   */
  private readObservers(step: number): readonly AttachedObserver[] | undefined {
    const rows = this.observerRows(step);
    if (rows === undefined) return undefined;
    const bad = this.invalidObservers(rows, this.state);
    if (bad !== undefined) {
      this.failure = { verdict: "protocol-error", step, message: bad };
      return undefined;
    }
    return rows as readonly AttachedObserver[];
  }

  /** Version 2: the list the Host reports, not yet judged; sets `failure` and returns undefined when it is no list. */
  private observerRows(step: number): readonly unknown[] | undefined {
    if (this.protocol < 2 || this.instance.observers === undefined) return undefined;
    let rows: unknown;
    try {
      rows = this.instance.observers();
    } catch (e) {
      this.failure = errorFailure(e, step, "host");
      return undefined;
    }
    if (!Array.isArray(rows)) {
      this.failure = { verdict: "protocol-error", step, message: `observers() returned ${JSON.stringify(rows)}, not a list` };
      return undefined;
    }
    return rows as readonly unknown[];
  }

  /** What is wrong with the observers the Host reports, judged against `state` (the model's, after the step's actions), if anything. */
  private invalidObservers(rows: readonly unknown[], state: ModelState): string | undefined {
    const seen = new Set<string>();
    for (const row of rows) {
      const o = row as { cell?: unknown; req?: unknown };
      const key = typeof o === "object" && o !== null ? `${String(o.cell)}#${String(o.req)}` : "";
      const r = typeof o === "object" && o !== null && typeof o.req === "number" ? state.requests.get(requestKey("observe", String(o.cell), o.req)) : undefined;
      if (r === undefined || r.cell !== o.cell) return `the Host reports ${JSON.stringify(row)} attached, which is no observation of that cell`;
      if (r.stage !== "atHost") {
        const why = r.stage === "replied" || r.stage === "done" ? "already answered" : "not yet received";
        return `the Host reports ${o.cell} #${o.req} attached, but that observation is ${why}`;
      }
      if (seen.has(key)) return `the Host reports ${o.cell} #${o.req} attached twice`;
      seen.add(key);
    }
    return undefined;
  }

  private record(step: number, r: Resolved, input: Message | CoreEvent | HostEvent, emitted: string[], table: readonly GateEntry[] = []): void {
    if (this.trace === undefined) return;
    const inFlight = this.channels.snapshot().flatMap((c) => c.messages.map((m) => `${c.channel}: ${formatMessage(m)}`));
    this.trace.push({ step, label: r.label, party: r.party, input: formatMessage(input), emitted, table: table.map((e) => ({ cell: e.cell, kind: e.kind })), inFlight, drain: this.inDrain });
  }

  /** One more of the move counted at `i` (counters.ts). */
  private count(i: number): void {
    this.moveCounts[i] = (this.moveCounts[i] as number) + 1;
  }

  /**
   * With the memo, a step that failed before its end: the model takes its input and its first
   * `n` messages as it does without the memo (so the run's state and counters are the same), off
   * the memo; the run stands at no node from then on.
   */
  private modelUpTo(given: StepInput, emitted: readonly unknown[], n: number): void {
    if (this.node === undefined) return;
    const ignored: Violation[] = [];
    this.model(given.kind === "env" ? envAction(given.input) : receiveAction(given.input), ignored);
    for (let i = 0; i < n; i++) this.model(emitAction(emitted[i] as Message), ignored);
    this.node = undefined;
  }

  private model(action: Action, violations: Violation[]): void {
    for (const x of checkAction(this.state, action)) violations.push(x);
    countActionSubjects(this.state, action, this.checkCounts);
    this.checks++;
    this.state = next(this.state, action);
  }

  private call(party: Party, input: Message | CoreEvent | HostEvent, step: number): readonly unknown[] {
    try {
      const out = party === "host" ? this.instance.host(input as never) : this.instance.core(input as never);
      if (!Array.isArray(out)) {
        this.failure = { verdict: "protocol-error", step, message: `${party} returned ${JSON.stringify(out)} instead of a list of messages` };
        return [];
      }
      return out;
    } catch (e) {
      this.failure = errorFailure(e, step, party);
      return [];
    }
  }

  /**
   * End of run: deliver everything in flight, make every due readiness call, finish every
   * JavaScript, let every consumer read its cell's outcome, until nothing changes; then check the
   * table is empty and every cell was closed once. Each of these is a step, checked like any other.
   */
  drain(): void {
    this.inDrain = true;
    const observed = new Map<string, number>();
    const allowed = drainBound(this.steps);
    const limit = this.steps + allowed;
    const recent: Message[] = [];
    const within = (): boolean => {
      if (this.failure !== undefined) return false;
      if (this.steps < limit) return true;
      this.failure = { verdict: "livelock", step: this.steps, message: livelockText(allowed, recent, this.channels) };
      return false;
    };
    for (let round = 0; round < 64 && this.failure === undefined; round++) {
      let progressed = false;
      // First everything the parties do on their own (deliveries, readiness, JavaScript that
      // finishes), to quiescence, where closure is judged before any observation can mask it.
      for (;;) {
        let moved = false;
        while (within() && !this.channels.quiescent) {
          const next = this.channels.peek(this.channels.nonEmpty()[0] as ChannelName) as Message;
          if (recent.push(next) > 8) recent.shift();
          this.apply({ kind: "deliver", index: 0 });
          moved = true;
        }
        for (const kind of ["ready", "complete"] as const) {
          while (within() && this.apply({ kind, index: 0 })) moved = true;
        }
        if (!moved || this.failure !== undefined) break;
        progressed = true;
      }
      for (const c of this.state.cells.values()) {
        if (this.failure !== undefined) break;
        const tries = observed.get(c.cell) ?? 0;
        // The exec call's initial read, which follows readiness; then, for a cell whose id the
        // turn has, read every outcome that never reached a consumer (a buffered completion).
        const due = c.ready && c.admission === "admitted" && !c.initialTaken;
        const unread = c.idKnown && !c.consumed && tries < 3 && pendingObservations(this.state, c.cell).length === 0;
        if (due || unread) {
          observed.set(c.cell, tries + 1);
          this.execute(new Resolved("observe", "core", { type: "wait_observe", cell: c.cell as CellId, req: this.nextReq }));
          this.count(kindAt("observe"));
          progressed = true;
        }
      }
      if (!progressed) break;
    }
    if (this.failure !== undefined) return;
    const table = this.readTable(this.steps);
    if (table === undefined) return;
    this.checks++;
    countFinalSubjects(this.checkCounts);
    const violations = checkFinal(this.state, table);
    if (violations.length > 0) this.failure = { verdict: "violation", step: this.steps, violations };
  }

  close(): void {
    try {
      this.instance.close?.();
    } catch {
      // closing is best effort
    }
  }
}

/** The livelock message: how long the drain ran and the messages it kept delivering. */
function livelockText(steps: number, recent: readonly Message[], channels: Channels): string {
  const kinds = [...new Set(recent.map((m) => formatMessage(m)))];
  let inFlight = 0;
  for (const c of channels.queuesInOrder()) inFlight += c.messages.length;
  return (
    `the end-of-run drain did not settle within ${steps} steps (every step was answered, but each delivery brought more messages; ` +
    `${inFlight} still in flight); the last deliveries: ${kinds.join(", ")}`
  );
}

/** The cell names of a run with `n` cells, shared by every run (nothing changes them). */
const NAMES = new Map<number, { readonly cells: CellId[]; readonly known: Set<string> }>();

function namesOf(n: number): { readonly cells: CellId[]; readonly known: Set<string> } {
  let names = NAMES.get(n);
  if (names === undefined) {
    const cells = Array.from({ length: n }, (_, i) => cellId(i + 1));
    names = { cells, known: new Set(cells) };
    NAMES.set(n, names);
  }
  return names;
}

const ENV_OF = {
  yield: "jsYields",
  complete: "jsCompletes",
  terminate: "coreRequestsTerminate",
  observe: "coreStartsObserve",
  ready: "coreMarksReady",
} as const satisfies Partial<Record<CommandKind, EnvAction["type"]>>;

function isObject(x: unknown): boolean {
  return typeof x === "object" && x !== null;
}

function isObserveOf(x: unknown, cell: string, req: number): boolean {
  const o = x as { type?: unknown; cell?: unknown; req?: unknown };
  return typeof o === "object" && o !== null && o.type === "observe" && o.cell === cell && o.req === req;
}

function invalidTable(table: unknown, known: ReadonlySet<string>): string | undefined {
  if (!Array.isArray(table)) return `gateTable() returned ${JSON.stringify(table)}, not a list`;
  const rows = table as readonly unknown[];
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i];
    const r = row as { cell?: unknown; kind?: unknown };
    if (typeof r !== "object" || r === null || typeof r.cell !== "string" || !known.has(r.cell)) return `gate table row ${JSON.stringify(row)} names no known cell`;
    if (r.kind !== "waiting" && r.kind !== "open" && r.kind !== "marker") return `gate table row for ${r.cell} has kind ${JSON.stringify(r.kind)} (expected waiting, open or marker)`;
    // A table has a row per cell at most: the rows before this one are compared, not kept in a set.
    for (let j = 0; j < i; j++) if ((rows[j] as GateEntry).cell === r.cell) return `gate table lists ${r.cell} twice`;
  }
  return undefined;
}

/** An error an adapter throws to say the implementation broke the wire protocol rather than crashed. */
export class ProtocolError extends Error {
  override readonly name = "ProtocolError";
}

/** An error an adapter throws when a step got no answer in time (the implementation was stopped). */
export class StepTimeout extends Error {
  override readonly name = "StepTimeout";
}

/** An error an adapter throws when the implementation died or reported an error (message says which). */
export class ImplementationCrash extends Error {
  override readonly name = "ImplementationCrash";
}

function errorFailure(e: unknown, step: number, party: Party | "start"): Failure {
  if (e instanceof ProtocolError) return { verdict: "protocol-error", step, message: e.message };
  if (e instanceof StepTimeout) return { verdict: "timeout", step, message: e.message };
  if (e instanceof ImplementationCrash) return { verdict: "crash", step, message: e.message };
  return { verdict: "crash", step, message: `${party === "start" ? "start()" : party} threw: ${errorText(e)}` };
}

export function errorText(e: unknown): string {
  // Whatever an implementation threw (an object without a prototype, a Proxy, an Error whose
  // getters throw), described without letting it throw again.
  return errorMessage(e);
}
