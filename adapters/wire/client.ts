/**
 * The harness side of the wire protocol: an `Implementation` whose parties live behind a
 * transport (a child process, a worker). Synchronous like every implementation: each call sends
 * one request line and blocks until its answer, at most the step timeout. One process serves
 * many runs: `start()` sends `reset`; a process that died, hung or broke the stream is replaced by
 * a fresh one (hello again) at the next `start()`.
 *
 * Versions: hello offers the highest version this cellgate speaks; the implementation answers
 * with the one it speaks (1 or 2), which becomes `protocol` and decides the whole session. A
 * version 1 session is the version 1 exchange exactly (no `observers` request, no `req` on
 * `exec_create`, no `observers()` on the Instance); a version 2 session also reads the Host's
 * attached observers after every step.
 *
 * Capabilities: a version 2 implementation may declare `"dispatch": true` in its hello answer
 * (nested tool calls: `js_tool_call`, `invoke_tool`, `cancel_tool`, `dispatch`); it becomes
 * `dispatch`, and the harness generates tool calls only then. Like the version, it is fixed by the
 * first hello: a restart must declare the same.
 */
import {
  PROTOCOL_VERSION,
  PROTOCOL_VERSIONS,
  formatMessage,
  type AttachedObserver,
  type CoreInput,
  type Diagnostics,
  type GateEntry,
  type HostInput,
  type Implementation,
  type Instance,
  type Message,
  type Party,
  type ProtocolVersion,
  type StartOptions,
  type StepTiming,
} from "../../protocol/index.ts";
import { ImplementationCrash, ProtocolError, StepTimeout } from "../../properties/run/run.ts";
import { SetupError } from "../errors.ts";
import { exitText, type Transport } from "../transport/transport.ts";
import { decodeAnswer, excerpt } from "./decode.ts";
import type { Answer, Request, RequestBody } from "./messages.ts";

export interface WireOptions {
  /** Longest wait for one answer, in ms (default 2000). */
  readonly stepTimeoutMs?: number;
  /**
   * Longest wait for each part of a start, in ms: the adapter thread, the process or module, its
   * hello answer (default 30 000). Generous, because a loaded machine starts things slowly and a
   * start that fails is a harness error (SetupError), not a verdict.
   */
  readonly startTimeoutMs?: number;
  /** Name for reports; default: the name the implementation gives in hello, else derived from the label. */
  readonly name?: string;
}

export const DEFAULT_STEP_TIMEOUT_MS = 2000;
export const DEFAULT_START_TIMEOUT_MS = 30_000;

export class WireImplementation implements Implementation {
  name: string;
  summary: string;
  /**
   * The version negotiated in the first successful hello (that is, by `open()`); undefined
   * before. Every restart must answer hello with the same version.
   */
  protocol: ProtocolVersion | undefined;
  /**
   * The implementation offers dispatch (version 2 only): the `dispatch` of the first successful
   * hello answer (absent: false); undefined before. Every restart must answer the same.
   */
  dispatch: boolean | undefined;
  /** start({ fresh: true }) starts a fresh process (or worker). */
  readonly freshStart = true;
  private stepTimeoutMs: number;
  /** The slowest request of the current run. */
  private slowestRequest: { what: string; ms: number } | undefined;
  readonly timing: StepTiming = {
    stepTimeoutMs: 0,
    withStepTimeout: <T>(ms: number, f: () => T): T => {
      const before = this.stepTimeoutMs;
      this.stepTimeoutMs = ms;
      try {
        return f();
      } finally {
        this.stepTimeoutMs = before;
      }
    },
    slowest: () => this.slowestRequest,
  };
  /** Runs started since the process was (re)started. */
  private runsSinceBoot = 0;
  /** This run asks for the gate table (and observers) along with every step. */
  private inspected = true;
  private readonly startTimeoutMs: number;
  private running = false;
  /** The id of the next request: hello is 0, a run's reset is 1, its requests follow. */
  private nextId = 0;
  private starts = 0;
  /** The answer (or failure) of the gate_table request sent along with the last step. */
  private tableAhead: Answer | Error | undefined;
  /** Version 2: the latest answer (or failure) to an observers request in this run. */
  private observersLatest: Answer | Error | undefined;

  constructor(
    private readonly transport: Transport,
    private readonly options: WireOptions = {},
  ) {
    this.stepTimeoutMs = options.stepTimeoutMs ?? DEFAULT_STEP_TIMEOUT_MS;
    (this.timing as { stepTimeoutMs: number }).stepTimeoutMs = this.stepTimeoutMs;
    this.startTimeoutMs = options.startTimeoutMs ?? DEFAULT_START_TIMEOUT_MS;
    this.name = options.name ?? nameOf(transport.label);
    this.summary = `driven over the wire protocol: ${transport.label}`;
  }

  /** Start the implementation and shake hands; throws SetupError when that fails. */
  open(): this {
    try {
      this.boot();
    } catch (e) {
      this.halt();
      if (e instanceof SetupError) throw e;
      const why = e instanceof Error ? e.message : String(e);
      throw new SetupError(`${this.transport.label}: no handshake: ${why}${this.stderrHint()}`);
    }
    return this;
  }

