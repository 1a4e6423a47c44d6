/**
 * The options the cellgate commands share, defined once: the same name, value, default and
 * meaning on every command that takes them.
 */
import { DEFAULT_MAX_COMMANDS, DEFAULT_MIN_RUNS, DEFAULT_RUNS } from "../properties/index.ts";
import { STRATEGIES } from "../properties/generate/strategy.ts";
import type { OptionSpec } from "./grammar.ts";
import { DEFAULT_PROGRESS_EVERY_S } from "./progress.ts";

/** Cells of a check, an exploration and an exhaustive search alike (see README, "Defaults"). */
export const DEFAULT_CELLS = 3;
export const DEFAULT_PCT_DEPTH = 3;
export const DEFAULT_REPRO_ROOT = "cellgate-repro";

export const O = {
  impl: { name: "impl", value: "NAME|PATH", help: "a bundled implementation (see cellgate list) or a TypeScript/JavaScript module", default: "reference" },
  implCmd: { name: "impl-cmd", value: '"COMMAND"', help: "a command line that speaks the wire protocol on stdin/stdout (run under /bin/sh -c)" },
  stepTimeout: {
    name: "step-timeout",
    value: "SECONDS",
    help: "a step of an out-of-thread implementation that takes longer has its run re-run, fresh, under 10 × the limit: slow (a warning) if it answers then, a timeout if not",
    default: "2",
  },
  startTimeout: { name: "start-timeout", value: "SECONDS", help: "limit for each part of a start (thread, process, hello); missing it is a harness error, not a verdict", default: "30" },
  strictTime: { name: "strict-time", help: "a slow step (one that answered only under the retry limit) is a timeout" },
  minRuns: { name: "min-runs", value: "N", help: "fewest runs a pass cut short by --time needs; below it the check is inconclusive", default: String(DEFAULT_MIN_RUNS) },
  runs: { name: "runs", value: "N", help: "runs to do", default: String(DEFAULT_RUNS) },
  seed: { name: "seed", value: "S|random", help: "the seed (random: a fresh one, printed and in every report)", default: "1" },
  cells: { name: "cells", value: "K", help: "cells per run, 1 to 9", default: String(DEFAULT_CELLS) },
  maxCommands: { name: "max-commands", value: "N", help: "most commands per run", default: String(DEFAULT_MAX_COMMANDS) },
  strategy: { name: "strategy", value: STRATEGIES.join("|"), help: "how deliveries are scheduled (docs/strategies.md)", default: "uniform" },
  pctDepth: { name: "pct-depth", value: "D", help: "PCT's bug depth (with --strategy pct)", default: String(DEFAULT_PCT_DEPTH) },
  time: {
    name: "time",
    value: "SECONDS",
    help: "time limit: no new run (or depth) starts once it is spent, and what was done is reported",
    default: "none",
    aliases: ["budget"],
  },
  report: { name: "report", value: "KIND:FILE", help: "also write a report: json, junit or md; FILE - is stdout; md appends", multiple: true },
  out: { name: "out", value: "DIR", help: "where repro directories go: DIR/<impl>-<seed>/", default: DEFAULT_REPRO_ROOT },
  progressEvery: { name: "progress-every", value: "SECONDS", help: "progress on stderr when it is not a terminal, every SECONDS (0: none)", default: String(DEFAULT_PROGRESS_EVERY_S) },
  quiet: { name: "quiet", short: "q", help: "no progress display" },
  trustSource: { name: "trust-source", help: "run the command line or import the module the repro file names" },
} as const satisfies Record<string, OptionSpec>;

/** The options that choose the implementation, in every command that runs one. */
export const IMPLEMENTATION_OPTIONS: readonly OptionSpec[] = [O.impl, O.implCmd, O.stepTimeout, O.startTimeout];
/** Progress display options of the long commands. */
export const PROGRESS_OPTIONS: readonly OptionSpec[] = [O.progressEvery, O.quiet];
