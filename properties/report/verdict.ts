/** The one-line outcome of a check, shared by every report. */
import type { CheckResult } from "../check/check.ts";
import type { Verdict } from "../run/run.ts";

export function verdictOf(r: CheckResult): Verdict {
  return r.counterexample?.failure.verdict ?? "conforms";
}

/** "1000 runs" / "431 of 1000 runs (the 60 s budget ran out)". */
export function runsText(r: CheckResult): string {
  const done = r.stats.runs;
  if (r.budget?.exhausted === true && r.counterexample === undefined) {
    // A pass cut short says what it needed and what its runs are worth (the rule of three).
    const worth = done >= r.minRuns && done > 0 ? `; ${r.minRuns} needed (--min-runs): a fault failing 1 run in ${Math.max(1, Math.floor(done / 3))} or more would have shown with 95% confidence` : `; ${r.minRuns} needed (--min-runs)`;
    return `${done} of ${r.runsRequested} runs (the ${r.budget.ms / 1000} s budget ran out${worth})`;
  }
  return `${done} run${done === 1 ? "" : "s"}`;
}

/** The headline: "conforms (1000 runs)" / "violation after 2 runs". */
export function headline(r: CheckResult): string {
  const v = verdictOf(r);
  return v === "conforms" ? `conforms (${runsText(r)}, no invariant violated)` : `${v} after ${runsText(r)}`;
}
