/**
 * The check as an assertion, for any test framework: run it, and throw a readable error (the
 * shrunk counterexample, what failed, how to replay) unless it ends with the expected verdict.
 */
import type { Implementation } from "../../protocol/index.ts";
import { check, type CheckOptions, type CheckResult } from "./check.ts";
import { formatCommandList, formatFailure } from "../report/format.ts";
import { headline, verdictOf } from "../report/verdict.ts";
import type { Verdict } from "../run/run.ts";

export interface ConformanceOptions extends CheckOptions {
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

/** Run the check with a fixed seed (1 unless given) and throw a ConformanceError on an unexpected verdict. */
export function assertConforms(impl: Implementation, options: ConformanceOptions = {}): CheckResult {
  const { expect = "conforms", ...rest } = options;
  const result = check(impl, { seed: 1, ...rest });
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
