/**
 * Which scheduling strategy finds each bundled bug fastest: runs to the first failing run, over
 * 20 seeds per variant and strategy (a seed that finds nothing within the budget counts as not
 * found). Then the coverage each strategy reaches on the reference in the same number of runs.
 * Counts only (no timings), so the output is deterministic.
 *
 *   npx tsx bench/strategies.ts [--seeds 20] [--runs 10000]
 */
import { parseArgs } from "node:util";
import { check, emptyCoverage, addStats, ORDERINGS, STRATEGIES, type StrategyName } from "../properties/index.ts";
import { reference, VARIANTS } from "../reference/index.ts";

const { values } = parseArgs({ options: { seeds: { type: "string", default: "20" }, runs: { type: "string", default: "10000" } } });
const seeds = Number(values.seeds);
const budget = Number(values.runs);

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? (s[m] as number) : Math.round(((s[m - 1] as number) + (s[m] as number)) / 2);
}

console.log(`## Runs to the first failure (${seeds} seeds, at most ${budget} runs each): median / mean / found\n`);
console.log(`| variant | ${STRATEGIES.join(" | ")} | fastest |`);
console.log(`|---|${STRATEGIES.map(() => "---:").join("|")}|---|`);
for (const impl of VARIANTS) {
  const cells: string[] = [];
  let best: { strategy: StrategyName; median: number } | undefined;
  for (const strategy of STRATEGIES) {
    const runs: number[] = [];
    let found = 0;
    for (let seed = 1; seed <= seeds; seed++) {
      const r = check(impl, { seed, runs: budget, strategy, minimize: false });
      if (r.counterexample !== undefined) found++;
      runs.push(r.stats.runs);
    }
    const med = median(runs);
    const mean = Math.round(runs.reduce((a, b) => a + b, 0) / runs.length);
    cells.push(`${med} / ${mean} / ${found}`);
    if (best === undefined || med < best.median) best = { strategy, median: med };
  }
  console.log(`| ${impl.name} | ${cells.join(" | ")} | ${best?.strategy ?? ""} |`);
}

const coverageRuns = 2000;
console.log(`\n## Coverage of the reference in ${coverageRuns} runs (seed 1): ordering hits (runs) and distinct abstract states\n`);
console.log(`| strategy | ${ORDERINGS.join(" | ")} | states |`);
console.log(`|---|${ORDERINGS.map(() => "---:").join("|")}|---:|`);
for (const strategy of STRATEGIES) {
  const states = new Set<string>();
  const r = check(reference, { seed: 1, runs: coverageRuns, strategy, states });
  const c = emptyCoverage();
  addStats(c, r.stats, false, states);
  console.log(`| ${strategy} | ${ORDERINGS.map((o) => `${c.orderings[o]} (${c.orderingRuns[o]})`).join(" | ")} | ${c.states.size} |`);
}
