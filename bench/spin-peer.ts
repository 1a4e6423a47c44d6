/**
 * The SPIN peer of `cellgate exhaustive`: the Promela model of the reference in
 * bench/peer/cellgate.pml (or $CELLGATE_SPIN_MODEL), generated, compiled and run with pan on the
 * same bounds (docs/peer.md). Skipped, with the reason, when the model, `spin` or `gcc` is absent.
 *
 * Run directly, it is the count-equality check: cellgate's full search of the reference against
 * pan on the model without the drain, bound by bound — without tool calls (`KxR`: cellgate
 * `--no-tools`, the model as built by default) or with them (`KxR+tools`: cellgate's defaults, the
 * model with -DTOOLS); exit 0 when every count is equal, 1 on a mismatch, 2 when SPIN cannot run
 * here or the arguments are wrong.
 *
 *   npx tsx bench/spin-peer.ts --equality [--bounds 1x1,1x2,1x3,2x1,1x1+tools,1x2+tools] [--define FLAG]...
 *
 * With --minima, the shortest counterexample of each variant the model has (-DBUG=1..8, pan
 * -DBFS with the drain) against cellgate's breadth-first search of the same bundled variant: the
 * same number of commands before the drain and the same invariant, else exit 1.
 *
 *   npx tsx bench/spin-peer.ts --minima [--bounds 1x3]
 */
import { spawnSync } from "node:child_process";
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { exhaustive } from "../properties/index.ts";
import { bundled, reference } from "../reference/index.ts";

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
  /** Nested tool calls in the space (cellgate's default for the reference; the model's -DTOOLS). */
  readonly tools?: boolean;
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
  const at = `${p.cells} × ${p.requests}${p.tools === true ? " with tool calls" : ""}`;
  if (!p.cellgate.exhausted) out.push(`${at}: cellgate did not exhaust the space`);
  if (p.spin.errors !== 0) out.push(`${at}: pan reported ${p.spin.errors} error(s)`);
  if (p.cellgate.states !== p.spin.states) out.push(`${at}: states differ: cellgate ${p.cellgate.states}, SPIN ${p.spin.states}`);
  if (p.cellgate.transitions + 1 !== p.spin.transitions) out.push(`${at}: transitions differ: cellgate ${p.cellgate.transitions} (+1 = ${p.cellgate.transitions + 1}), SPIN ${p.spin.transitions}`);
  return out;
}

/** The reference as the model has it: no nested tool calls (the model leaves dispatch out). */
export const REFERENCE_WITHOUT_TOOLS = { ...reference, name: "reference-without-tool-calls", dispatch: false };

/** cellgate's full search of the reference, with or without tool calls (exact dedupe, no symmetry, no depth bound in practice). */
export function cellgateCounts(cells: number, requests: number, tools = false): CountPair["cellgate"] {
  const r = exhaustive(tools ? reference : REFERENCE_WITHOUT_TOOLS, { cells, requests, depth: 1000 });
  return { states: r.states, transitions: r.transitions, exhausted: r.exhausted };
}

/** cellgate's full search and pan on one bound (with tool calls: the model built with -DTOOLS). */
export function comparePeer(cells: number, requests: number, defines: readonly string[] = [], optimise = true, tools = false): CountPair {
  const spin = runPan(cells, requests, tools ? ["TOOLS", ...defines] : defines, optimise);
  return { cells, requests, tools, cellgate: cellgateCounts(cells, requests, tools), spin };
}

/** The variants of the model, in the order of its -DBUG=1..8, by the name of the bundled implementation each mirrors. */
export const MODEL_VARIANTS = [
  "bug-close-before-ready",
  "bug-cancelled-observation-marker",
  "bug-close-before-rejected-delivery",
  "bug-busy-displaces-observer",
  "bug-double-close",
  "bug-forget-on-yield",
  "bug-lost-buffered-completion",
  "bug-terminate-overrides-completion",
] as const;

/** A shortest counterexample: commands before the end-of-run drain, and the rule that failed (as model/invariants.ts names it). */
export interface Shortest {
  readonly commands: number;
  readonly inDrain: boolean;
  readonly invariant: string;
}

/** The model's invariant name (`no_gate_leak__end_of_run_table_not_empty`) as cellgate's rule (`no-gate-leak`). */
export function ruleOf(modelName: string): string {
  return (modelName.split("__")[0] as string).replaceAll("_", "-");
}

/**
 * pan's breadth-first shortest counterexample of the model's variant `bug` (1..8) with the drain,
 * read from its trail: the moves before the drain and the name in the failed assertion; undefined
 * when pan finds none.
 */
