/**
 * Timing is never a verdict on its own. A run in which a step missed the step timeout is re-run
 * from the start, in a fresh process, under RETRY_FACTOR times the limit: an implementation that
 * answers then was slow (a warning, with the time it took), and only one that misses the long
 * limit too is a `timeout`. With `strictTime` a slow step is a timeout as well.
 */
import type { Implementation } from "../../protocol/index.ts";
import type { Command } from "./commands.ts";
import { replay, type ReplayResult } from "./replay.ts";
import type { Failure } from "./run.ts";

/** How much longer the retry limit is than the step timeout. */
export const RETRY_FACTOR = 10;

/** A step that missed the step timeout but answered under the retry limit. */
export interface SlowStep {
  /** The step that missed the timeout, and what the adapter said then. */
  readonly step: number;
  readonly missed: string;
  /** The slowest requests of the retried run (`the host step commit(c1) and the gate_table request`), and how long they took, in ms. */
  readonly slowest: string;
  readonly ms: number;
  /** The step timeout it missed, and the retry limit it met, in ms. */
  readonly limitMs: number;
  readonly retryMs: number;
}

export interface TimedReplay {
  readonly result: ReplayResult;
  /** Set when the first attempt timed out and the retry answered. */
  readonly slow: SlowStep | undefined;
}

export interface TimingOptions {
  readonly cells?: number;
  /** A slow step is a timeout (default false: a warning). */
  readonly strictTime?: boolean;
}

/** Replay `commands` in a fresh process; a timeout is re-run once, fresh, under the retry limit. */
export function patientReplay(impl: Implementation, commands: readonly Command[], options: TimingOptions = {}): TimedReplay {
  const first = replay(impl, commands, { cells: options.cells ?? 3, fresh: true });
  const missed = first.failure;
  return (missed?.verdict === "timeout" ? retryTimeout(impl, commands, missed, options) : undefined) ?? { result: first, slow: undefined };
}

/**
 * A run of `commands` that missed the step timeout (`missed`), run again, fresh, under the retry
 * limit; undefined for an implementation without a step timeout.
 */
export function retryTimeout(impl: Implementation, commands: readonly Command[], missed: Failure & { verdict: "timeout" }, options: TimingOptions = {}): TimedReplay | undefined {
  const timing = impl.timing;
  if (timing === undefined) return undefined;
  const retryMs = timing.stepTimeoutMs * RETRY_FACTOR;
  const again = timing.withStepTimeout(retryMs, () => replay(impl, commands, { cells: options.cells ?? 3, fresh: true }));
  if (again.failure?.verdict === "timeout") {
    const message = `${again.failure.message} (it had missed the ${seconds(timing.stepTimeoutMs)} step timeout first: it hangs, it is not slow)`;
    return { result: { ...again, failure: { ...again.failure, message } }, slow: undefined };
  }
  const s = timing.slowest();
  const slow: SlowStep = { step: missed.step, missed: missed.message, slowest: s?.what ?? "no request", ms: s?.ms ?? 0, limitMs: timing.stepTimeoutMs, retryMs };
  if (options.strictTime !== true) return { result: again, slow };
  const message = `${slowText(slow, false)}; --strict-time makes a slow step a timeout`;
  return { result: { ...again, failure: { verdict: "timeout", step: missed.step, message } }, slow };
}

/** A slow step as JSON reports carry it (times in whole ms). */
export function slowJson(s: SlowStep): SlowJson {
  return { step: s.step, missed: s.missed, slowest: s.slowest, ms: Math.round(s.ms), stepTimeoutMs: s.limitMs, retryMs: s.retryMs };
}

export interface SlowJson {
  readonly step: number;
  readonly missed: string;
  readonly slowest: string;
  readonly ms: number;
  readonly stepTimeoutMs: number;
  readonly retryMs: number;
}

/** A slow step read back from a JSON report (`slowJson`), or undefined when a field is missing or malformed. */
export function slowFromJson(x: unknown): SlowStep | undefined {
  if (typeof x !== "object" || x === null) return undefined;
  const o = x as Record<string, unknown>;
  const count = (v: unknown): v is number => typeof v === "number" && Number.isSafeInteger(v) && v >= 0;
  if (!count(o.step) || typeof o.missed !== "string" || typeof o.slowest !== "string" || !count(o.ms) || !count(o.stepTimeoutMs) || !count(o.retryMs)) return undefined;
  return { step: o.step, missed: o.missed, slowest: o.slowest, ms: o.ms, limitMs: o.stepTimeoutMs, retryMs: o.retryMs };
}

/** "step 3: no answer to ... within 2 s; ...; run again in a fresh process under the 20 s retry limit, it answered (slowest: ... in 2.41 s)". */
export function slowText(s: SlowStep, withStep = true): string {
  return `${withStep ? `step ${s.step}: ` : ""}${s.missed}; run again in a fresh process under the ${seconds(s.retryMs)} retry limit, it answered (slowest: ${s.slowest}, ${seconds(Math.round(s.ms))})`;
}

function seconds(ms: number): string {
  return ms >= 1000 ? `${(ms / 1000).toFixed(ms % 1000 === 0 ? 0 : 2)} s` : `${ms} ms`;
}
