/**
 * `npm run bench`: the five benchmark sections in one table (see BENCHMARKS.md).
 *
 *   npm run bench                          # print the table
 *   npm run bench -- --md bench.md         # also write it, with per-seed details, as Markdown
 *   npm run bench -- --seeds 5 --rounds 4  # a rougher run
 *   npm run bench -- --quick               # without the two long searches (exhaust 2 cells, 60 s with 3)
 *
 * Times are CPU time of this process (user + system), steadier than wall time on a shared
 * machine; throughput is compared only side by side within this run.
 */
import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { cpus, platform, release } from "node:os";
import { parseArgs } from "node:util";
import { stdioImplementation } from "../adapters/index.ts";
import { DEFAULT_RUNS, STRATEGIES } from "../properties/index.ts";
import type { Implementation } from "../protocol/index.ts";
import { reference, VARIANTS } from "../reference/index.ts";
import { detect, failsAs, type DetectionRow } from "./detection.ts";
import { searchReference, shortestCounterexample, type SearchFigures, type Shortest } from "./search.ts";
import { lastMutationRun, MUTATION_REPORT } from "./mutation.ts";
import { max, median } from "./stats.ts";
import { markdownTable, ms, plainTable, rate, type Row } from "./table.ts";
import { measureOutOfProcess, measureThroughput, type OutOfProcessResult, type ThroughputResult } from "./throughput.ts";

const BUDGET = DEFAULT_RUNS;
/** Depth of the search for each variant's shortest counterexample (the longest minimum is 12). */
const SEARCH_DEPTH = 12;
/** Runs through the Python example over stdio (each step is a round trip to a child process). */
const STDIO_RUNS = 300;

function defined<T>(xs: readonly (T | undefined)[]): T[] {
  return xs.filter((x): x is T => x !== undefined);
}

function detectionRow(d: DetectionRow): Row {
  const caught = defined(d.seeds.map((s) => s.runsToFailure));
  const all = d.seeds.map((s) => s.runsToFailure ?? Number.POSITIVE_INFINITY);
  const runs = (n: number) => (Number.isFinite(n) ? String(n) : `>${d.budget}`);
  return {
    section: "1 detection",
    subject: `${d.variant} · ${d.strategy}`,
    figures: `runs to failure median ${runs(median(all))}, max ${runs(max(all))}; time to failure median ${caught.length > 0 ? ms(median(defined(d.seeds.map((s) => s.msToFailure)))) : "-"}; caught ${caught.length}/${d.seeds.length} within ${d.budget} runs`,
    goal: `caught ${d.seeds.length}/${d.seeds.length}`,
    met: caught.length === d.seeds.length ? "yes" : "no",
  };
}

/** Shortest counterexamples by variant and way of failing, searched once each. */
class Minima {
  private readonly found = new Map<string, Shortest>();
  readonly notes: string[] = [];

  of(impl: Implementation, how: string): Shortest {
    const key = `${impl.name} ${how}`;
    let min = this.found.get(key);
    if (min === undefined) {
      min = shortestCounterexample(impl, SEARCH_DEPTH, (f) => failsAs(f) === how);
      this.found.set(key, min);
      this.notes.push(`Shortest counterexample of ${impl.name} failing ${how} (${min.length ?? "-"} commands): ${min.labels.join(" → ")}`, "");
    }
    return min;
  }
}

function shrinkRow(d: DetectionRow, impl: Implementation, minima: Minima): Row {
  const subject = `${d.variant} · ${d.strategy}`;
  const judged = d.seeds.flatMap((s) => (s.shrunkLength === undefined || s.failsAs === undefined ? [] : [{ s, min: minima.of(impl, s.failsAs) }]));
  if (judged.length === 0 || judged.some((j) => j.min.length === undefined)) {
    return { section: "2 shrink", subject, figures: judged.length === 0 ? "nothing caught" : "no counterexample within the search depth", goal: "1.00 every seed", met: "gap" };
  }
  const ratios = judged.map((j) => (j.s.shrunkLength as number) / (j.min.length as number));
  const fastCheck = judged.map((j) => (j.s.fastCheckLength as number) / (j.min.length as number));
  const atMin = ratios.filter((r) => r === 1).length;
  const ways = new Map<string, Shortest>();
  for (const j of judged) ways.set(j.s.failsAs as string, j.min);
  const minText = [...ways].map(([how, m]) => `${m.length} (${how}, ${m.states} states, ${ms(m.cpuMs)})`).join("; ");
  return {
    section: "2 shrink",
    subject,
    figures: `minimum ${minText}; shrunk/min median ${median(ratios).toFixed(2)}, max ${max(ratios).toFixed(2)}; at the minimum ${atMin}/${ratios.length} (fast-check alone: median ${median(fastCheck).toFixed(2)}, max ${max(fastCheck).toFixed(2)}); shrink time median ${ms(median(defined(d.seeds.map((s) => s.shrinkMs))))}`,
    goal: "1.00 every seed",
    met: atMin === ratios.length ? "yes" : "no",
  };
}

