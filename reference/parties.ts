/**
 * An `Implementation` from a pair of deterministic state machines, a Host and a Core: a fresh
 * pair per run, the Host's attached observers (protocol version 2), and snapshot/restore of both
 * parties' fields (reference/snapshot.ts). The reference, its variants and the ports of
 * openai/codex (reference/codex/) are all built this way.
 *
 * Made for a search, which per transition restores a saved state, takes one step, snapshots and
 * closes: a closed instance's pair is kept and handed to the next `start()` (made fresh on its
 * first use unless that is a `restore`); a snapshot reuses the party that did not step as it was;
 * and a restore keeps every part of the parties that the new state shares with the one they are
 * in (most of it, for a sibling of the last state). Each is exact: the parties end up as a fresh
 * pair restored from the same snapshot would be (test/snapshot-sharing.test.ts).
 */
import type { AttachedObserver, CoreInput, GateEntry, HostInput, Implementation, Instance, Message } from "../protocol/index.ts";
import { Memo, type MemoNode } from "./parties-memo.ts";
import { coversFields, encodedExactly, type PartyState } from "./snapshot.ts";

/** `snapshot(base)`: the party's fields as JSON, sharing the unchanged parts of `base`, its previous snapshot (reference/snapshot.ts). */
export interface HostParty {
  step(input: HostInput): Message[];
  observers(): AttachedObserver[];
  snapshot(base?: PartyState): PartyState;
  restore(s: PartyState, base?: PartyState): void;
}

export interface CoreParty {
  step(input: CoreInput): Message[];
  gateTable(): GateEntry[];
  snapshot(base?: PartyState): PartyState;
  restore(s: PartyState, base?: PartyState): void;
}

/** How many closed instances an implementation keeps to start again (a search closes one per transition and starts the next at once). */
const POOL = 4;

/**
 * How the parties' steps are memoised (parties-memo.ts): `false`, not at all (every step runs the
 * party); `sameInput`, when two inputs are taken as the same (for a test that breaks it on purpose);
 * `freeze`, what the memo hands out is frozen (for tests: a caller that changed it would throw).
 */
export type MemoOptions = false | { readonly sameInput?: (a: unknown, b: unknown) => boolean; readonly freeze?: boolean };

/** `dispatch`: the pair models nested tool calls (see `Implementation.dispatch`). */
export function fromParties(name: string, summary: string, makeHost: () => HostParty, makeCore: () => CoreParty, dispatch = false, memo: MemoOptions = {}): Implementation {
  const kit: Kit = { makeHost, makeCore, free: [], hostMemo: memo === false ? undefined : new Memo(memo.sameInput, memo.freeze), coreMemo: memo === false ? undefined : new Memo(memo.sameInput, memo.freeze) };
  const impl: Implementation = {
    name,
    summary,
    protocol: 2,
    dispatch,
    start(): Instance {
      const reused = kit.free.pop();
      // A pair from a closed instance is put into the initial state when first used, unless that use is `restore`.
      const lease = new Lease(kit, reused ?? new Pair(kit), reused !== undefined);
      // Bound class methods rather than arrow functions made per start: a search starts an
      // instance for every transition, and each closure made here would be named again at run
      // time (so would a plain function, which also takes bind off its fast path).
      return {
        host: lease.host.bind(lease),
        core: lease.core.bind(lease),
        gateTable: lease.gateTable.bind(lease),
        observers: lease.observers.bind(lease),
        snapshot: lease.snapshot.bind(lease),
        restore: lease.restore.bind(lease),
        close: lease.close.bind(lease),
        // Snapshots are never changed once made, by the parties or by restore (reference/snapshot.ts).
        snapshotsUnshared: true,
      };
    },
  };
  made.set(impl, { name, summary, makeHost, makeCore, dispatch, kit });
  return impl;
}

/** What each implementation built by `fromParties` was built from. */
const made = new WeakMap<Implementation, { name: string; summary: string; makeHost: () => HostParty; makeCore: () => CoreParty; dispatch: boolean; kit: Kit }>();

/** The same implementation built again with other memo options (for tests that compare the two); undefined when `impl` was not built by `fromParties`. */
export function rebuiltWith(impl: Implementation, memo: MemoOptions): Implementation | undefined {
  const m = made.get(impl);
  return m === undefined ? undefined : fromParties(m.name, m.summary, m.makeHost, m.makeCore, m.dispatch, memo);
}

