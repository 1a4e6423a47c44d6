/**
 * The conformance check: fast-check runs random command sequences against an implementation,
 * shrinks the first failure, and the result carries the counts a report needs.
 */
import fc from "fast-check";
import type { Implementation } from "../protocol/index.ts";
import { commandsArbitrary, DEFAULT_MAX_COMMANDS, ranCommands, replayPathOf, type Box, type Weights } from "./arbitrary.ts";
import type { Command, CommandKind } from "./commands.ts";
import { ORDERINGS, type Ordering } from "./orderings.ts";
import { minimize } from "./minimize.ts";
import { replay, type ReplayResult } from "./replay.ts";
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
  /** Runs before the first failure (or all of them). */
  runs: number;
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

/** The property itself, for fc.check / fc.assert / test.prop: true when the run conforms. */
export function conformanceProperty(impl: Implementation, cells: number, onRun?: (run: HarnessRun) => void) {
  return (cmds: Iterable<fc.Command<Box, Box>>): boolean => {
    const run = new HarnessRun(impl, { cells });
    try {
      if (run.failure === undefined) {
        fc.modelRun(() => ({ model: { run }, real: { run } }), cmds);
        run.drain();
      }
    } finally {
      run.close();
    }
    onRun?.(run);
    return run.failure === undefined;
  };
}

export function check(impl: Implementation, options: CheckOptions = {}): CheckResult {
  const cells = options.cells ?? 3;
  const seed = options.seed ?? 42;
  const stats = emptyStats();
  let failed = false;
  let shrinks = 0;
  const started = performance.now();
  const property = conformanceProperty(impl, cells, (run) => {
    if (failed) {
      if (run.failure !== undefined) shrinks++;
      return;
    }
    addRun(stats, run);
    if (run.failure !== undefined) failed = true;
  });
  const arb = commandsArbitrary({
    maxCommands: options.maxCommands ?? DEFAULT_MAX_COMMANDS,
    ...(options.weights !== undefined ? { weights: options.weights } : {}),
    ...(options.replayPath !== undefined ? { replayPath: options.replayPath } : {}),
  });
  const params: fc.Parameters<[Iterable<fc.Command<Box, Box>>]> = {
    numRuns: options.runs ?? DEFAULT_RUNS,
    seed,
    ...(options.path !== undefined ? { path: options.path, endOnFailure: true } : {}),
  };
  const out = fc.check(fc.property(arb, property), params);
  const durationMs = performance.now() - started;
  let counterexample: Counterexample | undefined;
  if (out.failed && out.counterexample !== null) {
    const cmds = out.counterexample[0];
    const commands = ranCommands(cmds);
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
    };
  } else if (out.failed) {
    throw new Error(`fast-check failed without a counterexample: ${String(out.errorInstance ?? "")}`);
  }
  return { implementation: impl.name, seed, cells, stats, counterexample, durationMs };
}
