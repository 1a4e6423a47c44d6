/**
 * The exploration report: settings, the seeds that ran, the coverage, the counterexamples. As
 * JSON it is what `explore --report json:FILE` writes and `merge` reads; reports of shards (or of
 * any disjoint seed sets with the same settings) merge into the report of their union.
 */
import { PROTOCOL_VERSION, PROTOCOL_VERSIONS, type ProtocolVersion } from "../../protocol/index.ts";
import { COMMAND_KINDS } from "../run/commands.ts";
import { emptyCoverage, mergeCoverage, type Coverage } from "./coverage.ts";
import type { ExploreSettings, FoundCounterexample, SeedResult, SeedSlow, SeedTask } from "./explore.ts";
import { INVARIANT_NAMES } from "./invariant-coverage.ts";
import { ORDERINGS } from "../run/orderings.ts";
import { isStrategy } from "../generate/strategy.ts";
import { commandLine, ENVELOPE_FORMAT, ENVELOPE_VERSION, envelopeJson, type ReportVerdict, type SettingValue } from "../report/envelope.ts";
import type { RequirementResult } from "./coverage.ts";
import { slowFromJson, slowJson } from "../run/timing.ts";
import { MAX_REPRO_RUNS_BEFORE } from "../repro/format.ts";

/** The envelope every JSON report shares (`format`, `version`); an exploration's `command` is explore or merge. */
export const REPORT_FORMAT = ENVELOPE_FORMAT;
export const REPORT_VERSION = ENVELOPE_VERSION;
/** The format exploration reports had before the common envelope (version 1); still read by merge. */
const LEGACY_FORMAT = "cellgate-explore-report";

const FAILURE_VERDICTS = ["crash", "timeout", "protocol-error", "nondeterminism"] as const;

/** How the report was made, beyond its settings: the options that chose the implementation and the plan. */
export interface ExploreContext {
  readonly command?: "explore" | "merge";
  /** `{ impl: NAME }` or `{ "impl-cmd": "..." }` (default: the name as `impl`). */
  readonly implementation?: Readonly<Record<string, SettingValue>>;
  /** Runs asked for, the time limit (s), the shard, the workers, as given. */
  readonly plan?: Readonly<Record<string, SettingValue>>;
  readonly seedRandom?: boolean;
}

/**
 * An exploration's verdict: the first failing seed's (violation, crash...), else `coverage-short`
 * when a coverage requirement was not met, `inconclusive` when no run was done, else conforms.
 */
export function exploreVerdictOf(r: ExploreReport, judged: readonly RequirementResult[] = []): ReportVerdict {
  const first = r.counterexamples[0];
  if (first !== undefined) return (FAILURE_VERDICTS as readonly string[]).includes(first.invariant) ? (first.invariant as ReportVerdict) : "violation";
  if (judged.some((q) => !q.ok)) return "coverage-short";
  return r.coverage.runs < Math.max(1, r.settings.minRuns ?? 1) ? "inconclusive" : "conforms";
}

/** The settings of an exploration, named as the options that set them. */
export function exploreSettingsOf(r: ExploreReport, context: ExploreContext = {}): Record<string, SettingValue> {
  const s = r.settings;
  return {
    ...(context.implementation ?? { impl: s.implementation }),
    ...(context.plan ?? {}),
    seed: s.seed,
    batch: s.batch,
    cells: s.cells,
    "max-commands": s.maxCommands,
    strategy: s.strategy,
    "pct-depth": s.pctDepth,
    ...(s.strictTime === true ? { "strict-time": true } : {}),
    ...(s.minRuns !== undefined ? { "min-runs": s.minRuns } : {}),
  };
}

export interface ExploreReport {
  readonly settings: ExploreSettings;
  /** The protocol version the explored implementation speaks (written as PROTOCOL_VERSION when unknown). */
  readonly protocol?: ProtocolVersion;
  /** Seeds that ran, by seed. */
  readonly seeds: readonly SeedTask[];
  readonly coverage: Coverage;
  /** One per failing seed, by seed. */
  readonly counterexamples: readonly FoundCounterexample[];
  /** Steps that were slow, not hung (a warning unless --strict-time), by seed. */
  readonly slow: readonly SeedSlow[];
  /** Wall time (summed over merged reports); the one timed field. */
  readonly durationMs: number;
}

export type ReportResult<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: string };

/** A report from seed results, in seed order (whatever order they arrived in). */
export function reportOf(settings: ExploreSettings, results: readonly SeedResult[], coverage: Coverage, durationMs: number, protocol?: ProtocolVersion): ExploreReport {
  const sorted = [...results].sort((a, b) => a.task.seed - b.task.seed);
  return {
    settings,
    ...(protocol === undefined ? {} : { protocol }),
    seeds: sorted.map((r) => r.task),
    coverage,
    counterexamples: sorted.flatMap((r) => (r.counterexample === undefined ? [] : [r.counterexample])),
    slow: sorted.flatMap((r) => r.slow),
    durationMs,
  };
}

