/**
 * The exhaustive search side by side with its SPIN peer, same bounds, one run: for each bound
 * cellgate's full search, its search with symmetry over cell names, and pan on the Promela model
 * (bench/spin-peer.ts; skipped with a note when SPIN is absent). Each cellgate case runs in a
 * process of its own (bench/exhaustive-case.ts), so CPU time and peak RSS are its own. CPU time
 * (user + system) is the figure to compare on a shared machine; wall time is printed too.
 *
 * The Promela model (bench/peer/cellgate.pml) has no nested tool calls: the rows "without
 * dispatch" (the reference with its tool calls left out) are its graph, with the same counts
 * (docs/peer.md; bench/spin-peer.ts --equality checks them).
 *
 *   npx tsx bench/exhaustive.ts [--quick] [--time SECONDS]   (--quick: the small bounds only)
 */
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { runPan, spinMissing } from "./spin-peer.ts";

const { values } = parseArgs({ options: { quick: { type: "boolean", default: false }, time: { type: "string", default: "600" } } });
const timeLimitMs = Number(values.time) * 1000;

interface Case {
  readonly bounds: string;
  readonly cells: number;
  readonly requests: number;
  readonly depth?: number;
  readonly dispatch?: boolean;
  readonly symmetry?: boolean;
  /** Worker threads (exhaustive --workers); CPU is then every thread's. */
  readonly workers?: number;
  readonly long?: boolean;
  /** Also run pan on these bounds (with these model defines). */
  readonly spin?: readonly (readonly string[])[];
}

const CASES: readonly Case[] = [
  { bounds: "1 × 1", cells: 1, requests: 1, dispatch: false, spin: [[]] },
  { bounds: "1 × 1", cells: 1, requests: 1 },
  { bounds: "1 × 2", cells: 1, requests: 2, dispatch: false, spin: [[]] },
  { bounds: "1 × 2", cells: 1, requests: 2 },
  { bounds: "1 × 3", cells: 1, requests: 3 },
  { bounds: "2 × 1, depth 12", cells: 2, requests: 1, depth: 12 },
  { bounds: "2 × 1, depth 12", cells: 2, requests: 1, depth: 12, symmetry: true },
  { bounds: "2 × 1", cells: 2, requests: 1, dispatch: false, long: true, spin: [[], ["SYM"]] },
  { bounds: "2 × 1", cells: 2, requests: 1, dispatch: false, workers: 2, long: true },
  { bounds: "2 × 1", cells: 2, requests: 1, dispatch: false, symmetry: true, long: true },
  { bounds: "2 × 1", cells: 2, requests: 1, symmetry: true, long: true },
  { bounds: "3 × 1", cells: 3, requests: 1, symmetry: true, long: true },
  // The peer's space (no tool calls): pan -DSYM with bitstate hashing has 6.3·10⁷ states there (BENCHMARKS.md); too many for pan's exact store on this machine, so no pan row.
  { bounds: "3 × 1", cells: 3, requests: 1, dispatch: false, symmetry: true, long: true },
  { bounds: "2 × 2", cells: 2, requests: 2, symmetry: true, long: true },
];

interface Figures {
  readonly states: number;
  readonly transitions: number;
  readonly depth: number;
  readonly exhausted: boolean;
  readonly verdict: string;
  readonly wallS: number;
  readonly searchCpuS: number;
  readonly peakRssMiB: number;
}

function runCase(c: Case): Figures {
  const options = { cells: c.cells, requests: c.requests, depth: c.depth ?? 200, timeLimitMs, ...(c.symmetry === true ? { symmetry: true } : {}), ...(c.dispatch === false ? { dispatch: false } : {}), ...(c.workers !== undefined ? { workers: c.workers } : {}) };
  const script = fileURLToPath(new URL("./exhaustive-case.ts", import.meta.url));
  const r = spawnSync(process.execPath, ["--import", "tsx", script, JSON.stringify(options)], { encoding: "utf8", maxBuffer: 1 << 24 });
  if (r.status !== 0) throw new Error(`case ${c.bounds}: exit ${r.status}: ${r.stderr.slice(-400)}`);
  return JSON.parse(r.stdout.trim().split("\n").at(-1) ?? "{}") as Figures;
}

const n = (x: number): string => (Number.isFinite(x) ? Math.round(x).toLocaleString("en-US") : "–");
const s1 = (x: number): string => (Number.isFinite(x) ? x.toFixed(x < 10 ? 2 : 1) : "–");

