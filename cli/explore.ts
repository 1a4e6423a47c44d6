/**
 * `cellgate explore`: a long exploration (many seeds, by run count or by time) with live
 * progress, a coverage report at the end, and an optional coverage gate.
 */
import { basename, join } from "node:path";
import type { Implementation } from "../protocol/index.ts";
import { buildRepro, commandsText, DEFAULT_MAX_COMMANDS, DEFAULT_MIN_RUNS, DEFAULT_RUNS, defaultReproDir, judgeReplay, printable, slowWarnings } from "../properties/index.ts";
import { judgeCoverage, parseRequirement, type Requirement, type RequirementResult } from "../properties/coverage/coverage.ts";
import { describeSeeds, formatCoverage, formatRequirements } from "../properties/coverage/coverage-format.ts";
import { parseShard, type ExploreSettings, type FoundCounterexample, type Shard } from "../properties/coverage/explore.ts";
import { exploreVerdictOf, type ExploreContext, type ExploreReport } from "../properties/coverage/explore-report.ts";
import { cellsOption, implementationSpec, intOption, parse, progressEveryOption, secondsOption, seedOption, strategyOption } from "./args.ts";
import { implementationSettings, sourceOf } from "./check.ts";
import { EXIT, UsageError } from "./errors.ts";
import { renderExploreReport } from "./explore-output.ts";
import { runExploration } from "./explore-runner.ts";
import { helpText, type CommandSpec } from "./grammar.ts";
import { openImplementation, type ImplementationSpec } from "./impl.ts";
import { DEFAULT_PCT_DEPTH, IMPLEMENTATION_OPTIONS, O, PROGRESS_OPTIONS } from "./options.ts";
import { commandProgress } from "./progress.ts";
import { commandOutputs, placeRepro, writeReports } from "./reports.ts";

export const MIN_COVERAGE = { name: "min-coverage", value: "NAME=N", help: "fail unless the named ordering, invariant or command kind was hit at least N times", multiple: true } as const;

export const EXPLORE: CommandSpec = {
  name: "explore",
  brief: "explore long (many seeds, by runs or time) and report coverage",
  summary: "Explore long (many seeds, by runs or by time), report coverage (command kinds, invariants judged, rare orderings, distinct states) and gate on it.",
  options: [
    ...IMPLEMENTATION_OPTIONS,
    { ...O.runs, help: "runs of the whole exploration (default 10000 unless --time is given; with --time: until it is spent)" },
    O.time,
    { ...O.seed, help: "seed of the first batch; the next batches take the next seeds (random: a fresh one)" },
    { name: "batch", value: "N", help: "runs per seed", default: "100" },
    O.cells,
    O.maxCommands,
    O.strategy,
    O.pctDepth,
    O.minRuns,
    O.strictTime,
    { name: "workers", value: "N", help: "threads running seeds", default: "1" },
    { name: "shard", value: "i/n", help: "run only the i-th of n disjoint shares of the seeds (merge the reports)", default: "1/1" },
    O.report,
    MIN_COVERAGE,
    O.out,
    ...PROGRESS_OPTIONS,
  ],
  notes: ["exit codes: 0 conforms (and coverage met), 1 a failing seed or coverage below a minimum, 2 usage or harness error, or nothing was checked"],
  examples: [
    ["--time 600 --workers 2 --report json:explore.json", "ten minutes on two threads, coverage in a JSON report"],
    ["--shard 1/4 --report json:shard1.json", "the first of four shards (sum them with cellgate merge)"],
  ],
};

export async function exploreCommand(args: readonly string[]): Promise<number> {
  const v = parse(EXPLORE, args);
  if (v.help === true) {
    console.log(helpText(EXPLORE));
    return EXIT.conforms;
  }
  const implSpec = implementationSpec(v);
  const timeMs = secondsOption(v, "time", undefined);
  const runs = v.runs === undefined && timeMs === undefined ? DEFAULT_RUNS : v.runs === undefined ? undefined : intOption(v, "runs", 0, 1);
  const impl = openImplementation(implSpec);
  try {
    return await explore(v, impl, implSpec, runs, timeMs);
  } finally {
    impl.dispose?.();
  }
}

