/**
 * Throughput of the ways an implementation can be driven: on the harness thread, as a module in a
 * worker thread, and as a child process over stdio (the Python example). Same seed and runs for
 * each, so the steps are the same; prints steps per second.
 *
 *     npx tsx bench/adapters.ts [RUNS]
 */
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { moduleImplementation, stdioImplementation } from "../adapters/index.ts";
import { check } from "../properties/index.ts";
import type { Implementation } from "../protocol/index.ts";
import { reference } from "../reference/index.ts";

const runs = Number(process.argv[2] ?? 1000);
const python = execFileSync("python3", ["-c", "import sys; print(sys.executable)"]).toString().trim();
const moduleFile = fileURLToPath(new URL("../test/fixtures/ts/wrapped-reference.ts", import.meta.url));

function measure(label: string, open: () => Implementation): void {
  const t0 = performance.now();
  const impl = open();
  const opened = performance.now();
  try {
    const r = check(impl, { runs, seed: 1 });
    const ms = performance.now() - opened;
    const verdict = r.counterexample?.failure.verdict ?? "conforms";
    console.log(
      `${label.padEnd(34)} ${String(r.stats.steps).padStart(8)} steps  ${(ms / 1000).toFixed(2).padStart(7)} s  ${String(Math.round((r.stats.steps / ms) * 1000)).padStart(7)} steps/s  (start ${Math.round(opened - t0)} ms, ${verdict})`,
    );
  } finally {
    impl.dispose?.();
  }
}

console.log(`cellgate check, ${runs} runs, seed 1, default generation (node ${process.version})`);
measure("reference, harness thread", () => reference);
measure("reference module, worker thread", () => moduleImplementation(moduleFile));
measure("python example, stdio", () => stdioImplementation(`${python} examples/python/cellgate_impl.py`));
