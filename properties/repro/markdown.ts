/** The human report (`report.md`): numbered commands, the failing step with the state before and after, the invariant in words. */
import { INVARIANTS, type InvariantName } from "../../model/index.ts";
import type { ReproFile } from "./format.ts";
import { mermaid } from "./mermaid.ts";
import { mdCode } from "../report/escape.ts";

function tableText(rows: readonly { cell: string; kind: string }[]): string {
  return rows.length === 0 ? "(empty)" : rows.map((e) => `${e.cell}: ${e.kind}`).join(", ");
}

export function reportMarkdown(repro: ReproFile): string {
  const f = repro.failure;
  const out: string[] = [];
  out.push(`# cellgate: \`${mdCode(repro.implementation)}\` does not conform`, "");
  out.push(`- verdict: **${f.verdict}** at step ${f.step}`);
  if (repro.seed !== null) out.push(`- seed: ${repro.seed}, cells: ${repro.cells}`);
  else out.push(`- cells: ${repro.cells}`);
  if (repro.runsBefore !== undefined) out.push(`- runs before: the commands run ${repro.runsBefore + 1} times in one fresh process; the last run is the one that fails (state kept across reset)`);
  out.push(`- protocol version ${repro.protocolVersion}, repro format ${repro.formatVersion}`, "");
  if (f.verdict === "violation") {
    out.push("## Violated invariants", "");
    for (const v of f.violations) {
      out.push(`- **${v.invariant}** — ${INVARIANTS[v.invariant as InvariantName] ?? v.invariant}`);
      out.push(`  - ${v.message}`, `  - expected: ${v.expected}`, `  - actual: ${v.actual}`);
    }
  } else {
    out.push("## What went wrong", "", `${f.message ?? f.verdict}`);
  }
  out.push("", `## Commands (${repro.labels.length})`, "");
  repro.labels.forEach((l, i) => out.push(`${i + 1}. \`${l}\``));
  const drain = repro.trace.filter((s) => s.drain);
  if (drain.length > 0) {
    out.push("", "Then the end-of-run drain (deliver everything, readiness, finish every cell, read every outcome):", "");
    for (const s of drain) out.push(`- step ${s.step}: \`${s.label}\`${s.step === f.step ? " ← fails here" : ""}`);
  }
  const i = repro.trace.findIndex((s) => s.step === f.step);
  if (i >= 0) {
    const step = repro.trace[i];
    const before = i > 0 ? repro.trace[i - 1] : undefined;
    if (step !== undefined) {
      out.push("", `## The failing step: ${step.step}. \`${step.label}\``, "");
      out.push("| | before | after |", "|---|---|---|");
      out.push(`| gate table | ${tableText(before?.table ?? [])} | ${tableText(step.table)} |`);
      out.push(`| in flight | ${(before?.inFlight ?? []).join("<br>") || "(nothing)"} | ${step.inFlight.join("<br>") || "(nothing)"} |`);
      out.push(`| emitted | | ${step.emitted.join(", ") || "(nothing)"} |`);
    }
  }
  out.push("", "## Sequence", "", "```mermaid", mermaid(repro).trimEnd(), "```", "");
  out.push("## Replay", "", "```sh", "npx cellgate replay repro.json", "```", "");
  out.push("`repro.test.ts` in this folder is a vitest regression test: copy it into `test/`; it fails while the bug is there.", "");
  return out.join("\n");
}