async function explore(v: Record<string, unknown>, impl: Implementation, implSpec: ImplementationSpec, runs: number | undefined, timeMs: number | undefined): Promise<number> {
  const { seed, random } = seedOption(v);
  const settings: ExploreSettings = {
    implementation: impl.name,
    cells: cellsOption(v),
    maxCommands: intOption(v, "max-commands", DEFAULT_MAX_COMMANDS, 1),
    strategy: strategyOption(v.strategy),
    pctDepth: intOption(v, "pct-depth", DEFAULT_PCT_DEPTH, 1),
    batch: intOption(v, "batch", 100, 1),
    seed,
    ...(v["strict-time"] === true ? { strictTime: true } : {}),
    // The floor applies to a pass cut short by --time; a run count asked for and done is its own floor.
    minRuns: Math.min(intOption(v, "min-runs", DEFAULT_MIN_RUNS, 1), runs ?? Infinity),
  };
  const workers = intOption(v, "workers", 1, 1);
  const shard = shardOption(v.shard);
  const requirements = requirementsOption(v["min-coverage"]);
  const everyS = progressEveryOption(v);
  const { root, reports, started } = commandOutputs(v);
  if (random) console.log(`seed: ${seed} (chosen at random; --seed ${seed} repeats this exploration)`);
  const progress = commandProgress("explore", everyS, v.quiet === true);
  progress.begin(impl.name, { runs, timeMs }, settings.seed);

  let report: ExploreReport;
  try {
    report = await runExploration(impl, {
      settings,
      implSpec,
      runs,
      timeMs,
      shard,
      workers,
      onProgress: (p) => progress.update(p, `${p.seeds} seed${p.seeds === 1 ? "" : "s"}`),
    });
  } finally {
    progress.done();
  }
  const judged = judgeCoverage(report.coverage, requirements);
  for (const line of exploreSummary(report, shard, workers)) console.log(line);
  for (const line of slowWarnings(report.slow)) console.log(line);
  for (const line of formatCoverage(report.coverage)) console.log(line);
  for (const line of formatCounterexamples(report)) console.log(line);
  for (const line of writeRepros(impl, implSpec, report, root)) console.log(line);
  for (const line of formatRequirements(judged)) console.log(line);
  const verdict = exploreVerdict(report, judged);
  console.log(verdict.line);
  const plan = { runs: runs ?? null, time: timeMs === undefined ? null : timeMs / 1000, shard: `${shard.index}/${shard.count}`, workers, "min-coverage": requirements.length === 0 ? null : requirements.map((q) => `${q.name}=${q.min}`).join(" ") };
  const context: ExploreContext = { command: "explore", implementation: implementationSettings(implSpec, impl.name), plan, seedRandom: random };
  writeReports(reports, (kind) => renderExploreReport(kind, report, judged, context, started));
  if (verdict.exit === EXIT.usage) {
    const done = report.coverage.runs;
    throw new UsageError(
      done === 0
        ? "the time limit ran out before the first run was done; nothing was checked (raise --time)"
        : `inconclusive: the time limit ran out after ${done} of the ${settings.minRuns} runs a pass needs (--min-runs); this is no pass (raise --time or lower --min-runs)`,
    );
  }
  return verdict.exit;
}

export function exploreSummary(r: ExploreReport, shard: Shard | undefined, workers: number | undefined): string[] {
  const s = r.settings;
  const c = r.coverage;
  const seconds = r.durationMs / 1000;
  const strategy = s.strategy === "pct" ? `pct (depth ${s.pctDepth})` : s.strategy;
  const where = [shard !== undefined && shard.count > 1 ? `   shard: ${shard.index}/${shard.count}` : "", workers !== undefined && workers > 1 ? `   workers: ${workers}` : ""].join("");
  return [
    `implementation: ${printable(s.implementation)}   cells: ${s.cells}   max-commands: ${s.maxCommands}   strategy: ${strategy}${where}`,
    `seeds: ${r.seeds.length} (${describeSeeds(r)}, ${s.batch} runs each)   runs: ${c.runs}   steps: ${c.steps}   invariant checks: ${c.checks}`,
    `time: ${seconds.toFixed(1)} s   steps/s: ${seconds > 0 ? Math.round(c.steps / seconds) : 0}`,
  ];
}

