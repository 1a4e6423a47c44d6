/**
 * Coverage as text for a CI log and as Markdown for a report file. Both list every command kind,
 * every invariant and every named ordering, zero or not: a zero is the finding.
 */
import { INVARIANTS } from "../../model/index.ts";
import { COMMAND_KINDS } from "../run/commands.ts";
import type { Coverage, RequirementResult } from "./coverage.ts";
import { exploreSettingsOf, exploreVerdictOf, type ExploreContext, type ExploreReport } from "./explore-report.ts";
import { commandLine } from "../report/envelope.ts";
import { mdCode, mdFenced, printable } from "../report/escape.ts";
import { INVARIANT_NAMES } from "./invariant-coverage.ts";
import { ORDERINGS, ORDERING_TEXT } from "../run/orderings.ts";
import { slowMarkdown, slowWarnings } from "../report/slow.ts";

const pad = (n: number, w = 9): string => String(n).padStart(w);

/** The coverage table: command kinds executed, invariants judged, orderings hit, distinct states. */
export function formatCoverage(c: Coverage): string[] {
  const lines = ["command kinds executed:"];
  for (const k of COMMAND_KINDS) lines.push(`  ${k.padEnd(38)} ${pad(c.executed[k])}`);
  lines.push("invariants checked (times they had something to judge):");
  for (const k of INVARIANT_NAMES) lines.push(`  ${k.padEnd(38)} ${pad(c.invariantChecks[k])}`);
  lines.push("rare orderings hit (times / runs):");
  for (const o of ORDERINGS) lines.push(`  ${o.padEnd(38)} ${pad(c.orderings[o])} / ${c.orderingRuns[o]}`);
  lines.push(`distinct abstract states (model state + in-flight messages): ${c.states.size}`);
  return lines;
}

/** One line per coverage requirement, and whether it holds. */
export function formatRequirements(results: readonly RequirementResult[]): string[] {
  return results.map((r) =>
    r.ok ? `coverage ${r.name} >= ${r.min}: ok (${r.actual})` : `coverage ${r.name} >= ${r.min}: FAILED, only ${r.actual}`,
  );
}

/** The whole report as Markdown. */
export function exploreMarkdown(r: ExploreReport, requirements: readonly RequirementResult[] = [], context: ExploreContext = {}): string {
  const c = r.coverage;
  const s = r.settings;
  const verdict = exploreVerdictOf(r, requirements);
  const command = context.command ?? "explore";
  const out = [
    `## cellgate ${command}: \`${mdCode(s.implementation)}\` ${verdict === "conforms" ? "conforms" : verdict === "inconclusive" ? "inconclusive (nothing was checked)" : `does not pass (${verdict})`}`,
    "",
    `| setting | value |`,
    `|---|---|`,
    `| verdict | **${verdict}** |`,
    `| seed | ${s.seed}${context.seedRandom === true ? " (random)" : ""} |`,
    `| cells | ${s.cells} |`,
    `| max commands | ${s.maxCommands} |`,
    `| strategy | ${s.strategy}${s.strategy === "pct" ? ` (depth ${s.pctDepth})` : ""} |`,
    `| seeds | ${r.seeds.length} (${describeSeeds(r)}), ${s.batch} runs each |`,
    `| runs | ${c.runs} |`,
    `| steps | ${c.steps} |`,
    `| failing runs | ${c.violations} |`,
    `| distinct abstract states | ${c.states.size} |`,
    `| reproduce | \`${mdCode(commandLine("explore", exploreSettingsOf(r, context)))}\` |`,
    "",
    ...slowMarkdown(slowWarnings(r.slow)),
    "### Rare orderings",
    "",
    "| ordering | times | runs | what |",
    "|---|---:|---:|---|",
    ...ORDERINGS.map((o) => `| \`${o}\` | ${c.orderings[o]} | ${c.orderingRuns[o]} | ${ORDERING_TEXT[o]} |`),
    "",
    "### Command kinds executed",
    "",
    "| kind | times |",
    "|---|---:|",
    ...COMMAND_KINDS.map((k) => `| \`${k}\` | ${c.executed[k]} |`),
    "",
    "### Invariants checked",
    "",
    "Times each invariant had something to judge (see `properties/coverage/invariant-coverage.ts`).",
    "",
    "| invariant | times | what |",
    "|---|---:|---|",
    ...INVARIANT_NAMES.map((k) => `| \`${k}\` | ${c.invariantChecks[k]} | ${INVARIANTS[k]} |`),
  ];
  if (requirements.length > 0) {
    out.push("", "### Coverage requirements", "", "| requirement | actual | |", "|---|---:|---|");
    for (const q of requirements) out.push(`| \`${q.name}\` ≥ ${q.min} | ${q.actual} | ${q.ok ? "ok" : "**FAILED**"} |`);
  }
  if (r.counterexamples.length > 0) {
    out.push("", "### Counterexamples", "");
    for (const ce of r.counterexamples) {
      out.push(`#### seed ${ce.seed}: ${mdCode(ce.invariant)} (${ce.length} command${ce.length === 1 ? "" : "s"})`, "", "```", mdFenced(ce.printed.map(printable).join("\n")), "```", "");
    }
  }
  return out.join("\n") + "\n";
}

/** `1..40` for a contiguous range, else the first and last. */
export function describeSeeds(r: Pick<ExploreReport, "seeds">): string {
  const first = r.seeds[0]?.seed;
  const last = r.seeds[r.seeds.length - 1]?.seed;
  if (first === undefined || last === undefined) return "none";
  return last - first + 1 === r.seeds.length ? `${first}..${last}` : `${first}..${last}, not contiguous`;
}
