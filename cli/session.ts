/**
 * What the command's thread knows about where it runs, handed over by bin.mjs: whether stdout and
 * stderr are terminals (a worker thread's `process.stderr.isTTY` is undefined, so the facts come
 * from the main thread) and the shared progress record bin.mjs reads on a signal. Run in process
 * (the tests' `main()`), it falls back to this thread's own streams and a private record.
 */
import { createProgressRecord, ProgressRecord } from "./progress-record.mjs";

export interface Terminal {
  readonly stdoutIsTTY: boolean;
  readonly stderrIsTTY: boolean;
  /** Width of the terminal stderr draws on (80 when unknown). */
  readonly columns: number;
}

export interface SessionData {
  readonly terminal?: Terminal;
  readonly progress?: SharedArrayBuffer;
}

let terminal: Terminal = {
  stdoutIsTTY: process.stdout.isTTY === true,
  stderrIsTTY: process.stderr.isTTY === true,
  columns: process.stderr.columns || 80,
};
let record = new ProgressRecord(createProgressRecord());

/** Take over what bin.mjs passed in workerData (missing fields keep the in-process defaults). */
export function adoptSession(data: SessionData): void {
  if (data.terminal !== undefined) terminal = data.terminal;
  if (data.progress !== undefined) record = new ProgressRecord(data.progress);
}

export function currentTerminal(): Terminal {
  return terminal;
}

export function progressRecord(): ProgressRecord {
  return record;
}