/** How many entries the memos of an implementation built by `fromParties` hold now, how often they were emptied, and how many lookups found an entry or not (for the bench). */
export function memoStats(impl: Implementation): { entries: number; emptied: number; found: number; missed: number; off: boolean } | undefined {
  const kit = made.get(impl)?.kit;
  const h = kit?.hostMemo;
  const c = kit?.coreMemo;
  if (h === undefined || c === undefined) return undefined;
  return { entries: h.size + c.size, emptied: h.emptied + c.emptied, found: h.found + c.found, missed: h.missed + c.missed, off: h.off || c.off };
}

interface Kit {
  readonly makeHost: () => HostParty;
  readonly makeCore: () => CoreParty;
  /** Pairs of closed instances, to start again. */
  readonly free: Pair[];
  /** One memo per party kind, shared by every instance of the implementation; undefined when off. */
  readonly hostMemo: Memo<AttachedObserver[]> | undefined;
  readonly coreMemo: Memo<GateEntry[]> | undefined;
}

/**
 * How a party stands to its `base`, the JSON value it was last restored from or encoded to:
 * `dirty`, it has stepped since; `encoded`, it is what `base` was encoded from (its snapshot is
 * `base`); `decoded`, it is also exactly what `base` decodes to (a restore keeps the parts of it
 * that the new state shares with `base`). A restored party is decoded; an encoded one is too
 * unless it holds something a decode would not give back as it is (`encodedExactly`).
 */
type Standing = "dirty" | "encoded" | "decoded";

/**
 * One party of an instance, with its base and standing, and with the memo (parties-memo.ts):
 * `node`, when known, is the memo's node of the snapshot the party stands at; `lags`, its live
 * fields are not that state yet (they are as `base` and `standing` say). A restore from a
 * snapshot in the memo and a step found in it only move `node`; the live fields are brought to
 * it (restored by difference, as any restore) only when they are read: a step not in the memo,
 * or a gate table or observers list not in it.
 */
class Side<P extends HostParty | CoreParty, V> {
  declare party: P;
  declare base: PartyState | undefined;
  declare standing: Standing;
  declare node: MemoNode<V> | undefined;
  declare lags: boolean;
  /** The node of the last snapshot restored (a search restores one state for each of its moves). */
  declare restored: MemoNode<V> | undefined;

  constructor(
    private readonly make: () => P,
    private readonly memo: Memo<V> | undefined,
  ) {
    this.reset();
  }

  /** A fresh party, as `start` makes it. */
  reset(): void {
    this.party = this.make();
    this.base = undefined;
    this.standing = "dirty";
    this.node = undefined;
    this.lags = false;
    this.restored = undefined;
  }

  /** The party with its live fields in the state it stands at. */
  private live(): P {
    if (this.lags) {
      this.lags = false;
      this.restoreLive((this.node as MemoNode<V>).snap);
    }
    return this.party;
  }

  /** Stand at `n`'s snapshot, which the live fields already are when the party is decoded from it. */
  private standAt(n: MemoNode<V>): void {
    this.node = n;
    this.lags = !(this.standing === "decoded" && n.snap === this.base);
  }

  step(input: never): Message[] {
    const memo = this.memo;
    const from = this.node;
    if (memo === undefined || from === undefined) {
      const party = this.live();
      this.standing = "dirty";
      this.node = undefined;
      return party.step(input);
    }
    const known = memo.step(from, input);
    if (known !== undefined) {
      this.standAt(known.after);
      // Shared by every caller (parties-memo.ts); the harness only reads what a step returns.
      return known.out as Message[];
    }
    const party = this.live();
    this.standing = "dirty";
    this.node = undefined;
    const out = party.step(input);
    if (!Array.isArray(out)) return out;
    let after: PartyState;
    try {
      after = this.snapshot();
    } catch {
      // A party that cannot be encoded now is not memoised; its own snapshot() will say why.
      return out;
    }
    const step = memo.addStep(from.snap, input, out, after);
    if (step === undefined) return out;
    this.node = step.after;
    return step.out as Message[];
  }

