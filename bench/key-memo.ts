/**
 * One exhaustive search of the reference with the search key's memo (properties/search/key-memo.ts)
 * as it is ("default"), off from its first key ("off"), or kept on whatever it finds ("on"), and
 * what it found. Prints one JSON line; run the modes alternately in their own processes for an A/B.
 *
 *   npx tsx bench/key-memo.ts '{"cells":2,"requests":1,"depth":80,"dispatch":false,"modelMemo":true}' default
 */
import { exhaustive, type ExhaustiveOptions } from "../properties/index.ts";
import { KeyMemo, useKeyMemo } from "../properties/search/key-memo.ts";
import { referenceCase } from "./reference-case.ts";

const options = JSON.parse(process.argv[2] ?? "{}") as ExhaustiveOptions & { dispatch?: boolean };
const mode = process.argv[3] ?? "default";
if (mode !== "default" && mode !== "off" && mode !== "on") throw new Error(`mode ${mode}: default, off or on`);
const memo = new KeyMemo(undefined, mode === "off" ? { window: 1 } : { stayOn: mode === "on" });
useKeyMemo(memo);
const impl = referenceCase(options.dispatch !== false);
const cpu = process.cpuUsage();
const r = exhaustive(impl, options);
const used = process.cpuUsage(cpu);
console.log(
  JSON.stringify({
    mode,
    states: r.states,
    transitions: r.transitions,
    searchCpuS: (used.user + used.system) / 1e6,
    asked: memo.asked,
    found: memo.found,
    emptied: memo.emptied,
    off: memo.off,
    peakRssMiB: process.resourceUsage().maxRSS / 1024,
  }),
);