export function reportToJson(r: ExploreReport, judged: readonly RequirementResult[] = [], context: ExploreContext = {}): unknown {
  const c = r.coverage;
  const command = context.command ?? "explore";
  const settings = exploreSettingsOf(r, context);
  const envelope = { command, verdict: exploreVerdictOf(r, judged), implementation: r.settings.implementation, protocol: r.protocol ?? PROTOCOL_VERSION, settings, reproduce: commandLine("explore", settings) };
  return envelopeJson(envelope, {
    seedRandom: context.seedRandom === true,
    exploration: r.settings,
    requirements: judged,
    seeds: r.seeds.map((t) => [t.seed, t.runs]),
    runs: c.runs,
    steps: c.steps,
    checks: c.checks,
    violations: c.violations,
    executed: c.executed,
    invariantChecks: c.invariantChecks,
    orderings: c.orderings,
    orderingRuns: c.orderingRuns,
    distinctStates: c.states.size,
    counterexamples: r.counterexamples,
    slow: r.slow.map((s) => ({ seed: s.seed, ...slowJson(s) })),
    durationMs: Math.round(r.durationMs),
    stateHashes: [...c.states].sort(),
  });
}

/** Read a report written by `reportToJson`; every field is checked. */
export function reportFromJson(x: unknown): ReportResult<ExploreReport> {
  const fail = (error: string): ReportResult<ExploreReport> => ({ ok: false, error });
  if (!isObject(x)) return fail("not a JSON object");
  const legacy = x.format === LEGACY_FORMAT && x.version === 1;
  if (!legacy) {
    if (x.format !== REPORT_FORMAT) return fail(`not a cellgate report (format ${JSON.stringify(x.format)})`);
    if (x.version !== REPORT_VERSION) return fail(`report version ${JSON.stringify(x.version)} is not supported (this cellgate reads version ${REPORT_VERSION})`);
    if (x.command !== "explore" && x.command !== "merge") return fail(`a ${JSON.stringify(x.command)} report, not an exploration (explore or merge)`);
  }
  const protocol = PROTOCOL_VERSIONS.find((v) => v === x.protocol);
  if (protocol === undefined) return fail(`protocol version ${JSON.stringify(x.protocol)} is not supported (this cellgate speaks versions ${PROTOCOL_VERSIONS.join(" and ")})`);
  const s = legacy ? x.settings : x.exploration;
  if (
    !isObject(s) ||
    typeof s.implementation !== "string" ||
    !isCount(s.cells) ||
    !isCount(s.maxCommands) ||
    typeof s.strategy !== "string" ||
    !isStrategy(s.strategy) ||
    !isCount(s.pctDepth) ||
    !isCount(s.batch) ||
    !isCount(s.seed)
  ) {
    return fail("settings are missing or malformed");
  }
  if (!Array.isArray(x.seeds) || !x.seeds.every((p) => Array.isArray(p) && p.length === 2 && isCount(p[0]) && isCount(p[1]))) return fail("seeds are missing or malformed");
  const coverage = emptyCoverage();
  for (const k of ["runs", "steps", "checks", "violations"] as const) {
    const v = x[k];
    if (!isCount(v)) return fail(`"${k}" is missing or not a count`);
    coverage[k] = v;
  }
  const tables = [
    ["executed", COMMAND_KINDS, coverage.executed],
    ["invariantChecks", INVARIANT_NAMES, coverage.invariantChecks],
    ["orderings", ORDERINGS, coverage.orderings],
    ["orderingRuns", ORDERINGS, coverage.orderingRuns],
  ] as const;
  for (const [field, keys, into] of tables) {
    const t = x[field];
    if (!isObject(t)) return fail(`"${field}" is missing`);
    for (const k of keys) {
      const v = t[k];
      if (!isCount(v)) return fail(`"${field}.${k}" is missing or not a count`);
      (into as Record<string, number>)[k] = v;
    }
  }
  if (!Array.isArray(x.stateHashes) || !x.stateHashes.every((h) => typeof h === "string")) return fail('"stateHashes" is missing or malformed');
  for (const h of x.stateHashes as string[]) coverage.states.add(h);
  if (x.distinctStates !== coverage.states.size) return fail(`"distinctStates" (${JSON.stringify(x.distinctStates)}) does not match the ${coverage.states.size} state hashes`);
  if (!Array.isArray(x.counterexamples) || !x.counterexamples.every(isCounterexample)) return fail('"counterexamples" is missing or malformed');
  // Each failing seed gives one counterexample: a report whose counts disagree was edited or cut.
  if (x.counterexamples.length !== coverage.violations) return fail(`"violations" is ${coverage.violations} but ${x.counterexamples.length} counterexamples are listed`);
  const seedSet = new Set((x.seeds as [number, number][]).map(([seed]) => seed));
  const stray = (x.counterexamples as FoundCounterexample[]).find((ce) => !seedSet.has(ce.seed));
  if (stray !== undefined) return fail(`counterexample of seed ${stray.seed}, a seed the report did not run`);
  // Reports written before slow steps were carried have none; a list that is there is checked.
  const slow: SeedSlow[] = [];
  if (x.slow !== undefined) {
    if (!Array.isArray(x.slow)) return fail('"slow" is not a list');
    for (const [i, entry] of (x.slow as unknown[]).entries()) {
      const s = slowFromJson(entry);
      const seed = isObject(entry) ? entry.seed : undefined;
      if (s === undefined || !isCount(seed)) return fail(`"slow[${i}]" is malformed`);
      if (!seedSet.has(seed)) return fail(`slow step of seed ${seed}, a seed the report did not run`);
      slow.push({ ...s, seed });
    }
  }
  if (!isCount(x.durationMs)) return fail('"durationMs" is missing or not a count');
  return {
    ok: true,
    value: {
      settings: s as unknown as ExploreSettings,
      protocol,
      seeds: (x.seeds as [number, number][]).map(([seed, runs]) => ({ seed, runs })),
      coverage,
      counterexamples: x.counterexamples as FoundCounterexample[],
      slow,
      durationMs: x.durationMs,
    },
  };
}

