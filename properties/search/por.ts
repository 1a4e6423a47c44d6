/**
 * Partial-order reduction for the exhaustive search (opt-in, `ExhaustiveOptions.por`): sleep sets
 * over moves that a static rule calls independent. Every reachable state is still reached, at the
 * same depth; what is cut is transitions that lead, by the other order of a commuting pair, to a
 * state the search reaches anyway.
 *
 * The rule (`independent`, on the moves' labels): two deliveries from different channels, to
 * different parties (but not `cell_closed` against a delivery to the Host about the same cell),
 * or both to Core off the dispatch channel. Each takes the head of its own channel, and what either
 * appends goes to a queue's tail, so the other's head (its channel is not empty) is unchanged: both
 * stay possible with the same message in either order. What is not given is that the two parties'
 * states, their appends and the model's record commute (two appends to one channel in two orders
 * are two states); the rule keeps to pairs where they did in every sampled state. Nothing else is independent (an environment input changes
 * `nextReq` or which inputs the model allows; the Host answers most deliveries on one channel).
 * Whether the implementation and the model really commute there is not assumed: the audit
 * (por-audit.ts) runs every Nth skipped transition anyway, and a disagreement with the diamond
 * refuses the reduction.
 *
 * Sleep sets with state caching (Godefroid's algorithm, breadth-first): each state keeps the sleep
 * set it is (or was) expanded with. A state reached again with sleep set Z2, after it was reached
 * with Z1, is handled by whether it was expanded yet: if not (it waits in this level or the next),
 * it will be expanded with Z1 ∩ Z2; if it was, it is queued again in the next level to explore only
 * the moves of Z1 \ Z2, from sleep set Z1 ∩ Z2 (its other moves were explored the first time).
 */
import type { Command } from "../run/commands.ts";
import type { Fingerprint } from "./visited.ts";

/** Labels of moves, by which sleep sets name them (a label names one move in every state where it is possible). */
export type SleepSet = readonly string[];

const NONE: SleepSet = [];

/** A delivery, read off its label (`deliver host⇢core cell_closed(c1)`): the party it goes to (the Host reads `core→host` and `host:<cell>`), the message's type and its cell. */
interface Delivery {
  readonly channel: string;
  readonly to: "host" | "core";
  readonly type: string;
  readonly cell: string;
}

/** Labels repeat from state to state: each is read once. */
const deliveries = new Map<string, Delivery | undefined>();

function deliveryOf(label: string): Delivery | undefined {
  if (deliveries.has(label)) return deliveries.get(label);
  const d = readDelivery(label);
  deliveries.set(label, d);
  return d;
}

function readDelivery(label: string): Delivery | undefined {
  if (!label.startsWith("deliver ")) return undefined;
  const space = label.indexOf(" ", 8);
  const channel = label.slice(8, space);
  const open = label.indexOf("(", space);
  const end = label.slice(open + 1).search(/[,)]/);
  return { channel, to: channel === "core→host" || channel.startsWith("host:") ? "host" : "core", type: label.slice(space + 1, open), cell: label.slice(open + 1, open + 1 + end) };
}

/**
 * The static rule, on two deliveries from different channels:
 * - to different parties, unless one is `cell_closed` (to Core) and the other is about the same
 *   cell: the model's record of that cell's requests depends on which Core reads first (a tool
 *   call answered before Core reads `cell_closed` is forgotten at close, one answered after is
 *   not: the audit found this at 1 cell × 3 requests with tool calls);
 * - both to Core, from `host→core`, `host⇢core` or `core:self` (not `host⇢dispatch`: Core answers
 *   a tool call there, on `core→host`, and two answers in either order are two states). Core only
 *   updates its gates and its per-cell record on those messages.
 * Two deliveries to the Host are not independent: the Host answers most of them on `host→core`,
 * and two appends to one channel do not commute.
 */
