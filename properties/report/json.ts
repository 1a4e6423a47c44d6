/** The JSON report (`--report json:FILE`): stable field names, one object, for CI tooling. */
import { PROTOCOL_VERSION } from "../../protocol/index.ts";
import type { CheckResult } from "../check/check.ts";
import { formatFailure } from "./format.ts";
import { verdictOf } from "./verdict.ts";

/** Bumped when a field changes meaning or goes away (new fields do not bump it). */
export const JSON_REPORT_VERSION = 1;

export function jsonReport(r: CheckResult): unknown {
  const ce = r.counterexample;
  const f = ce?.failure;
  return {
    reportVersion: JSON_REPORT_VERSION,
    verdict: verdictOf(r),
    implementation: r.implementation,
    protocol: r.protocol ?? PROTOCOL_VERSION,
    seed: r.seed,
    cells: r.cells,
    runs: r.stats.runs,
    runsRequested: r.runsRequested,
    steps: r.stats.steps,
    checks: r.stats.checks,
    durationMs: Math.round(r.durationMs),
    budget: r.budget === undefined ? null : { seconds: r.budget.ms / 1000, exhausted: r.budget.exhausted, cutShortRuns: r.stats.cutShort },
    minRuns: r.minRuns,
    slow: r.slow.map((s) => ({ step: s.step, missed: s.missed, slowest: s.slowest, ms: Math.round(s.ms), stepTimeoutMs: s.limitMs, retryMs: s.retryMs })),
    orderings: r.stats.orderings,
    counterexample:
      ce === undefined || f === undefined
        ? null
        : {
            length: ce.commands.length,
            commands: ce.labels,
            raw: ce.commands,
            invariant: f.verdict === "violation" ? f.violations.map((x) => x.invariant).join(", ") : f.verdict,
            violations: f.verdict === "violation" ? f.violations : [],
            step: f.step,
            message: formatFailure(f).join("\n"),
            ...(f.verdict === "nondeterminism" ? { first: f.first, second: f.second } : {}),
            path: ce.path,
            replayPath: ce.replayPath ?? null,
          },
    stderr: r.diagnostics === undefined ? null : { text: r.diagnostics.stderr, dropped: r.diagnostics.stderrDropped, starts: r.diagnostics.starts },
  };
}
