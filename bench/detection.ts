/**
 * Detection power and shrinking, from one set of runs: every bundled bug variant, every
 * scheduling strategy (uniform, swarm, pct: properties/generate/strategy.ts), the same seeds, the default
 * budget of `cellgate check` (`DEFAULT_RUNS`). Each seed gives
 * the runs up to and including the first failing one, the CPU time until that failure, the
 * length of the shrunk counterexample (and of fast-check's own shrunk case, before the deletion
 * pass of properties/shrink/minimize.ts) and the CPU time spent shrinking it.
 *
 * The time of the first failure is read without touching the check: the implementation is
 * wrapped so that every `start()` (one per run) is stamped; the run after the first failing one
 * is the first shrink attempt (or the final replay), so its stamp is when the failure was known.
 */
import { check, type Failure, type StrategyName } from "../properties/index.ts";
import type { Implementation } from "../protocol/index.ts";

export interface SeedOutcome {
  readonly seed: number;
  /** Runs up to and including the first failing run; undefined when none failed within the budget. */
  readonly runsToFailure: number | undefined;
  /** CPU milliseconds from the start of the check to the end of the first failing run. */
  readonly msToFailure: number | undefined;
  readonly shrunkLength: number | undefined;
  /** Length of fast-check's own shrunk case, before the harness's deletion pass. */
  readonly fastCheckLength: number | undefined;
  /** CPU milliseconds from the first failure to the end of the check (shrinking and the final replay). */
  readonly shrinkMs: number | undefined;
  /** The shrunk counterexample's labels (for the record). */
  readonly labels: readonly string[];
  /** How it fails: the first violated invariant, or the verdict (shrinking keeps this fixed). */
  readonly failsAs: string | undefined;
}

export interface DetectionRow {
  readonly variant: string;
  readonly strategy: string;
  readonly budget: number;
  readonly seeds: readonly SeedOutcome[];
}

/** The first violated invariant, or the verdict: what shrinking keeps fixed. */
export function failsAs(f: Failure): string {
  return f.verdict === "violation" ? (f.violations[0]?.invariant ?? "violation") : f.verdict;
}

function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

/** `impl`, with the CPU time of every `start()` written to `stamps`. */
function stamped(impl: Implementation, stamps: number[]): Implementation {
  return {
    name: impl.name,
    summary: impl.summary,
    // The version and the capabilities decide what the harness generates and reads.
    ...(impl.protocol !== undefined ? { protocol: impl.protocol } : {}),
    ...(impl.dispatch !== undefined ? { dispatch: impl.dispatch } : {}),
    start() {
      stamps.push(cpuMs());
      return impl.start();
    },
    ...(impl.diagnostics !== undefined ? { diagnostics: () => impl.diagnostics?.() ?? { stderr: "", stderrDropped: 0, starts: 0 } } : {}),
    ...(impl.dispose !== undefined ? { dispose: () => impl.dispose?.() } : {}),
  };
}

export function detect(variant: Implementation, strategy: StrategyName, seeds: readonly number[], budget: number): DetectionRow {
  const out: SeedOutcome[] = seeds.map((seed) => {
    const stamps: number[] = [];
    const t0 = cpuMs();
    const r = check(stamped(variant, stamps), { seed, runs: budget, strategy });
    const end = cpuMs();
    const ce = r.counterexample;
    if (ce === undefined) return { seed, runsToFailure: undefined, msToFailure: undefined, shrunkLength: undefined, fastCheckLength: undefined, shrinkMs: undefined, labels: [], failsAs: undefined };
    const failedAt = stamps[r.stats.runs] ?? end;
    return { seed, runsToFailure: r.stats.runs, msToFailure: failedAt - t0, shrunkLength: ce.commands.length, fastCheckLength: ce.fastCheckLength, shrinkMs: end - failedAt, labels: ce.labels, failsAs: failsAs(ce.failure) };
  });
  return { variant: variant.name, strategy, budget, seeds: out };
}
