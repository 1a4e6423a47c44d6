/** `cellgate check`: run the conformance property against one implementation. */
import { writeFileSync } from "node:fs";
import {
  buildRepro,
  check,
  DEFAULT_MAX_COMMANDS,
  DEFAULT_RUNS,
  defaultReproDir,
  formatCommandList,
  formatFailure,
  formatSummary,
  writeRepro,
  type CheckResult,
} from "../properties/index.ts";
import { cellsOption, intOption, parse, reportTargets, strategyOption } from "./args.ts";
import { EXIT, UsageError } from "./errors.ts";
import { resolveImplementation } from "./impl.ts";

export const CHECK_USAGE = `usage: cellgate check [--impl NAME] [--runs N] [--seed S] [--cells K] [--max-commands N] [--strategy uniform|swarm|pct] [--pct-depth D] [--report json:FILE] [--out DIR]`;

export function checkCommand(args: readonly string[]): number {
  const v = parse(args, {
    impl: { type: "string" },
    runs: { type: "string" },
    seed: { type: "string" },
    cells: { type: "string" },
    "max-commands": { type: "string" },
    strategy: { type: "string" },
    "pct-depth": { type: "string" },
    report: { type: "string", multiple: true },
    out: { type: "string" },
    help: { type: "boolean", short: "h" },
  });
  if (v.help === true) {
    console.log(CHECK_USAGE);
    return EXIT.conforms;
  }
  if (Array.isArray(v._) && v._.length > 0) throw new UsageError(`unexpected argument "${v._[0]}" (${CHECK_USAGE})`);
  const impl = resolveImplementation(v.impl as string | undefined);
  const runs = intOption(v, "runs", DEFAULT_RUNS, 1);
  const seed = intOption(v, "seed", 1);
  const cells = cellsOption(v, 3);
  const maxCommands = intOption(v, "max-commands", DEFAULT_MAX_COMMANDS, 1);
  const strategy = strategyOption(v.strategy);
  const pctDepth = intOption(v, "pct-depth", 3, 1);
  const reports = reportTargets(v.report, ["json"]);

  const result = check(impl, { runs, seed, cells, maxCommands, strategy, pctDepth });
  for (const line of formatSummary(result)) console.log(line);
  if (strategy !== "uniform") console.log(`strategy: ${strategy}${strategy === "pct" ? ` (depth ${pctDepth})` : ""}`);
  const ce = result.counterexample;
  if (ce === undefined) {
    console.log(`verdict: conforms (${result.stats.runs} runs, no invariant violated)`);
  } else {
    console.log(`verdict: ${ce.failure.verdict} after ${result.stats.runs} runs; shrunk counterexample (${ce.commands.length} commands):`);
    for (const line of formatCommandList(ce.labels, ce.replay.trace, ce.failure)) console.log(line);
    for (const line of formatFailure(ce.failure)) console.log(line);
    const dir = typeof v.out === "string" ? v.out : defaultReproDir(impl.name, seed);
    const repro = buildRepro({ implementation: impl.name, seed, cells, path: ce.path, replayPath: ce.replayPath ?? null, result: ce.replay });
    writeRepro(dir, repro);
    console.log(`repro written to ${dir}/ (repro.json, repro.test.ts, trace.mmd, report.md)`);
    console.log(`replay: npx cellgate replay ${dir}/repro.json`);
  }
  for (const r of reports) writeFileSync(r.file, JSON.stringify(jsonReport(result), null, 2) + "\n");
  return ce === undefined ? EXIT.conforms : EXIT.fails;
}

export function jsonReport(r: CheckResult): unknown {
  const ce = r.counterexample;
  return {
    verdict: ce === undefined ? "conforms" : ce.failure.verdict,
    implementation: r.implementation,
    seed: r.seed,
    runs: r.stats.runs,
    steps: r.stats.steps,
    checks: r.stats.checks,
    durationMs: Math.round(r.durationMs),
    orderings: r.stats.orderings,
    counterexample:
      ce === undefined
        ? null
        : {
            length: ce.commands.length,
            commands: ce.labels,
            raw: ce.commands,
            invariant: ce.failure.verdict === "violation" ? ce.failure.violations.map((x) => x.invariant).join(", ") : ce.failure.verdict,
            violations: ce.failure.verdict === "violation" ? ce.failure.violations : [],
            message: formatFailure(ce.failure).join("\n"),
            path: ce.path,
            replayPath: ce.replayPath ?? null,
          },
  };
}
