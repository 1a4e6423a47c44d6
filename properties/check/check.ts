/**
 * The conformance check: fast-check runs random command sequences against an implementation,
 * shrinks the first failure, and the result carries the counts a report needs.
 */
import fc from "fast-check";
import type { Diagnostics, Implementation, ProtocolVersion } from "../../protocol/index.ts";
import { commandsArbitrary, DEFAULT_MAX_COMMANDS, ranCommands, replayPathOf, weightsFor, type Box, type Weights } from "../generate/arbitrary.ts";
import { COMMAND_KINDS, type Command, type CommandKind } from "../run/commands.ts";
import { confirm, type ConfirmOptions, type Confirmed } from "./confirm.ts";
import { retryTimeout, type SlowStep } from "../run/timing.ts";
import { SOUNDNESS_EVERY, SOUNDNESS_FRESH_EVERY, SOUNDNESS_MIN_STEPS, soundnessOf, type SoundnessFinding } from "./soundness.ts";
import { settleFinding } from "./settle-finding.ts";
import { ORDERINGS, type Ordering } from "../run/orderings.ts";
import { stateHash } from "../search/abstract-state.ts";
import { zeroInvariantCounts, type InvariantCounts } from "../coverage/invariant-coverage.ts";
import { minimize } from "../shrink/minimize.ts";
import { unproven, type Minimality } from "../shrink/shortest.ts";
import type { ReplayResult } from "../run/replay.ts";
import { HarnessRun, StartFailure, type Failure, type RunOptions, type Verdict } from "../run/run.ts";
import { Scheduler, strategyArbitrary, type StrategyName, type StrategyParams } from "../generate/strategy.ts";

/**
 * The fewest complete runs a check cut short by its budget must have done to pass (default of
 * `minRuns`): with 100 passing runs, a fault that fails one run in 33 or more would have shown
 * with 95% confidence (the rule of three); fewer runs claim too little to be called a pass.
 */
export const DEFAULT_MIN_RUNS = 100;

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
  /**
   * The fewest complete runs that make a pass when the budget cuts the check short (default
   * DEFAULT_MIN_RUNS, at most `runs`); below it the check is inconclusive (`inconclusive()`).
   */
  readonly minRuns?: number;
  /**
   * Drive the longest passing run of every this many again fresh, without inspection and
   * renamed (soundness.ts; default SOUNDNESS_EVERY, 0: never).
   */
  readonly soundnessEvery?: number;
  /** Run the deletion pass after fast-check's shrinking (default true). */
  readonly minimize?: boolean;
  /** Scheduling strategy (default uniform); see strategy.ts. */
  readonly strategy?: StrategyName;
  /** PCT's bug depth (default 3). */
  readonly pctDepth?: number;
  /** A step that misses the step timeout but answers under the retry limit is a timeout (default: a warning). */
  readonly strictTime?: boolean;
  /** When given, receives the hash of every abstract state the runs reach (not the shrinking runs). */
  readonly states?: Set<string>;
  /** Called after every run (for a progress display): the counts so far, and whether shrinking has begun. */
  readonly onProgress?: (stats: Readonly<CheckStats>, phase: "running" | "shrinking") => void;
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
  /**
   * Runs of the same commands, in one fresh process, that must come before the failing one
   * (state kept across reset; see across-runs.ts); 0 for every other failure.
   */
  readonly runsBefore: number;
  /** Whether the length is proven minimal: no run of fewer commands fails the same way (shrink/shortest.ts). */
  readonly minimality: Minimality;
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
  /** How often each invariant had something to judge. */
  invariantChecks: InvariantCounts;
}

/** The verdict of a check: a failure's, `conforms`, or `inconclusive` when no run was done (the time ran out first). */
export type CheckVerdict = Verdict | "inconclusive";

export interface CheckResult {
  readonly verdict: CheckVerdict;
  readonly implementation: string;
  /** The protocol version the implementation speaks (its `protocol`, default 1). */
  readonly protocol?: ProtocolVersion;
  readonly seed: number;
  readonly cells: number;
  readonly strategy: StrategyName;
  readonly pctDepth: number;
  readonly maxCommands: number;
  /** Runs asked for (`stats.runs` says how many were done). */
  readonly runsRequested: number;
  /** The fewest runs a pass needs (the `minRuns` floor, at most `runsRequested`). */
  readonly minRuns: number;
  readonly stats: CheckStats;
  readonly counterexample: Counterexample | undefined;
  readonly durationMs: number;
  /** The budget, when one was set, and whether it ran out before the check was done. */
  readonly budget: { readonly ms: number; readonly exhausted: boolean } | undefined;
  /** Steps that missed the step timeout and answered when their run was retried under the retry limit. */
  readonly slow: readonly SlowStep[];
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
    executed: zero(COMMAND_KINDS),
    invariantChecks: zeroInvariantCounts(),
  };
}

