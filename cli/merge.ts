/**
 * `cellgate merge FILE...`: sum the JSON reports of explorations that ran disjoint seeds with the
 * same settings (the shards of one exploration), print the merged coverage, and gate on it like
 * `explore` does.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { judgeCoverage } from "../properties/coverage/coverage.ts";
import { formatCoverage, formatRequirements, exploreMarkdown } from "../properties/coverage/coverage-format.ts";
import { mergeReports, reportFromJson, reportToJson, type ExploreReport } from "../properties/coverage/explore-report.ts";
import { parse, reportTargets } from "./args.ts";
import { EXIT, UsageError } from "./errors.ts";
import { exploreSummary, exploreVerdict, formatCounterexamples, requirementsOption } from "./explore.ts";

export const MERGE_USAGE = "usage: cellgate merge REPORT.json... [--report json:FILE|md:FILE] [--min-coverage NAME=N]...";

export function mergeCommand(args: readonly string[]): number {
  const v = parse(args, {
    report: { type: "string", multiple: true },
    "min-coverage": { type: "string", multiple: true },
    help: { type: "boolean", short: "h" },
  });
  if (v.help === true) {
    console.log(MERGE_USAGE);
    return EXIT.conforms;
  }
  const files = Array.isArray(v._) ? v._ : [];
  if (files.length === 0) throw new UsageError(`no report files given (${MERGE_USAGE})`);
  const requirements = requirementsOption(v["min-coverage"]);
  const targets = reportTargets(v.report, ["json", "md"]);
  const reports = files.map(readReport);
  const merged = mergeReports(reports);
  if (!merged.ok) throw new UsageError(merged.error);
  const report = merged.value;
  const judged = judgeCoverage(report.coverage, requirements);
  console.log(`merged ${files.length} report${files.length === 1 ? "" : "s"}`);
  for (const line of exploreSummary(report, undefined, undefined)) console.log(line);
  for (const line of formatCoverage(report.coverage)) console.log(line);
  for (const line of formatCounterexamples(report)) console.log(line);
  for (const line of formatRequirements(judged)) console.log(line);
  const verdict = exploreVerdict(report, judged);
  console.log(verdict.line);
  for (const t of targets) {
    writeFileSync(t.file, t.kind === "json" ? JSON.stringify(reportToJson(report), null, 1) + "\n" : exploreMarkdown(report, judged));
  }
  return verdict.exit;
}

function readReport(file: string): ExploreReport {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (e) {
    throw new UsageError(`cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new UsageError(`${file} is not valid JSON (truncated?)`);
  }
  const r = reportFromJson(json);
  if (!r.ok) throw new UsageError(`${file}: ${r.error}`);
  return r.value;
}
