/**
 * One exhaustive search of the reference, in a process of its own so that its CPU time and peak
 * memory are its own (bench/exhaustive.ts runs each case this way). Prints one JSON line.
 *
 *   npx tsx bench/exhaustive-case.ts '{"cells":2,"requests":1,"depth":80,"symmetry":true}'
 */
import { exhaustive, type ExhaustiveOptions } from "../properties/index.ts";
import { referenceCase } from "./reference-case.ts";

const options = JSON.parse(process.argv[2] ?? "{}") as ExhaustiveOptions & { dispatch?: boolean };
const dispatch = options.dispatch !== false;
const impl = referenceCase(dispatch);
const workerOpen = { module: new URL("./reference-case.ts", import.meta.url).href, export: "referenceCase", argument: dispatch };
const cpu = process.cpuUsage();
const r = exhaustive(impl, { ...options, workerOpen });
// CPU of the whole process: with workers, their threads' time is in it too.
const used = process.cpuUsage(cpu);
console.log(
  JSON.stringify({
    states: r.states,
    transitions: r.transitions,
    depth: r.depth,
    exhausted: r.exhausted,
    stoppedByTime: r.stoppedByTime,
    verdict: r.counterexample === undefined ? "conforms" : r.counterexample.failure.verdict,
    workers: r.workers,
    wallS: r.durationMs / 1000,
    searchCpuS: (used.user + used.system) / 1e6,
    peakRssMiB: process.resourceUsage().maxRSS / 1024,
    ...(r.por !== undefined ? { por: r.por, levels: r.levels.map((l) => l.states).join(",") } : {}),
  }),
);
