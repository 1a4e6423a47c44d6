/**
 * Plain-text rendering of results for a CI log: the counterexample as numbered commands, the
 * violated invariants in words with expected vs actual.
 */
import { INVARIANTS } from "../../model/index.ts";
import type { Failure, StepRecord } from "../run/run.ts";
import type { CheckResult } from "../check/check.ts";
import type { Minimality } from "../shrink/shortest.ts";
import { ORDERINGS } from "../run/orderings.ts";
import { printable } from "./escape.ts";

export function formatFailure(f: Failure): string[] {
  switch (f.verdict) {
    case "violation":
      return f.violations.flatMap((v) => [
        `violated ${v.invariant}: ${INVARIANTS[v.invariant]}`,
        `  ${printable(v.message)}`,
        `  expected: ${printable(v.expected)}`,
        `  actual:   ${printable(v.actual)}`,
      ]);
    case "crash":
      return [`crash at step ${f.step}: ${printable(f.message)}`];
    case "timeout":
      return [`timeout at step ${f.step}: ${printable(f.message)}`];
    case "protocol-error":
      return [`protocol error at step ${f.step}: ${printable(f.message)}`];
    case "livelock":
    case "inspection-dependent":
    case "state-across-runs":
    case "rename-dependent":
      return [`${f.verdict} at step ${f.step}: ${printable(f.message)}`];
    case "nondeterminism":
      return [`nondeterminism at step ${f.step}: ${printable(f.message)}`, `  first replay:  ${printable(f.first)}`, `  second replay: ${printable(f.second)}`];
  }
}

const FAILS_HERE = "   <-- fails here";
/** Drain steps printed at each end of a long drain. */
const DRAIN_SHOWN = 12;

/**
 * `1. create c1` ... with the drain steps (if the failure came at the end of the run) after them,
 * and `<-- fails here` on the step that failed, whatever the verdict.
 */
export function formatCommandList(labels: readonly string[], trace: readonly StepRecord[], failure: Failure | undefined): string[] {
  const commandSteps = trace.filter((s) => !s.drain).map((s) => s.step);
  const stepOf = (i: number): number => (commandSteps.length === labels.length ? (commandSteps[i] as number) : i + 1);
  const lines = labels.map((l, i) => `${String(i + 1).padStart(3)}. ${printable(l)}${failure !== undefined && stepOf(i) === failure.step ? FAILS_HERE : ""}`);
  const drain = trace.filter((s) => s.drain);
  if (drain.length > 0) {
    lines.push("     then the end-of-run drain:");
    // A livelocked drain runs to its bound: its middle is the same few deliveries over and over.
    const shown = drain.length > DRAIN_SHOWN * 2 ? [...drain.slice(0, DRAIN_SHOWN), undefined, ...drain.slice(-DRAIN_SHOWN)] : drain;
    for (const s of shown) {
      if (s === undefined) lines.push(`          ... ${drain.length - 2 * DRAIN_SHOWN} more drain steps ...`);
      else lines.push(`     ${String(s.step).padStart(3)}. ${printable(s.label)}${failure !== undefined && s.step === failure.step ? FAILS_HERE : ""}`);
    }
  }
  // A step that crashed, hung or answered badly is not in the trace (it never completed): name it.
  if (failure !== undefined && !lines.some((l) => l.endsWith(FAILS_HERE)) && !drain.some((s) => s.step === failure.step)) {
    const indent = drain.length > 0 ? "     " : "";
    lines.push(`${indent}${String(failure.step).padStart(3)}. (the step that failed, see below)${FAILS_HERE}`);
  }
  return lines;
}

export function formatSummary(r: CheckResult): string[] {
  const s = r.stats;
  const lines = [
    `implementation: ${printable(r.implementation)}   seed: ${r.seed}   cells: ${r.cells}   max-commands: ${r.maxCommands}   strategy: ${r.strategy === "pct" ? `pct (depth ${r.pctDepth})` : r.strategy}`,
    `runs: ${s.runs}   steps: ${s.steps}   invariant checks: ${s.checks}   time: ${(r.durationMs / 1000).toFixed(1)} s`,
    "rare orderings hit (times / runs):",
  ];
  for (const o of ORDERINGS) lines.push(`  ${o.padEnd(38)} ${String(s.orderings[o]).padStart(7)} / ${s.orderingRuns[o]}`);
  return lines;
}

/** One line saying whether a counterexample's length is proven minimal, and within which bounds. */
export function formatMinimality(m: Minimality): string {
  const cells = `${m.cells} cell${m.cells === 1 ? "" : "s"}`;
  const how = m.dedupe === "off" ? "every command sequence" : m.dedupe === "inputs" ? "states keyed by each party's inputs" : "exact deduplication by snapshot";
  if (m.proven) return `minimal: proven, no run of fewer commands fails this way (breadth-first over ${how}, at most ${cells}, ${m.transitions} transitions)`;
  if (m.searched < 0) return `minimal: not proven, shrunk only (${m.reason ?? "no search ran"})`;
  return `minimal: not proven, shrunk only; no run of up to ${m.searched} command${m.searched === 1 ? "" : "s"} fails this way (at most ${cells}): ${m.reason ?? "the search was cut short"}`;
}
