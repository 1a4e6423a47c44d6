/**
 * Live progress of a long command (check, explore, exhaustive) on stderr: on a terminal one line
 * redrawn in place, a few times a second; otherwise (a CI log) a plain line every so often; with
 * `--quiet` nothing. Progress is timed output, so it never goes to stdout, whose bytes stay
 * deterministic. Every update also goes into the shared progress record, which bin.mjs prints as a
 * partial summary when the command is interrupted.
 */
import { writeSync } from "node:fs";
import type { ProgressRecord } from "./progress-record.mjs";
import { currentTerminal, progressRecord } from "./session.ts";

export interface ProgressSink {
  readonly isTTY?: boolean;
  readonly columns?: number;
  write(text: string): unknown;
}

export interface ProgressCounts {
  readonly runs: number;
  readonly steps: number;
  readonly violations: number;
}

/** What the command plans to do, for the ETA: a number of runs, a time limit, or both. */
export interface ProgressPlan {
  readonly runs?: number | undefined;
  readonly timeMs?: number | undefined;
}

/** What the counts count: runs and steps, or (exhaustive) states and transitions. */
export interface ProgressUnits {
  readonly run: string;
  readonly step: string;
}

export const RUNS_AND_STEPS: ProgressUnits = { run: "run", step: "step" };

/** How often a plain progress line is written when stderr is not a terminal (`--progress-every`). */
export const DEFAULT_PROGRESS_EVERY_S = 10;

export class ProgressLine {
  private last: number;
  private drawn = false;
  private counts: ProgressCounts = { runs: 0, steps: 0, violations: 0 };
  private doing = "starting";
  private extra = "";
  private plan: ProgressPlan = {};
  private readonly started: number;

  /** `everyMs`: how often a plain line is written when not on a terminal; 0: no display at all. */
  constructor(
    private readonly command: string,
    private readonly out: ProgressSink,
    private readonly everyMs: number,
    private readonly record?: ProgressRecord,
    private readonly units: ProgressUnits = RUNS_AND_STEPS,
    private readonly clock: () => number = () => performance.now(),
  ) {
    this.started = clock();
    // A log gets its first line only once the command has run for a while: a short command prints none.
    this.last = out.isTTY === true ? -Infinity : this.started;
  }

  /** The command starts against `implementation` with this plan. */
  begin(implementation: string, plan: ProgressPlan, seed: number | null): void {
    this.plan = plan;
    this.record?.begin({ command: this.command, implementation, planned: plan.runs, seed, units: this.units });
    this.activity("running");
  }

  /** The counts so far; `extra` is shown after them ("2 seeds", "depth 7"); `doing`: a new activity, drawn with them in one line. */
  update(counts: ProgressCounts, extra = "", doing?: string): void {
    this.counts = counts;
    this.extra = extra;
    this.record?.count(counts);
    const changed = doing !== undefined && doing !== this.doing;
    if (changed) {
      this.doing = doing;
      this.record?.activity(doing);
    }
    this.draw(changed);
  }

  /** What the command is busy with now ("shrinking a violation", "writing the repro"). */
  activity(text: string): void {
    if (text === this.doing) return;
    this.doing = text;
    this.record?.activity(text);
    this.draw(true);
  }

  /** End the redrawn line (the final numbers are printed by the command). */
  done(): void {
    if (this.drawn) this.out.write("\r\x1b[K");
    this.drawn = false;
    this.record?.drawn(false);
  }

  private draw(changed: boolean): void {
    if (this.everyMs <= 0) return;
    const tty = this.out.isTTY === true;
    const now = this.clock();
    const interval = tty ? Math.min(100, this.everyMs) : this.everyMs;
    if (!(changed && tty) && now - this.last < interval) return;
    this.last = now;
    const text = progressText(this.command, this.counts, now - this.started, this.plan, this.doing, this.extra, this.units);
    if (tty) {
      const width = Math.max(20, (this.out.columns ?? 80) - 1);
      this.out.write(`\r\x1b[K${text.length > width ? `${text.slice(0, width - 1)}…` : text}`);
      if (!this.drawn) this.record?.drawn(true);
      this.drawn = true;
    } else {
      this.out.write(`${text}\n`);
    }
  }
}

/** `check: 431 of 10000 runs, 38120 steps, 3020 steps/s, 0 violations, 12.6 s, ETA 4m 10s (running)`. */
export function progressText(command: string, c: ProgressCounts, elapsedMs: number, plan: ProgressPlan, doing: string, extra = "", units = RUNS_AND_STEPS): string {
  const seconds = elapsedMs / 1000;
  const rate = seconds > 0 ? Math.round(c.steps / seconds) : 0;
  const runs = plan.runs === undefined ? plural(c.runs, units.run) : `${c.runs} of ${plural(plan.runs, units.run)}`;
  const parts = [runs, ...(extra === "" ? [] : [extra]), plural(c.steps, units.step), `${rate} ${units.step}s/s`, plural(c.violations, "failing run"), `${seconds.toFixed(1)} s`];
  const eta = etaMs(c, elapsedMs, plan);
  if (eta !== undefined) parts.push(`ETA ${duration(eta)}`);
  return `${command}: ${parts.join(", ")} (${doing})`;
}

function etaMs(c: ProgressCounts, elapsedMs: number, plan: ProgressPlan): number | undefined {
  const byRuns = plan.runs !== undefined && c.runs > 0 ? ((plan.runs - c.runs) * elapsedMs) / c.runs : undefined;
  const byTime = plan.timeMs !== undefined ? Math.max(0, plan.timeMs - elapsedMs) : undefined;
  if (byRuns === undefined) return byTime;
  return byTime === undefined ? byRuns : Math.min(byRuns, byTime);
}

/** `1 run`, `2 runs`. */
export function plural(n: number, unit: string): string {
  return `${n} ${unit}${n === 1 ? "" : "s"}`;
}

/** `42s`, `4m 10s`, `2h 05m`. */
export function duration(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m ${String(s % 60).padStart(2, "0")}s`;
  return `${Math.floor(s / 3600)}h ${String(Math.floor((s % 3600) / 60)).padStart(2, "0")}m`;
}

/**
 * Write to stderr at once. The command's thread is busy for the whole check, and a worker thread's
 * `process.stderr` only hands its writes to the main thread, which would show them at the end: so
 * progress goes straight to file descriptor 2. A full pipe (EAGAIN) drops the line; it is progress.
 */
function writeStderrNow(text: string): void {
  try {
    writeSync(2, text);
  } catch {
    // dropped: the next line says the same, newer
  }
}

/**
 * The progress display of a command run from the command line: on this process's stderr, drawn
 * in place when bin.mjs says stderr is a terminal; none when `quiet` or `everySeconds` is 0.
 */
export function commandProgress(command: string, everySeconds: number, quiet: boolean, units = RUNS_AND_STEPS): ProgressLine {
  const t = currentTerminal();
  const sink: ProgressSink = { isTTY: t.stderrIsTTY, columns: t.columns, write: writeStderrNow };
  return new ProgressLine(command, sink, quiet ? 0 : everySeconds * 1000, progressRecord(), units);
}
