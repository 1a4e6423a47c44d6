/**
 * How much a partial-order reduction could save: for a sample of the states an exhaustive search
 * reaches, every pair of moves possible there is applied in both orders, and the pair commutes
 * when both orders are possible and end in the same state (the search's exact key). A sleep-set
 * reduction skips about one transition per commuting pair (in the child reached by the later move of
 * the pair, while no state is reached twice with other sleep sets); an ample-set one needs more (a
 * move independent of everything else possible). Moves
 * within the request budget only, as the search makes them. What this does not measure is whether
 * the per-step checks of a skipped transition would have been the same as those of the one taken:
 * a reduction is sound for this search only if they are (see docs/exploration.md).
 *
 *   npx tsx bench/independence.ts [--cells 2] [--requests 1] [--every 50] [--tools]
 */
import { parseArgs } from "node:util";
import { exhaustive, HarnessRun } from "../properties/index.ts";
import { searchKey, withinBudget, type ExpandSettings } from "../properties/search/expand.ts";
import { distinctMoves, type Move } from "../properties/search/moves.ts";
import { referenceCase } from "./reference-case.ts";

const { values } = parseArgs({ options: { cells: { type: "string", default: "2" }, requests: { type: "string", default: "1" }, every: { type: "string", default: "50" }, tools: { type: "boolean", default: false } } });
const cells = Number(values.cells);
const requests = Number(values.requests);
const every = Number(values.every);
const impl = referenceCase(values.tools === true);
const settings: ExpandSettings = { cells, budget: requests, view: "snapshot", symmetry: false, keyed: true };
const sameKey = (a: readonly number[], b: readonly number[]): boolean => a.every((x, i) => x === b[i]);

interface Tally {
  pairs: number;
  bothPossible: number;
  commute: number;
}
const byKind = new Map<string, Tally>();
let sampled = 0;
let moves = 0;

/** The state after `first` then the move labelled like `second`, or undefined when that order is not possible (or a step fails). */
function after(snap: NonNullable<ReturnType<HarnessRun["save"]>>, first: Move, second: Move): readonly number[] | undefined {
  const run = HarnessRun.restore(impl, snap, { cells });
  try {
    if (!run.apply(first.command) || run.failure !== undefined) return undefined;
    const again = distinctMoves(run).find((m) => m.label === second.label && withinBudget(run, m, requests));
    if (again === undefined || !run.apply(again.command) || run.failure !== undefined) return undefined;
    return searchKey(run, settings);
  } finally {
    run.close();
  }
}

let seen = 0;
const r = exhaustive(impl, {
  cells,
  requests,
  depth: 200,
  onState: (run) => {
    if (seen++ % every !== 0) return;
    const snap = run.save();
    if (snap === undefined) return;
    sampled++;
    const here = distinctMoves(run).filter((m) => withinBudget(run, m, requests));
    moves += here.length;
    for (let i = 0; i < here.length; i++) {
      for (let j = i + 1; j < here.length; j++) {
        const a = here[i] as Move;
        const b = here[j] as Move;
        const kind = [a.command.kind, b.command.kind].sort().join(" + ");
        const t = byKind.get(kind) ?? { pairs: 0, bothPossible: 0, commute: 0 };
        byKind.set(kind, t);
        t.pairs++;
        const ab = after(snap, a, b);
        const ba = after(snap, b, a);
        if (ab === undefined || ba === undefined) continue;
        t.bothPossible++;
        if (sameKey(ab, ba)) t.commute++;
      }
    }
  },
});

console.log(`${cells} × ${requests}${values.tools === true ? "" : ", without tool calls"}: ${r.states.toLocaleString("en-US")} states, ${r.transitions.toLocaleString("en-US")} transitions; ${sampled} states sampled (every ${every}th), ${moves} moves there`);
console.log("");
console.log("| pair of moves | pairs | both orders possible | commute (same state) |");
console.log("|---|---:|---:|---:|");
let total: Tally = { pairs: 0, bothPossible: 0, commute: 0 };
for (const [kind, t] of [...byKind].sort((x, y) => y[1].pairs - x[1].pairs)) {
  console.log(`| ${kind} | ${t.pairs} | ${t.bothPossible} | ${t.commute} |`);
  total = { pairs: total.pairs + t.pairs, bothPossible: total.bothPossible + t.bothPossible, commute: total.commute + t.commute };
}
console.log(`| all | ${total.pairs} | ${total.bothPossible} | ${total.commute} |`);
console.log("");
// A sleep set skips, in the child reached by the later move of a commuting pair, the earlier one
// (until a state reached twice, with another sleep set, has to be expanded again): the more pairs
// commute per state, against the moves per state, the more it could skip.
console.log(`commuting pairs per sampled state: ${(total.commute / Math.max(1, sampled)).toFixed(2)}; moves per state: ${(moves / Math.max(1, sampled)).toFixed(2)}`);
