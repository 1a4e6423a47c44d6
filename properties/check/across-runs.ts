/**
 * Failures that need earlier runs in the same process: the implementation keeps state across
 * `reset`. A check meets them after many runs in one process; a repro must show them alone. So
 * the commands are run in a fresh process, then again in the same process (each run after a
 * reset) up to MAX_RUNS_BEFORE more times: the first later run that ends differently from the
 * first is the failure, and how many runs came before it is recorded with the repro
 * (`runsBefore`), so that `replay` and the generated test run them too. A failure that these
 * repetitions do not bring back needed other runs of the check (the repro says so, and replay
 * calls it inconclusive rather than fixed).
 */
import type { Implementation } from "../../protocol/index.ts";
import type { Command } from "../run/commands.ts";
import { replay, type ReplayResult } from "../run/replay.ts";
import type { Failure } from "../run/run.ts";
import { MAX_REPRO_RUNS_BEFORE } from "../repro/format.ts";
import { firstDifference } from "./confirm.ts";
import { RETRY_FACTOR } from "../run/timing.ts";

/** The most runs of the same commands that may come before the one that fails (a repro file may ask for no more). */
export const MAX_RUNS_BEFORE = MAX_REPRO_RUNS_BEFORE;

export interface AcrossRuns {
  /** How the last run ended differently from the first (undefined: it did not). */
  readonly failure: Failure | undefined;
  /**
   * The first run: the commands as they ran and their trace (what a repro records and runs again;
   * the last run may have stopped early, or at its reset).
   */
  readonly replay: ReplayResult;
  /** How many runs of the commands came before it, in the same fresh process. */
  readonly runsBefore: number;
}

/** Run `commands` `runsBefore` + 1 times in one fresh process, and judge the last run against the first. */
export function acrossRuns(impl: Implementation, commands: readonly Command[], cells: number, runsBefore: number): AcrossRuns {
  const runs = sequence(impl, commands, cells, runsBefore + 1);
  const first = runs[0] as ReplayResult;
  return { failure: runsBefore === 0 ? first.failure : judged(first, runs[runsBefore] as ReplayResult, runsBefore), replay: first, runsBefore };
}

/** The fewest runs before (1 to MAX_RUNS_BEFORE) after which `commands` end differently than in a fresh process; undefined when none do. */
export function findAcrossRuns(impl: Implementation, commands: readonly Command[], cells: number): (AcrossRuns & { readonly failure: Failure }) | undefined {
  const runs = sequence(impl, commands, cells, MAX_RUNS_BEFORE + 1);
  const first = runs[0] as ReplayResult;
  for (let k = 1; k <= MAX_RUNS_BEFORE; k++) {
    const failure = judged(first, runs[k] as ReplayResult, k);
    if (failure !== undefined) return { failure, replay: first, runsBefore: k };
  }
  return undefined;
}

/**
 * `count` runs of `commands` in one fresh process. Timing is never a verdict on its own: when a
 * step of any of them misses the step timeout, the whole sequence is run again, fresh, under the
 * retry limit, and that is what is judged.
 */
function sequence(impl: Implementation, commands: readonly Command[], cells: number, count: number): ReplayResult[] {
  const once = (): ReplayResult[] => {
    const runs = [replay(impl, commands, { cells, fresh: true })];
    while (runs.length < count) runs.push(replay(impl, commands, { cells }));
    return runs;
  };
  const runs = once();
  const timing = impl.timing;
  if (timing === undefined || !runs.some((r) => r.failure?.verdict === "timeout")) return runs;
  return timing.withStepTimeout(timing.stepTimeoutMs * RETRY_FACTOR, once);
}

/**
 * Run k + 1 against run 1 of the same commands: a crash on reset after passing runs is a crash
 * (its step 0); any other difference is state-across-runs.
 */
function judged(first: ReplayResult, later: ReplayResult, k: number): Failure | undefined {
  const d = firstDifference(first, later);
  if (d === undefined) return undefined;
  const where = `run ${k + 1} of these commands in one fresh process, after ${k === 1 ? "a run" : `${k} runs`} of them`;
  const f = later.failure;
  if (first.failure === undefined && f?.verdict === "crash" && f.step === 0) return { ...f, message: `${f.message} (${where}; the first run passed)` };
  const step = d.step;
  return {
    verdict: "state-across-runs",
    step,
    message: `${where}, ended differently from the first: the implementation keeps state across reset (first run: ${d.first}; run ${k + 1}: ${d.second})`,
  };
}