/** The union of reports with equal settings and disjoint seeds. */
export function mergeReports(reports: readonly ExploreReport[]): ReportResult<ExploreReport> {
  const first = reports[0];
  if (first === undefined) return { ok: false, error: "nothing to merge" };
  const key = JSON.stringify(settingsKey(first.settings));
  const seeds = new Map<number, SeedTask>();
  const coverage = emptyCoverage();
  let durationMs = 0;
  const counterexamples: FoundCounterexample[] = [];
  const slow: SeedSlow[] = [];
  for (const [i, r] of reports.entries()) {
    if (JSON.stringify(settingsKey(r.settings)) !== key) {
      return { ok: false, error: `report ${i + 1} was made with other settings (${describe(r.settings)}) than report 1 (${describe(first.settings)})` };
    }
    if ((r.protocol ?? PROTOCOL_VERSION) !== (first.protocol ?? PROTOCOL_VERSION)) {
      return { ok: false, error: `report ${i + 1} is of protocol version ${r.protocol ?? PROTOCOL_VERSION}, report 1 of version ${first.protocol ?? PROTOCOL_VERSION}` };
    }
    for (const t of r.seeds) {
      if (seeds.has(t.seed)) return { ok: false, error: `seed ${t.seed} is in more than one report (overlapping shards?)` };
      seeds.set(t.seed, t);
    }
    mergeCoverage(coverage, r.coverage);
    counterexamples.push(...r.counterexamples);
    slow.push(...r.slow);
    durationMs += r.durationMs;
  }
  return {
    ok: true,
    value: {
      settings: first.settings,
      ...(first.protocol === undefined ? {} : { protocol: first.protocol }),
      seeds: [...seeds.values()].sort((a, b) => a.seed - b.seed),
      coverage,
      counterexamples: counterexamples.sort((a, b) => a.seed - b.seed),
      slow: slow.sort((a, b) => a.seed - b.seed),
      durationMs,
    },
  };
}

/** Settings that must agree for reports to merge (the base seed need not: seeds are listed). */
function settingsKey(s: ExploreSettings): unknown[] {
  return [s.implementation, s.cells, s.maxCommands, s.strategy, s.pctDepth, s.batch];
}

function describe(s: ExploreSettings): string {
  return `impl ${s.implementation}, cells ${s.cells}, max-commands ${s.maxCommands}, strategy ${s.strategy}, pct-depth ${s.pctDepth}, batch ${s.batch}`;
}

function isObject(x: unknown): x is Record<string, unknown> {
  return typeof x === "object" && x !== null && !Array.isArray(x);
}

function isCount(x: unknown): x is number {
  return typeof x === "number" && Number.isSafeInteger(x) && x >= 0;
}

function isCounterexample(x: unknown): boolean {
  return isObject(x) && isCount(x.seed) && isCount(x.length) && Array.isArray(x.labels) && Array.isArray(x.commands) && typeof x.invariant === "string" && Array.isArray(x.printed) && x.printed.every((l) => typeof l === "string") && (x.runsBefore === undefined || (isCount(x.runsBefore) && x.runsBefore >= 1 && x.runsBefore <= MAX_REPRO_RUNS_BEFORE));
}
