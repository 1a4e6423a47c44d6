/**
 * Worker threads for the exhaustive search. The search stays level-synchronous and in one
 * thread: it hands each level's frontier out in chunks, the workers expand the states of a chunk
 * (expand.ts) and send back every child in move order (its failure, fingerprint, saved state,
 * counters), and the search takes the chunks back in frontier order, deduplicating and counting
 * exactly as when it expands them itself. So the states, transitions, levels and the first
 * counterexample are those of the search on one thread, whatever the number of workers. States
 * go both ways as their encodings (state-codec.ts), a chunk's in one buffer that is transferred,
 * not copied; a worker's in its own numbering of the values it met first (provisional), which the
 * search reads into its own (StateCodec.fromWorker) and sends on to every worker.
 *
 * The search thread waits for the workers synchronously (a shared counter with `Atomics.wait`,
 * and `receiveMessageOnPort`), so `exhaustive()` keeps its synchronous signature.
 */
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from "node:worker_threads";
import type { ChildRecord, ExpandSettings } from "./expand.ts";
import { unpack, type PackedChildren } from "./child-table.ts";
import type { Encodings, Level } from "./frontier.ts";
import type { DictionaryEntries, DictionaryMark, StateCodec } from "./state-codec.ts";
import type { WorkerOpen } from "./worker-open.ts";
import { BOOT, workerEntry, workerExecArgv } from "../../adapters/transport/entry.ts";

/** What a worker starts with. */
export interface PoolSetup {
  /** The worker module, for the shared boot (adapters/transport/boot.mjs). */
  readonly entry: string;
  readonly open: WorkerOpen;
  readonly settings: ExpandSettings;
  readonly port: MessagePort;
  /** [0]: results posted (a counter to wait on); [1]: set when a worker exits; [2]: workers that began to run. */
  readonly signal: SharedArrayBuffer;
}

/**
 * A chunk of states as their encodings (transferred, not copied), with the entries of the
 * search's dictionary the worker has not had yet (from `mark` on).
 */
export type ToWorker =
  | { readonly type: "expand"; readonly id: number; readonly states: Encodings; readonly dictionary: DictionaryEntries; readonly mark: DictionaryMark; readonly depthLeft: number }
  | { readonly type: "stop" };
/** A chunk's children as a table (child-table.ts), with the encodings of the states it sends and the values they number provisionally. */
export type FromWorker =
  | { readonly type: "children"; readonly id: number; readonly children: PackedChildren; readonly states: Encodings; readonly provisional: Encodings }
  | { readonly type: "error"; readonly id: number; readonly message: string };
type Received = Extract<FromWorker, { type: "children" }>;

/** One expanded state: its children, and the chunk's encodings their `snap` indexes, in the worker's numbering (StateCodec.fromWorker reads them). */
export interface Expanded {
  readonly children: ChildRecord[];
  readonly states: Encodings;
  readonly provisional: Encodings;
}

/** Chunks in flight per worker: one being expanded, one waiting, so a worker never idles between chunks. */
const AHEAD = 2;
const MAX_CHUNK = 64;

/** How long a worker may take to begin running (its thread, tsx, its modules). */
const START_LIMIT_MS = 60_000;

export class SearchPool {
  private readonly workers: Worker[] = [];
  private readonly ports: MessagePort[] = [];
  /** [0] replies posted, [1] a worker exited, [2] workers that began to run (search-worker.ts). */
  private readonly signal = new SharedArrayBuffer(12);
  private readonly created = performance.now();
  private readonly flags = new Int32Array(this.signal);
  private nextId = 0;
  /** How much of the search's dictionary each worker has. */
  private readonly known: DictionaryMark[] = [];

