/**
 * A module in a worker thread as a transport. Each start() is a fresh worker that imports the
 * module anew; kill() terminates the worker, which also stops a step that never returns.
 */
import { Worker } from "node:worker_threads";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { SetupError } from "../errors.ts";
import { SyncChannel } from "../transport/channel.ts";
import { Status, type Op } from "../transport/status.ts";
import type { Captured, Exchange, Transport } from "../transport/transport.ts";
import { toExchange } from "../transport/exchange.ts";
import { BOOT, workerEntry, workerExecArgv } from "../transport/entry.ts";
import type { ModuleWorkerData } from "./module-worker.ts";

const MODULE_WORKER = workerEntry("./module-worker", import.meta.url);
const STOP_MS = 1000;

export interface ModuleOptions {
  /** Bytes of the module's console output kept per run (default 64 KiB). */
  readonly stderrLimit?: number;
  /** The export that holds the Implementation (default: `default`, then `implementation`). */
  readonly exportName?: string;
}

export class ModuleTransport implements Transport {
  readonly label: string;
  readonly pid = undefined;
  readonly framed = true;
  private worker: Worker | undefined;
  private channel = new SyncChannel();
  private readonly path: string;

  constructor(
    path: string,
    private readonly options: ModuleOptions = {},
  ) {
    this.label = path;
    this.path = path.startsWith("file:") ? fileURLToPath(path) : resolve(path);
  }

  start(timeoutMs: number): void {
    this.kill();
    this.channel = new SyncChannel();
    const workerData: ModuleWorkerData = { entry: MODULE_WORKER, buffer: this.channel.buffer, path: this.path, label: this.label, stderrLimit: this.options.stderrLimit ?? 64 * 1024, ...(this.options.exportName !== undefined ? { exportName: this.options.exportName } : {}) };
    const w = new Worker(BOOT, { workerData, stdout: true, stderr: true, execArgv: workerExecArgv() });
    w.unref();
    this.worker = w;
    // The thread boots, then loads the module: each part gets the start limit.
    const limit = 2 * timeoutMs;
    const r = this.call({ op: "start" }, limit);
    if (r.status === Status.started) return;
    this.kill();
    const why = r.status === "timeout" ? `loading took more than ${limit / 1000} s (--start-timeout)` : (JSON.parse(r.payload) as { message: string }).message;
    throw new SetupError(why.startsWith(this.label) ? why : `cannot load ${this.label}: ${why}`);
  }

  exchange(lines: readonly string[], timeoutMs: number, newRun: boolean): Exchange {
    if (this.worker === undefined) return { kind: "exited", code: null, signal: null, answered: [] };
    return toExchange(this.call({ op: "send", lines, newRun }, timeoutMs));
  }

  kill(): void {
    void this.worker?.terminate();
    this.worker = undefined;
  }

  stop(): void {
    if (this.worker !== undefined) this.call({ op: "stop", graceMs: 0 }, STOP_MS);
    this.kill();
  }

  stderr(): Captured {
    if (this.worker === undefined) return { text: "", dropped: 0 };
    const r = this.call({ op: "stderr" }, STOP_MS);
    return r.status === Status.stderr ? (JSON.parse(r.payload) as Captured) : { text: "", dropped: 0 };
  }

  private call(body: Parameters<SyncChannel["call"]>[1], timeoutMs: number) {
    const w = this.worker;
    if (w === undefined) return { status: "timeout" } as const;
    return this.channel.call((op: Op) => w.postMessage(op), body, timeoutMs);
  }
}
