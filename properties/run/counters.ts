/**
 * A run's counters as lists of numbers, not records keyed by name: an exhaustive search adds up
 * and resets the counters of a run at every transition, and a loop over a short list costs far
 * less there than one over a record's names (each name a keyed lookup). A run keeps two lists:
 * its moves (the commands executed by kind, in COMMAND_KINDS order, then the rare orderings met,
 * in ORDERINGS order) and its invariant checks (in INVARIANT_NAMES order, invariant-coverage.ts).
 * Records by name are made from them only for results and reports.
 */
import { COMMAND_KINDS, type CommandKind } from "./commands.ts";
import { ORDERINGS, type Ordering } from "./orderings.ts";

/** How many counters the moves list has: the command kinds, then the orderings. */
export const MOVE_COUNTERS = COMMAND_KINDS.length + ORDERINGS.length;

/** Each command kind's place in the moves list, then each ordering's (as invariant-coverage.ts's `AT` for checks). */
const KIND_AT = Object.fromEntries(COMMAND_KINDS.map((k, i) => [k, i])) as Readonly<Record<CommandKind, number>>;
const ORDERING_AT = Object.fromEntries(ORDERINGS.map((o, i) => [o, COMMAND_KINDS.length + i])) as Readonly<Record<Ordering, number>>;

/** Where a command kind is counted in the moves list. */
export function kindAt(kind: CommandKind): number {
  return KIND_AT[kind];
}

/** Where an ordering is counted in the moves list. */
export function orderingAt(o: Ordering): number {
  return ORDERING_AT[o];
}

/** One list of zeros per length, copied by `zeros`. */
const ZEROS: number[][] = [];

/** A list of `n` counters at zero (a copy of one made once: a packed list, which `new Array(n).fill(0)` is not). */
export function zeros(n: number): number[] {
  let zero = ZEROS[n];
  if (zero === undefined) {
    zero = [];
    for (let i = 0; i < n; i++) zero.push(0);
    ZEROS[n] = zero;
  }
  return zero.slice();
}

/** Every counter of `list` back to zero (a loop: `fill` is a call that costs more on lists this short). */
export function clear(list: number[]): void {
  for (let i = 0; i < list.length; i++) list[i] = 0;
}

/** Add `from` (from its entry `at` on) into `into`, entry by entry. */
export function addInto(into: number[], from: ArrayLike<number>, at = 0): void {
  for (let i = 0; i < into.length; i++) into[i] = (into[i] as number) + (from[at + i] as number);
}

/** The record of `names`, read from `list` from its entry `at` on. */
export function recordOf<K extends string>(names: readonly K[], list: ArrayLike<number>, at = 0): Record<K, number> {
  const out = {} as Record<K, number>;
  for (let i = 0; i < names.length; i++) out[names[i] as K] = list[at + i] as number;
  return out;
}

/** The commands executed by kind, from a moves list. */
export function executedOf(moves: ArrayLike<number>): Record<CommandKind, number> {
  return recordOf(COMMAND_KINDS, moves);
}

/** The orderings met, from a moves list. */
export function orderingsOf(moves: ArrayLike<number>): Record<Ordering, number> {
  return recordOf(ORDERINGS, moves, COMMAND_KINDS.length);
}

/** A moves list from records of the commands executed and the orderings met (a name a record lacks counts 0). */
export function movesOf(executed: Partial<Record<CommandKind, number>>, orderings: Partial<Record<Ordering, number>>): number[] {
  return [...COMMAND_KINDS.map((k) => executed[k] ?? 0), ...ORDERINGS.map((o) => orderings[o] ?? 0)];
}
