/**
 * The JUnit XML report of a check (`--report junit:FILE`): one test case, "<implementation>
 * conforms to the cellgate protocol (N cells)", failed with the verdict as its type and the
 * counterexample as its text, in error when nothing was checked.
 */
import type { CheckResult } from "../check/check.ts";
import type { ReportContext } from "./context.ts";
import { checkEnvelope } from "./json.ts";
import { formatCommandList, formatFailure, formatMinimality } from "./format.ts";
import { junitXml } from "./junit-xml.ts";
import { slowWarnings } from "./slow.ts";
import { commandsText, headline } from "./verdict.ts";

export function junitReport(r: CheckResult, context: ReportContext = {}): string {
  const e = checkEnvelope(r, context);
  const ce = r.counterexample;
  return junitXml({
    suite: "cellgate check",
    classname: "cellgate.conformance",
    name: `${r.implementation} conforms to the cellgate protocol (${r.cells} cell${r.cells === 1 ? "" : "s"})`,
    durationMs: r.durationMs,
    timestamp: context.timestamp,
    hostname: context.hostname,
    properties: [
      ["implementation", r.implementation],
      ["verdict", e.verdict],
      ...Object.entries(e.settings),
      ["seedRandom", context.seedRandom === true],
      ["runsDone", r.stats.runs],
      ["steps", r.stats.steps],
      ["checks", r.stats.checks],
      ["slowSteps", r.slow.length],
      ["reproduce", e.reproduce],
    ],
    failure:
      ce === undefined
        ? undefined
        : {
            type: ce.failure.verdict,
            message: formatFailure(ce.failure)[0] ?? ce.failure.verdict,
            text: [headline(r), `shrunk counterexample (${commandsText(ce.commands.length)}):`, ...formatCommandList(ce.labels, ce.replay.trace, ce.failure), ...formatFailure(ce.failure), formatMinimality(ce.minimality)].join("\n"),
          },
    error: e.verdict === "inconclusive" ? { type: "inconclusive", message: headline(r) } : undefined,
    stderr: r.diagnostics?.stderr,
    stdout: slowWarnings(r.slow).join("\n"),
  });
}
