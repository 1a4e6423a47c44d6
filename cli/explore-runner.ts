/**
 * Runs the seeds of an exploration, in this thread or on worker threads, until the plan is done
 * or the time is up, and gathers the results. Counts are sums and distinct states a union, so
 * the outcome does not depend on which thread ran which seed, nor in what order they finished.
 */
import { Worker } from "node:worker_threads";
import type { Implementation } from "../protocol/index.ts";
import { addStats, emptyCoverage, type Coverage } from "../properties/coverage/coverage.ts";
import { runSeed, seedPlan, type ExploreSettings, type SeedResult, type SeedTask, type Shard } from "../properties/coverage/explore.ts";
import { reportOf, type ExploreReport } from "../properties/coverage/explore-report.ts";
import type { ImplementationSpec } from "./impl.ts";
import { processRegistry } from "../adapters/index.ts";
import { BOOT, workerEntry, workerExecArgv } from "../adapters/transport/entry.ts";

export interface RunnerOptions {
  readonly settings: ExploreSettings;
  /** What `--impl`/`--impl-cmd` said: each worker opens its own implementation from it. */
  readonly implSpec: ImplementationSpec;
  /** Total runs of the whole (unsharded) exploration; undefined: until the time is up. */
  readonly runs: number | undefined;
  readonly timeMs: number | undefined;
  readonly shard: Shard;
  readonly workers: number;
  readonly onProgress?: (p: Progress) => void;
}

export interface Progress {
  readonly seeds: number;
  readonly runs: number;
  readonly steps: number;
  readonly violations: number;
  readonly elapsedMs: number;
}

/** What a worker starts with (see explore-worker.ts). */
export interface WorkerSetup {
  /** The worker module, for the shared boot (adapters/transport/boot.mjs). */
  readonly entry: string;
  readonly settings: ExploreSettings;
  readonly implSpec: ImplementationSpec;
  /** The process registry of the command (adapters/transport/registry.ts), adopted by the worker. */
  readonly registry: SharedArrayBuffer;
}

/** Messages between the runner and a worker. */
export type ToWorker = { readonly type: "task"; readonly task: SeedTask } | { readonly type: "stop" };
export type FromWorker = { readonly type: "result"; readonly result: SeedResult } | { readonly type: "error"; readonly message: string };

export async function runExploration(impl: Implementation, options: RunnerOptions): Promise<ExploreReport> {
  const started = performance.now();
  const coverage = emptyCoverage();
  const results: SeedResult[] = [];
  const plan = seedPlan(options.settings, options.runs, options.shard);
  const timeUp = (): boolean => options.timeMs !== undefined && performance.now() - started >= options.timeMs;
  const take = (): SeedTask | undefined => {
    if (timeUp()) return undefined;
    const n = plan.next();
    return n.done === true ? undefined : n.value;
  };
  const accept = (r: SeedResult): void => {
    results.push(r);
    addStats(coverage, r.stats, r.counterexample !== undefined, r.newStates);
    options.onProgress?.(progressOf(coverage, results.length, started));
  };
  if (options.workers <= 1) {
    const seen = new Set<string>();
    for (let task = take(); task !== undefined; task = take()) accept(runSeed(impl, options.settings, task, seen));
  } else {
    await onWorkers(options, take, accept);
  }
  return reportOf(options.settings, results, coverage, performance.now() - started, impl.protocol ?? 1);
}

function progressOf(c: Coverage, seeds: number, started: number): Progress {
  return { seeds, runs: c.runs, steps: c.steps, violations: c.violations, elapsedMs: performance.now() - started };
}

/**
 * Hand out tasks one at a time to each of `workers` threads until `take` has none left; then ask
 * each worker to stop (it disposes of its implementation, which may be a child process) and wait
 * for them to exit.
 */
function onWorkers(options: RunnerOptions, take: () => SeedTask | undefined, accept: (r: SeedResult) => void): Promise<void> {
  const entry = workerEntry("./explore-worker", import.meta.url);
  return new Promise((resolve, reject) => {
    let busy = 0;
    let running = 0;
    let failure: Error | undefined;
    let stopping = false;
    const pool: Worker[] = [];
    const stopAll = (error?: Error): void => {
      if (error !== undefined && failure === undefined) failure = error;
      if (stopping) return;
      stopping = true;
      for (const w of pool) w.postMessage({ type: "stop" } satisfies ToWorker);
    };
    const feed = (w: Worker): void => {
      const task = stopping ? undefined : take();
      if (task === undefined) {
        if (busy === 0) stopAll();
        return;
      }
      busy++;
      w.postMessage({ type: "task", task } satisfies ToWorker);
    };
    for (let i = 0; i < options.workers; i++) {
      // The registry goes along so that the processes the worker starts are killed on a signal too.
      const w = new Worker(BOOT, { workerData: { entry, settings: options.settings, implSpec: options.implSpec, registry: processRegistry() } satisfies WorkerSetup, execArgv: workerExecArgv() });
      pool.push(w);
      running++;
      w.on("message", (m: FromWorker) => {
        busy--;
        if (m.type === "error") return stopAll(new Error(`worker: ${m.message}`));
        accept(m.result);
        feed(w);
      });
      w.on("error", (e) => stopAll(e instanceof Error ? e : new Error(String(e))));
      w.on("exit", (code) => {
        if (code !== 0) stopAll(new Error(`a worker exited with code ${code}`));
        if (--running > 0) return;
        if (failure !== undefined) reject(failure);
        else resolve();
      });
    }
    for (const w of pool) feed(w);
  });
}
