/**
 * `cellgate replay FILE [--impl NAME]`: re-run the commands of a repro file. Exit 1 when the same
 * invariant fails at the same step (or it fails differently), 0 when it now passes ("fixed"),
 * 2 on a corrupt, truncated or future-version file. The output is the same bytes on every run.
 */
import { existsSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { confirm, formatCommandList, formatFailure, parseRepro, replay, reproFailure, soundnessOf, type Failure, type ReplayResult, type ReproFailure, type ReproFile } from "../properties/index.ts";
import type { Implementation } from "../protocol/index.ts";
import { implementationSpec, parse, TIMING_OPTIONS } from "./args.ts";
import { EXIT, UsageError } from "./errors.ts";
import { openImplementation, type ImplementationSpec } from "./impl.ts";

export const REPLAY_USAGE = 'usage: cellgate replay DIR/repro.json [--impl NAME|PATH | --impl-cmd "COMMAND"] [--step-timeout SECONDS] [--start-timeout SECONDS]';

function sameAs(recorded: ReproFailure, now: ReproFailure): boolean {
  return recorded.verdict === now.verdict && recorded.step === now.step && recorded.invariants.join(",") === now.invariants.join(",");
}

export function replayCommand(args: readonly string[]): number {
  const v = parse(args, { impl: { type: "string" }, "impl-cmd": { type: "string" }, ...TIMING_OPTIONS, help: { type: "boolean", short: "h" } });
  if (v.help === true) {
    console.log(REPLAY_USAGE);
    return EXIT.conforms;
  }
  const files = Array.isArray(v._) ? v._ : [];
  if (files.length !== 1) throw new UsageError(`expected one repro file (${REPLAY_USAGE})`);
  let file = String(files[0]);
  if (existsSync(file) && statSync(file).isDirectory()) file = join(file, "repro.json");
  if (!existsSync(file)) throw new UsageError(`no such repro file: ${file}`);
  const parsed = parseRepro(readFileSync(file, "utf8"));
  if (!parsed.ok) throw new UsageError(`${file}: ${parsed.error}`);
  const repro = parsed.repro;
  const { impl: _impl, implCmd: _cmd, ...timing } = implementationSpec(v);
  const impl = openImplementation({ ...specOf(repro, v.impl, v["impl-cmd"]), ...timing });
  // Nondeterminism shows only across replays: a recorded nondeterminism is replayed twice.
  let judged;
  try {
    judged = replayJudged(impl, repro);
  } finally {
    impl.dispose?.();
  }
  const result = { ...judged.replay, failure: judged.failure };
  console.log(`replaying ${repro.commands.length} commands of ${file} against ${impl.name} (recorded against ${repro.implementation})`);
  for (const line of formatCommandList(result.labels, result.trace, result.failure)) console.log(line);
  if (result.failure === undefined) {
    console.log(`fixed: the recorded commands now pass (recorded: ${repro.failure.verdict} ${repro.failure.invariants.join(", ")} at step ${repro.failure.step})`);
    return EXIT.conforms;
  }
  const now = reproFailure(result.failure);
  for (const line of formatFailure(result.failure)) console.log(line);
  if (sameAs(repro.failure, now)) {
    console.log(`still fails: the same ${now.verdict === "violation" ? now.invariants.join(", ") : now.verdict} at step ${now.step}`);
  } else {
    const was = `${repro.failure.verdict} ${repro.failure.invariants.join(", ")} at step ${repro.failure.step}`.replace("  ", " ");
    console.log(`fails differently: now ${now.verdict} ${now.invariants.join(", ")} at step ${now.step}; recorded ${was}`.replace("  ", " "));
  }
  return EXIT.fails;
}

/**
 * The recorded commands judged the way their verdict was found: nondeterminism over two replays,
 * a soundness verdict by driving them again without inspection, renamed and in a fresh process.
 */
function replayJudged(impl: Implementation, repro: ReproFile): { failure: Failure | undefined; replay: ReplayResult } {
  const v = repro.failure.verdict;
  if (v === "inspection-dependent" || v === "rename-dependent" || v === "state-across-runs") {
    const found = soundnessOf(impl, repro.commands, repro.cells);
    if (found !== undefined || v !== "state-across-runs") return found ?? { failure: undefined, replay: replay(impl, repro.commands, { cells: repro.cells }) };
  }
  return confirm(impl, repro.commands, repro.cells, undefined, v === "nondeterminism" || v === "state-across-runs" ? 2 : 1);
}

/** The implementation to replay against: the flags, else the one the repro file names. */
function specOf(repro: ReproFile, impl: unknown, implCmd: unknown): ImplementationSpec {
  if (typeof implCmd === "string") return { implCmd };
  if (typeof impl === "string") return { impl };
  switch (repro.source.kind) {
    case "command":
      return { implCmd: repro.source.command };
    case "module":
      return { impl: repro.source.path };
    case "bundled":
      return { impl: repro.source.name };
  }
}
