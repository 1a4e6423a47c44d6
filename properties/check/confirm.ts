/**
 * Confirming a counterexample before it is reported: the shrunk command list is replayed twice.
 * A deterministic implementation gives the same steps, the same messages, the same tables and
 * the same failure each time (and the failure the search saw); anything else is reported as
 * `nondeterminism`, because a counterexample that does not replay is no counterexample.
 * Timeouts are judged by the clock, not compared: a step that timed out in the search or in
 * either replay is reported as a timeout.
 */
import type { Implementation } from "../../protocol/index.ts";
import type { Command } from "../run/commands.ts";
import { replay, type ReplayResult } from "../run/replay.ts";
import type { Failure, StepRecord } from "../run/run.ts";

export interface Confirmed {
  /** The verdict to report (the replayed failure, or nondeterminism). */
  readonly failure: Failure | undefined;
  /** The replay whose trace goes into the report. */
  readonly replay: ReplayResult;
}

/**
 * Replay `commands` twice and judge. `searched` is the failure the search run saw, if any;
 * when both replays agree with each other but not with it, that is nondeterminism too. With
 * `replays` 1 it is a plain replay (nothing to compare).
 */
export function confirm(impl: Implementation, commands: readonly Command[], cells: number, searched?: Failure, replays: 1 | 2 = 2): Confirmed {
  const first = replay(impl, commands, { cells });
  // A replay that hangs again needs no second one (each costs a whole step timeout).
  if (replays === 1 || first.failure?.verdict === "timeout") return { failure: first.failure, replay: first };
  const second = replay(impl, commands, { cells });
  if (second.failure?.verdict === "timeout") return { failure: second.failure, replay: second };
  const differs = firstDifference(first, second);
  if (differs !== undefined) return { failure: differs, replay: first };
  if (searched?.verdict === "timeout") {
    // Slow, not different: the step took longer than the timeout in the search only.
    return { failure: { ...searched, message: `${searched.message} (it did not time out again in two replays: the step is sometimes slower than the timeout)` }, replay: first };
  }
  if (searched !== undefined && !sameFailure(searched, first.failure)) {
    const step = Math.min(searched.step, first.failure?.step ?? Number.POSITIVE_INFINITY);
    return {
      failure: {
        verdict: "nondeterminism",
        step,
        message: "the search run and two replays of the same commands ended differently (state kept across runs, randomness or time?)",
        first: `search: ${failureLine(searched)}`,
        second: `replays: ${failureLine(first.failure)}`,
      },
      replay: first,
    };
  }
  return { failure: first.failure, replay: first };
}

/** The first step at which two replays of the same commands differ, as a nondeterminism failure. */
export function firstDifference(a: ReplayResult, b: ReplayResult): Failure | undefined {
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
  if (!sameFailure(a.failure, b.failure)) {
    const step = Math.min(a.failure?.step ?? a.steps, b.failure?.step ?? b.steps);
    return { verdict: "nondeterminism", step, message: "replaying the same commands twice ended differently", first: failureLine(a.failure), second: failureLine(b.failure) };
  }
  return undefined;
}

function stepLine(s: StepRecord | undefined): string {
  if (s === undefined) return "(no such step)";
  const table = s.table.map((e) => `${e.cell}:${e.kind}`).join(", ");
  return `${s.label} -> [${s.emitted.join(", ")}], table [${table}]`;
}

function sameFailure(a: Failure | undefined, b: Failure | undefined): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

function failureLine(f: Failure | undefined): string {
  if (f === undefined) return "passed";
  if (f.verdict === "violation") return `violation at step ${f.step} (${f.violations.map((v) => v.invariant).join(", ")})`;
  return `${f.verdict} at step ${f.step}: ${f.message}`;
}
