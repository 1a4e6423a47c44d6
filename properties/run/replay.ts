/**
 * Run an explicit command list against an implementation, with every step recorded. This is
 * what repro files, pinned regressions and the named scenario tests use.
 */
import type { Implementation } from "../../protocol/index.ts";
import type { Command } from "./commands.ts";
import { HarnessRun, type Failure, type StepRecord } from "./run.ts";

export interface ReplayResult {
  readonly failure: Failure | undefined;
  /** Labels of the commands that ran, in order (`deliver host⇢core cell_closed(c1)`). */
  readonly labels: readonly string[];
  /** The commands that ran (skipped ones are dropped). */
  readonly commands: readonly Command[];
  readonly trace: readonly StepRecord[];
  readonly steps: number;
  readonly run: HarnessRun;
}

export interface ReplayOptions {
  readonly cells?: number;
  /** Run the end-of-run drain and final checks (default true). */
  readonly drain?: boolean;
  /** Start in a fresh process, with nothing left from earlier runs (see StartOptions). */
  readonly fresh?: boolean;
}

export function replay(impl: Implementation, commands: readonly Command[], options: ReplayOptions = {}): ReplayResult {
  const run = new HarnessRun(impl, { cells: options.cells ?? 3, record: true, ...(options.fresh === true ? { fresh: true } : {}) });
  const labels: string[] = [];
  const ran: Command[] = [];
  try {
    for (const cmd of commands) {
      if (run.failure !== undefined) break;
      const r = run.resolve(cmd);
      if (r === undefined) continue;
      labels.push(r.label);
      ran.push(cmd);
      run.apply(cmd);
    }
    if (options.drain !== false) run.drain();
  } finally {
    run.close();
  }
  return { failure: run.failure, labels, commands: ran, trace: run.trace ?? [], steps: run.steps, run };
}
