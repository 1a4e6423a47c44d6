/** What a report knows beyond the result itself: how the implementation was named, and where and when it ran. */
import type { SettingValue } from "./envelope.ts";

export interface ReportContext {
  /**
   * How the implementation was chosen, as settings: `{ impl: "./gate.ts" }`, `{ "impl-cmd": "python3 gate.py" }`,
   * plus `step-timeout` when one was given (default: the bundled name as `impl`).
   */
  readonly implementation?: Readonly<Record<string, SettingValue>>;
  /** The seed was drawn at random (`--seed random`). */
  readonly seedRandom?: boolean;
  /** When the command started (ISO 8601), and on which host: JUnit's `timestamp` and `hostname`. */
  readonly timestamp?: string;
  readonly hostname?: string;
  /** The command line that replays the counterexample, when one was written. */
  readonly replayCommand?: string;
}

/** The implementation settings of a report: the context's, else the name as a bundled `impl`. */
export function implementationSettings(name: string, context: ReportContext): Record<string, SettingValue> {
  return { ...(context.implementation ?? { impl: name }) };
}
