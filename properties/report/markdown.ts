/**
 * The Markdown report (`--report md:FILE`), fit for a CI job summary (e.g. appended to
 * $GITHUB_STEP_SUMMARY): the verdict, the counts, the counterexample as numbered commands with
 * what failed, its Mermaid sequence diagram, and the implementation's stderr.
 */
import { INVARIANTS } from "../../model/index.ts";
import type { CheckResult } from "../check/check.ts";
import { formatCommandList, formatFailure } from "./format.ts";
import { ORDERINGS, ORDERING_TEXT } from "../run/orderings.ts";
import { buildRepro } from "../repro/build.ts";
import { mermaid } from "../repro/mermaid.ts";
import { runsText, verdictOf } from "./verdict.ts";

export interface MarkdownOptions {
  /** The command line that replays the counterexample (shown as is). */
  readonly replayCommand?: string;
}

export function markdownReport(r: CheckResult, options: MarkdownOptions = {}): string {
  const v = verdictOf(r);
  const ce = r.counterexample;
  const out: string[] = [
    `## cellgate check: \`${r.implementation}\` ${v === "conforms" ? "conforms" : `does not conform (${v})`}`,
    "",
    "| | |",
    "|---|---|",
    `| verdict | **${v}** |`,
    `| implementation | \`${r.implementation}\` |`,
    `| seed | ${r.seed} |`,
    `| cells | ${r.cells} |`,
    `| runs | ${runsText(r)} |`,
    `| steps | ${r.stats.steps} |`,
    `| invariant checks | ${r.stats.checks} |`,
    `| time | ${(r.durationMs / 1000).toFixed(1)} s |`,
    "",
    "<details><summary>Rare orderings hit</summary>",
    "",
    "| ordering | times | runs | what |",
    "|---|---:|---:|---|",
    ...ORDERINGS.map((o) => `| \`${o}\` | ${r.stats.orderings[o]} | ${r.stats.orderingRuns[o]} | ${ORDERING_TEXT[o]} |`),
    "",
    "</details>",
    "",
  ];
  if (ce !== undefined) {
    const f = ce.failure;
    out.push(`### Counterexample (${ce.commands.length} commands, shrunk)`, "", "```text", ...formatCommandList(ce.labels, ce.replay.trace, f), "```", "");
    if (f.verdict === "violation") {
      for (const x of f.violations) {
        out.push(`**violated \`${x.invariant}\`** at step ${f.step}: ${INVARIANTS[x.invariant]}`, "", `- ${x.message}`, `- expected: ${x.expected}`, `- actual: ${x.actual}`, "");
      }
    } else {
      out.push(`**${f.verdict}** at step ${f.step}:`, "", "```text", ...formatFailure(f), "```", "");
    }
    const repro = buildRepro({ implementation: r.implementation, seed: r.seed, cells: r.cells, result: ce.replay, failure: f });
    out.push("```mermaid", mermaid(repro).trimEnd(), "```", "");
    if (options.replayCommand !== undefined) out.push("Replay:", "", "```sh", options.replayCommand, "```", "");
  }
  const d = r.diagnostics;
  if (d !== undefined) {
    out.push(`<details><summary>stderr of the implementation (${d.starts} start${d.starts === 1 ? "" : "s"})</summary>`, "");
    out.push("```text", d.stderr === "" ? "(nothing)" : (d.stderrDropped > 0 ? `[${d.stderrDropped} earlier bytes left out]\n` : "") + d.stderr.replace(/```/g, "'''").trimEnd(), "```", "", "</details>", "");
  }
  return out.join("\n");
}
