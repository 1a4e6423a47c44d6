/** `cellgate check`: run the conformance property against one implementation. */
import { writeFileSync } from "node:fs";
import {
  buildRepro,
  check,
  DEFAULT_MAX_COMMANDS,
  DEFAULT_MIN_RUNS,
  inconclusive,
  slowText,
  DEFAULT_RUNS,
  defaultReproDir,
  formatCommandList,
  formatFailure,
  formatSummary,
  headline,
  jsonReport,
  junitReport,
  markdownReport,
  writeRepro,
  type CheckResult,
  type ImplementationSource,
} from "../properties/index.ts";
import { cellsOption, implementationSpec, intOption, TIMING_OPTIONS, parse, reportTargets, secondsOption, strategyOption } from "./args.ts";
import { EXIT, UsageError } from "./errors.ts";
import { commandProgress, DEFAULT_PROGRESS_EVERY_S } from "./progress.ts";
import { isModulePath, openImplementation, type ImplementationSpec } from "./impl.ts";

export { jsonReport } from "../properties/index.ts";

export const CHECK_USAGE = [
  `usage: cellgate check [--impl NAME|PATH | --impl-cmd "COMMAND"] [--runs N] [--seed S] [--cells K] [--max-commands N]`,
  `                      [--strategy uniform|swarm|pct] [--pct-depth D]`,
  `                      [--step-timeout SECONDS] [--start-timeout SECONDS] [--strict-time] [--budget SECONDS] [--min-runs N] [--report json:FILE|junit:FILE|md:FILE]... [--out DIR]`,
].join("\n");

const REPORT_KINDS = ["json", "junit", "md"] as const;

export function checkCommand(args: readonly string[]): number {
  const v = parse(args, {
    impl: { type: "string" },
    "impl-cmd": { type: "string" },
    runs: { type: "string" },
    seed: { type: "string" },
    cells: { type: "string" },
    "max-commands": { type: "string" },
    strategy: { type: "string" },
    "pct-depth": { type: "string" },
    ...TIMING_OPTIONS,
    budget: { type: "string" },
    "min-runs": { type: "string" },
    "strict-time": { type: "boolean" },
    report: { type: "string", multiple: true },
    out: { type: "string" },
    "progress-every": { type: "string" },
    quiet: { type: "boolean", short: "q" },
    help: { type: "boolean", short: "h" },
  });
  if (v.help === true) {
    console.log(CHECK_USAGE);
    return EXIT.conforms;
  }
  if (Array.isArray(v._) && v._.length > 0) throw new UsageError(`unexpected argument "${v._[0]}" (${CHECK_USAGE.split("\n")[0]})`);
  const runs = intOption(v, "runs", DEFAULT_RUNS, 1);
  const seed = intOption(v, "seed", 1);
  const cells = cellsOption(v, 3);
  const maxCommands = intOption(v, "max-commands", DEFAULT_MAX_COMMANDS, 1);
  const strategy = strategyOption(v.strategy);
  const pctDepth = intOption(v, "pct-depth", 3, 1);
  const budgetMs = secondsOption(v, "budget", undefined);
  const minRuns = intOption(v, "min-runs", DEFAULT_MIN_RUNS, 1);
  const strictTime = v["strict-time"] === true;
  const reports = reportTargets(v.report, REPORT_KINDS);
  const spec: ImplementationSpec = implementationSpec(v);

  const progress = commandProgress("check", intOption(v, "progress-every", DEFAULT_PROGRESS_EVERY_S), v.quiet === true);
  const impl = openImplementation(spec);
  let result: CheckResult;
  try {
    progress.begin(impl.name, { runs, timeMs: budgetMs }, seed);
    const onProgress = (s: { runs: number; steps: number }, phase: "running" | "shrinking"): void => {
      progress.activity(phase === "shrinking" ? "shrinking a counterexample" : "running");
      progress.update({ runs: s.runs, steps: s.steps, violations: phase === "shrinking" ? 1 : 0 });
    };
    result = check(impl, { runs, seed, cells, maxCommands, strategy, pctDepth, onProgress, minRuns, strictTime, ...(budgetMs !== undefined ? { budgetMs } : {}) });
  } finally {
    progress.done();
    impl.dispose?.();
  }
  for (const line of formatSummary(result)) console.log(line);
  if (strategy !== "uniform") console.log(`strategy: ${strategy}${strategy === "pct" ? ` (depth ${pctDepth})` : ""}`);
  for (const s of result.slow) console.log(`warning: slow, not hung: ${slowText(s)}`);
  const ce = result.counterexample;
  let replayCommand: string | undefined;
  if (ce === undefined) {
    console.log(`verdict: ${headline(result)}`);
  } else {
    console.log(`verdict: ${headline(result)}; shrunk counterexample (${ce.commands.length} commands):`);
    for (const line of formatCommandList(ce.labels, ce.replay.trace, ce.failure)) console.log(line);
    for (const line of formatFailure(ce.failure)) console.log(line);
    for (const line of stderrTail(result)) console.log(line);
    const dir = typeof v.out === "string" ? v.out : defaultReproDir(impl.name, seed);
    const repro = buildRepro({ implementation: impl.name, protocol: impl.protocol ?? 1, source: sourceOf(spec, impl.name), seed, cells, path: ce.path, replayPath: ce.replayPath ?? null, result: ce.replay, failure: ce.failure });
    writeRepro(dir, repro);
    replayCommand = `npx cellgate replay ${dir}/repro.json`;
    console.log(`repro written to ${dir}/ (repro.json, repro.test.ts, trace.mmd, report.md)`);
    console.log(`replay: ${replayCommand}`);
  }
  for (const r of reports) writeFileSync(r.file, render(r.kind, result, replayCommand));
  if (inconclusive(result)) {
    const done = result.stats.runs;
    const what = done === 0 ? "before the first run was done; nothing was checked" : `after ${done} of the ${result.minRuns} runs a pass needs (--min-runs); this is no pass`;
    throw new UsageError(`inconclusive: the budget ran out ${what} (raise --budget or lower --min-runs)`);
  }
  return ce === undefined ? EXIT.conforms : EXIT.fails;
}

function render(kind: string, result: CheckResult, replayCommand: string | undefined): string {
  switch (kind) {
    case "json":
      return JSON.stringify(jsonReport(result), null, 2) + "\n";
    case "junit":
      return junitReport(result);
    default:
      return markdownReport(result, replayCommand === undefined ? {} : { replayCommand });
  }
}

/** The last lines the implementation wrote to stderr in the counterexample's replay, if any. */
function stderrTail(result: CheckResult, lines = 20): string[] {
  const text = result.diagnostics?.stderr.trimEnd() ?? "";
  if (text === "") return [];
  const all = text.split("\n");
  const tail = all.slice(-lines);
  return [`implementation stderr${all.length > lines ? ` (last ${lines} lines)` : ""}:`, ...tail.map((l) => `  | ${l}`)];
}

/** How the repro file names the implementation, so that `cellgate replay` can start it again. */
export function sourceOf(spec: ImplementationSpec, name: string): ImplementationSource {
  if (spec.implCmd !== undefined) return { kind: "command", command: spec.implCmd };
  if (spec.impl !== undefined && isModulePath(spec.impl)) return { kind: "module", path: spec.impl };
  return { kind: "bundled", name };
}
