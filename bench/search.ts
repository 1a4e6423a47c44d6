/**
 * What the benchmark asks of the exhaustive search (properties/search/exhaustive.ts): the shortest
 * counterexample of a variant (the yardstick of shrink quality) and the speed of the search on
 * the reference (states per second, the time to exhaust 2 cells, the depth reached in 60 s with 3).
 */
import { exhaustive, type ExhaustiveOptions, type ExhaustiveResult, type Failure } from "../properties/index.ts";
import type { Implementation } from "../protocol/index.ts";
import { timed } from "./stats.ts";

export interface Shortest {
  /** Commands of a shortest counterexample (the drain after them not counted), if one is within `depth`. */
  readonly length: number | undefined;
  readonly labels: readonly string[];
  readonly states: number;
  readonly cpuMs: number;
}

/**
 * The shortest counterexample with `cells` cells, by breadth-first search up to `depth` commands;
 * with `accept`, the shortest one that fails that way (shrinking keeps the way a run fails, so a
 * shrunk counterexample is judged against the shortest that fails the same way).
 */
export function shortestCounterexample(impl: Implementation, depth: number, accept?: (f: Failure) => boolean, cells = 1): Shortest {
  // No request bound: every review race needs the initial read and two more requests. One cell
  // gives the same minima as two or three (test/support/minimum.ts says how that was checked).
  const { value, cpuMs } = timed(() => exhaustive(impl, { cells, depth, requests: Number.POSITIVE_INFINITY, ...(accept !== undefined ? { accept } : {}) }));
  const ce = value.counterexample;
  return { length: ce?.depth, labels: ce?.labels ?? [], states: value.states, cpuMs };
}

export interface SearchFigures {
  readonly name: string;
  readonly result: ExhaustiveResult;
  readonly cpuMs: number;
}

/** One bounded search of the reference, timed (wall clock in the result, CPU time here). */
export function searchReference(reference: Implementation, name: string, options: ExhaustiveOptions): SearchFigures {
  const { value, cpuMs } = timed(() => exhaustive(reference, options));
  return { name, result: value, cpuMs };
}
