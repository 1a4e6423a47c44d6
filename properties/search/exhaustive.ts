/**
 * Bounded exhaustive search: breadth-first over every distinct move from every reached state,
 * up to a depth (number of commands), deduplicating states. Every invariant is checked at every
 * step, and the end-of-run drain (deterministic) is run from every newly reached state, so a
 * state whose drain fails counts as a failure at its depth. Breadth-first order makes the first
 * failure found a shortest one: the ground truth a shrunk counterexample is judged against.
 *
 * Finiteness: a cell can be observed or terminated again and again, so the state space is
 * infinite unless the number of such requests is bounded; `requests` caps the observe,
 * terminate and nested tool-call requests the search issues per cell. Within the bounds (cells, requests) the
 * reachable space is finite, and the search says so when its frontier empties.
 *
 * Branching: when the implementation can `snapshot`/`restore`, every state is saved and
 * restored; otherwise each branch replays its command prefix from a fresh `start()`.
 */
import type { Implementation } from "../../protocol/index.ts";
import type { Ordering } from "../run/orderings.ts";
import { addCounts, cellNames, drainOf, isFirstDelivery, searchKey, withinBudget as budgetAllows, type ExpandSettings } from "./expand.ts";
import { resetKeyMemo } from "./key-memo.ts";
import { DeliveryHints, type DeliveryNote } from "./delivery-hints.ts";
import { SearchPool, type Expanded } from "./search-pool.ts";
import type { WorkerOpen } from "./worker-open.ts";
import { renamingDiffers } from "./symmetry.ts";
import { independent, PorRefused, SleepSets, type SleepSet } from "./por.ts";
import { skipDisagrees } from "./por-audit.ts";
import { StateCodec } from "./state-codec.ts";
import { encodingAt, Level, Trail } from "./frontier.ts";
import { CheckpointError, nextLevelOutruns, settingsDiffer, type CheckpointSettings, type SearchCheckpoint } from "./checkpoint.ts";
import { VisitedTable, type Fingerprint } from "./visited.ts";
import type { Command, CommandKind } from "../run/commands.ts";
import { checkListOf, checksOf, INVARIANT_NAMES, type InvariantCounts } from "../coverage/invariant-coverage.ts";
import { addInto, executedOf, MOVE_COUNTERS, movesOf, orderingsOf, zeros } from "../run/counters.ts";
import { distinctMoves, type Move } from "./moves.ts";
import { replay, type ReplayResult } from "../run/replay.ts";
import { retryTimeout, type SlowStep } from "../run/timing.ts";
import { HarnessRun, type Failure, type RunOptions, type RunSnapshot } from "../run/run.ts";
import { ModelMemo } from "../run/model-memo.ts";
import type { ModelState } from "../../model/index.ts";

/** What two states must share to count as one: see abstract-state.ts. "off" keeps every path. */
export type Dedupe = "snapshot" | "table" | "off";