  /** The pid of the running child process, if any. */
  get pid(): number | undefined {
    return this.running ? this.transport.pid : undefined;
  }

  start(options: StartOptions = {}): Instance {
    if (options.fresh === true && this.running && this.runsSinceBoot > 0) this.halt();
    if (!this.running) this.restart();
    this.runsSinceBoot++;
    this.slowestRequest = undefined;
    this.inspected = options.inspected !== false;
    // A reset that crashes is this run's crash (step 0), never a silent restart: an implementation
    // that dies on every reset must not conform. The next run starts a fresh process.
    this.reset();
    const instance: Instance = {
      host: (input: HostInput) => this.step("host", input),
      core: (input: CoreInput) => this.step("core", input),
      gateTable: () => this.gateTable(),
    };
    // A version 1 Instance has no observers(): the harness then uses the version 1 definition.
    return this.protocol === 2 ? { ...instance, observers: () => this.observers() } : instance;
  }

  diagnostics(): Diagnostics {
    const captured = this.transport.stderr();
    return { stderr: captured.text, stderrDropped: captured.dropped, starts: this.starts };
  }

  dispose(): void {
    this.running = false;
    this.transport.stop();
  }

  /** boot() after the first start: any failure to come up again is a SetupError (a harness error). */
  private restart(): void {
    try {
      this.boot();
    } catch (e) {
      this.halt();
      // A restart that answers hello unlike the first start is the implementation's fault (a verdict).
      if (e instanceof SetupError || e instanceof ProtocolError) throw e;
      throw new SetupError(`${this.transport.label}: could not be started again: ${e instanceof Error ? e.message : String(e)}${this.stderrHint()}`);
    }
  }

  private boot(): void {
    this.transport.start(this.startTimeoutMs);
    this.starts++;
    this.running = true;
    this.runsSinceBoot = 0;
    this.nextId = 0;
    // Not a new capture: what it wrote to stderr since it started (a shell's "not found") is kept for the error.
    const a = this.request({ kind: "hello", protocol: PROTOCOL_VERSION }, "hello", this.startTimeoutMs, false);
    if (a.kind !== "hello") throw new ProtocolError(`answered hello with ${a.kind}`);
    const spoken = PROTOCOL_VERSIONS.find((v) => v === a.protocol);
    if (spoken === undefined) {
      this.halt();
      throw new SetupError(`${this.transport.label} speaks protocol version ${a.protocol}; this cellgate speaks versions ${listing(PROTOCOL_VERSIONS.map(String))}`);
    }
    if (this.protocol !== undefined && spoken !== this.protocol) {
      this.halt();
      throw new ProtocolError(`restarted, the implementation answered hello with protocol version ${spoken}; it spoke version ${this.protocol} before`);
    }
    const dispatch = a.dispatch === true;
    if (this.dispatch !== undefined && dispatch !== this.dispatch) {
      this.halt();
      throw new ProtocolError(`restarted, the implementation answered hello ${dispatch ? "with" : "without"} "dispatch": true; it answered ${this.dispatch ? "with" : "without"} it before`);
    }
    this.protocol = spoken;
    this.dispatch = dispatch;
    if (this.starts === 1) {
      if (this.options.name === undefined && a.name !== undefined && a.name !== "") this.name = a.name;
      if (a.summary !== undefined && a.summary !== "") this.summary = a.summary;
    }
  }

  /** Every run starts with reset, id 1; ids count the run's requests, so a run reads the same every time. */
  private reset(): void {
    this.nextId = 1;
    this.observersLatest = undefined;
    this.request({ kind: "reset" }, "reset", this.stepTimeoutMs, true);
  }

  /**
   * One step. The harness reads the gate table after every step, so the gate_table request goes
   * out with the step's, in one batch (one wake-up of the implementation and of its thread
   * instead of two); its answer waits here for the gateTable() call that follows. A version 2
   * session adds the observers request to the batch; its answer is what observers() returns
   * until the next step.
   */
  private step(party: Party, input: HostInput | CoreInput): readonly Message[] {
    const what = `the ${party} step ${formatMessage(input)}`;
    const v2 = this.protocol === 2;
    const body: RequestBody = { kind: "step", party, input: v2 ? input : v1Input(input) };
    if (!this.inspected) {
      const [alone] = this.batch([body], [what], this.stepTimeoutMs, false);
      if (alone instanceof Error) throw alone;
      return alone?.kind === "step" ? alone.messages : [];
    }
    const bodies: RequestBody[] = v2 ? [body, { kind: "gate_table" }, { kind: "observers" }] : [body, { kind: "gate_table" }];
    const [a, table, observers] = this.batch(bodies, v2 ? [what, TABLE, OBSERVERS] : [what, TABLE], this.stepTimeoutMs, false);
    this.tableAhead = table;
    if (v2) this.observersLatest = observers;
    if (a instanceof Error) throw a;
    return a?.kind === "step" ? a.messages : [];
  }

