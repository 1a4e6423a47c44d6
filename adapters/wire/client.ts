/**
 * The harness side of the wire protocol: an `Implementation` whose parties live behind a
 * transport (a child process, a worker). Synchronous like every implementation: each call sends
 * one request line and blocks until its answer, at most the step timeout. One process serves
 * many runs: `start()` sends `reset`; a process that died, hung or broke the stream is replaced by
 * a fresh one (hello again) at the next `start()`.
 */
import {
  PROTOCOL_VERSION,
  formatMessage,
  type CoreInput,
  type Diagnostics,
  type GateEntry,
  type HostInput,
  type Implementation,
  type Instance,
  type Message,
  type Party,
} from "../../protocol/index.ts";
import { ImplementationCrash, ProtocolError, StepTimeout } from "../../properties/run.ts";
import { SetupError } from "../errors.ts";
import { exitText, type Transport } from "../transport/transport.ts";
import { decodeAnswer, excerpt } from "./decode.ts";
import type { Answer, Request, RequestBody } from "./messages.ts";

export interface WireOptions {
  /** Longest wait for one answer, in ms (default 2000). */
  readonly stepTimeoutMs?: number;
  /** Longest wait for the process to start and answer hello, in ms (default 10000). */
  readonly startTimeoutMs?: number;
  /** Name for reports; default: the name the implementation gives in hello, else derived from the label. */
  readonly name?: string;
}

export const DEFAULT_STEP_TIMEOUT_MS = 2000;
export const DEFAULT_START_TIMEOUT_MS = 10_000;

export class WireImplementation implements Implementation {
  name: string;
  summary: string;
  private readonly stepTimeoutMs: number;
  private readonly startTimeoutMs: number;
  private running = false;
  private nextId = 1;
  private starts = 0;

  constructor(
    private readonly transport: Transport,
    private readonly options: WireOptions = {},
  ) {
    this.stepTimeoutMs = options.stepTimeoutMs ?? DEFAULT_STEP_TIMEOUT_MS;
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

  start(): Instance {
    if (!this.running) this.boot();
    try {
      this.request({ kind: "reset" }, "reset", this.stepTimeoutMs, true);
    } catch (e) {
      // A process that ended after the previous run is replaced once; anything else is this run's failure.
      if (!(e instanceof ImplementationCrash) || this.running) throw e;
      this.boot();
      this.request({ kind: "reset" }, "reset", this.stepTimeoutMs, true);
    }
    return {
      host: (input: HostInput) => this.step("host", input),
      core: (input: CoreInput) => this.step("core", input),
      gateTable: () => this.gateTable(),
    };
  }

  diagnostics(): Diagnostics {
    const captured = this.transport.stderr();
    return { stderr: captured.text, stderrDropped: captured.dropped, starts: this.starts };
  }

  dispose(): void {
    this.running = false;
    this.transport.stop();
  }

  private boot(): void {
    this.transport.start(this.startTimeoutMs);
    this.starts++;
    this.running = true;
    this.nextId = 1;
    const a = this.request({ kind: "hello", protocol: PROTOCOL_VERSION }, "hello", this.startTimeoutMs, true);
    if (a.kind !== "hello") throw new ProtocolError(`answered hello with ${a.kind}`);
    if (a.protocol !== PROTOCOL_VERSION) {
      this.halt();
      throw new SetupError(`${this.transport.label} speaks protocol version ${a.protocol}; this cellgate speaks version ${PROTOCOL_VERSION}`);
    }
    if (this.starts === 1) {
      if (this.options.name === undefined && a.name !== undefined && a.name !== "") this.name = a.name;
      if (a.summary !== undefined && a.summary !== "") this.summary = a.summary;
    }
  }

  private step(party: Party, input: HostInput | CoreInput): readonly Message[] {
    const a = this.request({ kind: "step", party, input }, `the ${party} step ${formatMessage(input)}`, this.stepTimeoutMs, false);
    return a.kind === "step" ? a.messages : [];
  }

  private gateTable(): readonly GateEntry[] {
    const a = this.request({ kind: "gate_table" }, "the gate_table request", this.stepTimeoutMs, false);
    return a.kind === "gate_table" ? a.entries : [];
  }

  private request(body: RequestBody, what: string, timeoutMs: number, newRun: boolean): Answer {
    const request = { id: this.nextId++, ...body } as Request;
    const r = this.transport.exchange(JSON.stringify(request), timeoutMs, newRun);
    switch (r.kind) {
      case "line":
        try {
          return decodeAnswer(r.line, request, what);
        } catch (e) {
          // After a malformed answer the stream cannot be trusted: start afresh next run.
          if (e instanceof ProtocolError) this.halt();
          throw e;
        }
      case "timeout":
        this.halt();
        throw new StepTimeout(`no answer to ${what} within ${seconds(timeoutMs)}; the implementation was stopped`);
      case "exited":
        this.running = false;
        throw new ImplementationCrash(`the implementation ${exitText(r.code, r.signal)} during ${what}`);
      case "unsolicited":
        this.halt();
        throw new ProtocolError(`a line that answers no request arrived before ${what}: ${excerpt(r.line)}`);
      case "too-long":
        this.halt();
        throw new ProtocolError(`a line of ${r.bytes} bytes (the limit is 1 MiB) in answer to ${what}`);
    }
  }

  private halt(): void {
    this.running = false;
    this.transport.kill();
  }

  private stderrHint(): string {
    const text = this.transport.stderr().text.trim();
    const last = text.split("\n").at(-1);
    return last === undefined || last === "" ? "" : ` (stderr: ${last.slice(0, 200)})`;
  }
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
