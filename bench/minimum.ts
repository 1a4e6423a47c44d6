/**
 * The shortest counterexample, by bounded breadth-first search — the yardstick for shrink quality
 * until the exhaustive search of `cellgate exhaustive` is on main (then use that instead).
 *
 * Counted like a shrunk counterexample: the number of commands before the end-of-run drain, for
 * a command list that fails (during the commands or in the drain). Every node is one command
 * list, replayed from scratch (an implementation cannot be forked). Two lists are merged when
 * they reach the same state, and the state is keyed soundly for any implementation that keeps the
 * protocol's party separation: the model state, the messages in flight, and the inputs each party
 * has received so far, in order (a party is a deterministic state machine, so its inputs fix its
 * state). Lists are merged only when they differ in how Host and Core steps interleave.
 */
import { COMMAND_KINDS, HarnessRun, type Command } from "../properties/index.ts";
import type { Implementation } from "../protocol/index.ts";

export interface MinimumResult {
  /** Length of the shortest failing command list, if one was found within the bound. */
  readonly length: number | undefined;
  /** One shortest failing list, as labels. */
  readonly labels: readonly string[];
  /** Distinct states expanded, and whether the search stopped at the node limit. */
  readonly states: number;
  readonly truncated: boolean;
  readonly ms: number;
}

export interface MinimumOptions {
  readonly cells?: number;
  /** Search command lists up to this length (inclusive). */
  readonly maxLength: number;
  /** Give up after this many distinct states (default 200k). */
  readonly maxStates?: number;
}

const CANDIDATES: readonly Command[] = COMMAND_KINDS.flatMap((kind): Command[] =>
  kind === "create" || kind === "shutdown" ? [{ kind }] : Array.from({ length: 16 }, (_, index) => ({ kind, index })),
);

/** A run of `cmds` (no drain), or undefined when one of them does not apply. */
function runOf(impl: Implementation, cmds: readonly Command[], cells: number): HarnessRun {
  const run = new HarnessRun(impl, { cells, record: true });
  for (const c of cmds) run.apply(c);
  return run;
}

/** The distinct commands possible in a run now (one per label). */
function moves(run: HarnessRun): Command[] {
  const seen = new Set<string>();
  const out: Command[] = [];
  for (const c of CANDIDATES) {
    const r = run.resolve(c);
    if (r === undefined || seen.has(r.label)) continue;
    seen.add(r.label);
    out.push(c);
  }
  return out;
}

function keyOf(run: HarnessRun): string {
  const s = run.state;
  const inputs = { host: [] as string[], core: [] as string[] };
  for (const step of run.trace ?? []) inputs[step.party].push(step.input);
  return JSON.stringify([s.shutdown, [...s.cells.values()], [...s.requests.values()], s.expected, run.channels.snapshot(), inputs.host, inputs.core, run.nextReq]);
}

/** Does this list fail, counting the end-of-run drain? */
function fails(impl: Implementation, cmds: readonly Command[], cells: number): boolean {
  const run = new HarnessRun(impl, { cells });
  for (const c of cmds) run.apply(c);
  if (run.failure === undefined) run.drain();
  run.close();
  return run.failure !== undefined;
}

export function shortestCounterexample(impl: Implementation, options: MinimumOptions): MinimumResult {
  const t0 = performance.now();
  const cells = options.cells ?? 3;
  const maxStates = options.maxStates ?? 200_000;
  const seen = new Set<string>();
  let frontier: Command[][] = [[]];
  let states = 0;
  const done = (length: number | undefined, cmds: readonly Command[], truncated: boolean): MinimumResult => {
    const labels = length === undefined ? [] : (runOf(impl, cmds, cells).trace ?? []).map((s) => s.label);
    return { length, labels, states, truncated, ms: performance.now() - t0 };
  };
  if (fails(impl, [], cells)) return done(0, [], false);
  for (let depth = 1; depth <= options.maxLength; depth++) {
    const next: Command[][] = [];
    for (const prefix of frontier) {
      const parent = runOf(impl, prefix, cells);
      for (const move of moves(parent)) {
        const cmds = [...prefix, move];
        const run = runOf(impl, cmds, cells);
        const key = keyOf(run);
        if (seen.has(key)) continue;
        seen.add(key);
        if (++states > maxStates) return done(undefined, [], true);
        if (run.failure !== undefined || fails(impl, cmds, cells)) return done(depth, cmds, false);
        next.push(cmds);
      }
    }
    frontier = next;
  }
  return done(undefined, [], false);
}
