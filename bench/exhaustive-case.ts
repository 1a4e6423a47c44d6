/**
 * One exhaustive search of the reference, in a process of its own so that its CPU time and peak
 * memory are its own (bench/exhaustive.ts runs each case this way). Prints one JSON line.
 *
 *   npx tsx bench/exhaustive-case.ts '{"cells":2,"requests":1,"depth":80,"symmetry":true}'
 */
import { exhaustive, type ExhaustiveOptions } from "../properties/index.ts";
import { reference } from "../reference/index.ts";

const options = JSON.parse(process.argv[2] ?? "{}") as ExhaustiveOptions & { dispatch?: boolean };
const impl = options.dispatch === false ? { ...reference, name: "reference-without-dispatch", dispatch: false } : reference;
const cpu = process.cpuUsage();
const r = exhaustive(impl, options);
const used = process.cpuUsage(cpu);
console.log(
  JSON.stringify({
    states: r.states,
    transitions: r.transitions,
    depth: r.depth,
    exhausted: r.exhausted,
    stoppedByTime: r.stoppedByTime,
    verdict: r.counterexample === undefined ? "conforms" : r.counterexample.failure.verdict,
    wallS: r.durationMs / 1000,
    searchCpuS: (used.user + used.system) / 1e6,
    peakRssMiB: process.resourceUsage().maxRSS / 1024,
  }),
);
