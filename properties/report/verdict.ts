/** The one-line outcome of a check, shared by every report. */
import type { CheckResult, CheckVerdict } from "../check/check.ts";

/** The check's verdict: its failure's, `conforms`, or `inconclusive` when no run was done. */
export function verdictOf(r: Pick<CheckResult, "counterexample" | "stats"> & { readonly verdict?: CheckVerdict }): CheckVerdict {
  return r.verdict ?? r.counterexample?.failure.verdict ?? (r.stats.runs === 0 ? "inconclusive" : "conforms");
}

/** "1000 runs" / "431 of 1000 runs (the 60 s time limit ran out)". */
export function runsText(r: CheckResult): string {
  const done = r.stats.runs;
  if (r.budget?.exhausted === true && r.counterexample === undefined) {
    // A pass cut short says what it needed and what its runs are worth (the rule of three).
    const worth = done === 0 ? "" : done >= r.minRuns ? `; ${r.minRuns} needed (--min-runs): a fault failing 1 run in ${Math.max(1, Math.floor(done / 3))} or more would have shown with 95% confidence` : `; ${r.minRuns} needed (--min-runs)`;
    return `${done} of ${r.runsRequested} runs (the ${r.budget.ms / 1000} s time limit ran out${worth})`;
  }
  return `${done} run${done === 1 ? "" : "s"}`;
}

/** The headline: "conforms (1000 runs)" / "violation after 2 runs" / "inconclusive (...)". */
export function headline(r: CheckResult): string {
  const v = verdictOf(r);
  if (v === "inconclusive") return `inconclusive: ${runsText(r)}; ${r.stats.runs === 0 ? "nothing was checked" : "too few runs for a pass"} (raise --time or lower --min-runs)`;
  return v === "conforms" ? `conforms (${runsText(r)}, no invariant violated)` : `${v} after ${runsText(r)}`;
}

/** `1 command`, `4 commands`. */
export function commandsText(n: number): string {
  return `${n} command${n === 1 ? "" : "s"}`;
}
