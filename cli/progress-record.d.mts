/** Types of progress-record.mjs (plain JavaScript, shared with bin.mjs). */
export declare const PROGRESS_RECORD_BYTES: number;
export declare function createProgressRecord(): SharedArrayBuffer;

export interface ProgressBegin {
  readonly command: string;
  readonly implementation: string;
  /** Runs planned, when known. */
  readonly planned?: number | undefined;
  readonly seed?: number | null | undefined;
  /** What the counts count (default run and step; exhaustive: state and transition). */
  readonly units?: { readonly run: string; readonly step: string } | undefined;
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
  /** Frozen by the signal handler: the counts are those at the signal. */
  readonly frozen: boolean;
  /** A progress line is drawn on the terminal now. */
  readonly drawn: boolean;
}

export declare class ProgressRecord {
  constructor(buffer: SharedArrayBuffer);
  begin(b: ProgressBegin): void;
  count(c: ProgressCounts): void;
  activity(text: string): void;
  drawn(on: boolean): void;
  read(): ProgressSnapshot | undefined;
}

/** Stop every write to the record (bin.mjs, when a signal arrives, before killing the implementation). */
export declare function freezeProgressRecord(buffer: SharedArrayBuffer): void;

export declare function formatPartialSummary(buffer: SharedArrayBuffer, nowMs?: number): string[];
