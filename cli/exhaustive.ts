/**
 * `cellgate exhaustive`: breadth-first search over every distinct command sequence up to a
 * depth, deduplicating states; reports the size of the space, or the shortest counterexample.
 */
import { basename, join } from "node:path";
import { buildRepro, checkpointChunks, CheckpointError, readCheckpoint, commandsText, printable, defaultReproDir, exhaustive, type SearchCheckpoint, formatCommandList, formatFailure, ORDERINGS, slowWarnings, PorRefused, SymmetryRefused, type Dedupe, type ExhaustiveResult, type ReportContext, type SearchProgress } from "../properties/index.ts";
import type { Implementation } from "../protocol/index.ts";
import { cellsOption, implementationSpec, intOption, parse, progressEveryOption, secondsOption } from "./args.ts";
import { implementationSettings, sourceOf } from "./check.ts";
import { EXIT, UsageError } from "./errors.ts";
import { exhaustiveJson, exhaustiveJunit, exhaustiveMarkdown, exhaustiveVerdict } from "./exhaustive-report.ts";
import { helpText, type CommandSpec } from "./grammar.ts";
import { openImplementation, type ImplementationSpec } from "./impl.ts";
import { IMPLEMENTATION_OPTIONS, O, PROGRESS_OPTIONS } from "./options.ts";
import { commandProgress, plural } from "./progress.ts";
import { commandOutputs, placeRepro, writeReports } from "./reports.ts";
import { prepareTarget, readFileParts, writeAtomic } from "./files.ts";

export { exhaustiveJson } from "./exhaustive-report.ts";

const DEDUPES: readonly Dedupe[] = ["snapshot", "table", "off"];
/** 3: the initial read (whose reply gives the turn the id), then two more waits or terminates. */
const DEFAULT_REQUESTS = 3;
const DEFAULT_DEPTH = 12;
const DEFAULT_CHECKPOINT_EVERY_S = 60;

export const EXHAUSTIVE: CommandSpec = {
  name: "exhaustive",
  brief: "search every command sequence up to a depth, breadth-first",
  summary: "Search every command sequence up to a depth, breadth-first with exact deduplication: the size of the state space, or the shortest counterexample.",
  options: [
    ...IMPLEMENTATION_OPTIONS,
    O.cells,
    { name: "depth", value: "D", help: "most commands per sequence", default: String(DEFAULT_DEPTH) },
    { name: "requests", value: "R|unbounded", help: "most observe, terminate and tool requests per cell", default: String(DEFAULT_REQUESTS) },
    { name: "dedupe", value: DEDUPES.join("|"), help: "what makes two states the same (docs/exploration.md; table is unsound)", default: "snapshot when the implementation offers it, else off" },
    { name: "symmetry", help: "count states equal up to renaming the cells as one (checked first by renamed replays)" },
    { name: "por", help: "partial-order reduction: sleep sets over deliveries that commute (same states, fewer transitions; audited; not with --symmetry or --workers)" },
    { name: "workers", value: "N", help: "threads expanding each depth's states (the same result as one; needs snapshot and restore)", default: "1" },
    { name: "no-tools", help: "make no nested tool calls, even if the implementation offers dispatch (the space the SPIN peer models, docs/peer.md)" },
    O.time,
    O.strictTime,
    { name: "checkpoint", value: "FILE", help: "save the search to FILE between depths (replaced atomically), to go on later with --resume" },
    { name: "checkpoint-every", value: "SECONDS", help: "save at most this often (and always at the depth bound)", default: String(DEFAULT_CHECKPOINT_EVERY_S) },
    { name: "resume", value: "FILE", help: "go on from a checkpoint (same implementation, cells, requests, dedupe, symmetry; --depth may be deeper)" },
    O.report,
    { ...O.out, help: "where the repro directory goes: DIR/<impl>-exhaustive/" },
    ...PROGRESS_OPTIONS,
  ],
  notes: ["exit codes: 0 no state violates an invariant, 1 a counterexample (the shortest), 2 usage or harness error"],
  examples: [
    ["--impl bug-close-before-ready --cells 1", "the shortest counterexample of a faulty variant"],
    ["--cells 2 --requests 1 --symmetry --time 300", "the state space of two cells, up to renaming them"],
    ["--cells 1 --requests 2 --depth 60 --no-tools", "exhaust the space without tool calls (1,691 states, as the SPIN peer counts)"],
    ["--cells 3 --requests 1 --symmetry --depth 80 --time 3600 --checkpoint search.ckpt", "an hour of a long search, saved as it goes"],
    ["--cells 3 --requests 1 --symmetry --depth 80 --time 3600 --checkpoint search.ckpt --resume search.ckpt", "the next hour of it"],
  ],
};

