/**
 * The SPIN peer of `cellgate exhaustive`: the Promela model of the reference in
 * bench/peer/cellgate.pml (or $CELLGATE_SPIN_MODEL), generated, compiled and run with pan on the
 * same bounds (docs/peer.md). Skipped, with the reason, when the model, `spin` or `gcc` is absent.
 *
 * Run directly, it is the count-equality check: cellgate's full search of the reference without
 * tool calls against pan on the model without the drain, bound by bound; exit 0 when every count
 * is equal, 1 on a mismatch, 2 when SPIN cannot run here or the arguments are wrong.
 *
 *   npx tsx bench/spin-peer.ts --equality [--bounds 1x1,1x2,2x1] [--define FLAG]...
 */
import { spawnSync } from "node:child_process";
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { exhaustive } from "../properties/index.ts";
import { reference } from "../reference/index.ts";

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

/**
 * Verify the model with K cells and R requests per cell; `defines` are extra -D flags of the model
 * (e.g. SYM); `optimise` false compiles pan without -O2 (quicker to build, slower to run: for the
 * small bounds of the tests).
 */
export function runPan(cells: number, requests: number, defines: readonly string[] = [], optimise = true): PanResult {
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
    run(`gcc ${optimise ? "-O2" : "-O0"} -DSAFETY -DNOREDUCE -o pan pan.c`);
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

/** What the two searches counted on one bound. */
export interface CountPair {
  readonly cells: number;
  readonly requests: number;
  readonly cellgate: { readonly states: number; readonly transitions: number; readonly exhausted: boolean };
  readonly spin: PanResult;
}

/**
 * Where the counts of one bound differ, one line each (empty: equal). pan counts the initial
 * state's entry as a transition, so its transitions are cellgate's plus one on the same graph;
 * both searches must have exhausted the space, and pan must have found no error.
 */
export function countMismatches(p: CountPair): string[] {
  const out: string[] = [];
  const at = `${p.cells} × ${p.requests}`;
  if (!p.cellgate.exhausted) out.push(`${at}: cellgate did not exhaust the space`);
  if (p.spin.errors !== 0) out.push(`${at}: pan reported ${p.spin.errors} error(s)`);
  if (p.cellgate.states !== p.spin.states) out.push(`${at}: states differ: cellgate ${p.cellgate.states}, SPIN ${p.spin.states}`);
  if (p.cellgate.transitions + 1 !== p.spin.transitions) out.push(`${at}: transitions differ: cellgate ${p.cellgate.transitions} (+1 = ${p.cellgate.transitions + 1}), SPIN ${p.spin.transitions}`);
  return out;
}

/** The reference as the model has it: no nested tool calls (the model leaves dispatch out). */
export const REFERENCE_WITHOUT_TOOLS = { ...reference, name: "reference-without-tool-calls", dispatch: false };

/** cellgate's full search of the reference without tool calls (exact dedupe, no symmetry, no depth bound in practice). */
export function cellgateCounts(cells: number, requests: number): CountPair["cellgate"] {
  const r = exhaustive(REFERENCE_WITHOUT_TOOLS, { cells, requests, depth: 1000 });
  return { states: r.states, transitions: r.transitions, exhausted: r.exhausted };
}

/** cellgate's full search and pan on one bound. */
export function comparePeer(cells: number, requests: number, defines: readonly string[] = [], optimise = true): CountPair {
  return { cells, requests, cellgate: cellgateCounts(cells, requests), spin: runPan(cells, requests, defines, optimise) };
}

function main(): number {
  const { values } = parseArgs({ options: { equality: { type: "boolean", default: false }, bounds: { type: "string", default: "1x1,1x2,2x1" }, define: { type: "string", multiple: true, default: [] } } });
  if (values.equality !== true) {
    console.error("usage: npx tsx bench/spin-peer.ts --equality [--bounds 1x1,1x2,2x1] [--define FLAG]...");
    return 2;
  }
  const bounds: [number, number][] = [];
  for (const b of values.bounds.split(",")) {
    const m = /^(\d)x(\d)$/.exec(b.trim());
    if (m === null) {
      console.error(`--bounds expects KxR,... (e.g. 1x1,2x1), got ${JSON.stringify(b)}`);
      return 2;
    }
    bounds.push([Number(m[1]), Number(m[2])]);
  }
  const missing = spinMissing();
  if (missing !== undefined) {
    console.error(`cannot compare with SPIN: ${missing}`);
    return 2;
  }
  const defines = values.define;
  console.log(`count equality: cellgate exhaustive (reference, no tool calls) against pan on ${SPIN_MODEL}${defines.length > 0 ? ` -D${defines.join(" -D")}` : ""}, no drain`);
  console.log("");
  console.log("| bounds (K × R) | cellgate states | SPIN states | cellgate transitions (+1) | SPIN transitions | equal |");
  console.log("|---|---:|---:|---:|---:|---|");
  const n = (x: number): string => x.toLocaleString("en-US");
  let failed = 0;
  for (const [cells, requests] of bounds) {
    const p = comparePeer(cells, requests, defines);
    const bad = countMismatches(p);
    console.log(`| ${cells} × ${requests} | ${n(p.cellgate.states)} | ${n(p.spin.states)} | ${n(p.cellgate.transitions + 1)} | ${n(p.spin.transitions)} | ${bad.length === 0 ? "yes" : "**no**"} |`);
    for (const line of bad) console.error(`mismatch: ${line}`);
    if (bad.length > 0) failed++;
  }
  console.log("");
  console.log(failed === 0 ? "every count is equal" : `${failed} bound(s) differ`);
  return failed === 0 ? 0 : 1;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) process.exitCode = main();
