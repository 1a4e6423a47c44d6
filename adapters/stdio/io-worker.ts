/**
 * The worker thread that owns an implementation's child process: it spawns it (in its own
 * process group), writes request lines to its stdin, splits its stdout into lines, keeps the tail
 * of its stderr, and replies to the blocked harness thread through the shared buffer. It never
 * blocks, so the child's pipes keep flowing and its exit is always reaped.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { parentPort, workerData } from "node:worker_threads";
import { forgetPid, killGroup, recordPid, registryClosed } from "../transport/registry.ts";
import { Replier } from "../transport/reply.ts";
import { PAYLOAD_BYTES, Status, type Op } from "../transport/status.ts";
import { groupRunning } from "./group.ts";
import { StderrTail } from "./stderr-tail.ts";

export interface IoWorkerData {
  readonly entry: string;
  readonly buffer: SharedArrayBuffer;
  readonly registry: SharedArrayBuffer;
  readonly command: string;
  readonly cwd: string | undefined;
  readonly env: Readonly<Record<string, string>> | undefined;
  readonly stderrLimit: number;
}

const data = workerData as IoWorkerData;
const replier = new Replier(data.buffer);
const port = parentPort;
if (port === null) throw new Error("io-worker must run in a worker thread");

/** How long to wait for the pipes to drain after the process exited before replying. */
const DRAIN_MS = 200;
/** How long to wait for the rest of a process group to die after the leader exited. */
const GROUP_MS = 2000;

let child: ChildProcess | undefined;
let exit: { code: number | null; signal: string | null } | undefined;
/** The op waiting for the answers to a batch of requests, or for the exit (stop). */
let waiting: { seq: number; for: "lines"; need: number; got: string[] } | { seq: number; for: "exit" } | undefined;
/** The first line that arrived while no request was unanswered. */
let stray: string | undefined;
let partial = "";
let overlong = 0;
let stderr = new StderrTail(data.stderrLimit);

function startChild(seq: number): void {
  // A process still running here was not stopped (cannot happen through the transport, which
  // stops before it starts): end it, and from now on ignore it.
  if (child !== undefined && exit === undefined && child.pid !== undefined) killGroup(child.pid);
  if (child !== undefined) detach(child);
  child = undefined;
  exit = undefined;
  waiting = undefined;
  stray = undefined;
  partial = "";
  overlong = 0;
  stderr = new StderrTail(data.stderrLimit);
  if (registryClosed(data.registry)) return replier.reply(seq, Status.startFailed, { message: "cellgate is stopping" });
  let c: ChildProcess;
  try {
    c = spawn(data.command, { shell: true, detached: true, stdio: ["pipe", "pipe", "pipe"], cwd: data.cwd, env: data.env === undefined ? process.env : { ...process.env, ...data.env } });
  } catch (e) {
    replier.reply(seq, Status.startFailed, { message: e instanceof Error ? e.message : String(e) });
    return;
  }
  child = c;
  const pid = c.pid;
  if (pid === undefined) {
    c.once("error", (e) => replier.reply(seq, Status.startFailed, { message: e.message }));
    return;
  }
  recordPid(data.registry, pid);
  // Closed between the check above and the record: the main thread may not have seen this pid.
  if (registryClosed(data.registry)) killGroup(pid);
  c.stdin?.on("error", () => {
    // EPIPE when the child is gone; its exit is reported instead.
  });
  // Output counts only while this is the current process: whatever reaches its pipes later (a
  // process it started in another session, out of reach of the group kill, still holds them)
  // never lands in the next process's stream or stderr.
  c.stdout?.setEncoding("utf8");
  c.stdout?.on("data", (chunk: string) => {
    if (child === c) onStdout(chunk);
  });
  c.stderr?.on("data", (chunk: Buffer) => {
    if (child === c) stderr.push(chunk);
  });
  c.once("exit", (code, signal) => {
    // The leader is gone; end whatever else it left in its process group, and wait (a little)
    // until that is gone too, so that "stopped" means nothing of it runs any more.
    killGroup(pid);
    const started = Date.now();
    let closed = false;
    let replied = false;
    let polling = false;
    const report = () => {
      if (replied || !closed || polling) return;
      if (groupRunning(pid) && Date.now() - started < GROUP_MS) {
        polling = true;
        setTimeout(() => {
          polling = false;
          report();
        }, 5).unref();
        return;
      }
      replied = true;
      forgetPid(data.registry, pid);
      detach(c);
      if (child !== c) return;
      exit = { code, signal };
      child = undefined;
      const w = waiting;
      waiting = undefined;
      if (w?.for === "exit") replier.reply(w.seq, Status.stopped, exit);
      else if (w?.for === "lines") replier.reply(w.seq, Status.exited, { ...exit, answered: w.got });
    };
    c.once("close", () => {
      closed = true;
      report();
    });
    setTimeout(() => {
      closed = true;
      report();
    }, DRAIN_MS).unref();
  });
  replier.reply(seq, Status.started, { pid });
}