export function exhaustiveCommand(args: readonly string[]): number {
  const v = parse(EXHAUSTIVE, args);
  if (v.help === true) {
    console.log(helpText(EXHAUSTIVE));
    return EXIT.conforms;
  }
  const spec = implementationSpec(v);
  const impl = openImplementation(spec);
  try {
    return search(v, v["no-tools"] === true ? withoutToolCalls(impl) : impl, spec);
  } finally {
    impl.dispose?.();
  }
}

function search(v: Record<string, unknown>, impl: Implementation, spec: ImplementationSpec): number {
  const cells = cellsOption(v);
  const depth = intOption(v, "depth", DEFAULT_DEPTH, 1);
  const requests = v.requests === "unbounded" ? Infinity : intOption(v, "requests", DEFAULT_REQUESTS);
  const dedupe = v.dedupe as Dedupe | undefined;
  if (dedupe !== undefined && !DEDUPES.includes(dedupe)) throw new UsageError(`--dedupe expects ${DEDUPES.join(", ")}, got ${JSON.stringify(dedupe)}`);
  const timeMs = secondsOption(v, "time", undefined);
  const workers = intOption(v, "workers", 1, 1);
  const everyS = progressEveryOption(v);
  const { root, reports, started } = commandOutputs(v);
  if (dedupe === "snapshot" && !offersSnapshot(impl)) {
    throw new UsageError(`${impl.name} offers no snapshot(); use --dedupe table or --dedupe off`);
  }
  if (workers > 1 && !offersSnapshot(impl)) throw new UsageError(`--workers needs an implementation that offers snapshot() and restore(); ${impl.name} does not`);

  const checkpointFile = typeof v.checkpoint === "string" ? v.checkpoint : undefined;
  const checkpointEveryS = secondsOption(v, "checkpoint-every", DEFAULT_CHECKPOINT_EVERY_S) as number;
  if (checkpointFile !== undefined) prepareTarget(checkpointFile, "checkpoint");
  const resume = typeof v.resume === "string" ? readCheckpointFile(v.resume) : undefined;
  if (v.por === true && (checkpointFile !== undefined || resume !== undefined)) throw new UsageError("--por is refused with --checkpoint and --resume: the sleep sets are not saved");
  let saved: SearchCheckpoint | undefined;
  const onCheckpoint = (c: SearchCheckpoint): void => {
    writeAtomic(checkpointFile as string, checkpointChunks(c));
    saved = c;
  };
  if (resume !== undefined) console.log(`resuming ${v.resume as string}: ${plural(resume.states, "state")} and ${plural(resume.transitions, "transition")} searched to depth ${resume.depth}, ${plural(resume.frontier.ends.length, "state")} of depth ${resume.depth} to expand`);
  const progress = commandProgress("exhaustive", everyS, v.quiet === true, { run: "state", step: "transition" });
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
      ...(v.por === true ? { por: true } : {}),
      ...(timeMs !== undefined ? { timeLimitMs: timeMs } : {}),
      ...(v["strict-time"] === true ? { strictTime: true } : {}),
      ...(checkpointFile !== undefined ? { onCheckpoint, checkpointEveryMs: checkpointEveryS * 1000 } : {}),
      ...(resume !== undefined ? { resume } : {}),
      ...(workers > 1 ? { workers, workerOpen: { module: import.meta.url, export: "openSearched", argument: { spec, noTools: v["no-tools"] === true } satisfies Searched } } : {}),
      onLevel: (l) => {
        states += l.states;
        transitions += l.transitions;
        progress.update({ runs: states, steps: transitions, violations: 0 }, `depth ${l.depth} done`, `searching depth ${l.depth + 1}`);
      },
      onProgress: (p) => progress.update({ runs: p.states, steps: p.transitions, violations: 0 }, `${levelText(p)}, ${residentText(process.memoryUsage.rss())}`),
    });
  } catch (e) {
    if (e instanceof SymmetryRefused || e instanceof PorRefused || e instanceof CheckpointError) throw new UsageError(e.message);
    throw e;
  } finally {
    progress.done();
  }
  for (const line of exhaustiveLines(r)) console.log(line);
  if (saved !== undefined) console.log(`checkpoint: ${checkpointFile as string} holds the search at depth ${saved.depth} (${plural(saved.states, "state")}); --resume ${checkpointFile as string} goes on from there`);
  if (r.por !== undefined) console.log(`partial-order reduction: ${plural(r.por.skipped, "transition")} skipped, ${plural(r.por.reexpanded, "state")} queued again for moves slept on, ${plural(r.por.audited, "skipped transition")} run anyway and agreeing`);
  if (v["no-tools"] === true) console.log("tool calls: none (--no-tools: the implementation was searched as one without dispatch)");
  for (const line of slowWarnings(r.slow)) console.log(line);
  const ce = r.counterexample;
  let context: ReportContext = { implementation: implementationSettings(spec, impl.name), ...started };
  if (ce !== undefined) {
    const repro = buildRepro({ implementation: impl.name, protocol: impl.protocol ?? 1, source: sourceOf(spec, impl.name), seed: null, cells, result: ce.replay });
    const dir = placeRepro(join(root, basename(defaultReproDir(impl.name, null)).replace(/-replay$/, "-exhaustive")), repro);
    context = { ...context, replayCommand: `npx cellgate replay ${dir}/repro.json` };
    console.log(`repro written to ${dir}/ (repro.json, repro.test.ts, trace.mmd, report.md)`);
    console.log(`replay: ${context.replayCommand}`);
  }
  const protocol = impl.protocol ?? 1;
  writeReports(reports, (kind) =>
    kind === "json" ? JSON.stringify(exhaustiveJson(r, context, timeMs, protocol), null, 2) + "\n" : kind === "md" ? exhaustiveMarkdown(r, context, timeMs, protocol) : exhaustiveJunit(r, context, timeMs, protocol),
  );
  const verdict = exhaustiveVerdict(r);
  if (verdict === "inconclusive") throw new UsageError("the time limit ran out before the first depth was searched; nothing was checked (raise --time)");
  return ce === undefined ? EXIT.conforms : EXIT.fails;
}