export function independent(a: string, b: string): boolean {
  const p = deliveryOf(a);
  const q = deliveryOf(b);
  if (p === undefined || q === undefined || p.channel === q.channel) return false;
  if (p.to === "core" && q.to === "core") return p.channel !== "host⇢dispatch" && q.channel !== "host⇢dispatch";
  if (p.to === q.to) return false;
  return p.cell !== q.cell || (p.type !== "cell_closed" && q.type !== "cell_closed");
}

/** How one queued state is to be expanded: moves in `sleep` are skipped; with `only`, just those moves are explored. */
export interface Plan {
  readonly sleep: SleepSet;
  readonly only: SleepSet | undefined;
}

interface Entry {
  sleep: SleepSet;
  only: SleepSet | undefined;
  /** The state number of its latest place in a level (a re-expansion gets a new one). */
  index: number;
  /** The key, and the next entry whose key has the same `head`. */
  readonly key: Fingerprint;
  chain: Entry | undefined;
}

/** A number from the key's first two words (rounded: the entry holds the key, so the lookup is exact). */
const head = (f: Fingerprint): number => f[0] * 0x100000000 + f[1];
const same = (a: Fingerprint, b: Fingerprint): boolean => a[0] === b[0] && a[1] === b[1] && a[2] === b[2] && a[3] === b[3];

/** The sleep sets of reached states, by key; states reached with an empty sleep set are not kept (nothing is ever re-explored there). */
export class SleepSets {
  private readonly byKey = new Map<number, Entry>();
  private readonly queued = new Map<number, Entry>();
  /** States queued again to explore moves an earlier expansion slept on. */
  reexpanded = 0;

  /** How the state numbered `index` is to be expanded (called once, when it is). */
  planOf(index: number): Plan {
    const e = this.queued.get(index);
    if (e === undefined) return { sleep: NONE, only: undefined };
    this.queued.delete(index);
    return { sleep: e.sleep, only: e.only };
  }

  /** A state reached first, numbered `index`, with sleep set `sleep`. */
  reached(key: Fingerprint, index: number, sleep: SleepSet): void {
    if (sleep.length === 0) return;
    const h = head(key);
    const e: Entry = { sleep, only: undefined, index, key, chain: this.byKey.get(h) };
    this.byKey.set(h, e);
    this.queued.set(index, e);
  }

  private entry(key: Fingerprint): Entry | undefined {
    let e = this.byKey.get(head(key));
    while (e !== undefined && !same(e.key, key)) e = e.chain;
    return e;
  }

  /**
   * A state seen already is reached again with `sleep`, while the state numbered `current` is
   * expanded. Returns the moves to explore from it again (it must then be queued, `requeued`), or
   * undefined when there is nothing to do now.
   */
  again(key: Fingerprint, sleep: SleepSet, current: number): SleepSet | undefined {
    const e = this.entry(key);
    if (e === undefined) return undefined;
    const missed = e.sleep.filter((x) => !sleep.includes(x));
    if (missed.length === 0) return undefined;
    e.sleep = e.sleep.filter((x) => sleep.includes(x));
    if (e.index > current) {
      // Not expanded yet: it will be, with the smaller sleep set (and, if queued again already, the missed moves too).
      if (e.only !== undefined) e.only = [...e.only, ...missed];
      return undefined;
    }
    return missed;
  }

  /** The state of `key` is queued again as number `index`, to explore `only`. */
  requeued(key: Fingerprint, index: number, only: SleepSet): void {
    const e = this.entry(key) as Entry;
    e.only = only;
    e.index = index;
    this.queued.set(index, e);
    this.reexpanded++;
  }
}

/** The reduction is refused: asked for with options it does not support, or a skipped step did not do what the diamond says (`path` to the state that skipped the move `skipped`). */
export class PorRefused extends Error {
  override readonly name = "PorRefused";
  constructor(
    message: string,
    readonly path?: readonly Command[],
    readonly skipped?: string,
  ) {
    super(message);
  }
}
