/**
 * What the soundness replays cost: the same check with them off and on (the longest passing run
 * of every 100 driven again without inspection and renamed, one sample in ten also in a fresh
 * process), side by side (off, on, on, off; the best of each), in process and over stdio. CPU time of this process is the steadier figure on a shared machine (the stdio
 * child's own time is not in it; wall time is).
 *
 *     npx tsx bench/soundness.ts [RUNS]
 */
import { execFileSync } from "node:child_process";
import { stdioImplementation } from "../adapters/index.ts";
import { check, SOUNDNESS_EVERY } from "../properties/index.ts";
import type { Implementation } from "../protocol/index.ts";
import { reference } from "../reference/index.ts";
import { timed } from "./stats.ts";

const runs = Number(process.argv[2] ?? 2000);
const python = execFileSync("python3", ["-c", "import sys; print(sys.executable)"]).toString().trim();

function row(label: string, open: () => Implementation): void {
  // off, on, on, off: each setting's best of two, so neither gains from going second (JIT, cache).
  const runsOf = [0, SOUNDNESS_EVERY, SOUNDNESS_EVERY, 0].map((every) => {
    const impl = open();
    try {
      const t = timed(() => check(impl, { runs, seed: 1, soundnessEvery: every }));
      return { ...t, verdict: t.value.counterexample?.failure.verdict ?? "conforms", starts: impl.diagnostics?.().starts ?? 1 };
    } finally {
      impl.dispose?.();
    }
  });
  const best = (every: number) => runsOf.filter((_, i) => (i === 1 || i === 2) === (every > 0)).reduce((a, b) => (b.cpuMs < a.cpuMs ? b : a));
  const off = best(0);
  const on = best(SOUNDNESS_EVERY);
  console.log(
    `${label.padEnd(26)} off ${(off.ms / 1000).toFixed(2).padStart(6)} s (cpu ${(off.cpuMs / 1000).toFixed(2)})   on ${(on.ms / 1000).toFixed(2).padStart(6)} s (cpu ${(on.cpuMs / 1000).toFixed(2)}, ${on.starts} starts)   wall ×${(on.ms / off.ms).toFixed(2)}   cpu ×${(on.cpuMs / off.cpuMs).toFixed(2)}   ${off.verdict}/${on.verdict}`,
  );
}

/** The reference, counting the steps it is given: the extra work in steps, which load does not change. */
function counted(): { impl: Implementation; steps: () => number } {
  let n = 0;
  const impl: Implementation = {
    ...reference,
    start: () => {
      const i = reference.start();
      return { ...i, host: (x) => (n++, i.host(x)), core: (x) => (n++, i.core(x)) };
    },
  };
  return { impl, steps: () => n };
}

console.log(`cellgate check, ${runs} runs, seed 1: soundness replays off vs every ${SOUNDNESS_EVERY} (node ${process.version})`);
const [plain, sampled] = [0, SOUNDNESS_EVERY].map((every) => {
  const c = counted();
  check(c.impl, { runs, seed: 1, soundnessEvery: every });
  return c.steps();
}) as [number, number];
console.log(`steps the implementation was given: off ${plain}, on ${sampled} (×${(sampled / plain).toFixed(3)})`);
row("reference, harness thread", () => reference);
row("python example, stdio", () => stdioImplementation(`${python} -S examples/python/cellgate_impl.py`));
