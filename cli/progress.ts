/**
 * Live progress of a long command on stderr: on a terminal one line redrawn in place, a few
 * times a second; otherwise (a CI log) a plain line every so often. Progress is timed output, so
 * it never goes to stdout, whose bytes stay deterministic.
 */
import type { Progress } from "./explore-runner.ts";

export interface ProgressSink {
  readonly isTTY?: boolean;
  write(text: string): unknown;
}

export class ProgressLine {
  private last = -Infinity;
  private drawn = false;

  /** `everyMs`: how often a plain line is written when not on a terminal; 0: no progress at all. */
  constructor(
    private readonly out: ProgressSink,
    private readonly everyMs: number,
  ) {}

  update(p: Progress): void {
    const tty = this.out.isTTY === true;
    if (this.everyMs <= 0) return;
    const interval = tty ? Math.min(100, this.everyMs) : this.everyMs;
    if (p.elapsedMs - this.last < interval) return;
    this.last = p.elapsedMs;
    if (tty) {
      this.out.write(`\r\x1b[K${progressText(p)}`);
      this.drawn = true;
    } else {
      this.out.write(`${progressText(p)}\n`);
    }
  }

  /** End the redrawn line (the final numbers are printed by the command). */
  done(): void {
    if (this.drawn) this.out.write("\r\x1b[K");
  }
}

export function progressText(p: Progress): string {
  const seconds = p.elapsedMs / 1000;
  const rate = seconds > 0 ? Math.round(p.steps / seconds) : 0;
  return `explore: ${p.runs} runs (${p.seeds} seeds), ${p.steps} steps, ${rate} steps/s, ${p.violations} violations, ${seconds.toFixed(1)} s`;
}
