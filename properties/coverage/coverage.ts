/**
 * Coverage of an exploration: what ran, what was judged, which rare orderings were hit, how many
 * distinct abstract states were reached, and how many runs failed. Counts add up across seeds,
 * workers and shards; distinct states are a set of hashes, so they merge by union. Coverage
 * requirements (`--min-coverage NAME=N`) turn it into a gate.
 */
import type { InvariantName } from "../../model/index.ts";
import { COMMAND_KINDS, type CommandKind } from "../run/commands.ts";
import type { CheckStats } from "../check/check.ts";
import { INVARIANT_NAMES, zeroInvariantCounts, type InvariantCounts } from "./invariant-coverage.ts";
import { ORDERINGS, type Ordering } from "../run/orderings.ts";

export interface Coverage {
  runs: number;
  steps: number;
  checks: number;
  /** Runs that failed (each seed stops at its first failing run). */
  violations: number;
  executed: Record<CommandKind, number>;
  invariantChecks: InvariantCounts;
  orderings: Record<Ordering, number>;
  /** Runs in which each ordering was hit at least once. */
  orderingRuns: Record<Ordering, number>;
  /** Hashes of the distinct abstract states reached (model state + in-flight messages). */
  readonly states: Set<string>;
}

function zero<K extends string>(keys: readonly K[]): Record<K, number> {
  return Object.fromEntries(keys.map((k) => [k, 0])) as Record<K, number>;
}

export function emptyCoverage(): Coverage {
  return {
    runs: 0,
    steps: 0,
    checks: 0,
    violations: 0,
    executed: zero(COMMAND_KINDS),
    invariantChecks: zeroInvariantCounts(),
    orderings: zero(ORDERINGS),
    orderingRuns: zero(ORDERINGS),
    states: new Set(),
  };
}

/** Add one seed's statistics (and whether its batch failed) to a coverage. */
export function addStats(into: Coverage, stats: CheckStats, failed: boolean, states: Iterable<string>): void {
  into.runs += stats.runs;
  into.steps += stats.steps;
  into.checks += stats.checks;
  if (failed) into.violations++;
  for (const k of COMMAND_KINDS) into.executed[k] += stats.executed[k];
  for (const k of INVARIANT_NAMES) into.invariantChecks[k] += stats.invariantChecks[k];
  for (const o of ORDERINGS) {
    into.orderings[o] += stats.orderings[o];
    into.orderingRuns[o] += stats.orderingRuns[o];
  }
  for (const h of states) into.states.add(h);
}

/** Sum `from` into `into`. */
export function mergeCoverage(into: Coverage, from: Coverage): void {
  into.runs += from.runs;
  into.steps += from.steps;
  into.checks += from.checks;
  into.violations += from.violations;
  for (const k of COMMAND_KINDS) into.executed[k] += from.executed[k];
  for (const k of INVARIANT_NAMES) into.invariantChecks[k] += from.invariantChecks[k];
  for (const o of ORDERINGS) {
    into.orderings[o] += from.orderings[o];
    into.orderingRuns[o] += from.orderingRuns[o];
  }
  for (const h of from.states) into.states.add(h);
}

/** A name a coverage requirement can use: an ordering, a command kind, an invariant, or "states". */
export type CoverageName = Ordering | CommandKind | InvariantName | "states";

export const COVERAGE_NAMES: readonly CoverageName[] = [...ORDERINGS, ...COMMAND_KINDS, ...INVARIANT_NAMES, "states"];

export interface Requirement {
  readonly name: CoverageName;
  readonly min: number;
}

export interface RequirementResult extends Requirement {
  readonly actual: number;
  readonly ok: boolean;
}

/** The count a requirement is about: times hit, times executed, times judged, or distinct states. */
export function coverageCount(c: Coverage, name: CoverageName): number {
  if (name === "states") return c.states.size;
  if (name in c.orderings) return c.orderings[name as Ordering];
  if (name in c.executed) return c.executed[name as CommandKind];
  return c.invariantChecks[name as InvariantName];
}

/** Judge each requirement against a coverage. */
export function judgeCoverage(c: Coverage, requirements: readonly Requirement[]): RequirementResult[] {
  return requirements.map((r) => {
    const actual = coverageCount(c, r.name);
    return { ...r, actual, ok: actual >= r.min };
  });
}

/** Parse `NAME=N`; returns a reason on bad input. */
export function parseRequirement(text: string): { ok: true; value: Requirement } | { ok: false; error: string } {
  const m = /^([a-z-]+)=(\d+)$/.exec(text);
  if (m === null) return { ok: false, error: `expects NAME=N, got ${JSON.stringify(text)}` };
  const name = m[1] as string;
  if (!(COVERAGE_NAMES as readonly string[]).includes(name)) {
    return { ok: false, error: `unknown coverage name "${name}" (orderings: ${ORDERINGS.join(", ")}; or a command kind, an invariant, or "states")` };
  }
  return { ok: true, value: { name: name as CoverageName, min: Number(m[2]) } };
}