/** Failing seeds, grouped by counterexample; the shortest few in full, as `check` prints them. */
export function formatCounterexamples(r: ExploreReport, full = 3): string[] {
  if (r.counterexamples.length === 0) return [];
  const groups = new Map<string, FoundCounterexample[]>();
  for (const ce of r.counterexamples) {
    const key = ce.labels.join("\n");
    groups.set(key, [...(groups.get(key) ?? []), ce]);
  }
  const distinct = [...groups.values()].sort((a, b) => (a[0] as FoundCounterexample).length - (b[0] as FoundCounterexample).length);
  const s = r.settings;
  const lines = [`failing seeds: ${r.counterexamples.length}; distinct shrunk counterexamples: ${distinct.length}`];
  distinct.forEach((group, i) => {
    const ce = group[0] as FoundCounterexample;
    const seeds = group.map((g) => g.seed);
    const also = seeds.length > 1 ? ` (also seeds ${seeds.slice(1, 6).join(", ")}${seeds.length > 6 ? ", ..." : ""})` : "";
    if (i >= full) {
      lines.push(`counterexample ${i + 1}: seed ${ce.seed}${also}, ${commandsText(ce.length)}, violates ${printable(ce.invariant)}`);
      return;
    }
    lines.push(`counterexample ${i + 1}: seed ${ce.seed}${also}, ${commandsText(ce.length)}:`, ...ce.printed.map(printable));
    const runs = r.seeds.find((t) => t.seed === ce.seed)?.runs ?? s.batch;
    const strategy = s.strategy === "uniform" ? "" : ` --strategy ${s.strategy}${s.strategy === "pct" ? ` --pct-depth ${s.pctDepth}` : ""}`;
    lines.push(`replay: cellgate check --impl ${printable(s.implementation)} --seed ${ce.seed} --runs ${runs} --cells ${s.cells} --max-commands ${s.maxCommands}${strategy}`);
  });
  return lines;
}

/** The most repro directories one exploration writes (one per distinct counterexample). */
const MAX_REPROS = 10;

/**
 * A repro directory (as `check` writes) for each distinct counterexample, shortest first:
 * `DIR/<impl>-<seed>/` (DIR defaults to ./cellgate-repro).
 */
function writeRepros(impl: Implementation, spec: ImplementationSpec, r: ExploreReport, root: string): string[] {
  const seen = new Set<string>();
  const lines: string[] = [];
  const distinct = [...r.counterexamples].sort((a, b) => a.length - b.length || a.seed - b.seed).filter((ce) => {
    const key = ce.labels.join("\n");
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  for (const ce of distinct.slice(0, MAX_REPROS)) {
    // Judged as replay will judge it (a soundness verdict, state kept across runs: a plain replay does not show them).
    const judged = judgeReplay(impl, ce.commands, { cells: r.settings.cells, verdict: ce.invariant, ...(ce.runsBefore === undefined ? {} : { runsBefore: ce.runsBefore }) });
    if (judged.failure === undefined) continue;
    const repro = buildRepro({ implementation: impl.name, protocol: impl.protocol ?? 1, source: sourceOf(spec, impl.name), seed: ce.seed, cells: r.settings.cells, result: judged.replay, failure: judged.failure, ...(ce.runsBefore === undefined ? {} : { runsBefore: ce.runsBefore }) });
    const dir = placeRepro(join(root, basename(defaultReproDir(impl.name, ce.seed))), repro);
    lines.push(`repro written to ${dir}/`);
  }
  return lines;
}

export function exploreVerdict(r: ExploreReport, judged: readonly RequirementResult[]): { line: string; exit: number } {
  const c = r.coverage;
  const short = judged.filter((q) => !q.ok);
  const problems: string[] = [];
  if (c.violations > 0) problems.push(`${c.violations} of ${r.seeds.length} seeds found a failing run`);
  if (short.length > 0) problems.push(`coverage below the minimum for ${short.map((q) => `${q.name} (${q.actual} < ${q.min})`).join(", ")}`);
  if (problems.length > 0) return { line: `verdict: does not pass: ${problems.join("; ")}`, exit: EXIT.fails };
  // The report's own rule (fewer runs than the --min-runs floor, or none), so output and report agree.
  if (exploreVerdictOf(r, judged) === "inconclusive") return { line: `verdict: inconclusive (${c.runs} runs, ${Math.max(1, r.settings.minRuns ?? 1)} needed)`, exit: EXIT.usage };
  return { line: `verdict: conforms (${c.runs} runs, no invariant violated${judged.length > 0 ? ", coverage met" : ""})`, exit: EXIT.conforms };
}

function shardOption(raw: unknown): Shard {
  if (raw === undefined) return { index: 1, count: 1 };
  const p = parseShard(String(raw));
  if (!p.ok) throw new UsageError(p.error);
  return p.value;
}

export function requirementsOption(raw: unknown): Requirement[] {
  const list = raw === undefined ? [] : Array.isArray(raw) ? raw : [raw];
  return list.map((text) => {
    const p = parseRequirement(String(text));
    if (!p.ok) throw new UsageError(`--min-coverage ${p.error}`);
    return p.value;
  });
}
