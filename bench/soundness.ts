/**
 * What the soundness replays cost: the same check with them off and on (the longest passing run
 * of every 50 driven again fresh, without inspection and renamed), side by side, in process and
 * over stdio. CPU time of this process is the steadier figure on a shared machine (the stdio
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
  const cells = [0, SOUNDNESS_EVERY].map((every) => {
    const impl = open();
    try {
      const t = timed(() => check(impl, { runs, seed: 1, soundnessEvery: every }));
      return { ...t, verdict: t.value.counterexample?.failure.verdict ?? "conforms", starts: impl.diagnostics?.().starts ?? 1 };
    } finally {
      impl.dispose?.();
    }
  });
  const [off, on] = cells as [(typeof cells)[0], (typeof cells)[0]];
  console.log(
    `${label.padEnd(26)} off ${(off.ms / 1000).toFixed(2).padStart(6)} s (cpu ${(off.cpuMs / 1000).toFixed(2)})   on ${(on.ms / 1000).toFixed(2).padStart(6)} s (cpu ${(on.cpuMs / 1000).toFixed(2)}, ${on.starts} starts)   wall ×${(on.ms / off.ms).toFixed(2)}   cpu ×${(on.cpuMs / off.cpuMs).toFixed(2)}   ${off.verdict}/${on.verdict}`,
  );
}

console.log(`cellgate check, ${runs} runs, seed 1: soundness replays off vs every ${SOUNDNESS_EVERY} (node ${process.version})`);
row("reference, harness thread", () => reference);
row("python example, stdio", () => stdioImplementation(`${python} -S examples/python/cellgate_impl.py`));
