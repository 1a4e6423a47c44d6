/**
 * `cellgate merge FILE...`: sum the JSON reports of explorations that ran disjoint seeds with the
 * same settings (the shards of one exploration), print the merged coverage, and gate on it like
 * `explore` does. Each file is checked (a regular file of bounded size, a well-formed report whose
 * counts agree with what it lists) before anything is merged.
 */
import { judgeCoverage } from "../properties/coverage/coverage.ts";
import { formatCoverage, formatRequirements } from "../properties/coverage/coverage-format.ts";
import { mergeReports, reportFromJson, type ExploreReport } from "../properties/coverage/explore-report.ts";
import { slowWarnings } from "../properties/report/slow.ts";
import { parse } from "./args.ts";
import { EXIT, UsageError } from "./errors.ts";
import { renderExploreReport } from "./explore-output.ts";
import { exploreSummary, exploreVerdict, formatCounterexamples, MIN_COVERAGE, requirementsOption } from "./explore.ts";
import { readBoundedFile } from "./files.ts";
import { helpText, type CommandSpec } from "./grammar.ts";
import { O } from "./options.ts";
import { reportTargets, whereAndWhen, writeReports } from "./reports.ts";

/** The largest report file merge reads (a long exploration's state hashes run to tens of MB). */
export const MAX_REPORT_BYTES = 512 * 1024 * 1024;

export const MERGE: CommandSpec = {
  name: "merge",
  brief: "sum the JSON reports of explore shards",
  summary: "Sum the JSON reports of explore shards (disjoint seeds, same settings), print the merged coverage and gate on it.",
  positionals: "REPORT.json...",
  maxPositionals: Infinity,
  options: [O.report, MIN_COVERAGE],
  notes: ["exit codes: 0 conforms (and coverage met), 1 a failing seed or coverage below a minimum, 2 usage error or a bad report file"],
  examples: [["shard1.json shard2.json shard3.json shard4.json --report md:coverage.md", "sum four explore shards, coverage as Markdown"]],
};

export function mergeCommand(args: readonly string[]): number {
  const v = parse(MERGE, args);
  if (v.help === true) {
    console.log(helpText(MERGE));
    return EXIT.conforms;
  }
  const files = v._;
  if (files.length === 0) throw new UsageError(`no report files given; see cellgate merge --help`);
  const requirements = requirementsOption(v["min-coverage"]);
  const targets = reportTargets(v.report);
  const reports = files.map(readReport);
  const merged = mergeReports(reports);
  if (!merged.ok) throw new UsageError(merged.error);
  const report = merged.value;
  const judged = judgeCoverage(report.coverage, requirements);
  console.log(`merged ${files.length} report${files.length === 1 ? "" : "s"}`);
  for (const line of exploreSummary(report, undefined, undefined)) console.log(line);
  for (const line of slowWarnings(report.slow)) console.log(line);
  for (const line of formatCoverage(report.coverage)) console.log(line);
  for (const line of formatCounterexamples(report)) console.log(line);
  for (const line of formatRequirements(judged)) console.log(line);
  const verdict = exploreVerdict(report, judged);
  console.log(verdict.line);
  const where = whereAndWhen();
  const context = { command: "merge" as const, plan: { "min-coverage": requirements.length === 0 ? null : requirements.map((q) => `${q.name}=${q.min}`).join(" ") } };
  writeReports(targets, (kind) => renderExploreReport(kind, report, judged, context, where));
  return verdict.exit;
}

function readReport(file: string): ExploreReport {
  const text = readBoundedFile(file, MAX_REPORT_BYTES, "report");
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