function throughputRows(t: ThroughputResult): Row[] {
  return [
    {
      section: "3 throughput",
      subject: "harness, reference in-process",
      figures: `${rate(t.harness)} steps/s (${t.harnessStepsPerRun.toFixed(1)} steps/run; median of ${t.rounds} rounds of ${t.runs} runs)`,
      goal: "≥ 200k steps/s",
      met: t.harness >= 200_000 ? "yes" : "no",
    },
    {
      section: "3 throughput",
      subject: "bare fc.modelRun, same commands",
      figures: `${rate(t.bare)} steps/s (${t.bareStepsPerRun.toFixed(1)} steps/run); harness is ${t.slowdown.toFixed(2)}× slower (median of paired rounds)`,
      goal: "harness ≤ 2× bare",
      met: t.slowdown <= 2 ? "yes" : "no",
    },
  ];
}

function stdioRow(o: OutOfProcessResult | string): Row {
  const subject = "stdio, Python example";
  if (typeof o === "string") return { section: "3 throughput", subject, figures: `not measured: ${o}`, goal: "-", met: "gap" };
  return {
    section: "3 throughput",
    subject,
    figures: `${rate(o.stepsPerSecond)} steps/s wall clock (${o.runs} runs, ${o.steps} steps); in-process reference on the same runs ${rate(o.inProcessStepsPerSecond)} steps/s, ${(o.inProcessStepsPerSecond / o.stepsPerSecond).toFixed(0)}× faster`,
    goal: "-",
    met: "",
  };
}

function pythonExample(runs: number): OutOfProcessResult | string {
  let python: string;
  try {
    python = execFileSync("python3", ["-c", "import sys; print(sys.executable)"]).toString().trim();
  } catch {
    return "python3 is not installed";
  }
  return measureOutOfProcess("python example", () => stdioImplementation(`${python} examples/python/cellgate_impl.py`), runs);
}

function exhaustiveRows(quick: boolean): Row[] {
  const rate1 = (f: SearchFigures) => `${rate((f.result.states / f.cpuMs) * 1000)} states per CPU-second`;
  const small = searchReference(reference, "1 cell, 2 requests", { cells: 1, requests: 2, depth: 60 });
  const rows: Row[] = [
    {
      section: "4 exhaustive",
      subject: "states/s (reference, 1 cell, 2 requests)",
      figures: `${rate1(small)}: ${small.result.states} states, ${small.result.transitions} transitions, ${small.result.exhausted ? "exhausted" : "not exhausted"} at depth ${small.result.depth} in ${ms(small.cpuMs)} CPU`,
      goal: "-",
      met: "",
    },
  ];
  if (quick) {
    rows.push({ section: "4 exhaustive", subject: "exhaust 2 cells; 60 s with 3 cells", figures: "skipped (--quick)", goal: "-", met: "" });
    return rows;
  }
  // Without tool calls and with symmetry: the space with them does not exhaust in 25 min (BENCHMARKS.md).
  const two = searchReference({ ...reference, dispatch: false }, "2 cells, 1 request", { cells: 2, requests: 1, depth: 60, symmetry: true });
  rows.push({
    section: "4 exhaustive",
    subject: "time to exhaust 2 cells (1 request each, no tool calls, --symmetry)",
    figures: `${two.result.exhausted ? "exhausted" : "NOT exhausted"}: ${two.result.states} states, ${two.result.transitions} transitions, depth ${two.result.depth}, ${(two.cpuMs / 1000).toFixed(0)} s CPU (${(two.result.durationMs / 1000).toFixed(0)} s wall), ${rate1(two)}; ${two.result.counterexample === undefined ? "no violation" : "VIOLATION"}`,
    goal: "-",
    met: "",
  });
  const three = searchReference(reference, "3 cells, 2 requests, 60 s", { cells: 3, requests: 2, depth: 60, timeLimitMs: 60_000 });
  rows.push({
    section: "4 exhaustive",
    subject: "deepest depth in 60 s, 3 cells (2 requests each)",
    figures: `every state to depth ${three.result.depth} (${three.result.states} states, ${(three.cpuMs / 1000).toFixed(0)} s CPU, ${rate1(three)}); ${three.result.counterexample === undefined ? "no violation" : "VIOLATION"}`,
    goal: "-",
    met: "",
  });
  return rows;
}

