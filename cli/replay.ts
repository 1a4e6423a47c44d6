/**
 * `cellgate replay FILE`: re-run the commands of a repro file. Exit 1 when the same invariant
 * fails at the same step (or it fails differently), 0 when it now passes ("fixed"), 2 on a
 * corrupt, cut, truncated or future-version file. The output is the same bytes on every run.
 *
 * A repro file is data, and may come from anyone: replay never runs the command line nor imports
 * the module it names unless the user says so, with --impl/--impl-cmd or --trust-source.
 */
import { statSync } from "node:fs";
import { join } from "node:path";
import { bundled } from "../reference/index.ts";
import {
  commandLine,
  envelopeJson,
  formatCommandList,
  formatFailure,
  junitXml,
  mdCode,
  mdFenced,
  parseRepro,
  printable,
  judgeReplay,
  reproFailure,
  verdictPhrase,
  type Envelope,
  type ReproFailure,
  type ReproFile,
  type ReportVerdict,
} from "../properties/index.ts";
import { implementationSpec, parse } from "./args.ts";
import { implementationSettings } from "./check.ts";
import { EXIT, UsageError } from "./errors.ts";
import { readBoundedFile } from "./files.ts";
import { helpText, type CommandSpec } from "./grammar.ts";
import { openImplementation, type ImplementationSpec } from "./impl.ts";
import { O } from "./options.ts";
import { reportTargets, whereAndWhen, writeReports } from "./reports.ts";

/** The largest repro file replay reads. */
export const MAX_REPRO_BYTES = 16 * 1024 * 1024;

export const REPLAY: CommandSpec = {
  name: "replay",
  brief: "re-run the commands of a repro file (exit 1 still fails, 0 fixed)",
  summary: "Re-run the commands of a repro file (DIR or DIR/repro.json) against the implementation it names, or the one given.",
  positionals: "DIR/repro.json",
  maxPositionals: 1,
  options: [
    { ...O.impl, default: "the bundled implementation the file names" },
    O.implCmd,
    O.stepTimeout,
    O.startTimeout,
    O.trustSource,
    O.report,
  ],
  notes: [
    "A repro file that names a command line or a module is not run unless --trust-source is given (or --impl/--impl-cmd chooses the implementation).",
    "exit codes: 0 fixed (the commands now pass), 1 still fails (or fails differently), 2 usage error or a bad repro file",
  ],
  examples: [
    ["cellgate-repro/reference-1/repro.json", "replay a repro of a bundled implementation"],
    ['cellgate-repro/impl-1 --impl-cmd "python3 impl.py"', "replay against a command line of your choice"],
  ],
};

function sameAs(recorded: ReproFailure, now: ReproFailure): boolean {
  return recorded.verdict === now.verdict && recorded.step === now.step && recorded.invariants.join(",") === now.invariants.join(",");
}