  /** What `read` reads of the party (its gate table, its observers), from the memo when it was read at the same snapshot before. */
  view(read: (party: P) => V): V {
    const memo = this.memo;
    const at = this.node;
    if (memo === undefined || at === undefined) return read(this.live());
    return memo.view(at) ?? memo.addView(at, read(this.live()));
  }

  snapshot(): PartyState {
    const n = this.node;
    if (n !== undefined) return n.snap;
    if (this.standing === "dirty") {
      this.base = this.party.snapshot(this.base);
      this.standing = encodedExactly() ? "decoded" : "encoded";
      this.node = this.memo?.nodeFor(this.base);
    }
    return this.base as PartyState;
  }

  restore(s: PartyState): void {
    const memo = this.memo;
    if (memo !== undefined) {
      const last = this.restored;
      const known = last !== undefined && last.snap === s && memo.holds(last) ? last : memo.node(s);
      if (known !== undefined) {
        this.restored = known;
        this.standAt(known);
        return;
      }
    }
    this.node = undefined;
    this.lags = false;
    this.restoreLive(s);
    this.node = memo?.nodeFor(s);
    this.restored = this.node;
  }

  private restoreLive(s: PartyState): void {
    if (this.standing === "decoded" && s === this.base) return;
    const standing = this.standing;
    // Until the decode is through (a malformed snapshot throws), the party is in no known state.
    this.standing = "dirty";
    if (!coversFields(this.party, s)) {
      // Decoding would leave a field as it was: start from a fresh party, as `start` then `restore` would.
      this.party = this.make();
      this.party.restore(s);
    } else if (standing === "decoded") this.party.restore(s, this.base);
    else this.party.restore(s);
    this.base = s;
    this.standing = "decoded";
  }
}

const readObservers = (host: HostParty): AttachedObserver[] => host.observers();
const readTable = (core: CoreParty): GateEntry[] => core.gateTable();

/**
 * The two parties of one instance. A step goes to one party only and the parties share nothing,
 * so the other one's snapshot is still its base, taken without a walk, and a restore that leaves
 * it as it was does nothing to it.
 */
class Pair {
  readonly host: Side<HostParty, AttachedObserver[]>;
  readonly core: Side<CoreParty, GateEntry[]>;

  constructor(kit: Kit) {
    this.host = new Side(kit.makeHost, kit.hostMemo);
    this.core = new Side(kit.makeCore, kit.coreMemo);
  }

  reset(): void {
    this.host.reset();
    this.core.reset();
  }

  snapshot(): unknown {
    return { host: this.host.snapshot(), core: this.core.snapshot() };
  }

  restore(s: unknown): void {
    const snap = s as { host: PartyState; core: PartyState };
    this.host.restore(snap.host);
    this.core.restore(snap.core);
  }
}

/**
 * One started instance: its pair until it is closed; `pending`, the pair must be made fresh
 * before its first use other than `restore`. (Fields assigned, not declared with initialisers:
 * a search makes one per transition.)
 */
class Lease {
  declare readonly kit: Kit;
  declare pair: Pair | undefined;
  declare pending: boolean;

  constructor(kit: Kit, pair: Pair, pending: boolean) {
    this.kit = kit;
    this.pair = pair;
    this.pending = pending;
  }

  private leased(): Pair {
    const pair = this.pair;
    if (pair === undefined) throw new Error("the instance was used after close()");
    if (this.pending) {
      pair.reset();
      this.pending = false;
    }
    return pair;
  }

  host(input: HostInput): Message[] {
    return this.leased().host.step(input as never);
  }

  core(input: CoreInput): Message[] {
    return this.leased().core.step(input as never);
  }

  gateTable(): GateEntry[] {
    return this.leased().core.view(readTable);
  }

  observers(): AttachedObserver[] {
    return this.leased().host.view(readObservers);
  }

  snapshot(): unknown {
    return this.leased().snapshot();
  }

  restore(s: unknown): void {
    // Restoring overwrites every field, so a pair taken from a closed instance needs no reset first.
    this.pending = false;
    this.leased().restore(s);
  }

  /** Give the pair back to the implementation, to start again; the instance is unusable from here on. */
  close(): void {
    const pair = this.pair;
    if (pair === undefined) return;
    this.pair = undefined;
    if (this.kit.free.length < POOL) this.kit.free.push(pair);
  }
}
