#!/usr/bin/env node
// Entry point of the `cellgate` command. The command itself runs in a worker thread (TypeScript
// through tsx, see worker.ts): the harness is synchronous and may block for a whole check, so this
// thread stays free to answer SIGINT/SIGTERM. On a signal, and on any exit, it kills every
// implementation process the command started (they are recorded in shared memory) and waits
// until they are reaped.
import { existsSync } from "node:fs";
import { Worker } from "node:worker_threads";
import { createProgressRecord, formatPartialSummary } from "./progress-record.mjs";

const registry = new SharedArrayBuffer(64 * 4);
// What the command has done so far (progress-record.mjs), printed as a partial summary on a signal.
const progress = createProgressRecord();
// A worker thread's process.stderr is no terminal; the command learns the facts from here.
const terminal = { stdoutIsTTY: process.stdout.isTTY === true, stderrIsTTY: process.stderr.isTTY === true, columns: process.stderr.columns || 80 };
const slots = new Int32Array(registry);
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

// In the repository the sources run (cli/worker.ts, through tsx); the package ships only this
// file and the build, so there it runs dist/cli/worker.js (docs/packaging.md).
const fromSources = existsSync(new URL("./worker.ts", import.meta.url));
const root = new URL(fromSources ? "../" : "../dist/", import.meta.url);
const worker = new Worker(new URL("adapters/transport/boot.mjs", root), {
  workerData: { entry: new URL(fromSources ? "cli/worker.ts" : "cli/worker.js", root).href, argv: process.argv.slice(2), registry, progress, terminal },
});
worker.on("message", (m) => {
  if (typeof m?.exitCode === "number") process.exitCode = m.exitCode;
});
worker.on("error", (e) => {
  console.error(`cellgate: harness error: ${String(e?.message ?? e).split("\n")[0]}`);
  process.exitCode = 2;
});
worker.on("exit", () => {
  if (process.exitCode === undefined) process.exitCode = 2;
});

let interrupted = false;
const onSignal = (signal) => {
  if (interrupted) return;
  interrupted = true;
  const pids = killAll();
  const until = Date.now() + 2000;
  const finish = () => {
    const which = pids.length === 0 ? "" : `; stopped the implementation (pid ${pids.join(", ")})`;
    for (const line of formatPartialSummary(progress)) process.stderr.write(`${line}\n`);
    process.stderr.write(`cellgate: interrupted by ${signal}${which}\n`);
    process.exit(signal === "SIGINT" ? 130 : 143);
  };
  // The worker that owns a process clears its slot once the process is reaped.
  const wait = () => (live().length === 0 || Date.now() > until ? finish() : setTimeout(wait, 10));
  wait();
};
process.on("SIGINT", () => onSignal("SIGINT"));
process.on("SIGTERM", () => onSignal("SIGTERM"));
process.on("exit", killAll);
// A reader that went away (`cellgate check | head`) ends the command quietly, not with a stack trace.
for (const stream of [process.stdout, process.stderr]) {
  stream.on("error", (e) => {
    if (e?.code === "EPIPE") process.exit(process.exitCode ?? 0);
    throw e;
  });
}
