/**
 * The conformance check: fast-check runs random command sequences against an implementation,
 * shrinks the first failure, and the result carries the counts a report needs.
 */
import fc from "fast-check";
import type { Diagnostics, Implementation } from "../protocol/index.ts";
import { commandsArbitrary, DEFAULT_MAX_COMMANDS, ranCommands, replayPathOf, type Box, type Weights } from "./arbitrary.ts";
import type { Command, CommandKind } from "./commands.ts";
import { confirm, type Confirmed } from "./confirm.ts";
import { ORDERINGS, type Ordering } from "./orderings.ts";
import { minimize } from "./minimize.ts";
import type { ReplayResult } from "./replay.ts";
import { HarnessRun, type Failure } from "./run.ts";

/** Runs of a default check: cheap in process (a few seconds), and enough to catch every bundled variant. */
export const DEFAULT_RUNS = 10_000;

export interface CheckOptions {
  readonly runs?: number;
  readonly seed?: number;
  readonly cells?: number;
  readonly maxCommands?: number;
  readonly weights?: Weights;
  /** Replay one recorded case: fast-check path plus the command replayPath. */
  readonly path?: string;
  readonly replayPath?: string;
  /**
   * Wall-clock budget for the whole check, in ms (no budget by default). Once it is spent no new
   * run starts, the run in progress stops before its next command (and is not judged), and
   * shrinking keeps the smallest counterexample found so far.
   */
  readonly budgetMs?: number;
  /** Run the deletion pass after fast-check's shrinking (default true). */
  readonly minimize?: boolean;
}

export interface Counterexample {
  readonly commands: readonly Command[];
  readonly labels: readonly string[];
  readonly failure: Failure;
  readonly replay: ReplayResult;
  /** fast-check's path and replayPath: with the seed they replay fast-check's own shrunk case (before the deletion pass). */
  readonly path: string;
  readonly replayPath: string | undefined;
  /** Length of fast-check's shrunk case, before the deletion pass. */
  readonly fastCheckLength: number;
  readonly shrinks: number;
}

export interface CheckStats {
  /** Complete runs before the first failure (or all of them). */
  runs: number;
  /** Runs the budget cut short (not judged, not counted in `runs`). */
  cutShort: number;
  steps: number;
  checks: number;
  orderings: Record<Ordering, number>;
  /** Runs in which each ordering was hit at least once. */
  orderingRuns: Record<Ordering, number>;
  executed: Record<CommandKind, number>;
}

export interface CheckResult {
  readonly implementation: string;
  readonly seed: number;
  readonly cells: number;
  /** Runs asked for (`stats.runs` says how many were done). */
  readonly runsRequested: number;
  readonly stats: CheckStats;
  readonly counterexample: Counterexample | undefined;
  readonly durationMs: number;
  /** The budget, when one was set, and whether it ran out before the check was done. */
  readonly budget: { readonly ms: number; readonly exhausted: boolean } | undefined;
  /** What an out-of-process implementation reported about the counterexample's replay (its stderr). */
  readonly diagnostics: Diagnostics | undefined;
}

export function emptyStats(): CheckStats {
  const zero = <K extends string>(keys: readonly K[]) => Object.fromEntries(keys.map((k) => [k, 0])) as Record<K, number>;
  return {
    runs: 0,
    cutShort: 0,
    steps: 0,
    checks: 0,
    orderings: zero(ORDERINGS),
    orderingRuns: zero(ORDERINGS),
    executed: zero(["create", "yield", "complete", "terminate", "observe", "observe-cancel", "ready", "shutdown", "deliver"] as const),
  };
}

export function addRun(stats: CheckStats, run: HarnessRun): void {
  stats.runs++;
  stats.steps += run.steps;
  stats.checks += run.checks;
  for (const o of ORDERINGS) {
    stats.orderings[o] += run.orderings[o];
    if (run.orderings[o] > 0) stats.orderingRuns[o]++;
  }
  for (const k of Object.keys(stats.executed) as CommandKind[]) stats.executed[k] += run.executed[k];
}

/**
 * The property itself, for fc.check / fc.assert / test.prop: true when the run conforms. With
 * `stop`, a run stops before its next command once `stop()` is true; such a run is cut short (no
 * drain, not judged) and `onRun` is told so.
 */