export function addRun(stats: CheckStats, run: HarnessRun): void {
  stats.runs++;
  stats.steps += run.steps;
  stats.checks += run.checks;
  const { orderings, executed, invariantChecks } = run;
  for (const o of ORDERINGS) {
    stats.orderings[o] += orderings[o];
    if (orderings[o] > 0) stats.orderingRuns[o]++;
  }
  for (const k of Object.keys(stats.executed) as CommandKind[]) stats.executed[k] += executed[k];
  for (const k of Object.keys(stats.invariantChecks) as (keyof InvariantCounts)[]) stats.invariantChecks[k] += invariantChecks[k];
}

/**
 * The property itself, for fc.check / fc.assert / test.prop: true when the run conforms. With
 * `stop`, a run stops before its next command once `stop()` is true; such a run is cut short (no
 * drain, not judged) and `onRun` is told so.
 */
export function conformanceProperty(
  impl: Implementation,
  cells: number,
  onRun?: (run: HarnessRun, cutShort: boolean) => void,
  stop?: () => boolean,
  runOptions: RunOptions = {},
  settle?: (run: HarnessRun) => HarnessRun,
) {
  return (cmds: Iterable<fc.Command<Box, Box>>): boolean => runConforms(impl, cells, cmds, undefined, onRun, stop, runOptions, settle);
}

/** The property under a strategy: the run's parameters come first in the generated value. */
export function strategyProperty(
  impl: Implementation,
  cells: number,
  onRun?: (run: HarnessRun, cutShort: boolean) => void,
  stop?: () => boolean,
  runOptions: RunOptions = {},
  settle?: (run: HarnessRun) => HarnessRun,
) {
  return (params: StrategyParams, cmds: Iterable<fc.Command<Box, Box>>): boolean => runConforms(impl, cells, cmds, new Scheduler(params), onRun, stop, runOptions, settle);
}

