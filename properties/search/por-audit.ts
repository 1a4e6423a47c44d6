/**
 * The audit behind the partial-order reduction (por.ts): a transition the sleep sets skip is run
 * anyway, from a replay of the state that skipped it, and compared with the diamond the static
 * rule promises. The state was reached by move `b` from its parent, and the skipped move `a` slept
 * there because it was independent of `b`; so `a` after `b` must do what `b` after `a` does from
 * the parent: fail in both orders or in neither, and otherwise end in the same state (the search's
 * exact key). The states alone do not establish this: a step is judged in the state it starts
 * from, and a skipped step is not judged.
 */
import type { Implementation } from "../../protocol/index.ts";
import type { Command } from "../run/commands.ts";
import { HarnessRun } from "../run/run.ts";
import { searchKey, withinBudget, type ExpandSettings } from "./expand.ts";
import { distinctMoves } from "./moves.ts";

/** Apply the move labelled `label` if it is possible (within the budget); false when it is not. */
function applyLabelled(run: HarnessRun, label: string, budget: number): boolean {
  const move = distinctMoves(run).find((m) => m.label === label && withinBudget(run, m, budget));
  return move !== undefined && run.apply(move.command);
}

function replayed(impl: Implementation, cells: number, path: readonly Command[]): HarnessRun {
  const run = new HarnessRun(impl, { cells });
  for (const c of path) run.apply(c);
  return run;
}

/** Undefined when the skipped move `skipped` from the state at `path` agrees with the diamond; else the disagreement, as a sentence. */
export function skipDisagrees(impl: Implementation, s: ExpandSettings, path: readonly Command[], skipped: string): string | undefined {
  const b = path[path.length - 1] as Command;
  const parent = replayed(impl, s.cells, path.slice(0, -1));
  const here = replayed(impl, s.cells, path);
  try {
    const bLabel = parent.resolve(b)?.label as string;
    const where = `after ${path.length} commands, ${JSON.stringify(skipped)} skipped after ${JSON.stringify(bLabel)}`;
    if (parent.failure !== undefined || here.failure !== undefined) return `${where}: the state does not replay`;
    if (!applyLabelled(parent, skipped, s.budget)) return `${where}: it is not possible before it`;
    if (parent.failure === undefined && !applyLabelled(parent, bLabel, s.budget)) return `${where}: the other order is not possible`;
    if (!applyLabelled(here, skipped, s.budget)) return `${where}: it is not possible there`;
    const failsOne = parent.failure !== undefined;
    const failsOther = here.failure !== undefined;
    if (failsOne !== failsOther) return `${where}: it ${failsOther ? "fails" : "passes"} in this order and ${failsOne ? "fails" : "passes"} in the other`;
    if (failsOne) return undefined;
    const k1 = searchKey(parent, s);
    const k2 = searchKey(here, s);
    if (k1.some((x, i) => x !== k2[i])) return `${where}: the two orders end in different states`;
    return undefined;
  } finally {
    parent.close();
    here.close();
  }
}
