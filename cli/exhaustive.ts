/**
 * `cellgate exhaustive`: breadth-first search over every distinct command sequence up to a
 * depth, deduplicating states; reports the size of the space, or the shortest counterexample.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { buildRepro, exhaustive, SymmetryRefused, formatCommandList, formatFailure, ORDERINGS, writeRepro, type Dedupe, type ExhaustiveResult } from "../properties/index.ts";
import type { Implementation } from "../protocol/index.ts";
import { cellsOption, implementationSpec, TIMING_OPTIONS, intOption, parse, reportTargets, secondsOption } from "./args.ts";
import { sourceOf } from "./check.ts";
import { EXIT, UsageError } from "./errors.ts";
import { commandProgress, DEFAULT_PROGRESS_EVERY_S } from "./progress.ts";
import { openImplementation, type ImplementationSpec } from "./impl.ts";

export const EXHAUSTIVE_USAGE =
  "usage: cellgate exhaustive [--impl NAME|PATH | --impl-cmd \"COMMAND\"] [--step-timeout SECONDS] [--start-timeout SECONDS] [--cells K] [--depth D] [--requests R|unbounded] [--dedupe snapshot|table|off]\n" +
  "                           [--symmetry] [--time SECONDS] [--report json:FILE] [--out DIR]";

const DEDUPES: readonly Dedupe[] = ["snapshot", "table", "off"];

export function exhaustiveCommand(args: readonly string[]): number {
  const v = parse(args, {
    impl: { type: "string" },
    "impl-cmd": { type: "string" },
    ...TIMING_OPTIONS,
    cells: { type: "string" },
    depth: { type: "string" },
    requests: { type: "string" },
    dedupe: { type: "string" },
    symmetry: { type: "boolean" },
    time: { type: "string" },
    report: { type: "string", multiple: true },
    out: { type: "string" },
    "progress-every": { type: "string" },
    quiet: { type: "boolean", short: "q" },
    help: { type: "boolean", short: "h" },
  });
  if (v.help === true) {
    console.log(EXHAUSTIVE_USAGE);
    return EXIT.conforms;
  }
  if (Array.isArray(v._) && v._.length > 0) throw new UsageError(`unexpected argument "${v._[0]}"`);
  const spec = implementationSpec(v);
  const impl = openImplementation(spec);
  try {
    return search(v, impl, spec);
  } finally {
    impl.dispose?.();
  }
}

function search(v: Record<string, unknown>, impl: Implementation, spec: ImplementationSpec): number {
  const cells = cellsOption(v, 2);
  const depth = intOption(v, "depth", 12, 1);
  // 3: the initial read (whose reply gives the turn the id), then two more waits or terminates.
  const requests = v.requests === "unbounded" ? Infinity : intOption(v, "requests", 3);
  const dedupe = v.dedupe as Dedupe | undefined;
  if (dedupe !== undefined && !DEDUPES.includes(dedupe)) throw new UsageError(`--dedupe expects ${DEDUPES.join(", ")}, got ${JSON.stringify(dedupe)}`);
  const timeMs = secondsOption(v, "time", undefined);
  const reports = reportTargets(v.report, ["json"]);
  if (dedupe === "snapshot" && !offersSnapshot(impl)) {
    throw new UsageError(`${impl.name} offers no snapshot(); use --dedupe table or --dedupe off`);
  }

  const progress = commandProgress("exhaustive", intOption(v, "progress-every", DEFAULT_PROGRESS_EVERY_S), v.quiet === true, { run: "state", step: "transition" });
  progress.begin(impl.name, { timeMs }, null);
  progress.activity("searching depth 1");
  let states = 0;
  let transitions = 0;
  let r: ExhaustiveResult;
  try {
    r = exhaustive(impl, {
    cells,
    depth,
    requests,
    ...(dedupe !== undefined ? { dedupe } : {}),
    ...(v.symmetry === true ? { symmetry: true } : {}),
    ...(timeMs !== undefined ? { timeLimitMs: timeMs } : {}),
    onLevel: (l) => {
      states += l.states;
      transitions += l.transitions;
      progress.activity(`searching depth ${l.depth + 1}`);
      progress.update({ runs: states, steps: transitions, violations: 0 }, `depth ${l.depth} done`);
    },
  });
  } catch (e) {
    if (e instanceof SymmetryRefused) throw new UsageError(e.message);
    throw e;
  } finally {
    progress.done();
  }
  for (const line of exhaustiveLines(r)) console.log(line);
  const ce = r.counterexample;
  if (ce !== undefined) {
    const dir = typeof v.out === "string" ? v.out : join("cellgate-repro", `${impl.name.replace(/[^A-Za-z0-9._-]+/g, "_")}-exhaustive`);
    writeRepro(dir, buildRepro({ implementation: impl.name, protocol: impl.protocol ?? 1, source: sourceOf(spec, impl.name), seed: null, cells, result: ce.replay }));
    console.log(`repro written to ${dir}/ (repro.json, repro.test.ts, trace.mmd, report.md)`);
    console.log(`replay: npx cellgate replay ${dir}/repro.json`);
  }
  for (const t of reports) writeFileSync(t.file, JSON.stringify(exhaustiveJson(r), null, 2) + "\n");
  return r.counterexample === undefined ? EXIT.conforms : EXIT.fails;
}

function offersSnapshot(impl: Implementation): boolean {
  const instance = impl.start();
  try {
    return instance.snapshot !== undefined && instance.restore !== undefined;
  } finally {
    instance.close?.();
  }
}

function budgetText(r: ExhaustiveResult): string {
  return Number.isFinite(r.requests) ? `at most ${r.requests} observe/terminate/tool requests per cell` : "no bound on requests";
}

const DEDUPE_TEXT: Readonly<Record<Dedupe, string>> = {
  snapshot: "model + in-flight messages + the implementation's own snapshot (exact)",
  table: "model + in-flight messages + gate table (UNSOUND: merges states that differ only inside the implementation; see docs/exploration.md)",
  off: "none (every command sequence is its own node; exact)",
};

export function exhaustiveLines(r: ExhaustiveResult): string[] {
  const seconds = r.durationMs / 1000;
  const lines = [
    `implementation: ${r.implementation}   cells: ${r.cells}   depth bound: ${r.depthBound}   requests: ${Number.isFinite(r.requests) ? `${r.requests} per cell` : "unbounded"}`,
    `dedupe: ${DEDUPE_TEXT[r.dedupe]}${r.symmetry ? "; symmetry over cell names (states equal up to renaming the cells count as one; renamed replays checked first)" : ""}`,
    `branching: ${r.branching === "restore" ? "snapshot and restore" : "replay each prefix from start()"}`,
    `new states per depth: ${r.levels.map((l) => l.states).join(" ")}`,
    `states: ${r.states}   transitions: ${r.transitions}   depth reached: ${r.depth}   time: ${seconds.toFixed(1)} s   states/s: ${seconds > 0 ? Math.round(r.states / seconds) : 0}`,
    "rare orderings hit (transitions):",
    ...ORDERINGS.map((o) => `  ${o.padEnd(38)} ${String(r.orderings[o]).padStart(9)}`),
  ];
  const ce = r.counterexample;
  if (ce !== undefined) {
    // The table abstraction can merge away a shorter path: its counterexample is real (replayed) but not proven shortest.
    const what = r.dedupe === "table" ? "counterexample, not proven shortest (table dedupe is unsound)" : "shortest counterexample";
    lines.push(`verdict: ${ce.failure.verdict}; ${what} (${ce.depth} commands, ${budgetText(r)}):`);
    lines.push(...formatCommandList(ce.labels, ce.replay.trace, ce.failure), ...formatFailure(ce.failure));
    return lines;
  }
  if (r.exhausted) {
    lines.push(`exhausted: every state reachable with ${r.cells} cell${r.cells === 1 ? "" : "s"} and ${budgetText(r)} was visited; the frontier emptied after depth ${r.depth}, below the bound ${r.depthBound}`);
  } else if (r.stoppedByTime) {
    lines.push(`stopped by --time during depth ${r.depth + 1}: depths up to ${r.depth} were explored completely`);
  } else {
    lines.push(`not exhausted: states remain beyond depth ${r.depthBound}`);
  }
  lines.push(`verdict: conforms (no invariant violated in ${r.states} states up to depth ${r.depth}, and every end-of-run drain from them passed)`);
  return lines;
}

export function exhaustiveJson(r: ExhaustiveResult): unknown {
  const ce = r.counterexample;
  return {
    format: "cellgate-exhaustive-report",
    version: 1,
    verdict: ce === undefined ? "conforms" : ce.failure.verdict,
    implementation: r.implementation,
    cells: r.cells,
    depthBound: r.depthBound,
    requests: Number.isFinite(r.requests) ? r.requests : null,
    dedupe: r.dedupe,
    symmetry: r.symmetry,
    branching: r.branching,
    states: r.states,
    transitions: r.transitions,
    depth: r.depth,
    exhausted: r.exhausted,
    stoppedByTime: r.stoppedByTime,
    levels: r.levels.map((l) => ({ depth: l.depth, states: l.states, transitions: l.transitions })),
    executed: r.executed,
    orderings: r.orderings,
    invariantChecks: r.invariantChecks,
    durationMs: Math.round(r.durationMs),
    counterexample:
      ce === undefined
        ? null
        : {
            length: ce.depth,
            commands: ce.labels,
            raw: ce.commands,
            inDrain: ce.inDrain,
            invariant: ce.failure.verdict === "violation" ? ce.failure.violations.map((x) => x.invariant).join(", ") : ce.failure.verdict,
            violations: ce.failure.verdict === "violation" ? ce.failure.violations : [],
            message: formatFailure(ce.failure).join("\n"),
          },
  };
}