function runConforms(
  impl: Implementation,
  cells: number,
  cmds: Iterable<fc.Command<Box, Box>>,
  scheduler: Scheduler | undefined,
  onRun: ((run: HarnessRun, cutShort: boolean) => void) | undefined,
  stop: (() => boolean) | undefined,
  runOptions: RunOptions,
  settle: ((run: HarnessRun) => HarnessRun) | undefined,
): boolean {
  const run = new HarnessRun(impl, { ...runOptions, cells });
  const box: Box = { run, ...(scheduler !== undefined ? { scheduler } : {}), ...(stop !== undefined ? { stop } : {}) };
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
  // A timeout is not judged by one attempt: `settle` re-runs it under the retry limit.
  const judged = !cutShort && settle !== undefined && run.failure?.verdict === "timeout" ? settle(run) : run;
  onRun?.(judged, cutShort);
  return cutShort || judged.failure === undefined;
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
  const runsRequested = options.runs ?? DEFAULT_RUNS;
  const maxCommands = options.maxCommands ?? DEFAULT_MAX_COMMANDS;
  const strategy = options.strategy ?? "uniform";
  const stats = emptyStats();
  let failed = false;
  let shrinks = 0;
  let lastFailure: Failure | undefined;
  const started = performance.now();
  const budgetMs = options.budgetMs;
  // An implementation that cannot be started again ends the check as a harness error, not a verdict.
  let startFailure: StartFailure | undefined;
  const overBudget = budgetMs === undefined ? undefined : () => performance.now() - started >= budgetMs;
  const stop = overBudget;
  // A sampled run that behaves differently when driven differently ends the check (it is not shrunk).
  let finding: SoundnessFinding | undefined;
  const every = options.soundnessEvery ?? SOUNDNESS_EVERY;
  // The longest passing run of every `every` (and of the last, shorter stretch) is sampled.
  let longest: { readonly applied: readonly Command[]; readonly steps: number } | undefined;
  let passes = 0;
  let samples = 0;
  const flush = (): void => {
    if (longest !== undefined && longest.steps >= SOUNDNESS_MIN_STEPS) finding = soundnessOf(impl, longest.applied, cells, { fresh: samples++ % SOUNDNESS_FRESH_EVERY === 0 });
    longest = undefined;
  };
  const sample = (run: HarnessRun): void => {
    if (every <= 0) return;
    if (longest === undefined || run.steps > longest.steps) longest = { applied: run.applied, steps: run.steps };
    if (++passes % every === 0) flush();
  };
  const guarded = <A extends unknown[]>(property: (...a: A) => boolean) => (...a: A): boolean => {
    if (startFailure !== undefined || finding !== undefined) return true;
    try {
      return property(...a);
    } catch (e) {
      if (!(e instanceof StartFailure)) throw e;
      startFailure = e;
      return true;
    }
  };
  const slow: SlowStep[] = [];
  const strict = options.strictTime === true ? { strictTime: true } : {};
  let firstFailing: readonly Command[] | undefined;
  let firstFailure: Failure | undefined;
  // While searching, a timeout is re-run under the retry limit before it counts; while shrinking
  // it counts as failing at once (the counterexample is confirmed under the retry limit anyway).
  const settle = (run: HarnessRun): HarnessRun => {
    if (failed || run.failure?.verdict !== "timeout") return run;
    const t = retryTimeout(impl, run.applied, run.failure, { cells, ...strict });
    if (t === undefined) return run;
    if (t.slow !== undefined) slow.push(t.slow);
    // The retry's verdict (with --strict-time, a slow step stays a timeout).
    t.result.run.failure = t.result.failure;
    return t.result.run;
  };
  const sink = options.states;
  const runOptions: RunOptions = sink === undefined ? {} : { onStep: (run) => void (failed || sink.add(stateHash(run))) };
  const onRun = (run: HarnessRun, cutShort: boolean): void => {
    if (run.failure !== undefined) lastFailure = run.failure;
    if (failed) {
      if (run.failure !== undefined) shrinks++;
    } else if (cutShort) {
      stats.cutShort++;
    } else {
      addRun(stats, run);
      if (run.failure !== undefined) {
        failed = true;
        firstFailing = run.applied;
        firstFailure = run.failure;
      } else {
        sample(run);
      }
    }
    options.onProgress?.(stats, failed ? "shrinking" : "running");
  };
  const arb = commandsArbitrary({
    maxCommands,
    weights: weightsFor(impl, options.weights),
    ...(options.replayPath !== undefined ? { replayPath: options.replayPath } : {}),
  });
  const params = {
    numRuns: runsRequested,
    seed,
    ...(options.path !== undefined ? { path: options.path, endOnFailure: true } : {}),
    ...(budgetMs !== undefined ? { interruptAfterTimeLimit: budgetMs } : {}),
  };
  // Uniform keeps the one-arbitrary property, so a seed gives exactly what it always gave.
  const out =
    strategy === "uniform"
      ? fc.check(fc.property(arb, guarded(conformanceProperty(impl, cells, onRun, stop, runOptions, settle))), params)
      : fc.check(
          fc.property(
            strategyArbitrary(strategy, { cells, maxCommands, ...(options.pctDepth !== undefined ? { pctDepth: options.pctDepth } : {}) }),
            arb,
            guarded(strategyProperty(impl, cells, onRun, stop, runOptions, settle)),
          ),
          params,
        );
  if (startFailure !== undefined) throw startFailure;
  if (!out.failed && finding === undefined && stop?.() !== true) flush();
  let counterexample: Counterexample | undefined;
  if (out.failed && out.counterexample !== null) {
    const value = out.counterexample as unknown[];
    const runParams: StrategyParams = strategy === "uniform" ? { strategy: "uniform" } : (value[0] as StrategyParams);
    const cmds = value[value.length - 1];
    const commands = effectiveCommands(impl, cells, runParams, ranCommands(cmds as Iterable<unknown>));
    let judged = confirm(impl, commands, cells, lastFailure, 2, strict);
    // A shrinking step that only timed out under load leaves a case that passes: fall back to the
    // run that failed first (its failure was already seen again under the retry limit).
    if (judged.failure === undefined && firstFailing !== undefined) judged = { ...confirm(impl, firstFailing, cells, undefined, 2, strict), slow: [...judged.slow] };
    // A step too slow for --strict-time need not be slow again: what was timed is the verdict.
    if (judged.failure === undefined && options.strictTime === true && firstFailure?.verdict === "timeout") judged = { ...judged, failure: firstFailure };
    slow.push(...judged.slow);
    if (judged.failure === undefined) throw new Error("the shrunk counterexample did not fail again on replay");
    const shrink = options.minimize !== false && stop?.() !== true;
    const notMinimized = unproven(cells, stop?.() === true ? "the time limit ran out before minimizing" : "minimizing was turned off");
    // A failure that needs earlier runs is made reproducible alone (with the runs it needs) and shrunk so.
    const final =
      judged.afterEarlierRuns === true
        ? { ...settleFinding(impl, { failure: judged.failure, replay: judged.replay }, cells, shrink ? undefined : 0), minimality: unproven(cells, BY_DELETION) }
        : shrink
          ? minimizeConfirmed(impl, judged, cells, strict)
          : { ...judged, minimality: notMinimized };
    counterexample = {
      commands: final.replay.commands,
      labels: final.replay.labels,
      failure: final.failure as Failure,
      replay: final.replay,
      path: out.counterexamplePath ?? "",
      replayPath: replayPathOf(cmds),
      fastCheckLength: commands.length,
      shrinks,
      strategy: runParams,
      runsBefore: "runsBefore" in final ? final.runsBefore : 0,
      minimality: final.minimality,
    };
  } else if (finding !== undefined) {
    // A sampled run is long (the longest of its stretch): shrunk with the replay that found it.
    const s = settleFinding(impl, finding, cells, options.minimize === false || stop?.() === true ? 0 : undefined);
    const r = s.replay;
    counterexample = { commands: r.commands, labels: r.labels, failure: s.failure, replay: r, path: "", replayPath: undefined, fastCheckLength: finding.replay.commands.length, shrinks: s.shrinks, strategy: { strategy: "uniform" }, runsBefore: s.runsBefore, minimality: unproven(cells, BY_DELETION) };
  } else if (out.failed && !out.interrupted) {
    throw new Error(`fast-check failed without a counterexample: ${String(out.errorInstance ?? "")}`);
  }
  const durationMs = performance.now() - started;
  const budget = budgetMs === undefined ? undefined : { ms: budgetMs, exhausted: out.interrupted || stats.cutShort > 0 };
  const diagnostics = impl.diagnostics?.();
  const minRuns = Math.min(options.minRuns ?? DEFAULT_MIN_RUNS, runsRequested);
  // Below the --min-runs floor a pass cut short by the time limit claims nothing.
  const verdict: CheckVerdict = counterexample?.failure.verdict ?? (stats.runs < Math.max(1, minRuns) ? "inconclusive" : "conforms");
  const pctDepth = options.pctDepth ?? 3;
  return { verdict, implementation: impl.name, protocol: impl.protocol ?? 1, seed, cells, strategy, pctDepth, maxCommands, runsRequested, minRuns, stats, counterexample, durationMs, budget, slow, diagnostics };
}

