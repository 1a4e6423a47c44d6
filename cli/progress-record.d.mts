/** Types of progress-record.mjs (plain JavaScript, shared with bin.mjs). */
export declare const PROGRESS_RECORD_BYTES: number;
export declare function createProgressRecord(): SharedArrayBuffer;

export interface ProgressBegin {
  readonly command: string;
  readonly implementation: string;
  /** Runs planned, when known. */
  readonly planned?: number | undefined;
  readonly seed?: number | null | undefined;
}

export interface ProgressCounts {
  readonly runs: number;
  readonly steps: number;
  readonly violations: number;
}

export interface ProgressSnapshot extends ProgressCounts {
  readonly command: string;
  readonly implementation: string;
  readonly activity: string;
  readonly seed: number | null;
  readonly planned: number | undefined;
  readonly startedAtMs: number;
  readonly updatedAtMs: number;
}

export declare class ProgressRecord {
  constructor(buffer: SharedArrayBuffer);
  begin(b: ProgressBegin): void;
  count(c: ProgressCounts): void;
  activity(text: string): void;
  read(): ProgressSnapshot | undefined;
}

export declare function formatPartialSummary(buffer: SharedArrayBuffer, nowMs?: number): string[];
