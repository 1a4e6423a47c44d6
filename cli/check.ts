/** `cellgate check`: run the conformance property against one implementation. */
import { basename, join } from "node:path";
import {
  buildRepro,
  DEFAULT_MAX_COMMANDS,
  DEFAULT_MIN_RUNS,
  slowWarnings,
  DEFAULT_RUNS,
  check,
  commandsText,
  defaultReproDir,
  formatCommandList,
  formatFailure,
  formatMinimality,
  formatSummary,
  headline,
  jsonReport,
  junitReport,
  markdownReport,
  printableLines,
  type CheckResult,
  type ImplementationSource,
  type ReportContext,
} from "../properties/index.ts";
import { cellsOption, implementationSpec, intOption, parse, progressEveryOption, secondsOption, seedOption, strategyOption } from "./args.ts";
import { EXIT, UsageError } from "./errors.ts";
import { helpText, type CommandSpec } from "./grammar.ts";
import { isModulePath, openImplementation, type ImplementationSpec } from "./impl.ts";
import { DEFAULT_PCT_DEPTH, IMPLEMENTATION_OPTIONS, O, PROGRESS_OPTIONS } from "./options.ts";
import { commandProgress } from "./progress.ts";
import { commandOutputs, placeRepro, writeReports, type ReportKind } from "./reports.ts";

export { jsonReport } from "../properties/index.ts";

export const CHECK: CommandSpec = {
  name: "check",
  brief: "run the conformance property against an implementation",
  summary: "Run the conformance property against an implementation: random command sequences, every invariant after every step; a failure is shrunk, replayed twice and written as a repro directory.",
  options: [...IMPLEMENTATION_OPTIONS, O.runs, O.seed, O.cells, O.maxCommands, O.strategy, O.pctDepth, O.time, O.minRuns, O.strictTime, O.report, O.out, ...PROGRESS_OPTIONS],
  notes: ["exit codes: 0 conforms, 1 does not conform, 2 usage or harness error, or nothing was checked (inconclusive)"],
  examples: [
    ["", "the bundled reference, 10,000 runs"],
    ['--impl-cmd "python3 examples/python/cellgate_impl.py" --report junit:reports/cellgate.xml', "an implementation over stdio, with a JUnit report for CI"],
    ["--impl ./impl.ts --seed random --time 60", "a module, a fresh seed, at most a minute"],
  ],
};

export function checkCommand(args: readonly string[]): number {
  const v = parse(CHECK, args);
  if (v.help === true) {
    console.log(helpText(CHECK));
    return EXIT.conforms;
  }
  const runs = intOption(v, "runs", DEFAULT_RUNS, 1);
  const { seed, random } = seedOption(v);
  const cells = cellsOption(v);
  const maxCommands = intOption(v, "max-commands", DEFAULT_MAX_COMMANDS, 1);
  const strategy = strategyOption(v.strategy);
  const pctDepth = intOption(v, "pct-depth", DEFAULT_PCT_DEPTH, 1);
  const budgetMs = secondsOption(v, "time", undefined);
  const minRuns = intOption(v, "min-runs", DEFAULT_MIN_RUNS, 1);
  const strictTime = v["strict-time"] === true;
  const everyS = progressEveryOption(v);
  const spec = implementationSpec(v);
  const { root, reports, started } = commandOutputs(v);
  if (random) console.log(`seed: ${seed} (chosen at random; --seed ${seed} repeats this check)`);

  const progress = commandProgress("check", everyS, v.quiet === true);
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
  for (const line of slowWarnings(result.slow)) console.log(line);
  const ce = result.counterexample;
  const context: ReportContext = { implementation: implementationSettings(spec, impl.name), seedRandom: random, ...started };
  let replayCommand: string | undefined;
  if (ce === undefined) {
    console.log(`verdict: ${headline(result)}`);
  } else {
    console.log(`verdict: ${headline(result)}; shrunk counterexample (${commandsText(ce.commands.length)}):`);
    for (const line of formatCommandList(ce.labels, ce.replay.trace, ce.failure)) console.log(line);
    for (const line of formatFailure(ce.failure)) console.log(line);
    console.log(formatMinimality(ce.minimality));
    for (const line of stderrTail(result)) console.log(line);
    const repro = buildRepro({ implementation: impl.name, protocol: impl.protocol ?? 1, source: sourceOf(spec, impl.name), seed, cells, path: ce.path, replayPath: ce.replayPath ?? null, result: ce.replay, failure: ce.failure, runsBefore: ce.runsBefore });
    const dir = placeRepro(join(root, basename(defaultReproDir(impl.name, seed))), repro);
    replayCommand = `npx cellgate replay ${dir}/repro.json`;
    console.log(`repro written to ${dir}/ (repro.json, repro.test.ts, trace.mmd, report.md)`);
    console.log(`replay: ${replayCommand}`);
  }
  const full: ReportContext = replayCommand === undefined ? context : { ...context, replayCommand };
  writeReports(reports, (kind) => render(kind, result, full));
  if (result.verdict === "inconclusive") {
    const done = result.stats.runs;
    const what = done === 0 ? "before the first run was done; nothing was checked" : `after ${done} of the ${result.minRuns} runs a pass needs (--min-runs); this is no pass`;
    throw new UsageError(`inconclusive: the time limit ran out ${what} (raise --time or lower --min-runs)`);
  }
  return ce === undefined ? EXIT.conforms : EXIT.fails;
}

function render(kind: ReportKind, result: CheckResult, context: ReportContext): string {
  switch (kind) {
    case "json":
      return JSON.stringify(jsonReport(result, context), null, 2) + "\n";
    case "junit":
      return junitReport(result, context);
    case "md":
      return markdownReport(result, context);
  }
}

/** How a report names the implementation, as the options that choose it again. */
export function implementationSettings(spec: ImplementationSpec, name: string): Record<string, string | number> {
  const timeout: Record<string, number> = {
    ...(spec.stepTimeoutMs === undefined ? {} : { "step-timeout": spec.stepTimeoutMs / 1000 }),
    ...(spec.startTimeoutMs === undefined ? {} : { "start-timeout": spec.startTimeoutMs / 1000 }),
  };
  if (spec.implCmd !== undefined) return { "impl-cmd": spec.implCmd, ...timeout };
  return { impl: spec.impl ?? name, ...timeout };
}

/** The last lines the implementation wrote to stderr in the counterexample's replay, if any. */
function stderrTail(result: CheckResult, lines = 20): string[] {
  const text = result.diagnostics?.stderr.trimEnd() ?? "";
  if (text === "") return [];
  const all = printableLines(text);
  const tail = all.slice(-lines);
  return [`implementation stderr${all.length > lines ? ` (last ${lines} lines)` : ""}:`, ...tail.map((l) => `  | ${l}`)];
}

/** How the repro file names the implementation, so that `cellgate replay` can start it again. */
export function sourceOf(spec: ImplementationSpec, name: string): ImplementationSource {
  if (spec.implCmd !== undefined) return { kind: "command", command: spec.implCmd };
  if (spec.impl !== undefined && isModulePath(spec.impl)) return { kind: "module", path: spec.impl };
  return { kind: "bundled", name };
}