/** Why a finding shrunk by settle-finding.ts has no proven length: it is shrunk by deleting steps, with no search below it. */
const BY_DELETION = "a finding of this kind is shrunk by deleting steps only, with no search below it";

/**
 * The deletion pass over a confirmed counterexample, then confirmed again (the minimized list is
 * what gets reported, so it is replayed twice like any other). Timeouts and nondeterminism are
 * left as they are: minimizing would re-run a hang hundreds of times, or chase noise.
 */
function minimizeConfirmed(impl: Implementation, judged: Confirmed, cells: number, options: ConfirmOptions): Confirmed & { readonly minimality: Minimality } {
  const f = judged.failure;
  if (f === undefined || f.verdict === "timeout" || f.verdict === "nondeterminism" || f.verdict === "state-across-runs") return { ...judged, minimality: unproven(cells, `a ${f?.verdict ?? "passing run"} is not minimized`) };
  const { result: smaller, minimality } = minimize(impl, judged.replay, cells);
  if (smaller === judged.replay || smaller.failure === undefined) return { ...judged, minimality };
  const again = confirm(impl, smaller.commands, cells, smaller.failure, 2, options);
  // The proof is about this length and this failure: a confirmation that ends otherwise keeps no claim.
  const same = again.replay.commands.length === smaller.commands.length && again.failure?.verdict === smaller.failure.verdict;
  return { ...again, minimality: same ? minimality : unproven(cells, "the minimized run ended differently when confirmed") };
}