/** A checkpoint file, read part by part and checked; a usage error (one line) when it cannot be. */
function readCheckpointFile(file: string): SearchCheckpoint {
  return readFileParts(
    file,
    "checkpoint",
    (source) => {
      try {
        return readCheckpoint(source);
      } catch (e) {
        if (e instanceof CheckpointError) throw new UsageError(`${file}: ${e.message}`);
        throw e;
      }
    },
    () => new UsageError(`${file}: the checkpoint is truncated`),
  );
}

/** `1.52 GiB resident` (the process's resident memory, as a long search's progress shows it). */
export function residentText(bytes: number): string {
  const mib = bytes / 2 ** 20;
  return mib >= 1024 ? `${(mib / 1024).toFixed(2)} GiB resident` : `${Math.round(mib)} MiB resident`;
}

/** `1200 of 43234 states of depth 14 expanded, 3100 new` (where a search is within its level). */
export function levelText(p: SearchProgress): string {
  return `${p.expanded} of ${plural(p.ofLevel, "state")} of depth ${p.depth - 1} expanded, ${p.queued} new`;
}

interface Searched {
  readonly spec: ImplementationSpec;
  readonly noTools: boolean;
}

/** The implementation a search worker opens: as the command did (`--impl`, `--impl-cmd`, `--no-tools`). */
export function openSearched(s: Searched): Implementation {
  const impl = openImplementation(s.spec);
  return s.noTools ? withoutToolCalls(impl) : impl;
}

/**
 * The implementation as one that does not offer dispatch, so the search makes no nested tool
 * calls; everything else (read when used, as an adapter learns its protocol at start) is its own.
 */
export function withoutToolCalls(impl: Implementation): Implementation {
  return new Proxy(impl, {
    get(target, key) {
      if (key === "dispatch") return false;
      const value: unknown = Reflect.get(target, key, target);
      return typeof value === "function" ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
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
    `implementation: ${printable(r.implementation)}   cells: ${r.cells}   depth bound: ${r.depthBound}   requests: ${Number.isFinite(r.requests) ? `${r.requests} per cell` : "unbounded"}`,
    `dedupe: ${DEDUPE_TEXT[r.dedupe]}${r.symmetry ? "; symmetry over cell names (states equal up to renaming the cells count as one; renamed replays checked first)" : ""}`,
    `branching: ${r.branching === "restore" ? "snapshot and restore" : "replay each prefix from start()"}${r.workers > 1 ? `; each depth's states expanded on ${r.workers} worker threads` : ""}`,
    `new states per depth: ${r.levels.map((l) => l.states).join(" ")}`,
    `states: ${r.states}   transitions: ${r.transitions}   depth reached: ${r.depth}   time: ${seconds.toFixed(1)} s   states/s: ${seconds > 0 ? Math.round(r.states / seconds) : 0}`,
    `memory: ${Math.round(process.resourceUsage().maxRSS / 1024)} MiB peak RSS (the process), visited table ${(r.visitedBytes / 2 ** 20).toFixed(1)} MiB`,
    "rare orderings hit (transitions):",
    ...ORDERINGS.map((o) => `  ${o.padEnd(38)} ${String(r.orderings[o]).padStart(9)}`),
  ];
  const ce = r.counterexample;
  if (ce !== undefined) {
    // The table abstraction can merge away a shorter path: its counterexample is real (replayed) but not proven shortest.
    const what = r.dedupe === "table" ? "counterexample, not proven shortest (table dedupe is unsound)" : "shortest counterexample";
    lines.push(`verdict: ${ce.failure.verdict}; ${what} (${commandsText(ce.depth)}, ${budgetText(r)}):`);
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
