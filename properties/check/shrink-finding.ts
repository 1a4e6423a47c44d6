/**
 * Shrinking a finding that a plain replay does not show: a soundness verdict (the run behaves
 * otherwise unwatched or renamed) or state kept across runs. The deletions are those of the
 * minimizing pass (properties/shrink/minimize.ts), by the meaning of each step: every step of
 * one cell, then runs of steps, halving down to single steps; each candidate is re-resolved by
 * its labels and kept when `reproduces` finds the same verdict in fewer commands. Each candidate
 * costs a few runs, so their number is bounded (a count, not a time: the same seed gives the same
 * result on any machine).
 */
import type { Implementation } from "../../protocol/index.ts";
import type { Command } from "../run/commands.ts";
import type { ReplayResult } from "../run/replay.ts";
import type { Failure } from "../run/run.ts";
import { resolveLabels } from "../shrink/labels.ts";

/** The most candidates one finding's shrinking tries. */
export const FINDING_SHRINK_TRIES = 150;

export interface Finding {
  readonly failure: Failure;
  /** The run whose commands (and labels) are shrunk. */
  readonly replay: ReplayResult;
}

export function shrinkFinding<F extends Finding>(
  impl: Implementation,
  start: F,
  cells: number,
  reproduces: (commands: readonly Command[]) => F | undefined,
  tries = FINDING_SHRINK_TRIES,
): { readonly found: F; readonly shrinks: number } {
  let best = start;
  let left = tries;
  let shrinks = 0;
  const attempt = (labels: readonly string[]): boolean => {
    if (labels.length === 0 || left <= 0) return false;
    left--;
    const commands = resolveLabels(impl, labels, cells);
    if (commands === undefined || commands.length === 0) return false;
    const f = reproduces(commands);
    if (f === undefined || f.failure.verdict !== start.failure.verdict || f.replay.commands.length >= best.replay.commands.length) return false;
    best = f;
    shrinks++;
    return true;
  };
  for (let changed = true; changed && left > 0; ) {
    changed = false;
    const labels = best.replay.labels;
    for (const cell of new Set(labels.flatMap((l) => /\bc\d+\b/.exec(l)?.[0] ?? []))) {
      if (changed) break;
      changed = attempt(labels.filter((l) => !new RegExp(`\\b${cell}\\b`).test(l)));
    }
    for (let size = Math.ceil(labels.length / 2); size >= 1 && !changed; size = size === 1 ? 0 : Math.ceil(size / 2)) {
      for (let i = labels.length - size; i > -size && !changed; i -= size) {
        const from = Math.max(0, i);
        changed = attempt([...labels.slice(0, from), ...labels.slice(i + size)]);
      }
    }
  }
  return { found: best, shrinks };
}