export interface ExhaustiveOptions {
  readonly cells?: number;
  readonly depth?: number;
  /** Observe, terminate and tool-call requests the search may issue per cell (default 2; the CLI uses 3; Infinity: no bound). */
  readonly requests?: number;
  /**
   * Default: "snapshot" when the implementation offers it, else "off": both exact. "table" is
   * unsound (it merges states the implementation may tell apart) and must be asked for.
   */
  readonly dedupe?: Dedupe;
  /** Stop (with an incomplete level) after this long. */
  readonly timeLimitMs?: number;
  /** A step that answered only under the retry limit (slow, not hung) is a timeout counterexample, not a warning (`--strict-time`). */
  readonly strictTime?: boolean;
  /** Stop (with an incomplete level) after this many transitions: a bound that gives the same result on any machine. */
  readonly maxTransitions?: number;
  /** Called after every completed level. */
  readonly onLevel?: (level: LevelStats) => void;
  /** Called every PROGRESS_EVERY transitions, within a level too (a level of a large bound takes minutes). */
  readonly onProgress?: (progress: SearchProgress) => void;
  /**
   * Which failures count as the counterexample searched for (default: every failure). A state
   * that fails otherwise is not expanded further (or, when only its drain fails, is expanded as
   * usual); the search goes on for an accepted one.
   */
  readonly accept?: (failure: Failure) => boolean;
  /**
   * Symmetry reduction over cell names: states that differ only by which cell is which count as
   * one (abstract-state.ts). Sound for an implementation that treats cells alike up to their names
   * and the order it keeps them in; off by default (see docs/exploration.md for what was checked).
   */
  readonly symmetry?: boolean;
  /**
   * Memoise the model's part of every step (run/model-memo.ts): the same result, every counter
   * included, with the model run once per distinct step from a model state, and every model state
   * a run stands at between steps canonical (equal states one object). Off by default: on its own
   * it costs more than it saves (docs/exploration.md, BENCHMARKS.md). A function makes the memo
   * from the search's canonical states (a test gives a broken one).
   */
  readonly modelMemo?: boolean | ((canonical: (state: ModelState) => ModelState | undefined) => ModelMemo);
  /** Called with every newly reached distinct state (before its drain); the run must not be changed. */
  readonly onState?: (run: HarnessRun) => void;
  /**
   * Expand each level's states on this many worker threads (search-pool.ts); the result is the
   * same as on one. Needs an implementation that can snapshot and restore (else ignored) and
   * `workerOpen`, how a worker opens the same implementation (default: the bundled one of its name).
   */
  readonly workers?: number;
  readonly workerOpen?: WorkerOpen;
  /**
   * Partial-order reduction (por.ts): sleep sets over deliveries to different parties. The same
   * states at the same depths, fewer transitions. Needs exact dedupe ("snapshot") and one thread;
   * refused with symmetry. Every `porAuditEvery`th skipped transition (default 64) is run anyway
   * and must agree with the diamond, else the search throws PorRefused.
   */
  readonly por?: boolean;
  readonly porAuditEvery?: number;
  /**
   * Called between levels with the search as it stands (checkpoint.ts), at most once every
   * `checkpointEveryMs` (default: at every level), and at the depth bound when states remain to
   * expand. Its arrays are the search's own: write them before returning.
   */
  readonly onCheckpoint?: (checkpoint: SearchCheckpoint) => void;
  readonly checkpointEveryMs?: number;
  /**
   * Go on from a checkpoint instead of from the initial state: the same implementation, cells,
   * requests, dedupe and symmetry (else CheckpointError). The depth bound may be another (deeper);
   * the time and transition bounds count from the resumed start.
   */
  readonly resume?: SearchCheckpoint;
}

/** How often (in transitions) `onProgress` is called. */
export const PROGRESS_EVERY = 4096;

/** Where a search is, within the level being searched. */
export interface SearchProgress {
  /** The depth being searched (the level whose states are being expanded is one less). */
  readonly depth: number;
  readonly states: number;
  readonly transitions: number;
  /** States of the level expanded so far, of `ofLevel`. */
  readonly expanded: number;
  readonly ofLevel: number;
  /** New states found for the next level so far. */
  readonly queued: number;
  readonly elapsedMs: number;
}

export interface LevelStats {
  readonly depth: number;
  /** New distinct states first reached at this depth. */
  readonly states: number;
  readonly transitions: number;
  readonly elapsedMs: number;
}

export interface ExhaustiveCounterexample {
  /** Number of commands (the drain, if the failure is in it, comes after them). */
  readonly depth: number;
  readonly commands: readonly Command[];
  readonly labels: readonly string[];
  readonly failure: Failure;
  readonly replay: ReplayResult;
  /** Whether the failure came in the end-of-run drain rather than at a command. */
  readonly inDrain: boolean;
}

export interface ExhaustiveResult {
  readonly implementation: string;
  readonly cells: number;
  readonly depthBound: number;
  readonly requests: number;
  readonly dedupe: Dedupe;
  readonly symmetry: boolean;
  /** Whether states were saved and restored (else: prefixes replayed). */
  readonly branching: "restore" | "replay";
  /** Distinct states reached (including the initial one); with dedupe "off", every path. */
  readonly states: number;
  readonly transitions: number;
  /** Deepest level explored completely. */
  readonly depth: number;
  /** The frontier emptied: every state reachable within the bounds was visited. */
  readonly exhausted: boolean;
  readonly stoppedByTime: boolean;
  readonly levels: readonly LevelStats[];
  readonly executed: Record<CommandKind, number>;
  readonly orderings: Record<Ordering, number>;
  readonly invariantChecks: InvariantCounts;
  readonly counterexample: ExhaustiveCounterexample | undefined;
  readonly durationMs: number;
  /** Worker threads that expanded the states (1: the search's own thread). */
  readonly workers: number;
  /** Bytes held by the visited table (fingerprints and flags) at the end. */
  readonly visitedBytes: number;
  /** Steps that missed the step timeout (at a command or in a drain) and answered when re-run under the retry limit. */
  readonly slow: readonly SlowStep[];
  /** Such a step counted as a timeout (`strictTime`). */
  readonly strictTime: boolean;
  /** With `por`: transitions the sleep sets skipped, states queued again to explore moves slept on, skipped transitions run anyway by the audit. */
  readonly por?: { readonly skipped: number; readonly reexpanded: number; readonly audited: number };
}