/**
 * Let go of a process that is gone (or replaced): close our ends of its pipes, so that whatever
 * still writes into them (an escapee, see above) gets EPIPE rather than a reader.
 */
function detach(c: ChildProcess): void {
  c.stdin?.destroy();
  c.stdout?.destroy();
  c.stderr?.destroy();
}

function onStdout(chunk: string): void {
  partial += chunk;
  for (let i = partial.indexOf("\n"); i >= 0; i = partial.indexOf("\n")) {
    const line = partial.slice(0, i).replace(/\r$/, "");
    partial = partial.slice(i + 1);
    const w = waiting;
    if (w?.for !== "lines") {
      stray ??= line;
      continue;
    }
    w.got.push(line);
    if (w.got.length === w.need) {
      waiting = undefined;
      // Lines never contain a newline, so the batch travels as one text.
      replier.reply(w.seq, Status.line, w.got.join("\n"));
    }
  }
  if (partial.length > PAYLOAD_BYTES) {
    overlong = partial.length;
    partial = "";
    const w = waiting;
    if (w?.for === "lines") {
      waiting = undefined;
      replier.reply(w.seq, Status.tooLong, { bytes: overlong });
    }
  }
}

/** Write a batch of request lines; reply once every one of them is answered. */
function send(seq: number, lines: readonly string[], newRun: boolean): void {
  if (newRun) stderr = new StderrTail(data.stderrLimit);
  if (stray !== undefined) return replier.reply(seq, Status.unsolicited, stray);
  if (overlong > 0) return replier.reply(seq, Status.tooLong, { bytes: overlong });
  if (child === undefined || exit !== undefined) return replier.reply(seq, Status.exited, { ...(exit ?? { code: null, signal: null }), answered: [] });
  waiting = { seq, for: "lines", need: lines.length, got: [] };
  child.stdin?.write(lines.map((l) => `${l}\n`).join(""));
}

function stop(seq: number, graceMs: number): void {
  const c = child;
  if (c === undefined || exit !== undefined) return replier.reply(seq, Status.stopped, exit ?? { code: null, signal: null });
  waiting = { seq, for: "exit" };
  c.stdin?.end();
  const pid = c.pid;
  if (graceMs <= 0) {
    if (pid !== undefined) killGroup(pid);
  } else {
    setTimeout(() => {
      if (child === c && pid !== undefined) killGroup(pid);
    }, graceMs).unref();
  }
}

port.on("message", (op: Op) => {
  switch (op.op) {
    case "start":
      startChild(op.seq);
      return;
    case "send":
      send(op.seq, op.lines, op.newRun);
      return;
    case "stderr":
      replier.reply(op.seq, Status.stderr, stderr.read());
      return;
    case "stop":
      stop(op.seq, op.graceMs);
      return;
  }
});
