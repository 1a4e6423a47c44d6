/** The JSON report of a check (`--report json:FILE`): the common envelope, then the check's fields. */
import { PROTOCOL_VERSION } from "../../protocol/index.ts";
import type { CheckResult } from "../check/check.ts";
import type { ReportContext } from "./context.ts";
import { commandLine, envelopeJson, ENVELOPE_VERSION, type Envelope } from "./envelope.ts";
import { formatFailure } from "./format.ts";
import { slowJson } from "../run/timing.ts";
import { checkSettings } from "./settings.ts";
import { verdictOf } from "./verdict.ts";

/** The version of every JSON report (the envelope's); kept under its old name. */
export const JSON_REPORT_VERSION = ENVELOPE_VERSION;

export function checkEnvelope(r: CheckResult, context: ReportContext = {}): Envelope {
  const settings = checkSettings(r, context);
  return { command: "check", verdict: verdictOf(r), implementation: r.implementation, protocol: r.protocol ?? PROTOCOL_VERSION, settings, reproduce: commandLine("check", settings) };
}

export function jsonReport(r: CheckResult, context: ReportContext = {}): Record<string, unknown> {
  const ce = r.counterexample;
  const f = ce?.failure;
  return envelopeJson(checkEnvelope(r, context), {
    seed: r.seed,
    seedRandom: context.seedRandom === true,
    cells: r.cells,
    runs: r.stats.runs,
    runsRequested: r.runsRequested,
    steps: r.stats.steps,
    checks: r.stats.checks,
    durationMs: Math.round(r.durationMs),
    budget: r.budget === undefined ? null : { seconds: r.budget.ms / 1000, exhausted: r.budget.exhausted, cutShortRuns: r.stats.cutShort },
    minRuns: r.minRuns,
    slow: r.slow.map(slowJson),
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
            minimality: { proven: ce.minimality.proven, searched: ce.minimality.searched, cells: ce.minimality.cells, dedupe: ce.minimality.dedupe ?? null, transitions: ce.minimality.transitions, reason: ce.minimality.reason ?? null },
          },
    replay: context.replayCommand ?? null,
    stderr: r.diagnostics === undefined ? null : { text: r.diagnostics.stderr, dropped: r.diagnostics.stderrDropped, starts: r.diagnostics.starts },
  });
}