/** The implementation does not treat cells alike up to their names, so a symmetric search would be unsound. */
export class SymmetryRefused extends Error {
  override readonly name = "SymmetryRefused";
}

export { PorRefused } from "./por.ts";

/** A worker opens a bundled implementation by its name. */
function bundledOpen(name: string): WorkerOpen {
  const ext = import.meta.url.endsWith(".ts") ? "ts" : "js";
  return { module: new URL(`../../reference/registry.${ext}`, import.meta.url).href, export: "bundled", argument: name };
}

export function exhaustive(impl: Implementation, options: ExhaustiveOptions = {}): ExhaustiveResult {
  const cells = options.cells ?? 2;
  const depthBound = options.depth ?? 12;
  const budget = options.requests ?? 2;
  const symmetry = options.symmetry === true;
  if (options.por === true && symmetry) throw new PorRefused("--por is refused with --symmetry: sleep sets name moves by their cells, which a renamed state does not share");
  if (options.por === true && (options.workers ?? 1) > 1) throw new PorRefused("--por is refused with --workers: the sleep sets are kept on the search's own thread");
  if (options.por === true && (options.onCheckpoint !== undefined || options.resume !== undefined)) throw new PorRefused("--por is refused with checkpoints: the sleep sets are not saved");
  if (symmetry) {
    const differs = renamingDiffers(impl, cells);
    if (differs !== undefined) throw new SymmetryRefused(`symmetry over cell names refused for ${impl.name}: ${differs}`);
  }
  const started = performance.now();
  const codec = new StateCodec(cellNames(cells));
  // A checkpoint's dictionary before anything else is added to it (the memo's first state is).
  if (options.resume !== undefined) codec.adopt(options.resume.dictionary);
  // The options of every run of the search: they share the model memo, whose canonical states are the codec's.
  const memoOf = options.modelMemo === true ? (canonical: (state: ModelState) => ModelState | undefined) => new ModelMemo(canonical) : options.modelMemo;
  const runOptions: RunOptions = typeof memoOf === "function" ? { cells, modelMemo: memoOf((state) => codec.canonical(state)) } : { cells };
  codec.modelStatesKept = runOptions.modelMemo !== undefined;
  const root = new HarnessRun(impl, runOptions);
  const canRestore = root.save() !== undefined;
  const dedupe: Dedupe = options.dedupe ?? (canRestore ? "snapshot" : "off");
  if (dedupe === "snapshot" && root.instance.snapshot === undefined) throw new Error(`${impl.name} offers no snapshot(); use dedupe "table" or "off"`);
  const view = dedupe === "table" ? "table" : "snapshot";
  if (options.por === true && dedupe !== "snapshot") {
    root.close();
    throw new PorRefused(`--por needs exact dedupe by snapshot (${impl.name} is searched with dedupe ${dedupe})`);
  }
  const shared = root.instance.snapshotsUnshared === true;
  // Every reached state's parent and command (by number, in the order reached) and the current level's states (frontier.ts).
  const resume = options.resume;
  const trail = resume === undefined ? new Trail() : Trail.from({ ...resume.trail, commands: resume.commands });

  // The search's totals, as lists (run/counters.ts): commands executed and orderings met, invariant checks.
  const moves = zeros(MOVE_COUNTERS);
  const checks = zeros(INVARIANT_NAMES.length);
  const levels: LevelStats[] = [];
  const visited = resume === undefined ? new VisitedTable() : VisitedTable.from(resume.visited);
  let transitions = 0;
  let states = 1;
  let counterexample: ExhaustiveCounterexample | undefined;
  let stoppedByTime = false;
  const slow: SlowStep[] = [];
  // The failure of the last drain that did not pass (drainPasses), for `found`.
  let drainFailure: Failure | undefined;

  const tally = (run: HarnessRun): void => {
    addInto(moves, run.moveCounts);
    addInto(checks, run.checkCounts);
  };
  /**
   * A live run in the state numbered `index` (`encoding`: its encoding in the level): restored
   * (from `decoded` when the implementation's snapshots are unshared, so one decoded value serves
   * every move; else from a new decoding each time), or replayed from the start.
   */
  const materialize = (index: number, encoding: Uint8Array | undefined, decoded: RunSnapshot | undefined): HarnessRun => {
    if (encoding !== undefined) return HarnessRun.restore(impl, decoded ?? codec.decode(encoding), runOptions);
    const run = new HarnessRun(impl, runOptions);
    for (const cmd of trail.pathOf(index)) run.apply(cmd);
    // Count only what happens from here on, as a restored run would.
    run.resetCounts();
    return run;
  };
  /** Record the counterexample reached by `commands`; false when it is not one the search accepts. */
  const found = (commands: Command[], inDrain: boolean, failure?: Failure): boolean => {
    const depth = commands.length;
    // A timeout (at a command or in the drain) is re-run, fresh, under the retry limit (timing.ts): one that answers there was slow, not a counterexample.
    const retried = failure?.verdict === "timeout" ? retryTimeout(impl, commands, failure, { cells, ...(options.strictTime === true ? { strictTime: true } : {}) }) : undefined;
    if (retried?.slow !== undefined) slow.push(retried.slow);
    const again = retried?.result ?? replay(impl, commands, { cells });
    if (again.failure === undefined && failure?.verdict === "timeout") return false;
    if (again.failure === undefined) throw new Error(`the counterexample at depth ${depth} did not fail again on replay (is the implementation deterministic?)`);
    if (options.accept !== undefined && !options.accept(again.failure)) return false;
    counterexample = { depth, commands: again.commands, labels: again.labels, failure: again.failure, replay: again, inDrain };
    return true;
  };
  const settings: ExpandSettings = { cells, budget, view, symmetry, keyed: dedupe !== "off" };
  resetKeyMemo();
  const workers = canRestore ? Math.max(1, Math.floor(options.workers ?? 1)) : 1;
  const pool = workers > 1 ? new SearchPool(workers, options.workerOpen ?? bundledOpen(impl.name), settings) : undefined;
  const withinBudget = (run: HarnessRun, move: Move): boolean => budgetAllows(run, move, budget);
  const keyOf = (run: HarnessRun, snapshot?: unknown): Fingerprint => searchKey(run, settings, snapshot);
  // Where each drain's first delivery led: the search's own `deliver 0` from that state, counted without running it again when it leads to a state seen already.
  const hints = pool === undefined && dedupe !== "off" ? new DeliveryHints() : undefined;
  let drainNote: DeliveryNote | undefined;
  const sleeps = options.por === true ? new SleepSets() : undefined;
  const auditEvery = Math.max(1, Math.floor(options.porAuditEvery ?? 64));
  let skipped = 0;
  let audited = 0;
  /** Every `auditEvery`th skipped move is run anyway (por-audit.ts); a disagreement refuses the reduction. */
  const skip = (index: number, label: string): void => {
    if (skipped++ % auditEvery !== 0) return;
    audited++;
    const why = skipDisagrees(impl, settings, trail.pathOf(index), label);
    if (why !== undefined) throw new PorRefused(`partial-order reduction refused for ${impl.name}: ${why}`, trail.pathOf(index), label);
  };
  const drainPasses = (run: HarnessRun, firstKey: Fingerprint | undefined, depthLeft: number): boolean => {
    const d = drainOf(run, firstKey, depthLeft, visited, settings, checks, hints !== undefined);
    drainFailure = d.failure;
    drainNote = d.first;
    return d.passes;
  };

  try {
    const first = new HarnessRun(impl, runOptions);
    const here: CheckpointSettings = { implementation: impl.name, dispatch: first.dispatch, cells, requests: Number.isFinite(budget) ? budget : null, dedupe, symmetry, root: dedupe === "off" ? [0, 0, 0, 0] : keyOf(first) };
    let level = new Level(0);
    let depth = 0;
    if (resume === undefined) {
      root.drain();
      tally(root);
      if (root.failure !== undefined) found([], true, root.failure);
      if (dedupe !== "off") visited.addSeen(here.root);
      const saved = first.save();
      trail.add(-1, undefined);
      level.push(saved === undefined ? undefined : codec.encode(saved));
    } else {
      const why = settingsDiffer(resume.settings, here);
      if (why !== undefined) throw new CheckpointError(`cannot resume this checkpoint: ${why}`);
      states = resume.states;
      transitions = resume.transitions;
      addInto(moves, movesOf(resume.executed, resume.orderings));
      addInto(checks, checkListOf(resume.invariantChecks));
      levels.push(...resume.levels);
      slow.push(...resume.slow);
      depth = resume.depth;
      level = Level.of(resume.frontier.first, resume.frontier);
    }
    first.close();
    /** Time since the search first began (a resumed one counts the time before its checkpoint). */
    const elapsed = (): number => (resume?.elapsedMs ?? 0) + performance.now() - started;
    let lastCheckpoint = resume === undefined ? -Infinity : performance.now();
    /** A level boundary the search has not saved yet (a resumed search starts at its checkpoint's). */
    const unsaved = (): boolean => depth > (resume?.depth ?? -1);
    /** Under a time limit, this is the last checkpoint with the work so far when the next level will outrun it (checkpoint.ts). */
    const lastBeforeTime = (): boolean => options.timeLimitMs !== undefined && nextLevelOutruns(levels, options.timeLimitMs - (performance.now() - started));
    /** Between levels: the search as it stands, to `onCheckpoint` (at most every `checkpointEveryMs`, unless `force`). */
    const checkpoint = (force: boolean): void => {
      if (options.onCheckpoint === undefined || counterexample !== undefined) return;
      if (!force && performance.now() - lastCheckpoint < (options.checkpointEveryMs ?? 0)) return;
      const frontier = level.slice(0, level.count);
      const t = trail.contents();
      options.onCheckpoint({
        settings: here,
        depth,
        states,
        transitions,
        elapsedMs: elapsed(),
        executed: executedOf(moves),
        orderings: orderingsOf(moves),
        invariantChecks: checksOf(checks),
        levels: [...levels],
        slow: [...slow],
        dictionary: codec.entriesFrom({ strings: 0, shapes: 0 }),
        commands: t.commands,
        visited: visited.contents(),
        trail: { parents: t.parents, codes: t.codes, count: t.count },
        frontier: { first: level.first, ...frontier },
      });
      lastCheckpoint = performance.now();
    };
    // Two levels' buffers, reused level after level: the one being expanded and the next.
    let spare = new Level(0);

    /** Whether the time or transition bound is reached; reports progress every PROGRESS_EVERY transitions on the way. */
    const outOfBounds = (expanded: number, ofLevel: number, queued: number): boolean => {
      if (options.onProgress !== undefined && transitions % PROGRESS_EVERY === 0 && transitions > 0) {
        options.onProgress({ depth: depth + 1, states, transitions, expanded, ofLevel, queued, elapsedMs: elapsed() });
      }
      // The clock is read per transition only when there is a time limit.
      return (options.timeLimitMs !== undefined && performance.now() - started > options.timeLimitMs) || (options.maxTransitions !== undefined && transitions >= options.maxTransitions);
    };
    outer: while (counterexample === undefined && depth < depthBound && level.count > 0) {
      if (unsaved()) checkpoint(lastBeforeTime());
      const next = spare.reset(trail.count);
      const before = transitions;
      const statesBefore = states;
      if (pool !== undefined) {
        // The same steps as below, on the children the workers send back in frontier order.
        const lists = pool.expandAll(level, codec, depthBound - depth - 1);
        for (let i = 0; i < level.count; i++) {
          const index = level.first + i;
          const { children, states: sent, provisional } = lists.next().value as Expanded;
          for (const c of children) {
            if (outOfBounds(i, level.count, next.count)) {
              stoppedByTime = true;
              break outer;
            }
            transitions++;
            addCounts(c.counts, moves, checks);
            if (c.failure !== undefined) {
              if (found([...trail.pathOf(index), c.command], false, c.failure)) break outer;
              continue;
            }
            if (c.key !== undefined && !visited.addSeen(c.key)) continue;
            if (c.snap === undefined || c.drain === undefined) throw new Error("a search worker left out the state of a child reached first");
            states++;
            const childIndex = trail.add(index, c.command);
            // As this thread would have encoded it (the table and the frontier are one thread's).
            const encoding = codec.fromWorker(encodingAt(sent, c.snap), provisional);
            next.push(encoding);
            if (options.onState !== undefined) {
              const child = HarnessRun.restore(impl, codec.decode(encoding), runOptions);
              options.onState(child);
              child.close();
            }
            addInto(checks, c.drain.checks);
            if (!c.drain.passes && found(trail.pathOf(childIndex), true, c.drain.failure)) break outer;
          }
        }
      } else {
        for (let i = 0; i < level.count; i++) {
          const index = level.first + i;
          const encoding = canRestore ? level.at(i) : undefined;
          const decoded = shared && encoding !== undefined ? codec.decode(encoding, 0, encoding.length, true) : undefined;
          const here = materialize(index, encoding, decoded);
          const note = hints?.at(i);
          // The restored run not yet given to a move (the first move takes it).
          let unused: HarnessRun | undefined = here;
          const plan = sleeps?.planOf(index);
          // With por: the moves explored from here so far, with the sleep set the state came with (por.ts).
          let asleep: SleepSet = plan?.sleep ?? [];
          for (const move of distinctMoves(here).filter((m) => withinBudget(here, m))) {
            if (outOfBounds(i, level.count, next.count)) {
              unused?.close();
              stoppedByTime = true;
              break outer;
            }
            let childSleep: SleepSet = [];
            if (plan !== undefined) {
              if (asleep.includes(move.label)) {
                skip(index, move.label);
                continue;
              }
              // A state queued again explores only what it slept on before.
              if (plan.only !== undefined && !plan.only.includes(move.label)) continue;
              childSleep = asleep.filter((x) => independent(x, move.label));
              asleep = [...asleep, move.label];
            }
            const noted = note !== undefined && isFirstDelivery(move.command) ? note : undefined;
            // With por, a noted move to a state seen already is still run when that state must be queued again.
            let missed: SleepSet | undefined;
            if (noted !== undefined && visited.hasSeen(noted.to)) {
              missed = sleeps?.again(noted.to, childSleep, index);
              if (missed === undefined) {
                transitions++;
                addCounts(noted.counts, moves, checks);
                continue;
              }
            }
            const child = unused ?? materialize(index, encoding, decoded);
            unused = undefined;
            child.apply(move.command);
            transitions++;
            tally(child);
            // From here on the run counts only its drain (drainPasses adds what the run counted).
            child.resetCounts();
            if (child.failure !== undefined) {
              child.close();
              if (found([...trail.pathOf(index), move.command], false, child.failure)) break outer;
              continue;
            }
            const snap = child.save();
            const key = dedupe === "off" ? undefined : (noted?.to ?? keyOf(child, snap?.impl));
            if (key !== undefined && !visited.addSeen(key)) {
              // Reached again with a smaller sleep set after it was expanded: queued again for the moves it slept on.
              missed ??= sleeps?.again(key, childSleep, index);
              if (missed !== undefined && snap !== undefined) {
                sleeps?.requeued(key, trail.add(index, move.command), missed);
                next.push(codec.encode(snap));
              }
              child.close();
              continue;
            }
            states++;
            const childIndex = trail.add(index, move.command);
            if (key !== undefined) sleeps?.reached(key, childIndex, childSleep);
            next.push(snap === undefined ? undefined : codec.encode(snap));
            options.onState?.(child);
            if (!drainPasses(child, key, depthBound - depth - 1) && found(trail.pathOf(childIndex), true, drainFailure)) break outer;
            if (drainNote !== undefined) hints?.keep(next.count - 1, drainNote);
          }
          unused?.close();
        }
      }
      hints?.nextLevel();
      depth++;
      levels.push({ depth, states: states - statesBefore, transitions: transitions - before, elapsedMs: elapsed() });
      options.onLevel?.(levels[levels.length - 1] as LevelStats);
      spare = level;
      level = next;
    }
    // At the depth bound with states left: a checkpoint to go deeper from.
    if (!stoppedByTime && level.count > 0 && unsaved()) checkpoint(true);
    const exhausted = counterexample === undefined && !stoppedByTime && level.count === 0;
    return {
      implementation: impl.name,
      cells,
      depthBound,
      requests: budget,
      dedupe,
      symmetry,
      branching: canRestore ? "restore" : "replay",
      states,
      transitions,
      depth: counterexample !== undefined ? counterexample.depth : exhausted ? depth - 1 : depth,
      exhausted,
      stoppedByTime,
      levels,
      executed: executedOf(moves),
      orderings: orderingsOf(moves),
      invariantChecks: checksOf(checks),
      counterexample,
      durationMs: elapsed(),
      workers,
      visitedBytes: visited.bytes,
      slow,
      strictTime: options.strictTime === true,
      ...(sleeps !== undefined ? { por: { skipped, reexpanded: sleeps.reexpanded, audited } } : {}),
    };
  } finally {
    pool?.close();
    root.close();
  }
}
