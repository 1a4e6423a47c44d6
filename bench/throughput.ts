/**
 * Throughput: harness steps per second against the in-process reference (the whole `check`
 * path: generation, resolution, the model, every invariant after every step, the drain), next to
 * the bare `fc.modelRun` loop of bare.ts over the same generated commands. The two are measured
 * alternately in the same process (ABBA order, so drift and warm-up hit both alike), and the
 * figure that matters is their ratio.
 */
import type { Implementation } from "../protocol/index.ts";
import { reference } from "../reference/index.ts";
import { check } from "../properties/index.ts";
import { bareLoop } from "./bare.ts";
import { median, timed } from "./stats.ts";

export interface ThroughputOptions {
  /** Measured rounds, each one harness batch and one bare batch (default 6). */
  readonly rounds?: number;
  /** fast-check runs per batch (default 1000, the default `check` budget). */
  readonly runs?: number;
  /** Unmeasured batches of each first, so both are compiled before timing starts (default 2). */
  readonly warmup?: number;
}

export interface ThroughputResult {
  readonly rounds: number;
  readonly runs: number;
  /** Median harness steps per second over the rounds. */
  readonly harness: number;
  /** Median bare-loop steps per second over the rounds. */
  readonly bare: number;
  /** Median over the rounds of (bare steps/s ÷ harness steps/s): how many times slower the harness is. */
  readonly slowdown: number;
  /** Steps per run in each loop (the same generated commands; the bare loop drains less). */
  readonly harnessStepsPerRun: number;
  readonly bareStepsPerRun: number;
}

function harnessBatch(impl: Implementation, runs: number, seed: number): { steps: number; ms: number } {
  const { value, cpuMs } = timed(() => check(impl, { runs, seed }));
  if (value.counterexample !== undefined) throw new Error(`${impl.name} failed the check at seed ${seed}; throughput needs a conforming implementation`);
  return { steps: value.stats.steps, ms: cpuMs };
}

function bareBatch(impl: Implementation, runs: number, seed: number): { steps: number; ms: number } {
  const { value, cpuMs } = timed(() => bareLoop(impl, { runs, seed }));
  return { steps: value, ms: cpuMs };
}

export function measureThroughput(impl: Implementation, options: ThroughputOptions = {}): ThroughputResult {
  const rounds = options.rounds ?? 6;
  const runs = options.runs ?? 1000;
  for (let i = 0; i < (options.warmup ?? 2); i++) {
    harnessBatch(impl, runs, 1000 + i);
    bareBatch(impl, runs, 1000 + i);
  }
  const harness: number[] = [];
  const bare: number[] = [];
  const slowdown: number[] = [];
  let harnessSteps = 0;
  let bareSteps = 0;
  for (let round = 0; round < rounds; round++) {
    const seed = round + 1;
    const batches = round % 2 === 0 ? [harnessBatch, bareBatch] : [bareBatch, harnessBatch];
    const [first, second] = batches.map((b) => b(impl, runs, seed)) as [{ steps: number; ms: number }, { steps: number; ms: number }];
    const [h, b] = round % 2 === 0 ? [first, second] : [second, first];
    harness.push((h.steps / h.ms) * 1000);
    bare.push((b.steps / b.ms) * 1000);
    slowdown.push(b.steps / b.ms / (h.steps / h.ms));
    harnessSteps += h.steps;
    bareSteps += b.steps;
  }
  return {
    rounds,
    runs,
    harness: median(harness),
    bare: median(bare),
    slowdown: median(slowdown),
    harnessStepsPerRun: harnessSteps / (rounds * runs),
    bareStepsPerRun: bareSteps / (rounds * runs),
  };
}

export interface OutOfProcessResult {
  readonly label: string;
  readonly runs: number;
  readonly steps: number;
  /** Wall-clock steps per second (the child's time is not this process's CPU time). */
  readonly stepsPerSecond: number;
  /** The same runs on the harness thread against the reference, wall clock, right before. */
  readonly inProcessStepsPerSecond: number;
}

/**
 * Out-of-process throughput: `open()` gives an implementation behind an adapter (the Python
 * example over stdio); the same seed and runs go through it and through the in-process reference,
 * one after the other, wall clock.
 */
export function measureOutOfProcess(label: string, open: () => Implementation, runs: number): OutOfProcessResult {
  const local = timed(() => check(reference, { runs, seed: 1 }));
  const impl = open();
  try {
    const { value, ms } = timed(() => check(impl, { runs, seed: 1 }));
    if (value.counterexample !== undefined) throw new Error(`${label} failed the check: ${value.counterexample.failure.verdict}`);
    return { label, runs, steps: value.stats.steps, stepsPerSecond: (value.stats.steps / ms) * 1000, inProcessStepsPerSecond: (local.value.stats.steps / local.ms) * 1000 };
  } finally {
    impl.dispose?.();
  }
}
