/**
 * `npm run bench:load`: are the gate's verdicts independent of machine load? Beside K busy loops
 * (default 2 per core), it runs the real `cellgate` command N times each against the in-process
 * reference and the Python example (every run must exit 0), and once against every faulty
 * bundled variant (each must exit 1 with the verdict, and the invariant, that the same check
 * gives in process, where no timing is involved).
 *
 *   npm run bench:load                    # N = 3
 *   npm run bench:load -- --n 10 --busy 8
 *   npm run bench:load -- --runs 1000     # shorter checks of the two correct ones (not the default)
 *
 * Prints one row per case (exit codes seen, wall time median and max) and exits 1 when any run
 * gave another exit code or verdict. Wall times are under load by design: they say how slow, not
 * how fast.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { cpus, tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { check } from "../properties/index.ts";
import { failsAs } from "./detection.ts";
import { VARIANTS } from "../reference/index.ts";
import { max, median } from "./stats.ts";

const { values } = parseArgs({ options: { n: { type: "string", default: "3" }, busy: { type: "string" }, runs: { type: "string" } } });
const N = Number(values.n);
const BUSY = values.busy === undefined ? 2 * cpus().length : Number(values.busy);
const RUNS = values.runs === undefined ? [] : ["--runs", values.runs];
if (!Number.isInteger(N) || N < 1 || !Number.isInteger(BUSY) || BUSY < 0 || (values.runs !== undefined && !/^[1-9]\d*$/.test(values.runs))) {
  console.error("bench:load: --n, --busy and --runs expect whole numbers (n, runs ≥ 1)");
  process.exit(2);
}

const scratch = mkdtempSync(join(tmpdir(), "cellgate-load-"));
const busy: ChildProcess[] = [];
const stopLoad = (): void => {
  for (const b of busy) b.kill("SIGKILL");
  busy.length = 0;
};
process.on("exit", () => {
  stopLoad();
  rmSync(scratch, { recursive: true, force: true });
});
for (const s of ["SIGINT", "SIGTERM", "SIGHUP"] as const) process.on(s, () => process.exit(130));

interface Outcome {
  readonly code: number | null;
  readonly ms: number;
  readonly verdict?: string;
}

function cellgate(args: readonly string[]): Promise<Outcome> {
  const started = performance.now();
  return new Promise((resolve) => {
    const c = spawn(process.execPath, ["cli/bin.mjs", ...args], { stdio: "ignore" });
    c.on("close", (code) => resolve({ code, ms: performance.now() - started }));
  });
}

/** The verdict a JSON report gives: the first violated invariant, or the verdict's name. */
function reported(file: string): string | undefined {
  try {
    const r = JSON.parse(readFileSync(file, "utf8")) as { verdict: string; counterexample?: { invariant?: string } };
    return r.verdict === "violation" ? (r.counterexample?.invariant ?? "violation") : r.verdict;
  } catch {
    return undefined;
  }
}

interface Case {
  readonly name: string;
  readonly args: readonly string[];
  readonly times: number;
  readonly code: number;
  readonly verdict?: string;
}

// What each variant gives in process, with the CLI's defaults (seed 1): no timing can change it.
const cases: Case[] = [
  { name: "reference (in process)", args: ["check", ...RUNS], times: N, code: 0 },
  { name: "python example (stdio)", args: ["check", "--impl-cmd", "python3 examples/python/cellgate_impl.py", ...RUNS], times: N, code: 0 },
  ...VARIANTS.map((v) => {
    const ce = check(v, { seed: 1 }).counterexample;
    return { name: v.name, args: ["check", "--impl", v.name], times: 1, code: 1, ...(ce === undefined ? {} : { verdict: failsAs(ce.failure) }) };
  }),
];

for (let i = 0; i < BUSY; i++) busy.push(spawn("sh", ["-c", "while :; do :; done"], { stdio: "ignore" }));

type Row = readonly string[];
const rows: Row[] = [];
let bad = 0;
for (const c of cases) {
  const outcomes: Outcome[] = [];
  for (let i = 0; i < c.times; i++) {
    const json = join(scratch, `${rows.length}-${i}.json`);
    const o = await cellgate([...c.args, "--report", `json:${json}`]);
    outcomes.push({ ...o, ...(c.verdict === undefined ? {} : { verdict: reported(json) ?? "no report" }) });
    process.stderr.write(`bench:load: ${c.name} #${i + 1}: exit ${o.code} in ${(o.ms / 1000).toFixed(1)} s\n`);
  }
  const wrong = outcomes.filter((o) => o.code !== c.code || (c.verdict !== undefined && o.verdict !== c.verdict));
  bad += wrong.length;
  const codes = [...new Set(outcomes.map((o) => String(o.code)))].join(",");
  const ms = outcomes.map((o) => o.ms);
  rows.push([c.name, String(c.times), `${c.code}${c.verdict === undefined ? "" : ` ${c.verdict}`}`, codes, wrong.length === 0 ? "ok" : `${wrong.length} wrong: ${wrong.map((o) => `${o.code} ${o.verdict ?? ""}`.trim()).join("; ")}`, `${(median(ms) / 1000).toFixed(1)} s`, `${(max(ms) / 1000).toFixed(1)} s`]);
  process.stderr.write(`bench:load: ${c.name}: ${wrong.length === 0 ? "ok" : "WRONG"}\n`);
}
stopLoad();

console.log(`cellgate under load: ${BUSY} busy loops on ${cpus().length} cores, ${N} checks (${RUNS.length === 0 ? "default runs" : `--runs ${values.runs}`}) of each correct implementation, 1 default check of each faulty variant`);
const all: Row[] = [["case", "runs", "expected", "exit codes", "result", "wall median", "wall max"], ...rows];
const widths = all[0]!.map((_, i) => Math.max(...all.map((r) => r[i]!.length)));
for (const r of all) console.log(r.map((x, i) => x.padEnd(widths[i]!)).join("  ").trimEnd());
console.log(bad === 0 ? "every run gave the expected exit code and verdict" : `${bad} run(s) gave another exit code or verdict`);
process.exitCode = bad === 0 ? 0 : 1;
