/**
 * The check as an assertion, for any test framework: run it, and throw a readable error (the
 * shrunk counterexample, what failed, how to replay) unless it ends with the expected verdict.
 */
import { check, type CheckOptions, type CheckResult } from "./check.ts";
import { formatCommandList, formatFailure } from "../report/format.ts";
import { headline, verdictOf } from "../report/verdict.ts";
import type { Verdict } from "../run/run.ts";
import { openTarget, type ConformanceTarget, type TargetOptions } from "./target.ts";

export interface ConformanceOptions extends CheckOptions, TargetOptions {
  /** The verdict the check must end with (default "conforms"); "violation" proves a known-bad variant is caught. */
  readonly expect?: Verdict;
}

/** Thrown by assertConforms; `result` is the whole check result. */
export class ConformanceError extends Error {
  override readonly name = "ConformanceError";
  constructor(
    message: string,
    readonly result: CheckResult,
  ) {
    super(message);
  }
}

/**
 * Run the check with a fixed seed (1 unless given) and throw a ConformanceError on an unexpected
 * verdict. An implementation given in process must be given as its module (or with
 * `inThread: true`), so that it runs in a worker thread: see target.ts.
 */
export function assertConforms(target: ConformanceTarget, options: ConformanceOptions = {}): CheckResult {
  const { expect = "conforms", inThread, exportName, stepTimeoutMs, startTimeoutMs, ...rest } = options;
  const targetOptions = { ...(inThread !== undefined ? { inThread } : {}), ...(exportName !== undefined ? { exportName } : {}), ...(stepTimeoutMs !== undefined ? { stepTimeoutMs } : {}), ...(startTimeoutMs !== undefined ? { startTimeoutMs } : {}) };
  const impl = openTarget(target, targetOptions);
  let result: CheckResult;
  try {
    result = check(impl, { seed: 1, ...rest });
  } finally {
    // What this call started (a module's worker, a factory's process) is stopped here.
    if (impl !== target) impl.dispose?.();
  }
  const verdict = verdictOf(result);
  if (verdict !== expect) throw new ConformanceError(conformanceText(result, expect), result);
  return result;
}

/** The text of a check result that did not end as expected: what was expected, then the counterexample. */
export function conformanceText(result: CheckResult, expected: Verdict = "conforms"): string {
  const lines = [`${result.implementation}: expected the cellgate check to end with "${expected}", got ${headline(result)} (seed ${result.seed})`];
  const ce = result.counterexample;
  if (ce !== undefined) {
    lines.push(`shrunk counterexample (${ce.commands.length} commands):`, ...formatCommandList(ce.labels, ce.replay.trace, ce.failure), ...formatFailure(ce.failure));
    const stderr = result.diagnostics?.stderr.trimEnd() ?? "";
    if (stderr !== "") lines.push("implementation stderr:", ...stderr.split("\n").slice(-20).map((l) => `  | ${l}`));
  }
  return lines.join("\n");
}
