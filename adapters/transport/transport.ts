/** What the wire client needs from whatever runs the implementation: lines in, lines out. */

/** The outcome of sending a batch of request lines. */
export type Exchange =
  /** One answer line per request, in request order. */
  | { readonly kind: "lines"; readonly lines: readonly string[] }
  /** It ended first; `answered` are the answers that came before. */
  /** `why`: what ended it when it is not an exit status (a module that called process.exit, threw outside any step). */
  | { readonly kind: "exited"; readonly code: number | null; readonly signal: string | null; readonly answered: readonly string[]; readonly why?: string }
  | { readonly kind: "timeout" }
  | { readonly kind: "unsolicited"; readonly line: string }
  | { readonly kind: "too-long"; readonly bytes: number };

export interface Captured {
  /** The tail of what the implementation wrote to stderr since the current run began. */
  readonly text: string;
  /** Bytes left out of `text` to keep it bounded. */
  readonly dropped: number;
}

export interface Transport {
  /** What runs, for messages: the command line or the module path. */
  readonly label: string;
  /** The process id while a child process runs. */
  readonly pid: number | undefined;
  /**
   * True when every request gets exactly one answer line whatever the implementation does (it
   * runs in process): a malformed answer then leaves the stream in step and needs no restart.
   */
  readonly framed: boolean;
  /** Start a fresh implementation (process or worker); throws SetupError when it cannot. */
  start(timeoutMs: number): void;
  /**
   * Send a batch of request lines at once and wait until each has its answer line (answers come
   * in request order). A line that arrives while no request is unanswered is `unsolicited`.
   * `newRun` starts a new stderr capture.
   */
  exchange(lines: readonly string[], timeoutMs: number, newRun: boolean): Exchange;
  /** Stop it at once and wait until it is gone (after a timeout or a broken stream). */
  kill(): void;
  /** Stop it in order: end of input, a grace period, then kill. Leaves nothing running. */
  stop(): void;
  /** What it wrote to stderr in the current run. */
  stderr(): Captured;
}

/** "exited with code 3" / "was killed by SIGSEGV" / "called process.exit(3)". */
export function exitText(code: number | null, signal: string | null, why?: string): string {
  if (why !== undefined) return why;
  if (signal !== null) return `was killed by ${signal}`;
  return `exited with code ${code ?? "?"}`;
}
