/**
 * The conformance check: fast-check runs random command sequences against an implementation,
 * shrinks the first failure, and the result carries the counts a report needs.
 */
import fc from "fast-check";
import type { Implementation } from "../protocol/index.ts";
import { commandsArbitrary, DEFAULT_MAX_COMMANDS, ranCommands, replayPathOf, type Box, type Weights } from "./arbitrary.ts";
import type { Command, CommandKind } from "./commands.ts";
import { ORDERINGS, type Ordering } from "./orderings.ts";
import { stateHash } from "./abstract-state.ts";
import { zeroInvariantCounts, type InvariantCounts } from "./invariant-coverage.ts";
import { minimize } from "./minimize.ts";
import { replay, type ReplayResult } from "./replay.ts";
import { HarnessRun, type Failure, type RunOptions } from "./run.ts";
import { Scheduler, strategyArbitrary, type StrategyName, type StrategyParams } from "./strategy.ts";

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
  /** Scheduling strategy (default uniform); see strategy.ts. */
  readonly strategy?: StrategyName;
  /** PCT's bug depth (default 3). */
  readonly pctDepth?: number;
  /** When given, receives the hash of every abstract state the runs reach (not the shrinking runs). */
  readonly states?: Set<string>;
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
  /** The failing run's strategy parameters (the commands above are already the ones it chose). */
  readonly strategy: StrategyParams;
}

export interface CheckStats {
  /** Runs before the first failure (or all of them). */
  runs: number;
  steps: number;
  checks: number;
  orderings: Record<Ordering, number>;
  /** Runs in which each ordering was hit at least once. */
  orderingRuns: Record<Ordering, number>;
  executed: Record<CommandKind, number>;
  /** How often each invariant had something to judge. */
  invariantChecks: InvariantCounts;
}

export interface CheckResult {
  readonly implementation: string;
  readonly seed: number;
  readonly cells: number;
  readonly strategy: StrategyName;
  readonly stats: CheckStats;
  readonly counterexample: Counterexample | undefined;
  readonly durationMs: number;
}

