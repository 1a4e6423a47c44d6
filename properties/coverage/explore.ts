/**
 * Long exploration as many independent fast-check checks with successive seeds. Seed k of an
 * exploration is `base + k` and runs `batch` command sequences (the last one fewer, when the run
 * count is not a multiple). A shard i/n takes the seeds with k ≡ i−1 (mod n): disjoint slices
 * that together are the unsharded exploration, so their merged counts equal its counts. Each
 * seed's result is plain data, so it can come from a worker thread.
 */
import type { Implementation } from "../../protocol/index.ts";
import { check, type CheckStats } from "../check/check.ts";
import type { Command } from "../run/commands.ts";
import { formatCommandList, formatFailure } from "../report/format.ts";
import type { StrategyName } from "../generate/strategy.ts";
import type { SlowStep } from "../run/timing.ts";

/** Everything that decides what a seed generates (a report carries it; merge requires equality). */
export interface ExploreSettings {
  readonly implementation: string;
  readonly cells: number;
  readonly maxCommands: number;
  readonly strategy: StrategyName;
  readonly pctDepth: number;
  /** Runs per seed. */
  readonly batch: number;
  /** Seed of the first batch. */
  readonly seed: number;
  /** A slow step (answered only under the retry limit) is a timeout (`--strict-time`). */
  readonly strictTime?: boolean;
  /** Fewest runs a pass cut short by the time limit needs (`--min-runs`); below it: inconclusive. */
  readonly minRuns?: number;
}

export interface Shard {
  /** 1-based. */
  readonly index: number;
  readonly count: number;
}

export interface SeedTask {
  readonly seed: number;
  readonly runs: number;
}

/** A counterexample as reports carry it. */
export interface FoundCounterexample {
  readonly seed: number;
  readonly length: number;
  readonly labels: readonly string[];
  readonly commands: readonly Command[];
  /** Violated invariants (comma-separated), or the verdict (crash, protocol-error). */
  readonly invariant: string;
  /** What `check` prints for it: the numbered commands, the drain steps, the failure in words. */
  readonly printed: readonly string[];
  /** Runs of the same commands that must come before the failing one (state kept across reset); absent: none. */
  readonly runsBefore?: number;
}

/** A slow step (it answered only under the retry limit) and the seed whose check saw it. */
export interface SeedSlow extends SlowStep {
  readonly seed: number;
}

export interface SeedResult {
  readonly task: SeedTask;
  readonly stats: CheckStats;
  readonly counterexample: FoundCounterexample | undefined;
  /** Steps of this seed's check that missed the step timeout and answered under the retry limit. */
  readonly slow: readonly SeedSlow[];
  /** Abstract-state hashes this seed reached that its executor had not seen before. */
  readonly newStates: readonly string[];
}

/**
 * The seeds of an exploration, in order: all of them (runs = undefined: until stopped), or as
 * many as `runs` needs; only the shard's slice.
 */
export function* seedPlan(settings: Pick<ExploreSettings, "seed" | "batch">, runs: number | undefined, shard: Shard = { index: 1, count: 1 }): Generator<SeedTask> {
  const seeds = runs === undefined ? Infinity : Math.ceil(runs / settings.batch);
  for (let k = shard.index - 1; k < seeds; k += shard.count) {
    const left = runs === undefined ? settings.batch : Math.min(settings.batch, runs - k * settings.batch);
    yield { seed: settings.seed + k, runs: left };
  }
}

/** Run one seed; `seen` is the executor's set of state hashes (new ones are returned). */
export function runSeed(impl: Implementation, settings: ExploreSettings, task: SeedTask, seen: Set<string>): SeedResult {
  const states = new Set<string>();
  const r = check(impl, {
    runs: task.runs,
    seed: task.seed,
    cells: settings.cells,
    maxCommands: settings.maxCommands,
    strategy: settings.strategy,
    pctDepth: settings.pctDepth,
    ...(settings.strictTime === true ? { strictTime: true } : {}),
    states,
  });
  const newStates: string[] = [];
  for (const h of states) {
    if (seen.has(h)) continue;
    seen.add(h);
    newStates.push(h);
  }
  const ce = r.counterexample;
  const counterexample: FoundCounterexample | undefined =
    ce === undefined
      ? undefined
      : {
          seed: task.seed,
          length: ce.commands.length,
          labels: ce.labels,
          commands: ce.commands,
          invariant: ce.failure.verdict === "violation" ? [...new Set(ce.failure.violations.map((v) => v.invariant))].join(", ") : ce.failure.verdict,
          printed: [...formatCommandList(ce.labels, ce.replay.trace, ce.failure), ...formatFailure(ce.failure)],
          ...(ce.runsBefore > 0 ? { runsBefore: ce.runsBefore } : {}),
        };
  const slow = r.slow.map((s) => ({ ...s, seed: task.seed }));
  return { task, stats: r.stats, counterexample, slow, newStates };
}

/** Parse `i/n` (1 ≤ i ≤ n); a reason on bad input. */
export function parseShard(text: string): { ok: true; value: Shard } | { ok: false; error: string } {
  const m = /^(\d+)\/(\d+)$/.exec(text);
  const index = Number(m?.[1]);
  const count = Number(m?.[2]);
  if (m === null || count < 1 || index < 1 || index > count) return { ok: false, error: `--shard expects i/n with 1 ≤ i ≤ n, got ${JSON.stringify(text)}` };
  return { ok: true, value: { index, count } };
}
