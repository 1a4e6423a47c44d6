/** The reports of `cellgate explore` and `cellgate merge`: the common envelope (JSON), Markdown and JUnit. */
import { exploreMarkdown } from "../properties/coverage/coverage-format.ts";
import type { RequirementResult } from "../properties/coverage/coverage.ts";
import { exploreSettingsOf, exploreVerdictOf, reportToJson, type ExploreContext, type ExploreReport } from "../properties/coverage/explore-report.ts";
import { commandLine, junitXml, printable, slowWarnings } from "../properties/index.ts";
import type { ReportKind } from "./reports.ts";

export function renderExploreReport(kind: ReportKind, r: ExploreReport, judged: readonly RequirementResult[], context: ExploreContext, where: { timestamp: string; hostname: string }): string {
  switch (kind) {
    case "json":
      return JSON.stringify(reportToJson(r, judged, context), null, 1) + "\n";
    case "md":
      return exploreMarkdown(r, judged, context);
    case "junit":
      return exploreJunit(r, judged, context, where);
  }
}

function exploreJunit(r: ExploreReport, judged: readonly RequirementResult[], context: ExploreContext, where: { timestamp: string; hostname: string }): string {
  const command = context.command ?? "explore";
  const verdict = exploreVerdictOf(r, judged);
  const settings = exploreSettingsOf(r, context);
  const c = r.coverage;
  const short = judged.filter((q) => !q.ok);
  const failed = verdict !== "conforms" && verdict !== "inconclusive";
  const text = [
    ...r.counterexamples.slice(0, 3).flatMap((ce) => [`seed ${ce.seed}: ${printable(ce.invariant)}`, ...ce.printed.map(printable)]),
    ...short.map((q) => `coverage ${q.name} >= ${q.min}: only ${q.actual}`),
  ].join("\n");
  return junitXml({
    suite: `cellgate ${command}`,
    classname: `cellgate.${command}`,
    name: `${r.settings.implementation} conforms over an exploration (${r.settings.cells} cell${r.settings.cells === 1 ? "" : "s"})`,
    durationMs: r.durationMs,
    timestamp: where.timestamp,
    hostname: where.hostname,
    properties: [["verdict", verdict], ...Object.entries(settings), ["runsDone", c.runs], ["steps", c.steps], ["failingSeeds", c.violations], ["distinctStates", c.states.size], ["slowSteps", r.slow.length], ["reproduce", commandLine("explore", settings)]],
    failure: failed ? { type: verdict, message: short.length > 0 && r.counterexamples.length === 0 ? "coverage below the minimum" : `${c.violations} failing seed${c.violations === 1 ? "" : "s"}`, text } : undefined,
    error: verdict === "inconclusive" ? { type: "inconclusive", message: "no run was done" } : undefined,
    stdout: slowWarnings(r.slow).join("\n"),
  });
}