export function panShortest(cells: number, requests: number, bug: number): Shortest | undefined {
  const dir = mkdtempSync(join(tmpdir(), "cellgate-spin-bfs-"));
  try {
    copyFileSync(SPIN_MODEL, join(dir, "cellgate.pml"));
    const run = (cmd: string, ok: (status: number | null) => boolean = (st) => st === 0): string => {
      const r = spawnSync("sh", ["-c", cmd], { cwd: dir, encoding: "utf8", maxBuffer: 1 << 26 });
      if (!ok(r.status)) throw new Error(`${cmd}: exit ${r.status}: ${(r.stderr || r.stdout).slice(-400)}`);
      return `${r.stdout}\n${r.stderr}`;
    };
    const flags = `-DK=${cells} -DR=${requests} -DDRAIN -DBUG=${bug} -DNOHIDDEN`;
    run(`spin ${flags} -a cellgate.pml`);
    run("gcc -O0 -DSAFETY -DNOREDUCE -DBFS -o pan pan.c");
    const out = run("./pan -m400 -w24", () => true);
    if (/errors: 0/.test(out)) return undefined;
    const trail = run(`spin ${flags} -t cellgate.pml`, () => true);
    const lines = trail.split("\n");
    const drainAt = lines.findIndex((l) => l.includes("MOVE ---- end-of-run drain"));
    const moves = (drainAt < 0 ? lines : lines.slice(0, drainAt)).filter((l) => l.includes("MOVE ")).length;
    const name = /text of failed assertion: .*\|\|\((\w+)==0\)\)\)/.exec(trail)?.[1];
    if (name === undefined) throw new Error(`no failed assertion in the trail of -DBUG=${bug}`);
    return { commands: moves, inDrain: drainAt >= 0, invariant: ruleOf(name) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** cellgate's breadth-first shortest counterexample of a bundled variant (exact dedupe). */
export function cellgateShortest(variant: string, cells: number, requests: number): Shortest | undefined {
  const impl = bundled(variant);
  if (impl === undefined) throw new Error(`no bundled implementation ${variant}`);
  const ce = exhaustive(impl, { cells, requests, depth: 16 }).counterexample;
  if (ce === undefined) return undefined;
  const f = ce.failure;
  return { commands: ce.depth, inDrain: ce.inDrain, invariant: f.verdict === "violation" ? (f.violations[0]?.invariant ?? "?") : f.verdict };
}

function minima(bounds: readonly (readonly [number, number, boolean])[]): number {
  console.log(`shortest counterexamples: pan -DBFS on ${SPIN_MODEL} -DDRAIN -DBUG=n against cellgate exhaustive on the bundled variant`);
  console.log("");
  console.log("| variant | bounds | cellgate | SPIN | equal |");
  console.log("|---|---|---|---|---|");
  const text = (x: Shortest | undefined): string => (x === undefined ? "none" : `${x.commands} commands${x.inDrain ? " + drain" : ""}, ${x.invariant}`);
  let failed = 0;
  for (const [cells, requests] of bounds) {
    for (const [i, variant] of MODEL_VARIANTS.entries()) {
      const a = cellgateShortest(variant, cells, requests);
      const b = panShortest(cells, requests, i + 1);
      const same = a !== undefined && b !== undefined && a.commands === b.commands && a.inDrain === b.inDrain && a.invariant === b.invariant;
      if (!same) failed++;
      console.log(`| ${variant} (-DBUG=${i + 1}) | ${cells} × ${requests} | ${text(a)} | ${text(b)} | ${same ? "yes" : "**no**"} |`);
    }
  }
  console.log("");
  console.log(failed === 0 ? "every shortest counterexample is the same" : `${failed} differ`);
  return failed === 0 ? 0 : 1;
}

function main(): number {
  const { values } = parseArgs({
    options: { equality: { type: "boolean", default: false }, minima: { type: "boolean", default: false }, bounds: { type: "string" }, define: { type: "string", multiple: true, default: [] } },
  });
  if (values.equality === values.minima) {
    console.error("usage: npx tsx bench/spin-peer.ts --equality [--bounds 1x1,1x2,1x3,2x1,1x1+tools,1x2+tools] [--define FLAG]... | --minima [--bounds 1x3]");
    return 2;
  }
  const bounds: [number, number, boolean][] = [];
  for (const b of (values.bounds ?? (values.minima ? "1x3" : "1x1,1x2,1x3,2x1,1x1+tools,1x2+tools")).split(",")) {
    const m = /^([1-3])x([1-3])(\+tools)?$/.exec(b.trim());
    if (m === null || (values.minima && m[3] !== undefined)) {
      console.error(`--bounds expects KxR,... with K and R from 1 to 3${values.minima ? "" : ", each optionally +tools"} (e.g. 1x1,2x1), got ${JSON.stringify(b)}`);
      return 2;
    }
    bounds.push([Number(m[1]), Number(m[2]), m[3] !== undefined]);
  }
  const missing = spinMissing();
  if (missing !== undefined) {
    console.error(`cannot compare with SPIN: ${missing}`);
    return 2;
  }
  if (values.minima) return minima(bounds);
  const defines = values.define;
  console.log(`count equality: cellgate exhaustive (reference) against pan on ${SPIN_MODEL}${defines.length > 0 ? ` -D${defines.join(" -D")}` : ""}, no drain`);
  console.log("");
  console.log("| bounds (K × R) | tool calls | cellgate states | SPIN states | cellgate transitions (+1) | SPIN transitions | equal |");
  console.log("|---|---|---:|---:|---:|---:|---|");
  const n = (x: number): string => x.toLocaleString("en-US");
  let failed = 0;
  for (const [cells, requests, tools] of bounds) {
    const p = comparePeer(cells, requests, defines, true, tools);
    const bad = countMismatches(p);
    console.log(`| ${cells} × ${requests} | ${tools ? "yes (-DTOOLS)" : "no (--no-tools)"} | ${n(p.cellgate.states)} | ${n(p.spin.states)} | ${n(p.cellgate.transitions + 1)} | ${n(p.spin.transitions)} | ${bad.length === 0 ? "yes" : "**no**"} |`);
    for (const line of bad) console.error(`mismatch: ${line}`);
    if (bad.length > 0) failed++;
  }
  console.log("");
  console.log(failed === 0 ? "every count is equal" : `${failed} bound(s) differ`);
  return failed === 0 ? 0 : 1;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) process.exitCode = main();
