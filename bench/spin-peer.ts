/**
 * The SPIN peer of `cellgate exhaustive`: the Promela model of the reference in
 * bench/peer/cellgate.pml (or $CELLGATE_SPIN_MODEL), generated, compiled and run with pan on the
 * same bounds (docs/peer.md). Skipped, with the reason, when the model, `spin` or `gcc` is absent.
 */
import { spawnSync } from "node:child_process";
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

export const SPIN_MODEL = process.env.CELLGATE_SPIN_MODEL ?? fileURLToPath(new URL("./peer/cellgate.pml", import.meta.url));

export interface PanResult {
  readonly states: number;
  readonly transitions: number;
  readonly depth: number;
  readonly errors: number;
  /** pan's own CPU (user + system) and peak RSS, by /usr/bin/time. */
  readonly cpuS: number;
  readonly peakRssMiB: number;
}

/** Why the peer cannot run here, or undefined. */
export function spinMissing(): string | undefined {
  if (!existsSync(SPIN_MODEL)) return `no Promela model at ${SPIN_MODEL}`;
  for (const tool of ["spin", "gcc", "/usr/bin/time"]) {
    if (spawnSync("sh", ["-c", `command -v ${tool}`]).status !== 0) return `${tool} is not installed (apt-get install -y spin gcc time)`;
  }
  return undefined;
}

/** Verify the model with K cells and R requests per cell; `defines` are extra -D flags of the model (e.g. SYM). */
export function runPan(cells: number, requests: number, defines: readonly string[] = []): PanResult {
  const dir = mkdtempSync(join(tmpdir(), "cellgate-spin-"));
  try {
    copyFileSync(SPIN_MODEL, join(dir, "cellgate.pml"));
    const run = (cmd: string): string => {
      const r = spawnSync("sh", ["-c", cmd], { cwd: dir, encoding: "utf8", maxBuffer: 1 << 26 });
      if (r.status !== 0) throw new Error(`${cmd}: exit ${r.status}: ${(r.stderr || r.stdout).slice(-400)}`);
      return `${r.stdout}\n${r.stderr}`;
    };
    const flags = [`-DK=${cells}`, `-DR=${requests}`, ...defines.map((d) => `-D${d}`)].join(" ");
    run(`spin ${flags} -a cellgate.pml`);
    run("gcc -O2 -DSAFETY -DNOREDUCE -o pan pan.c");
    const out = run("/usr/bin/time -f 'TIME %U %S %M' ./pan -m100000 -w20");
    const num = (re: RegExp): number => Number(re.exec(out)?.[1] ?? Number.NaN);
    const time = /TIME ([\d.]+) ([\d.]+) (\d+)/.exec(out);
    return {
      states: num(/([\d.e+]+) states, stored/),
      transitions: num(/([\d.e+]+) transitions \(= stored\+matched\)/),
      depth: num(/depth reached (\d+)/),
      errors: num(/errors: (\d+)/),
      cpuS: Number(time?.[1] ?? Number.NaN) + Number(time?.[2] ?? Number.NaN),
      peakRssMiB: Number(time?.[3] ?? Number.NaN) / 1024,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The first lines of the model's header comment, to say which model was run. */
export function modelSummary(): string {
  return readFileSync(SPIN_MODEL, "utf8").split("\n").slice(0, 3).join(" ").slice(0, 200);
}