  private gateTable(): readonly GateEntry[] {
    const ahead = this.tableAhead;
    this.tableAhead = undefined;
    if (ahead instanceof Error) throw ahead;
    const a = ahead ?? this.request({ kind: "gate_table" }, TABLE, this.stepTimeoutMs, false);
    return a.kind === "gate_table" ? a.entries : [];
  }

  /**
   * Version 2: the Host's attached observers, from the answer to the last step's observers
   * request (its failure is thrown here); asked now when no step has run yet.
   */
  private observers(): readonly AttachedObserver[] {
    const latest = this.observersLatest;
    if (latest instanceof Error) throw latest;
    const a = latest ?? this.request({ kind: "observers" }, OBSERVERS, this.stepTimeoutMs, false);
    this.observersLatest = a;
    return a.kind === "observers" ? a.entries : [];
  }

  private request(body: RequestBody, what: string, timeoutMs: number, newRun: boolean): Answer {
    const [a] = this.batch([body], [what], timeoutMs, newRun);
    if (a === undefined || a instanceof Error) throw a ?? new Error(`no answer to ${what}`);
    return a;
  }

  /**
   * Send requests in one batch and decode their answers. A failure of the first request throws;
   * a failure of a later one is returned in its place, to be thrown when its answer is wanted.
   */
  private batch(bodies: readonly RequestBody[], whats: readonly string[], timeoutMs: number, newRun: boolean): (Answer | Error | undefined)[] {
    this.tableAhead = undefined;
    const requests = bodies.map((b) => ({ id: this.nextId++, ...b }) as Request);
    const sent = performance.now();
    const r = this.transport.exchange(requests.map((q) => JSON.stringify(q)), timeoutMs, newRun);
    const all = listing(whats);
    const took = performance.now() - sent;
    if (r.kind === "lines" && took > (this.slowestRequest?.ms ?? -1)) this.slowestRequest = { what: all, ms: took };
    switch (r.kind) {
      case "lines":
        return requests.map((q, i) => this.decodeOrFail(r.lines[i] ?? "", q, whats[i] ?? all, i === 0));
      case "timeout":
        this.halt();
        throw new StepTimeout(`no answer to ${all} within ${seconds(timeoutMs)}; the implementation was stopped`);
      case "exited": {
        this.running = false;
        const crash = (what: string) => new ImplementationCrash(`the implementation ${exitText(r.code, r.signal, r.why)} during ${what}`);
        return requests.map((q, i) => {
          const line = r.answered[i];
          if (line !== undefined) return this.decodeOrFail(line, q, whats[i] ?? all, i === 0);
          if (i === 0) throw crash(whats[0] ?? all);
          return crash(whats[i] ?? all);
        });
      }
      case "unsolicited":
        this.halt();
        throw new ProtocolError(`a line that answers no request arrived before ${all}: ${excerpt(r.line)}`);
      case "too-long":
        this.halt();
        throw new ProtocolError(`a line of ${r.bytes} bytes (the limit is 1 MiB) in answer to ${all}`);
    }
  }

  /** Decode one answer; the first request's failure throws, a later one's is returned. */
  private decodeOrFail(line: string, request: Request, what: string, first: boolean): Answer | Error {
    try {
      return decodeAnswer(line, request, what);
    } catch (e) {
      // After a malformed answer a process's output cannot be trusted (a late line would land in
      // the next run): start afresh next run.
      if (e instanceof ProtocolError && !this.transport.framed) this.halt();
      if (first || !(e instanceof Error)) throw e;
      return e;
    }
  }

  private halt(): void {
    this.running = false;
    this.tableAhead = undefined;
    this.transport.kill();
  }

  private stderrHint(): string {
    const text = this.transport.stderr().text.trim();
    const last = text.split("\n").at(-1);
    return last === undefined || last === "" ? "" : ` (stderr: ${last.slice(0, 200)})`;
  }
}

const TABLE = "the gate_table request";
const OBSERVERS = "the observers request";

/** A version 1 implementation never sees the `req` of exec_create (a version 2 field). */
function v1Input(input: HostInput | CoreInput): HostInput | CoreInput {
  return input.type === "exec_create" && input.req !== undefined ? { type: "exec_create", cell: input.cell } : input;
}

/** "a", "a and b", "a, b and c". */
function listing(items: readonly string[]): string {
  return items.length <= 2 ? items.join(" and ") : `${items.slice(0, -1).join(", ")} and ${items.at(-1)}`;
}

function seconds(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${ms} ms`;
}

/** `python3 examples/python/cellgate_impl.py` → `cellgate_impl`; `./impl.ts` → `impl`. */
export function nameOf(label: string): string {
  const words = label.trim().split(/\s+/);
  const file = [...words].reverse().find((w) => /[/\\.]/.test(w)) ?? words[0] ?? "implementation";
  const base = file.split(/[/\\]/).at(-1) ?? file;
  return base.replace(/\.[A-Za-z0-9]+$/, "") || "implementation";
}
