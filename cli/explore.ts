/**
 * `cellgate explore`: a long exploration (many seeds, by run count or by time) with live
 * progress, a coverage report at the end, and an optional coverage gate.
 */
import { writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import type { Implementation } from "../protocol/index.ts";
import { buildRepro, DEFAULT_MAX_COMMANDS, DEFAULT_RUNS, defaultReproDir, replay, writeRepro } from "../properties/index.ts";
import { judgeCoverage, parseRequirement, type Requirement, type RequirementResult } from "../properties/coverage/coverage.ts";
import { describeSeeds, formatCoverage, formatRequirements, exploreMarkdown } from "../properties/coverage/coverage-format.ts";
import { parseShard, type ExploreSettings, type FoundCounterexample, type Shard } from "../properties/coverage/explore.ts";
import { reportToJson, type ExploreReport } from "../properties/coverage/explore-report.ts";
import { cellsOption, implementationSpec, TIMING_OPTIONS, intOption, parse, reportTargets, secondsOption, strategyOption } from "./args.ts";
import { sourceOf } from "./check.ts";
import { EXIT, UsageError } from "./errors.ts";
import { runExploration } from "./explore-runner.ts";
import { openImplementation, type ImplementationSpec } from "./impl.ts";
import { commandProgress, DEFAULT_PROGRESS_EVERY_S } from "./progress.ts";

export const EXPLORE_USAGE =
  "usage: cellgate explore [--impl NAME|PATH | --impl-cmd \"COMMAND\"] [--step-timeout SECONDS] [--start-timeout SECONDS] [--runs N | --time SECONDS] [--seed S] [--batch N] [--cells K] [--max-commands N]\n" +
  "                        [--strategy uniform|swarm|pct] [--pct-depth D] [--workers N] [--shard i/n]\n" +
  "                        [--report json:FILE|md:FILE] [--min-coverage NAME=N]... [--out DIR] [--progress-every SECONDS]";

export async function exploreCommand(args: readonly string[]): Promise<number> {
  const v = parse(args, {
    impl: { type: "string" },
    "impl-cmd": { type: "string" },
    ...TIMING_OPTIONS,
    runs: { type: "string" },
    time: { type: "string" },
    seed: { type: "string" },
    batch: { type: "string" },
    cells: { type: "string" },
    "max-commands": { type: "string" },
    strategy: { type: "string" },
    "pct-depth": { type: "string" },
    workers: { type: "string" },
    shard: { type: "string" },
    report: { type: "string", multiple: true },
    "min-coverage": { type: "string", multiple: true },
    out: { type: "string" },
    "progress-every": { type: "string" },
    quiet: { type: "boolean", short: "q" },
    help: { type: "boolean", short: "h" },
  });
  if (v.help === true) {
    console.log(EXPLORE_USAGE);
    return EXIT.conforms;
  }
  if (Array.isArray(v._) && v._.length > 0) throw new UsageError(`unexpected argument "${v._[0]}"`);
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
  const settings: ExploreSettings = {
    implementation: impl.name,
    cells: cellsOption(v, 3),
    maxCommands: intOption(v, "max-commands", DEFAULT_MAX_COMMANDS, 1),
    strategy: strategyOption(v.strategy),
    pctDepth: intOption(v, "pct-depth", 3, 1),
    batch: intOption(v, "batch", 100, 1),
    seed: intOption(v, "seed", 1),
  };
  const workers = intOption(v, "workers", 1, 1);
  const shard = shardOption(v.shard);
  const requirements = requirementsOption(v["min-coverage"]);
  const reports = reportTargets(v.report, ["json", "md"]);
  const progress = commandProgress("explore", intOption(v, "progress-every", DEFAULT_PROGRESS_EVERY_S), v.quiet === true);
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
  for (const line of formatCoverage(report.coverage)) console.log(line);
  for (const line of formatCounterexamples(report)) console.log(line);
  for (const line of writeRepros(impl, implSpec, report, typeof v.out === "string" ? v.out : undefined)) console.log(line);
  for (const line of formatRequirements(judged)) console.log(line);
  const verdict = exploreVerdict(report, judged);
  console.log(verdict.line);
  for (const r of reports) {
    const text = r.kind === "json" ? JSON.stringify(reportToJson(report), null, 1) + "\n" : exploreMarkdown(report, judged);
    writeFileSync(r.file, text);
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
    `implementation: ${s.implementation}   cells: ${s.cells}   max-commands: ${s.maxCommands}   strategy: ${strategy}${where}`,
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
      lines.push(`counterexample ${i + 1}: seed ${ce.seed}${also}, ${ce.length} commands, violates ${ce.invariant}`);
      return;
    }
    lines.push(`counterexample ${i + 1}: seed ${ce.seed}${also}, ${ce.length} commands:`, ...ce.printed);
    const runs = r.seeds.find((t) => t.seed === ce.seed)?.runs ?? s.batch;
    const strategy = s.strategy === "uniform" ? "" : ` --strategy ${s.strategy}${s.strategy === "pct" ? ` --pct-depth ${s.pctDepth}` : ""}`;
    lines.push(`replay: cellgate check --impl ${s.implementation} --seed ${ce.seed} --runs ${runs} --cells ${s.cells} --max-commands ${s.maxCommands}${strategy}`);
  });
  return lines;
}

/** The most repro directories one exploration writes (one per distinct counterexample). */
const MAX_REPROS = 10;

/**
 * A repro directory (as `check` writes) for each distinct counterexample, shortest first:
 * `DIR/<impl>-<seed>/` (DIR defaults to ./cellgate-repro).
 */
function writeRepros(impl: Implementation, spec: ImplementationSpec, r: ExploreReport, out: string | undefined): string[] {
  const seen = new Set<string>();
  const lines: string[] = [];
  const distinct = [...r.counterexamples].sort((a, b) => a.length - b.length || a.seed - b.seed).filter((ce) => {
    const key = ce.labels.join("\n");
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  for (const ce of distinct.slice(0, MAX_REPROS)) {
    const result = replay(impl, ce.commands, { cells: r.settings.cells });
    if (result.failure === undefined) continue;
    const dir = join(out ?? "cellgate-repro", basename(defaultReproDir(impl.name, ce.seed)));
    writeRepro(dir, buildRepro({ implementation: impl.name, protocol: impl.protocol ?? 1, source: sourceOf(spec, impl.name), seed: ce.seed, cells: r.settings.cells, result }));
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