console.log(`exhaustive search, reference; time limit ${values.time} s per case; CPU = user + system of the searching process`);
console.log("");
console.log("| bounds (cells × requests) | tool | states | transitions | depth | exhausted | CPU s | states / CPU s | µs CPU / transition | wall s | peak RSS MiB | RSS bytes / state |");
console.log("|---|---|---:|---:|---:|---|---:|---:|---:|---:|---:|---:|");
const missing = spinMissing();
// The figures the targets are judged on, by case and by pan's defines.
const measured = new Map<Case, Figures>();
const pans = new Map<string, { cpuS: number; peakRssMiB: number }>();
for (const c of CASES) {
  if (c.long === true && values.quick === true) continue;
  const f = runCase(c);
  measured.set(c, f);
  const tool = `cellgate${c.dispatch === false ? ", without dispatch" : ""}${c.symmetry === true ? ", symmetry" : ""}${c.workers !== undefined ? `, ${c.workers} workers` : ""}`;
  const done = f.exhausted ? "yes" : f.verdict !== "conforms" ? f.verdict : "no (time or depth)";
  console.log(`| ${c.bounds} | ${tool} | ${n(f.states)} | ${n(f.transitions)} | ${f.depth} | ${done} | ${s1(f.searchCpuS)} | ${n(f.states / f.searchCpuS)} | ${s1((f.searchCpuS * 1e6) / f.transitions)} | ${s1(f.wallS)} | ${n(f.peakRssMiB)} | ${n((f.peakRssMiB * 2 ** 20) / f.states)} |`);
  for (const defines of c.spin ?? []) {
    const tool = `SPIN pan${defines.length > 0 ? ` -D${defines.join(" -D")}` : ""}, no drain`;
    if (missing !== undefined) {
      console.log(`| ${c.bounds} | ${tool} | skipped: ${missing} | | | | | | | | | |`);
      continue;
    }
    const p = runPan(c.cells, c.requests, defines);
    pans.set(`${c.bounds} ${defines.join(" ")}`, p);
    console.log(`| ${c.bounds} | ${tool} | ${n(p.states)} | ${n(p.transitions)} | ${p.depth} | ${p.errors === 0 ? "yes" : `errors: ${p.errors}`} | ${s1(p.cpuS)} | ${p.cpuS > 0 ? n(p.states / p.cpuS) : "–"} | ${p.cpuS > 0 && p.transitions > 0 ? s1((p.cpuS * 1e6) / p.transitions) : "–"} | | ${n(p.peakRssMiB)} | ${n((p.peakRssMiB * 2 ** 20) / p.states)} |`);
  }
}

/** The first measured case that matches. */
function find(want: Partial<Case>): Figures | undefined {
  for (const [c, f] of measured) {
    if (c.bounds === want.bounds && (c.dispatch !== false) === (want.dispatch !== false) && (c.symmetry === true) === (want.symmetry === true) && c.workers === want.workers) return f;
  }
  return undefined;
}

const ratio = (a: number, b: number): string => (b > 0 ? `${(a / b).toFixed(a / b < 10 ? 1 : 0)}×` : "–");
const rows: string[][] = [];
const plain = find({ bounds: "2 × 1", dispatch: false });
const pan = pans.get("2 × 1 ");
if (plain !== undefined && pan !== undefined && plain.exhausted) {
  rows.push(["2 × 1 CPU, no symmetry either side", `${s1(plain.searchCpuS)} s`, `${s1(pan.cpuS)} s`, ratio(plain.searchCpuS, pan.cpuS), "≤ 5×", plain.searchCpuS <= 5 * pan.cpuS ? "yes" : "no"]);
  rows.push(["2 × 1 peak memory, no symmetry", `${n(plain.peakRssMiB)} MiB`, `${n(pan.peakRssMiB)} MiB`, ratio(plain.peakRssMiB, pan.peakRssMiB), "≤ 2×", plain.peakRssMiB <= 2 * pan.peakRssMiB ? "yes" : "no"]);
}
const sym = find({ bounds: "2 × 1", dispatch: false, symmetry: true });
const panSym = pans.get("2 × 1 SYM");
if (sym !== undefined && panSym !== undefined && sym.exhausted) {
  rows.push(["2 × 1 CPU, symmetry (pan -DSYM)", `${s1(sym.searchCpuS)} s`, `${s1(panSym.cpuS)} s`, ratio(sym.searchCpuS, panSym.cpuS), "≤ 5×", sym.searchCpuS <= 5 * panSym.cpuS ? "yes" : "no"]);
}
for (const [bounds, goal, dispatch] of [["3 × 1", 600, true], ["3 × 1", 600, false], ["2 × 2", 413, true]] as const) {
  const f = find({ bounds, symmetry: true, dispatch });
  if (f === undefined) continue;
  const what = f.exhausted ? `exhausted in ${s1(f.wallS)} s wall` : `depth ${f.depth} in ${s1(f.wallS)} s wall, not exhausted`;
  rows.push([`${bounds} exhausted, symmetry${dispatch ? "" : ", without dispatch"}`, what, "", "", `< ${goal} s`, f.exhausted && f.wallS < goal ? "yes" : "no"]);
}
if (rows.length > 0) {
  console.log("");
  console.log("| target (this run) | cellgate | SPIN | ratio | goal | met |");
  console.log("|---|---|---|---:|---|---|");
  for (const r of rows) console.log(`| ${r.join(" | ")} |`);
}