function mutationRow(): Row {
  const m = lastMutationRun();
  if (m === undefined) return { section: "5 mutation", subject: "reference/ (host, core, reference)", figures: `no report: run \`npm run mutate\` (writes ${MUTATION_REPORT})`, goal: "≥ 95%", met: "gap" };
  return {
    section: "5 mutation",
    subject: "reference/ (host, core, reference)",
    figures: `${(m.score * 100).toFixed(2)}%: ${m.killed} killed, ${m.timeout} timed out, ${m.survived} survived, ${m.noCoverage} not covered (Stryker run of ${m.date} UTC)`,
    goal: "≥ 95%",
    met: m.score >= 0.95 ? "yes" : "no",
  };
}

function seedDetails(d: DetectionRow): string[] {
  const lines = [`#### ${d.variant} · ${d.strategy}`, "", "| seed | runs to failure | time to failure | fails as | shrunk length | fast-check's length | shrink time |", "|---|---|---|---|---|---|---|"];
  for (const s of d.seeds) {
    const f = (x: number | undefined, g: (n: number) => string) => (x === undefined ? "-" : g(x));
    lines.push(`| ${s.seed} | ${f(s.runsToFailure, String)} | ${f(s.msToFailure, ms)} | ${s.failsAs ?? "-"} | ${f(s.shrunkLength, String)} | ${f(s.fastCheckLength, String)} | ${f(s.shrinkMs, ms)} |`);
  }
  return [...lines, ""];
}

/** Options, or a one-line message and exit 2 on bad ones. */
function options(): { seeds: number; rounds: number; md: string | undefined; quick: boolean } {
  const usage = "usage: npm run bench -- [--seeds N] [--rounds N] [--quick] [--md FILE]";
  try {
    const { values } = parseArgs({ options: { seeds: { type: "string" }, rounds: { type: "string" }, md: { type: "string" }, quick: { type: "boolean" } }, strict: true });
    const count = (raw: string | undefined, fallback: number, name: string): number => {
      if (raw === undefined) return fallback;
      if (!/^[1-9]\d*$/.test(raw)) throw new Error(`--${name} expects a positive whole number, got ${JSON.stringify(raw)}`);
      return Number(raw);
    };
    return { seeds: count(values.seeds, 20, "seeds"), rounds: count(values.rounds, 10, "rounds"), md: values.md, quick: values.quick === true };
  } catch (e) {
    console.error(`bench: ${e instanceof Error ? e.message.split("\n")[0] : String(e)} (${usage})`);
    process.exit(2);
  }
}

function main(): void {
  const values = options();
  const seeds = Array.from({ length: values.seeds }, (_, i) => i + 1);
  const rounds = values.rounds;
  const started = Date.now();
  const header = [
    `cellgate benchmarks, ${new Date().toISOString().slice(0, 16).replace("T", " ")} UTC`,
    `machine: ${cpus().length} × ${cpus()[0]?.model ?? "?"}, ${platform()} ${release()}, Node ${process.version}; times are CPU time of this process`,
  ];
  for (const line of header) console.log(line);

  const rows: Row[] = [];
  const details: string[] = [];
  const detections: { d: DetectionRow; impl: Implementation }[] = [];
  for (const impl of VARIANTS) for (const strategy of STRATEGIES) detections.push({ d: detect(impl, strategy, seeds, BUDGET), impl });
  for (const { d } of detections) rows.push(detectionRow(d));
  const minima = new Minima();
  for (const { d, impl } of detections) {
    rows.push(shrinkRow(d, impl, minima));
    details.push(...seedDetails(d));
  }
  details.push(...minima.notes);
  rows.push(...throughputRows(measureThroughput(reference, { rounds })));
  rows.push(stdioRow(pythonExample(STDIO_RUNS)));
  rows.push(...exhaustiveRows(values.quick === true));
  rows.push(mutationRow());

  console.log("");
  for (const line of plainTable(rows)) console.log(line);
  const footer = `(${((Date.now() - started) / 1000).toFixed(0)} s wall)`;
  console.log(footer);
  if (values.md !== undefined) {
    const md = [...header.map((h) => `${h}  `), "", ...markdownTable(rows), "", footer, "", "### Per seed", "", ...details];
    const m = lastMutationRun();
    if (m !== undefined && m.survivors.length > 0) {
      md.push("### Surviving mutants", "", "| file | line | mutator | replacement | status |", "|---|---|---|---|---|");
      for (const s of m.survivors) md.push(`| ${s.file} | ${s.line} | ${s.mutator} | \`${s.replacement.replaceAll("|", "\\|").replaceAll("\n", " ")}\` | ${s.status} |`);
    }
    writeFileSync(values.md, md.join("\n") + "\n");
  }
}

main();
