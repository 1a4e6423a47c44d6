/**
 * Confirming a counterexample before it is reported: the shrunk command list is replayed twice,
 * each time in a fresh process. A deterministic implementation gives the same steps, the same
 * messages, the same tables and the same failure each time (and the failure the search saw);
 * anything else is reported as `nondeterminism` (two replays that both ran to completion and
 * differ) or `state-across-runs` (two fresh replays agree, and differ from the search run, which
 * came after earlier runs in the same process). Timing is never compared: a replay that times
 * out is re-run under the retry limit (properties/run/timing.ts), and only a replay that hangs
 * there too is a timeout.
 */
import type { Implementation } from "../../protocol/index.ts";
import type { Command } from "../run/commands.ts";
import type { ReplayResult } from "../run/replay.ts";
import type { Failure, StepRecord } from "../run/run.ts";
import { patientReplay, type SlowStep } from "../run/timing.ts";

export interface Confirmed {
  /** The verdict to report (the replayed failure, or nondeterminism). */
  readonly failure: Failure | undefined;
  /** The replay whose trace goes into the report. */
  readonly replay: ReplayResult;
  /** Replays whose first attempt timed out and whose retry answered. */
  readonly slow: readonly SlowStep[];
  /** The failure came only after earlier runs in the same process (state-across-runs, or a crash on reset). */
  readonly afterEarlierRuns?: true;
}

export interface ConfirmOptions {
  /** A slow step is a timeout (default: a warning). */
  readonly strictTime?: boolean;
}

/**
 * Replay `commands` twice and judge. `searched` is the failure the search run saw, if any;
 * when both replays agree with each other but not with it, that is state kept across runs (or,
 * for an implementation that cannot start fresh, nondeterminism). A search run that timed out is
 * not compared (it was retried in the search). With `replays` 1 it is a plain replay.
 */
export function confirm(impl: Implementation, commands: readonly Command[], cells: number, searched?: Failure, replays: 1 | 2 = 2, options: ConfirmOptions = {}): Confirmed {
  const slow: SlowStep[] = [];
  const attempt = (): ReplayResult => {
    const t = patientReplay(impl, commands, { cells, ...(options.strictTime === true ? { strictTime: true } : {}) });
    if (t.slow !== undefined) slow.push(t.slow);
    return t.result;
  };
  const first = attempt();
  // A replay that hangs again needs no second one (each costs a whole retry limit).
  if (replays === 1 || first.failure?.verdict === "timeout") return { failure: first.failure, replay: first, slow };
  const second = attempt();
  if (second.failure?.verdict === "timeout") return { failure: second.failure, replay: second, slow };
  const differs = firstDifference(first, second);
  if (differs !== undefined) return { failure: differs, replay: first, slow };
  if (searched === undefined || searched.verdict === "timeout" || sameOutcome(searched, first.failure)) return { failure: first.failure, replay: first, slow };
  if (searched.verdict === "crash" && searched.step === 0 && first.failure === undefined) {
    // It died on reset after earlier runs in the same process; a fresh one passes these commands.
    return { failure: { ...searched, message: `${searched.message} (after earlier runs in the same process; in a fresh process these commands pass)` }, replay: first, slow, afterEarlierRuns: true };
  }
  const step = Math.min(searched.step, first.failure?.step ?? Number.POSITIVE_INFINITY);
  const lines = `search: ${failureLine(searched)}; two fresh replays: ${failureLine(first.failure)}`;
  if (impl.freshStart === true) {
    const message = `the run ended differently after earlier runs in the same process than in a fresh process (twice): the implementation keeps state across reset (${lines})`;
    return { failure: { verdict: "state-across-runs", step, message }, replay: first, slow, afterEarlierRuns: true };
  }
  return {
    failure: {
      verdict: "nondeterminism",
      step,
      message: "the search run and two replays of the same commands ended differently (state kept across runs, randomness or time?)",
      first: `search: ${failureLine(searched)}`,
      second: `replays: ${failureLine(first.failure)}`,
    },
    replay: first,
    slow,
  };
}

/** The first step at which two replays of the same commands differ, as a nondeterminism failure. */
export function firstDifference(a: ReplayResult, b: ReplayResult): Extract<Failure, { verdict: "nondeterminism" }> | undefined {
  const n = Math.max(a.trace.length, b.trace.length);
  for (let i = 0; i < n; i++) {
    const x = a.trace[i];
    const y = b.trace[i];
    const sx = stepLine(x);
    const sy = stepLine(y);
    if (sx !== sy) {
      const step = x?.step ?? y?.step ?? i + 1;
      return { verdict: "nondeterminism", step, message: `replaying the same commands twice gave different outputs at step ${step} (${x?.label ?? y?.label ?? "?"})`, first: sx, second: sy };
    }
  }
  if (!sameOutcome(a.failure, b.failure)) {
    const step = Math.min(a.failure?.step ?? a.steps, b.failure?.step ?? b.steps);
    return { verdict: "nondeterminism", step, message: "replaying the same commands twice ended differently", first: failureLine(a.failure), second: failureLine(b.failure) };
  }
  return undefined;
}

/**
 * One step as compared. The gate table is a set, so its rows are sorted; what a step emits is
 * compared as a multiset, and the order that matters (within each channel) through the messages
 * in flight after it, listed channel by channel.
 */
function stepLine(s: StepRecord | undefined): string {
  if (s === undefined) return "(no such step)";
  const table = s.table.map((e) => `${e.cell}:${e.kind}`).sort().join(", ");
  return `${s.label} -> [${[...s.emitted].sort().join(", ")}], table [${table}], in flight [${s.inFlight.join(", ")}]`;
}

/**
 * Do two failures say the same thing? The verdict, the step and the invariants must agree; the
 * words of a message are compared with every number masked (a crash that prints a time or a pid,
 * a harness message that counts bytes as the pipe delivered them), so that noise in a message is
 * never taken for a different outcome.
 */
export function sameOutcome(a: Failure | undefined, b: Failure | undefined): boolean {
  return comparable(a) === comparable(b);
}

function comparable(f: Failure | undefined): string {
  if (f === undefined) return "passed";
  if (f.verdict === "violation") return `violation ${f.step} ${f.violations.map((v) => `${v.invariant}/${v.cell ?? ""}`).sort().join(",")}`;
  return `${f.verdict} ${f.step} ${maskNumbers(f.message)}`;
}

/** `crashed at 12:03:04.5 (pid 4711), a line of 1066156 bytes` → `crashed at #:#:# (pid #), a line of # bytes`. */
export function maskNumbers(text: string): string {
  return text.replace(/\d+(\.\d+)?/g, "#");
}

function failureLine(f: Failure | undefined): string {
  if (f === undefined) return "passed";
  if (f.verdict === "violation") return `violation at step ${f.step} (${f.violations.map((v) => v.invariant).join(", ")})`;
  return `${f.verdict} at step ${f.step}: ${f.message}`;
}
