/**
 * Timings of the exhaustive search on the reference: the size of each bounded space and how
 * fast it is searched (states/s, wall and CPU time), the time to exhaust 2 cells with 1 request
 * per cell, and the deepest level completed in 60 s with 3 cells.
 *
 *   npx tsx bench/exhaustive.ts [--quick]      (--quick skips the two long ones)
 */
import { parseArgs } from "node:util";
import { exhaustive, type ExhaustiveOptions } from "../properties/index.ts";
import { reference } from "../reference/index.ts";

const { values } = parseArgs({ options: { quick: { type: "boolean", default: false } } });

const cases: { name: string; options: ExhaustiveOptions; long?: boolean }[] = [
  { name: "1 cell, 1 request", options: { cells: 1, requests: 1, depth: 60 } },
  { name: "1 cell, 2 requests", options: { cells: 1, requests: 2, depth: 60 } },
  { name: "2 cells, 2 requests, to depth 12", options: { cells: 2, requests: 2, depth: 12 } },
  { name: "1 cell, 3 requests", options: { cells: 1, requests: 3, depth: 60 }, long: true },
  { name: "2 cells, 1 request (exhausts)", options: { cells: 2, requests: 1, depth: 60 }, long: true },
  { name: "3 cells, 2 requests, 60 s", options: { cells: 3, requests: 2, depth: 60, timeLimitMs: 60_000 }, long: true },
];

console.log("| space | states | transitions | depth | exhausted | wall s | CPU s | states/s (wall) | heap MB after |");
console.log("|---|---:|---:|---:|---|---:|---:|---:|---:|");
for (const c of cases) {
  if (c.long === true && values.quick === true) continue;
  const cpu = process.cpuUsage();
  const r = exhaustive(reference, c.options);
  const used = process.cpuUsage(cpu);
  const wall = r.durationMs / 1000;
  const heap = Math.round(process.memoryUsage().heapUsed / 2 ** 20);
  console.log(
    `| ${c.name} | ${r.states} | ${r.transitions} | ${r.depth} | ${r.exhausted ? "yes" : r.stoppedByTime ? "time" : "no"} | ${wall.toFixed(1)} | ${((used.user + used.system) / 1e6).toFixed(1)} | ${Math.round(r.states / wall)} | ${heap} |`,
  );
}
