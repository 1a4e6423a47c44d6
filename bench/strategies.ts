/**
 * The generation strategies the detection benchmark compares. Each is a way of running the
 * conformance check; the benchmark only needs the `CheckResult` (runs before the first failure,
 * the shrunk counterexample, the duration).
 *
 * Only `uniform` (the default command weights of `cellgate check`) exists today. Swarm and PCT
 * scheduling (`--strategy uniform|swarm|pct`) plug in here as one entry each once they are on
 * main, e.g. `{ name: "swarm", check: (impl, o) => check(impl, { ...o, strategy: "swarm" }) }`.
 */
import type { Implementation } from "../protocol/index.ts";
import { check, type CheckResult } from "../properties/index.ts";

export interface Strategy {
  readonly name: string;
  check(impl: Implementation, options: { readonly seed: number; readonly runs: number }): CheckResult;
}

export const STRATEGIES: readonly Strategy[] = [{ name: "uniform", check: (impl, options) => check(impl, options) }];
