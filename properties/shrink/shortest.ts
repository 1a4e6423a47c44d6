/**
 * The last shrinking step: a breadth-first search for a shorter run that fails the same way, over
 * as many cells as the counterexample uses, and what it proves about the result's length.
 *
 * The search is exact for every implementation: with `snapshot()` it deduplicates by the snapshot
 * (exact by the snapshot contract); without (a module in a worker, a process over stdio) it keeps
 * every command sequence as its own node (dedupe "off") and replays prefixes. Breadth-first order
 * makes every level it completes a proof: no run of that many commands fails the same way. Both
 * searches are bounded by a count of transitions (not a time, so the same seed gives the same
 * result on a busy machine). When the exact search is cut short below the counterexample's length,
 * the unsound table key is tried as a heuristic within its own bound: what it finds is replayed and
 * kept only when it fails the same way and is shorter, and it is proven minimal only when the
 * exact levels already rule out anything shorter.
 */
import type { Implementation } from "../../protocol/index.ts";
import { exhaustive, type ExhaustiveResult } from "../search/exhaustive.ts";
import { partiesCoupled, withInputTrace } from "./input-trace.ts";
import { replay, type ReplayResult } from "../run/replay.ts";
import type { Command } from "../run/commands.ts";
import type { Failure } from "../run/run.ts";
import { resolveLabels, sameFailure } from "./labels.ts";

/**
 * How the exact search tells states apart: "snapshot" (the implementation's own), "inputs" (each
 * party's inputs since the start, for an implementation without snapshots whose parties the
 * separation check found to be separate state machines; input-trace.ts), "off" (every command
 * sequence its own node).
 */
export type ExactDedupe = "snapshot" | "inputs" | "off";

/** What is known about the length of a reported counterexample. */
export interface Minimality {
  /**
   * True when no run of fewer commands fails the same way (the same verdict, and for a violation
   * the same first invariant) with at most `cells` cells: every shorter run was searched, exactly.
   */
  readonly proven: boolean;
  /** Every run of at most this many commands (with at most `cells` cells) was searched exactly, and none fails the same way; -1 when none was. */
  readonly searched: number;
  readonly cells: number;
  /** How the exact search told states apart (see ExactDedupe). */
  readonly dedupe: ExactDedupe | undefined;
  /** Transitions the searches took (exact and heuristic). */
  readonly transitions: number;
  /** Why it is not proven, when it is not. */
  readonly reason: string | undefined;
}

export interface ShortestOptions {
  /** Transitions the exact search may take (default: SNAPSHOT_TRANSITIONS or REPLAY_TRANSITIONS). */
  readonly maxTransitions?: number;
  /** Key states by each party's inputs when the implementation has no snapshot and its parties are separate (default true; false: dedupe "off"). */
  readonly inputs?: boolean;
  /** Transitions the table heuristic may take after an exact search cut short (default HEURISTIC_TRANSITIONS; 0: none). */
  readonly heuristicTransitions?: number;
}

/** The exact search's bound when states are restored from snapshots (about 50–90 µs each). */
export const SNAPSHOT_TRANSITIONS = 200_000;
/** The exact search's bound when prefixes are replayed (no snapshot: every transition replays its prefix). */
export const REPLAY_TRANSITIONS = 20_000;
/** The table heuristic's bound, after an exact search that was cut short. */
export const HEURISTIC_TRANSITIONS = 10_000;

/** Minimality when no search was run. */
export function unproven(cells: number, reason: string): Minimality {
  return { proven: false, searched: -1, cells, dedupe: undefined, transitions: 0, reason };
}

/** The cells a counterexample's labels name. */
export function cellsUsed(labels: readonly string[]): number {
  return new Set(labels.flatMap((l) => /\bc\d+\b/.exec(l)?.[0] ?? [])).size;
}

/**
 * A run shorter than `best` that fails as `failure` does, if the search finds one, and what is
 * proven about the length of the result.
 */
export function shortest(
  impl: Implementation,
  best: ReplayResult,
  failure: Failure | undefined,
  cells: number,
  options: ShortestOptions = {},
): { readonly result: ReplayResult; readonly minimality: Minimality } {
  const used = Math.max(1, cellsUsed(best.labels));
  const length = best.commands.length;
  const restores = best.run.instance.snapshot !== undefined && best.run.instance.restore !== undefined;
  // Without a snapshot: each party's inputs as the key when the parties are seen to be separate state machines, else every path.
  const separate = !restores && options.inputs !== false && partiesCoupled(impl, used, [best.commands]) === undefined;
  const dedupe: ExactDedupe = restores ? "snapshot" : separate ? "inputs" : "off";
  const accept = (f: Failure): boolean => sameFailure(f, failure);
  const exact = exhaustive(separate ? withInputTrace(impl) : impl, {
    cells: used,
    depth: length - 1,
    requests: Number.POSITIVE_INFINITY,
    accept,
    dedupe: dedupe === "off" ? "off" : "snapshot",
    maxTransitions: options.maxTransitions ?? (restores ? SNAPSHOT_TRANSITIONS : REPLAY_TRANSITIONS),
  });
  let transitions = exact.transitions;
  const searched = searchedUpTo(exact);
  // A run the search found, replayed with the check's cells: its own commands, else its labels resolved again.
  const confirmed = (found: { readonly commands: readonly Command[]; readonly labels: readonly string[] } | undefined): ReplayResult | undefined => {
    if (found === undefined) return undefined;
    const ok = (r: ReplayResult): boolean => sameFailure(r.failure, failure) && r.commands.length < length;
    const direct = replay(impl, found.commands, { cells });
    if (ok(direct)) return direct;
    const cmds = resolveLabels(impl, found.labels, cells);
    const again = cmds === undefined ? undefined : replay(impl, cmds, { cells });
    return again !== undefined && ok(again) ? again : undefined;
  };
  const minimality = (result: ReplayResult, reason: string | undefined): { result: ReplayResult; minimality: Minimality } => {
    const proven = searched >= result.commands.length - 1;
    return { result, minimality: { proven, searched, cells: used, dedupe, transitions, reason: proven ? undefined : reason } };
  };
  const shorter = confirmed(exact.counterexample);
  if (shorter !== undefined) return minimality(shorter, "the shorter run found did not replay at its length");
  const bound = `the exact search stopped at its bound of ${transitions} transitions`;
  if (!exact.stoppedByTime) return minimality(best, bound);
  // Cut short: the unsound table key reaches deeper in the same number of transitions.
  const budget = options.heuristicTransitions ?? HEURISTIC_TRANSITIONS;
  if (budget <= 0) return minimality(best, bound);
  const heuristic = exhaustive(impl, { cells: used, depth: length - 1, requests: Number.POSITIVE_INFINITY, accept, dedupe: "table", maxTransitions: budget });
  transitions += heuristic.transitions;
  return minimality(confirmed(heuristic.counterexample) ?? best, bound);
}

/** The longest run length the search ruled out (every level it completed; the whole bound when it ran to it). */
function searchedUpTo(r: ExhaustiveResult): number {
  if (r.counterexample !== undefined) return r.counterexample.depth - 1;
  if (r.exhausted || !r.stoppedByTime) return r.depthBound;
  return r.depth;
}
