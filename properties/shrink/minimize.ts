/**
 * A last shrinking pass after fast-check's own. fast-check deletes and shrinks raw commands, whose
 * indices are resolved against what is live, so deleting one step often changes what the later
 * ones mean and the deletion is rejected. This pass works on the *meaning* of each step (its
 * label): it deletes one step or two, re-resolves every remaining label to the command that
 * performs it (renumbering requests and cells), and keeps the change when the run still fails the same way.
 * When no one or two steps can go, a breadth-first search over the cells the counterexample uses,
 * bounded by its length, looks for a shorter run failing the same way (another race can reach the
 * same invariant in fewer steps than the one fast-check happened to find); it is cheap at these
 * depths and makes the result the shortest there is.
 */
import type { Implementation } from "../../protocol/index.ts";
import type { Command } from "../run/commands.ts";
import { exhaustive } from "../search/exhaustive.ts";
import { replay, type ReplayResult } from "../run/replay.ts";
import { HarnessRun, type Failure } from "../run/run.ts";
import { findCommand } from "../run/script.ts";

/** Same verdict, and for violations the same first invariant (the failure the user is shown). */
export function sameFailure(a: Failure | undefined, b: Failure | undefined): boolean {
  if (a === undefined || b === undefined || a.verdict !== b.verdict) return false;
  if (a.verdict === "violation" && b.verdict === "violation") return a.violations[0]?.invariant === b.violations[0]?.invariant;
  return true;
}

/**
 * The commands that perform `labels` in order, renumbering request ids as earlier steps go away;
 * undefined when a step is not possible. Stops after the step that fails.
 */
export function resolveLabels(impl: Implementation, labels: readonly string[], cells: number): Command[] | undefined {
  const run = new HarnessRun(impl, { cells });
  const renumber = new Map<number, number>();
  const rename = new Map<string, string>();
  const out: Command[] = [];
  try {
    for (const label of labels) {
      if (run.failure !== undefined) break;
      if (/^(observe|terminate|tool) c\d+ \(#\d+\)$/.test(label)) {
        const old = Number(/#(\d+)/.exec(label)?.[1]);
        renumber.set(old, run.nextReq);
      }
      const created = /^create (c\d+)$/.exec(label);
      if (created !== null) rename.set(created[1] as string, run.cellNames[run.state.cells.size] ?? "?");
      let ok = true;
      const wanted = label
        .replace(/\bc(\d+)\b/g, (whole: string) => {
          const r = rename.get(whole);
          if (r === undefined) ok = false;
          return r ?? whole;
        })
        .replace(/#(\d+)/g, (_, n: string) => {
          const r = renumber.get(Number(n));
          if (r === undefined) ok = false;
          return `#${r ?? n}`;
        });
      if (!ok) return undefined;
      const cmd = findCommand(run, wanted);
      if (cmd === undefined) return undefined;
      out.push(cmd);
      run.apply(cmd);
    }
  } finally {
    run.close();
  }
  return out;
}

export function minimize(impl: Implementation, start: ReplayResult, cells: number, budget = 3000): ReplayResult {
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
  return shortest(impl, best, start.failure, cells);
}

/**
 * How many transitions the breadth-first pass may take for an implementation that must replay
 * prefixes (no snapshot): a count, not a time, so that the same seed gives the same result on a
 * busy machine.
 */
const REPLAY_SEARCH_TRANSITIONS = 20_000;

/**
 * Breadth-first search for a shorter run with the same failure, over as many cells as `best`
 * uses. With snapshots it restores states; without (a module in a worker, a process over stdio)
 * it replays prefixes, within a transition bound: whatever it finds is replayed and confirmed.
 */
function shortest(impl: Implementation, best: ReplayResult, failure: Failure | undefined, cells: number): ReplayResult {
  const used = new Set(best.labels.flatMap((l) => /\bc\d+\b/.exec(l)?.[0] ?? [])).size;
  if (best.commands.length <= 1 || used === 0) return best;
  const restores = best.run.instance.snapshot !== undefined;
  const found = exhaustive(impl, {
    cells: used,
    depth: best.commands.length - 1,
    requests: Number.POSITIVE_INFINITY,
    accept: (f) => sameFailure(f, failure),
    // Without snapshots the table abstraction is a heuristic here, not a proof: it reaches deeper
    // within the bound, may miss a shorter run, and whatever it finds is replayed and confirmed.
    ...(restores ? {} : { maxTransitions: REPLAY_SEARCH_TRANSITIONS, dedupe: "table" as const }),
  }).counterexample;
  if (found === undefined) return best;
  const cmds = resolveLabels(impl, found.labels, cells);
  if (cmds === undefined) return best;
  const r = replay(impl, cmds, { cells });
  return sameFailure(r.failure, failure) && r.commands.length < best.commands.length ? r : best;
}

function without<T>(xs: readonly T[], i: number): T[] {
  return [...xs.slice(0, i), ...xs.slice(i + 1)];
}