  /** `start`: how long a worker may take to begin, and its Node options (tests make a worker that cannot start). */
  constructor(
    count: number,
    open: WorkerOpen,
    settings: ExpandSettings,
    private readonly start: { readonly limitMs: number; readonly execArgv: readonly string[] } = { limitMs: START_LIMIT_MS, execArgv: workerExecArgv() },
  ) {
    const entry = workerEntry("./search-worker", import.meta.url);
    for (let i = 0; i < count; i++) {
      const { port1, port2 } = new MessageChannel();
      const setup: PoolSetup = { entry, open, settings, port: port2, signal: this.signal };
      const w = new Worker(BOOT, { workerData: setup, transferList: [port2], execArgv: [...start.execArgv] });
      w.unref();
      // A worker's own failure reaches this thread as an event only once the search has returned
      // (its wait blocks the event loop); by then the search has said what it saw, so the event
      // must not crash the process as an unhandled error.
      w.on("error", () => undefined);
      this.workers.push(w);
      this.ports.push(port1);
      this.known.push({ strings: 0, shapes: 0 });
    }
  }

  /**
   * The children of every state of a level, in order, expanded on the workers. `codec` is the
   * search's: the workers get its new dictionary entries with each chunk (what it added reading
   * the states they sent: StateCodec.fromWorker).
   */
  *expandAll(level: Level, codec: StateCodec, depthLeft: number): Generator<Expanded> {
    const size = Math.max(1, Math.min(MAX_CHUNK, Math.ceil(level.count / (this.workers.length * AHEAD))));
    const chunks: number[] = [];
    for (let from = 0; from < level.count; from += size) chunks.push(from);
    const idOf: number[] = [];
    const owner = new Map<number, number>();
    const done = new Map<number, Received>();
    const busy = this.workers.map(() => 0);
    let sent = 0;
    const send = (w: number): void => {
      const from = chunks[sent] as number;
      const id = this.nextId++;
      idOf.push(id);
      owner.set(id, w);
      busy[w] = (busy[w] as number) + 1;
      sent++;
      const states = level.slice(from, Math.min(level.count, from + size));
      const mark = this.known[w] as DictionaryMark;
      this.known[w] = codec.mark;
      const message: ToWorker = { type: "expand", id, states, dictionary: codec.entriesFrom(mark), mark, depthLeft };
      this.ports[w]?.postMessage(message, [states.bytes.buffer as ArrayBuffer, states.ends.buffer as ArrayBuffer]);
    };
    const fill = (): void => {
      for (let round = 0; round < AHEAD; round++) for (let w = 0; w < this.workers.length && sent < chunks.length; w++) if ((busy[w] as number) < AHEAD) send(w);
    };
    fill();
    for (let next = 0; next < chunks.length; next++) {
      for (;;) {
        const id = idOf[next] as number;
        const got = done.get(id);
        if (got !== undefined) {
          done.delete(id);
          for (const children of unpack(got.children)) yield { children, states: got.states, provisional: got.provisional };
          break;
        }
        this.receive(done, owner, busy);
        fill();
      }
    }
  }

  /** Wait for at least one chunk to come back. */
  private receive(done: Map<number, Received>, owner: Map<number, number>, busy: number[]): void {
    for (;;) {
      const seen = Atomics.load(this.flags, 0);
      let got = false;
      for (const port of this.ports) {
        for (let m = receiveMessageOnPort(port); m !== undefined; m = receiveMessageOnPort(port)) {
          const msg = m.message as FromWorker;
          if (msg.type === "error") throw new Error(`search worker: ${msg.message}`);
          done.set(msg.id, msg);
          const w = owner.get(msg.id) as number;
          busy[w] = (busy[w] as number) - 1;
          got = true;
        }
      }
      if (got) return;
      if (Atomics.load(this.flags, 1) !== 0) throw new Error("a search worker exited");
      // A worker that dies before its first line (Node refusing its options, say) tells no one: its
      // error event would come to this thread's event loop, which is blocked here.
      if (Atomics.load(this.flags, 2) < this.workers.length && performance.now() - this.created > this.start.limitMs) {
        throw new Error(`a search worker did not start within ${this.start.limitMs / 1000} s`);
      }
      Atomics.wait(this.flags, 0, seen, 1000);
    }
  }

  close(): void {
    for (const port of this.ports) {
      port.postMessage({ type: "stop" } satisfies ToWorker);
      port.close();
    }
    for (const w of this.workers) void w.terminate();
  }
}
