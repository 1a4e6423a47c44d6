/**
 * A last shrinking pass after fast-check's own. fast-check deletes and shrinks raw commands, whose
 * indices are resolved against what is live, so deleting one step often changes what the later
 * ones mean and the deletion is rejected. This pass works on the *meaning* of each step (its
 * label): it deletes one step or two, re-resolves every remaining label to the command that
 * performs it (renumbering requests and cells), and keeps the change when the run still fails the
 * same way. When no one or two steps can go, a breadth-first search over the cells the
 * counterexample uses, bounded by its length, looks for a shorter run failing the same way
 * (another race can reach the same invariant in fewer steps than the one fast-check happened to
 * find), and says whether the result is proven minimal (shortest.ts).
 */
import type { Implementation } from "../../protocol/index.ts";
import type { ReplayResult } from "../run/replay.ts";
import { replay } from "../run/replay.ts";
import { resolveLabels, sameFailure } from "./labels.ts";
import { shortest, type Minimality, type ShortestOptions } from "./shortest.ts";

export interface Minimized {
  readonly result: ReplayResult;
  readonly minimality: Minimality;
}

export function minimize(impl: Implementation, start: ReplayResult, cells: number, budget = 3000, options: ShortestOptions = {}): Minimized {
  let best = start;
  let tries = 0;
  const attempt = (labels: readonly string[]): boolean => {
    if (tries++ >= budget) return false;
    const cmds = resolveLabels(impl, labels, cells);
    if (cmds === undefined) return false;
    const r = replay(impl, cmds, { cells });
    if (!sameFailure(r.failure, start.failure) || r.commands.length >= best.commands.length) return false;
    best = r;
    return true;
  };
  for (let changed = true; changed && tries < budget; ) {
    changed = false;
    const labels = best.labels;
    // Every step of one cell at once (the other cells are renamed down).
    for (const cell of new Set(labels.flatMap((l) => /\bc\d+\b/.exec(l)?.[0] ?? []))) {
      if (changed) break;
      changed = attempt(labels.filter((l) => !new RegExp(`\\b${cell}\\b`).test(l)));
    }
    for (let i = labels.length - 1; i >= 0 && !changed; i--) changed = attempt(without(labels, i));
    for (let i = labels.length - 1; i >= 1 && !changed; i--) {
      for (let j = i - 1; j >= 0 && !changed; j--) changed = attempt(without(without(labels, i), j));
    }
  }
  return shortest(impl, best, start.failure, cells, options);
}

function without<T>(xs: readonly T[], i: number): T[] {
  return [...xs.slice(0, i), ...xs.slice(i + 1)];
}