export function emptyStats(): CheckStats {
  const zero = <K extends string>(keys: readonly K[]) => Object.fromEntries(keys.map((k) => [k, 0])) as Record<K, number>;
  return {
    runs: 0,
    steps: 0,
    checks: 0,
    orderings: zero(ORDERINGS),
    orderingRuns: zero(ORDERINGS),
    executed: zero(["create", "yield", "complete", "terminate", "observe", "observe-cancel", "ready", "shutdown", "deliver"] as const),
    invariantChecks: zeroInvariantCounts(),
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
  for (const k of Object.keys(stats.invariantChecks) as (keyof InvariantCounts)[]) stats.invariantChecks[k] += run.invariantChecks[k];
}

/** The property itself, for fc.check / fc.assert / test.prop: true when the run conforms. */
export function conformanceProperty(impl: Implementation, cells: number, onRun?: (run: HarnessRun) => void, runOptions: RunOptions = {}) {
  return (cmds: Iterable<fc.Command<Box, Box>>): boolean => runConforms(impl, cells, cmds, undefined, onRun, runOptions);
}

/** The property under a strategy: the run's parameters come first in the generated value. */
export function strategyProperty(impl: Implementation, cells: number, onRun?: (run: HarnessRun) => void, runOptions: RunOptions = {}) {
  return (params: StrategyParams, cmds: Iterable<fc.Command<Box, Box>>): boolean => runConforms(impl, cells, cmds, new Scheduler(params), onRun, runOptions);
}

function runConforms(
  impl: Implementation,
  cells: number,
  cmds: Iterable<fc.Command<Box, Box>>,
  scheduler: Scheduler | undefined,
  onRun: ((run: HarnessRun) => void) | undefined,
  runOptions: RunOptions,
): boolean {
  const run = new HarnessRun(impl, { ...runOptions, cells });
  try {
    if (run.failure === undefined) {
      const box: Box = scheduler === undefined ? { run } : { run, scheduler };
      fc.modelRun(() => ({ model: box, real: box }), cmds);
      run.drain();
    }
  } finally {
    run.close();
  }
  onRun?.(run);
  return run.failure === undefined;
}

/** The commands a run under `params` executed for the commands fast-check ran (pct rewrites deliveries). */
export function effectiveCommands(impl: Implementation, cells: number, params: StrategyParams, ran: readonly Command[]): Command[] {
  if (params.strategy !== "pct") return [...ran];
  const run = new HarnessRun(impl, { cells });
  const scheduler = new Scheduler(params);
  const out: Command[] = [];
  try {
    for (const cmd of ran) {
      if (run.failure !== undefined) break;
      if (!scheduler.allows(cmd) || !run.canApply(cmd)) continue;
      const e = scheduler.effective(run, cmd);
      out.push(e);
      run.apply(e);
    }
  } finally {
    run.close();
  }
  return out;
}

export function check(impl: Implementation, options: CheckOptions = {}): CheckResult {
  const cells = options.cells ?? 3;
  const seed = options.seed ?? 42;
  const maxCommands = options.maxCommands ?? DEFAULT_MAX_COMMANDS;
  const strategy = options.strategy ?? "uniform";
  const stats = emptyStats();
  let failed = false;
  let shrinks = 0;
  const started = performance.now();
  const onRun = (run: HarnessRun): void => {
    if (failed) {
      if (run.failure !== undefined) shrinks++;
      return;
    }
    addRun(stats, run);
    if (run.failure !== undefined) failed = true;
  };
  const sink = options.states;
  const runOptions: RunOptions = sink === undefined ? {} : { onStep: (run) => void (failed || sink.add(stateHash(run))) };
  const arb = commandsArbitrary({
    maxCommands,
    ...(options.weights !== undefined ? { weights: options.weights } : {}),
    ...(options.replayPath !== undefined ? { replayPath: options.replayPath } : {}),
  });
  const params = {
    numRuns: options.runs ?? DEFAULT_RUNS,
    seed,
    ...(options.path !== undefined ? { path: options.path, endOnFailure: true } : {}),
  };
  // Uniform keeps the one-arbitrary property, so a seed gives exactly what it always gave.
  const out =
    strategy === "uniform"
      ? fc.check(fc.property(arb, conformanceProperty(impl, cells, onRun, runOptions)), params)
      : fc.check(fc.property(strategyArbitrary(strategy, { cells, maxCommands, ...(options.pctDepth !== undefined ? { pctDepth: options.pctDepth } : {}) }), arb, strategyProperty(impl, cells, onRun, runOptions)), params);
  const durationMs = performance.now() - started;
  let counterexample: Counterexample | undefined;
  if (out.failed && out.counterexample !== null) {
    const value = out.counterexample as unknown[];
    const runParams: StrategyParams = strategy === "uniform" ? { strategy: "uniform" } : (value[0] as StrategyParams);
    const cmds = value[value.length - 1];
    const commands = effectiveCommands(impl, cells, runParams, ranCommands(cmds as Iterable<unknown>));
    const first = replay(impl, commands, { cells });
    if (first.failure === undefined) throw new Error("the shrunk counterexample did not fail again on replay");
    const again = options.minimize === false ? first : minimize(impl, first, cells);
    counterexample = {
      commands: again.commands,
      labels: again.labels,
      failure: again.failure as Failure,
      replay: again,
      path: out.counterexamplePath ?? "",
      replayPath: replayPathOf(cmds),
      fastCheckLength: commands.length,
      shrinks,
      strategy: runParams,
    };
  } else if (out.failed) {
    throw new Error(`fast-check failed without a counterexample: ${String(out.errorInstance ?? "")}`);
  }
  return { implementation: impl.name, seed, cells, strategy, stats, counterexample, durationMs };
}
