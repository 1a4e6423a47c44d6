/**
 * The Markdown report (`--report md:FILE`), fit for a CI job summary (e.g. appended to
 * $GITHUB_STEP_SUMMARY): the verdict, the counts, the counterexample as numbered commands with
 * what failed, its Mermaid sequence diagram, and the implementation's stderr.
 */
import { INVARIANTS } from "../../model/index.ts";
import type { CheckResult } from "../check/check.ts";
import { formatCommandList, formatFailure, formatMinimality } from "./format.ts";
import { ORDERINGS, ORDERING_TEXT } from "../run/orderings.ts";
import { buildRepro } from "../repro/build.ts";
import { mermaid } from "../repro/mermaid.ts";
import type { ReportContext } from "./context.ts";
import { mdCode, mdFenced, printable } from "./escape.ts";
import { checkEnvelope } from "./json.ts";
import { commandsText, runsText } from "./verdict.ts";
import { slowMarkdown, slowWarnings } from "./slow.ts";

/** What the Markdown report shows beyond the result (the replay command line); see ReportContext. */
export type MarkdownOptions = ReportContext;

/** `conforms`, `does not conform (violation)`, `inconclusive (nothing was checked)`. */
export function verdictPhrase(v: string): string {
  if (v === "conforms" || v === "fixed") return v;
  return v === "inconclusive" ? "inconclusive (nothing was checked)" : `does not conform (${v})`;
}

export function markdownReport(r: CheckResult, options: MarkdownOptions = {}): string {
  const e = checkEnvelope(r, options);
  const v = e.verdict;
  const ce = r.counterexample;
  const out: string[] = [
    `## cellgate check: \`${mdCode(r.implementation)}\` ${verdictPhrase(v)}`,
    "",
    "| | |",
    "|---|---|",
    `| verdict | **${v}** |`,
    `| implementation | \`${mdCode(r.implementation)}\` |`,
    `| seed | ${r.seed}${options.seedRandom === true ? " (random)" : ""} |`,
    `| cells | ${r.cells} |`,
    `| max commands | ${r.maxCommands} |`,
    `| strategy | ${r.strategy}${r.strategy === "pct" ? ` (depth ${r.pctDepth})` : ""} |`,
    `| runs | ${runsText(r)} |`,
    `| steps | ${r.stats.steps} |`,
    `| invariant checks | ${r.stats.checks} |`,
    `| time | ${(r.durationMs / 1000).toFixed(1)} s |`,
    `| reproduce | \`${mdCode(e.reproduce)}\` |`,
    "",
    "<details><summary>Rare orderings hit</summary>",
    "",
    "| ordering | times | runs | what |",
    "|---|---:|---:|---|",
    ...ORDERINGS.map((o) => `| \`${o}\` | ${r.stats.orderings[o]} | ${r.stats.orderingRuns[o]} | ${ORDERING_TEXT[o]} |`),
    "",
    "</details>",
    "",
    ...slowMarkdown(slowWarnings(r.slow)),
  ];
  if (ce !== undefined) {
    const f = ce.failure;
    out.push(`### Counterexample (${commandsText(ce.commands.length)}, ${ce.minimality.proven ? "proven minimal" : "shrunk"})`, "", "```text", ...formatCommandList(ce.labels, ce.replay.trace, f), "```", "");
    if (f.verdict === "violation") {
      for (const x of f.violations) {
        out.push(`**violated \`${x.invariant}\`** at step ${f.step}: ${INVARIANTS[x.invariant]}`, "", `- ${printable(x.message)}`, `- expected: ${printable(x.expected)}`, `- actual: ${printable(x.actual)}`, "");
      }
    } else {
      out.push(`**${f.verdict}** at step ${f.step}:`, "", "```text", ...formatFailure(f), "```", "");
    }
    out.push(formatMinimality(ce.minimality), "");
    const repro = buildRepro({ implementation: r.implementation, seed: r.seed, cells: r.cells, result: ce.replay, failure: f });
    out.push("```mermaid", mermaid(repro).trimEnd(), "```", "");
    if (options.replayCommand !== undefined) out.push("Replay:", "", "```sh", mdFenced(options.replayCommand), "```", "");
  }
  const d = r.diagnostics;
  if (d !== undefined) {
    out.push(`<details><summary>stderr of the implementation (${d.starts} start${d.starts === 1 ? "" : "s"})</summary>`, "");
    out.push("```text", d.stderr === "" ? "(nothing)" : (d.stderrDropped > 0 ? `[${d.stderrDropped} earlier bytes left out]\n` : "") + mdFenced(d.stderr.trimEnd()), "```", "", "</details>", "");
  }
  return out.join("\n");
}
