/**
 * A child process as a transport: the harness thread talks to the io-worker (which owns the
 * process) through a SyncChannel, so every exchange is synchronous and bounded in time.
 */
import { Worker } from "node:worker_threads";
import { SetupError } from "../errors.ts";
import { SyncChannel, type Reply } from "../transport/channel.ts";
import { installExitReaper, killGroup, processRegistry } from "../transport/registry.ts";
import { Status, type Op } from "../transport/status.ts";
import { toExchange } from "../transport/exchange.ts";
import { BOOT, workerEntry, workerExecArgv } from "../transport/entry.ts";
import type { Captured, Exchange, Transport } from "../transport/transport.ts";
import type { IoWorkerData } from "./io-worker.ts";

export interface ChildOptions {
  /** Working directory of the process (default: this process's). */
  readonly cwd?: string;
  /** Extra environment variables. */
  readonly env?: Readonly<Record<string, string>>;
  /** Bytes of stderr kept per run (default 64 KiB; the tail is kept). */
  readonly stderrLimit?: number;
}

const IO_WORKER = workerEntry("./io-worker", import.meta.url);
/** Longest wait for a killed process group to be gone (the io-worker waits up to 2.2 s). */
const REAP_MS = 3000;
const GRACE_MS = 1000;

export class ChildTransport implements Transport {
  readonly label: string;
  readonly framed = false;
  pid: number | undefined;
  private worker: Worker | undefined;
  private readonly channel = new SyncChannel();

  constructor(
    readonly command: string,
    private readonly options: ChildOptions = {},
  ) {
    this.label = command;
    installExitReaper();
  }

  start(timeoutMs: number): void {
    // A fresh adapter thread loads first: it gets a start limit of its own.
    const limit = timeoutMs * (this.worker === undefined ? 2 : 1);
    const r = this.call({ op: "start" }, limit);
    if (r.status === Status.started) {
      this.pid = (JSON.parse(r.payload) as { pid: number }).pid;
      return;
    }
    this.dropWorker();
    const why = r.status === "timeout" ? `the adapter thread and the process did not start within ${limit / 1000} s (--start-timeout)` : (JSON.parse(r.payload) as { message?: string }).message;
    throw new SetupError(`cannot start "${this.command}": ${why ?? "unknown reason"}`);
  }

  exchange(lines: readonly string[], timeoutMs: number, newRun: boolean): Exchange {
    const r = this.call({ op: "send", lines, newRun }, timeoutMs);
    return toExchange(r);
  }

  kill(): void {
    if (this.pid !== undefined) killGroup(this.pid);
    this.pid = undefined;
    if (this.worker === undefined) return;
    if (this.call({ op: "stop", graceMs: 0 }, REAP_MS).status === "timeout") this.dropWorker();
  }

  stop(): void {
    if (this.worker === undefined) return;
    const r = this.call({ op: "stop", graceMs: GRACE_MS }, GRACE_MS + REAP_MS);
    if (r.status === "timeout" && this.pid !== undefined) killGroup(this.pid);
    this.pid = undefined;
    this.dropWorker();
  }

  stderr(): Captured {
    if (this.worker === undefined) return { text: "", dropped: 0 };
    const r = this.call({ op: "stderr" }, REAP_MS);
    return r.status === Status.stderr ? (JSON.parse(r.payload) as Captured) : { text: "", dropped: 0 };
  }

  private call(body: Parameters<SyncChannel["call"]>[1], timeoutMs: number): Reply {
    const w = this.ensureWorker();
    return this.channel.call((op: Op) => w.postMessage(op), body, timeoutMs);
  }

  private ensureWorker(): Worker {
    if (this.worker !== undefined) return this.worker;
    const workerData: IoWorkerData = {
      entry: IO_WORKER,
      buffer: this.channel.buffer,
      registry: processRegistry(),
      command: this.command,
      cwd: this.options.cwd,
      env: this.options.env,
      stderrLimit: this.options.stderrLimit ?? 64 * 1024,
    };
    const w = new Worker(BOOT, { workerData, execArgv: workerExecArgv() });
    w.unref();
    this.worker = w;
    return w;
  }

  private dropWorker(): void {
    void this.worker?.terminate();
    this.worker = undefined;
  }
}
