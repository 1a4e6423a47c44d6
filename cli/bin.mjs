#!/usr/bin/env node
// Entry point of the `cellgate` command. The command itself runs in a worker thread (TypeScript
// through tsx, see worker.ts): the harness is synchronous and may block for a whole check, so this
// thread stays free to answer signals. On SIGINT, SIGTERM, SIGHUP or SIGQUIT, and on any exit, it
// kills every implementation process the command started (they are recorded in shared memory,
// explore workers' too) and waits, briefly, until they are reaped; then it ends the command.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { Worker } from "node:worker_threads";
import { createProgressRecord, formatPartialSummary, freezeProgressRecord } from "./progress-record.mjs";

/** Exit status per signal: 128 + its number, as a shell reports a process the signal ended. */
const SIGNALS = { SIGHUP: 129, SIGINT: 130, SIGQUIT: 131, SIGTERM: 143 };
/** Longest wait for the killed process groups to be reaped after a signal. */
const REAP_MS = 600;
/** Longest wait for the command thread to stop after a signal. */
const STOP_MS = 300;
/** Longest wait for the command thread to end after it posted its exit code. */
const STUCK_MS = 3000;

// The process registry (adapters/transport/registry.ts): 64 pid slots, then the "closed" flag.
const registry = new SharedArrayBuffer(65 * 4);
const slots = new Int32Array(registry, 0, 64);
const closed = new Int32Array(registry, 64 * 4, 1);
// What the command has done so far (progress-record.mjs), printed as a partial summary on a signal.
const progress = createProgressRecord();
// A worker thread's process.stderr is no terminal; the command learns the facts from here.
const terminal = { stdoutIsTTY: process.stdout.isTTY === true, stderrIsTTY: process.stderr.isTTY === true, columns: process.stderr.columns || 80 };
const live = () => [...slots].filter((pid) => pid !== 0);
const killAll = () => {
  const pids = live();
  for (const pid of pids) {
    try {
      process.kill(-pid, "SIGKILL");
    } catch {
      // already gone
    }
  }
  return pids;
};
/**
 * SIGKILL every direct child of this process: what a module started from its worker thread (it is
 * in no registry, and in cellgate's own process group). Read from /proc (Linux); elsewhere none.
 */
const killChildren = () => {
  let entries = [];
  try {
    entries = readdirSync("/proc");
  } catch {
    return;
  }
  for (const e of entries) {
    if (!/^\d+$/.test(e)) continue;
    try {
      const stat = readFileSync(`/proc/${e}/stat`, "utf8");
      if (Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]) === process.pid) process.kill(Number(e), "SIGKILL");
    } catch {
      // gone, or not ours
    }
  }
};
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// In the repository the sources run (cli/worker.ts, through tsx); the package ships only this
// file and the build, so there it runs dist/cli/worker.js (docs/packaging.md).
const fromSources = existsSync(new URL("./worker.ts", import.meta.url));
const root = new URL(fromSources ? "../" : "../dist/", import.meta.url);
const worker = new Worker(new URL("adapters/transport/boot.mjs", root), {
  workerData: { entry: new URL(fromSources ? "cli/worker.ts" : "cli/worker.js", root).href, argv: process.argv.slice(2), registry, progress, terminal },
});
let exited = false;
worker.on("message", (m) => {
  if (typeof m?.exitCode !== "number") return;
  process.exitCode = m.exitCode;
  // The command is done. A thread stuck in a blocking system call (a module reading a FIFO that
  // no one writes) cannot be stopped, and the process cannot exit normally while it runs (exit
  // joins every thread): after a while say so and end the process by SIGKILL.
  setTimeout(() => {
    if (exited) return;
    killAll();
    killChildren();
    process.stderr.write(`cellgate: a thread of the implementation is stuck in a blocking system call and cannot be stopped; ending the process by SIGKILL (exit ${m.exitCode} intended)\n`);
    process.kill(process.pid, "SIGKILL");
  }, STUCK_MS).unref();
});
worker.on("error", (e) => {
  console.error(`cellgate: harness error: ${String(e?.message ?? e).split("\n")[0]}`);
  process.exitCode = 2;
});
worker.on("exit", () => {
  exited = true;
  if (process.exitCode === undefined) process.exitCode = 2;
});

/** The partial summary; never lets a broken record stop the command from ending. */
const partialSummary = () => {
  try {
    return formatPartialSummary(progress);
  } catch {
    return [];
  }
};

let interrupted = false;
const onSignal = async (signal) => {
  if (interrupted) return;
  interrupted = true;
  // What was checked is what was done before the signal, not the failures the kill itself causes.
  freezeProgressRecord(progress);
  // Closed first: a harness still running (an explore worker) starts no process after this.
  Atomics.store(closed, 0, 1);
  const pids = killAll();
  killChildren();
  // The thread that owns a process clears its slot once the process group is reaped.
  for (const until = Date.now() + REAP_MS; live().length > 0 && Date.now() < until; ) {
    await sleep(10);
    killAll();
  }
  const which = pids.length === 0 ? "" : `; stopped the implementation (pid ${pids.join(", ")})`;
  for (const line of partialSummary()) process.stderr.write(`${line}\n`);
  process.stderr.write(`cellgate: interrupted by ${signal}${which}\n`);
  // Stop the command thread. One stuck in native code (reading a FIFO) cannot be stopped, and
  // then process.exit would wait for it forever: end the process by the signal itself instead
  // (its default action), which a shell reports as the same status.
  const stopped = await Promise.race([worker.terminate().then(() => true), sleep(STOP_MS).then(() => false)]);
  if (stopped) process.exit(SIGNALS[signal]);
  process.removeAllListeners(signal);
  process.kill(process.pid, signal);
};
for (const signal of Object.keys(SIGNALS)) process.on(signal, () => void onSignal(signal));
process.on("exit", () => {
  killAll();
  killChildren();
});
// A reader that went away (`cellgate check | head`) ends the command quietly, not with a stack trace.
for (const stream of [process.stdout, process.stderr]) {
  stream.on("error", (e) => {
    if (e?.code === "EPIPE") process.exit(process.exitCode ?? 0);
    throw e;
  });
}