export function conformanceProperty(impl: Implementation, cells: number, onRun?: (run: HarnessRun, cutShort: boolean) => void, stop?: () => boolean) {
  return (cmds: Iterable<fc.Command<Box, Box>>): boolean => {
    const run = new HarnessRun(impl, { cells });
    const box: Box = stop === undefined ? { run } : { run, stop };
    let cutShort = false;
    try {
      if (run.failure === undefined) {
        fc.modelRun(() => ({ model: box, real: box }), cmds);
        cutShort = run.failure === undefined && stop?.() === true;
        if (!cutShort) run.drain();
      }
    } finally {
      run.close();
    }
    onRun?.(run, cutShort);
    return cutShort || run.failure === undefined;
  };
}

export function check(impl: Implementation, options: CheckOptions = {}): CheckResult {
  const cells = options.cells ?? 3;
  const seed = options.seed ?? 42;
  const runsRequested = options.runs ?? DEFAULT_RUNS;
  const stats = emptyStats();
  let failed = false;
  let shrinks = 0;
  let lastFailure: Failure | undefined;
  const started = performance.now();
  const budgetMs = options.budgetMs;
  const stop = budgetMs === undefined ? undefined : () => performance.now() - started >= budgetMs;
  const property = conformanceProperty(
    impl,
    cells,
    (run, cutShort) => {
      if (run.failure !== undefined) lastFailure = run.failure;
      if (failed) {
        if (run.failure !== undefined) shrinks++;
        return;
      }
      if (cutShort) {
        stats.cutShort++;
        return;
      }
      addRun(stats, run);
      if (run.failure !== undefined) failed = true;
    },
    stop,
  );
  const arb = commandsArbitrary({
    maxCommands: options.maxCommands ?? DEFAULT_MAX_COMMANDS,
    ...(options.weights !== undefined ? { weights: options.weights } : {}),
    ...(options.replayPath !== undefined ? { replayPath: options.replayPath } : {}),
  });
  const params: fc.Parameters<[Iterable<fc.Command<Box, Box>>]> = {
    numRuns: runsRequested,
    seed,
    ...(options.path !== undefined ? { path: options.path, endOnFailure: true } : {}),
    ...(budgetMs !== undefined ? { interruptAfterTimeLimit: budgetMs } : {}),
  };
  const out = fc.check(fc.property(arb, property), params);
  let counterexample: Counterexample | undefined;
  if (out.failed && out.counterexample !== null) {
    const cmds = out.counterexample[0];
    const commands = ranCommands(cmds);
    const judged = confirm(impl, commands, cells, lastFailure);
    if (judged.failure === undefined) throw new Error("the shrunk counterexample did not fail again on replay");
    const final = options.minimize === false || stop?.() === true ? judged : minimizeConfirmed(impl, judged, cells);
    counterexample = {
      commands: final.replay.commands,
      labels: final.replay.labels,
      failure: final.failure as Failure,
      replay: final.replay,
      path: out.counterexamplePath ?? "",
      replayPath: replayPathOf(cmds),
      fastCheckLength: commands.length,
      shrinks,
    };
  } else if (out.failed && !out.interrupted) {
    throw new Error(`fast-check failed without a counterexample: ${String(out.errorInstance ?? "")}`);
  }
  const durationMs = performance.now() - started;
  const budget = budgetMs === undefined ? undefined : { ms: budgetMs, exhausted: out.interrupted || stats.cutShort > 0 };
  const diagnostics = impl.diagnostics?.();
  return { implementation: impl.name, seed, cells, runsRequested, stats, counterexample, durationMs, budget, diagnostics };
}

/**
 * The deletion pass over a confirmed counterexample, then confirmed again (the minimized list is
 * what gets reported, so it is replayed twice like any other). Timeouts and nondeterminism are
 * left as they are: minimizing would re-run a hang hundreds of times, or chase noise.
 */
function minimizeConfirmed(impl: Implementation, judged: Confirmed, cells: number): Confirmed {
  const f = judged.failure;
  if (f === undefined || f.verdict === "timeout" || f.verdict === "nondeterminism") return judged;
  const smaller = minimize(impl, judged.replay, cells);
  if (smaller === judged.replay || smaller.failure === undefined) return judged;
  return confirm(impl, smaller.commands, cells, smaller.failure);
}