export function replayCommand(args: readonly string[]): number {
  const v = parse(REPLAY, args);
  if (v.help === true) {
    console.log(helpText(REPLAY));
    return EXIT.conforms;
  }
  if (v._.length !== 1) throw new UsageError(`expected one repro file; see cellgate replay --help`);
  let file = v._[0] as string;
  if (statSync(file, { throwIfNoEntry: false })?.isDirectory() === true) file = join(file, "repro.json");
  const parsed = parseRepro(readBoundedFile(file, MAX_REPRO_BYTES, "repro file"));
  if (!parsed.ok) throw new UsageError(`${file}: ${parsed.error}`);
  const repro = parsed.repro;
  const targets = reportTargets(v.report);
  const given = implementationSpec(v);
  const spec = specOf(repro, given, v["trust-source"] === true);
  const impl = openImplementation(spec);
  let judged;
  try {
    judged = judgeReplay(impl, repro.commands, { cells: repro.cells, verdict: repro.failure.verdict, ...(repro.runsBefore === undefined ? {} : { runsBefore: repro.runsBefore }) });
  } finally {
    impl.dispose?.();
  }
  if (judged.unreproducible !== undefined) throw new UsageError(`${file}: ${judged.unreproducible}`);
  const result = { ...judged.replay, failure: judged.failure };
  const times = repro.runsBefore === undefined ? "" : `, run ${repro.runsBefore + 1} times in one fresh process (the last run is judged)`;
  const lines = [`replaying ${repro.commands.length} command${repro.commands.length === 1 ? "" : "s"} of ${printable(file)}${times} against ${printable(impl.name)} (recorded against ${printable(repro.implementation)})`];
  lines.push(...formatCommandList(result.labels, result.trace, result.failure));
  const was = `${repro.failure.verdict} ${repro.failure.invariants.join(", ")} at step ${repro.failure.step}`.replace("  ", " ");
  let verdict: ReportVerdict;
  if (result.failure === undefined) {
    verdict = "fixed";
    lines.push(`fixed: the recorded commands now pass (recorded: ${printable(was)})`);
  } else {
    const now = reproFailure(result.failure);
    verdict = result.failure.verdict;
    lines.push(...formatFailure(result.failure));
    if (sameAs(repro.failure, now)) lines.push(`still fails: the same ${now.verdict === "violation" ? now.invariants.join(", ") : now.verdict} at step ${now.step}`);
    else lines.push(`fails differently: now ${now.verdict} ${now.invariants.join(", ")} at step ${now.step}; recorded ${printable(was)}`.replace("  ", " "));
  }
  for (const line of lines) console.log(line);
  const settings = { ...implementationSettings(spec, impl.name), ...(spec === given || v["trust-source"] !== true ? {} : { "trust-source": true }) };
  const e: Envelope = { command: "replay", verdict, implementation: impl.name, protocol: impl.protocol ?? 1, settings, reproduce: commandLine("replay", settings, file) };
  const where = whereAndWhen();
  writeReports(targets, (kind) => {
    if (kind === "json") return JSON.stringify(envelopeJson(e, { file, recorded: repro.failure, now: result.failure === undefined ? null : reproFailure(result.failure), commands: repro.labels, output: lines }), null, 2) + "\n";
    if (kind === "md") return [`## cellgate replay: \`${mdCode(impl.name)}\` ${verdictPhrase(verdict)}`, "", `Recorded against \`${mdCode(repro.implementation)}\`: ${mdCode(was)}.`, "", "```text", mdFenced(lines.join("\n")), "```", ""].join("\n");
    return junitXml({
      suite: "cellgate replay",
      classname: "cellgate.replay",
      name: `the recorded counterexample (${repro.failure.verdict} at step ${repro.failure.step}) passes against ${impl.name}`,
      durationMs: 0,
      ...where,
      properties: [["verdict", verdict], ...Object.entries(settings), ["file", file], ["reproduce", e.reproduce]],
      failure: verdict === "fixed" ? undefined : { type: verdict, message: lines[lines.length - 1] as string, text: lines.join("\n") },
    });
  });
  return verdict === "fixed" ? EXIT.conforms : EXIT.fails;
}

/**
 * The implementation to replay against: the flags, else the one the repro file names; a command
 * line or a module path from the file only with `trust` (it would run code the file chose).
 */
function specOf(repro: ReproFile, given: ImplementationSpec, trust: boolean): ImplementationSpec {
  if (given.impl !== undefined || given.implCmd !== undefined) return given;
  const timeout = {
    ...(given.stepTimeoutMs === undefined ? {} : { stepTimeoutMs: given.stepTimeoutMs }),
    ...(given.startTimeoutMs === undefined ? {} : { startTimeoutMs: given.startTimeoutMs }),
  };
  const s = repro.source;
  switch (s.kind) {
    case "bundled":
      if (bundled(s.name) === undefined) throw new UsageError(`the repro file names ${JSON.stringify(printable(s.name))}, which is no bundled implementation; pass --impl or --impl-cmd`);
      return { impl: s.name, ...timeout };
    case "command":
      if (!trust) throw new UsageError(`the repro file would run the command line ${JSON.stringify(printable(s.command))}; pass --trust-source to run it, or --impl-cmd to choose one`);
      return { implCmd: s.command, ...timeout };
    case "module":
      if (!trust) throw new UsageError(`the repro file would import the module ${JSON.stringify(printable(s.path))}; pass --trust-source to import it, or --impl to choose one`);
      return { impl: s.path, ...timeout };
  }
}
