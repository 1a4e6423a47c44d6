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

/** `dispatch`: the pair models nested tool calls (see `Implementation.dispatch`). */
export function fromParties(name: string, summary: string, makeHost: () => HostParty, makeCore: () => CoreParty, dispatch = false): Implementation {
  const kit: Kit = { makeHost, makeCore, free: [] };
  return {
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
}

interface Kit {
  readonly makeHost: () => HostParty;
  readonly makeCore: () => CoreParty;
  /** Pairs of closed instances, to start again. */
  readonly free: Pair[];
}

/**
 * How a party stands to its `base`, the JSON value it was last restored from or encoded to:
 * `dirty`, it has stepped since; `encoded`, it is what `base` was encoded from (its snapshot is
 * `base`); `decoded`, it is also exactly what `base` decodes to (a restore keeps the parts of it
 * that the new state shares with `base`). A restored party is decoded; an encoded one is too
 * unless it holds something a decode would not give back as it is (`encodedExactly`).
 */
type Standing = "dirty" | "encoded" | "decoded";

/** One party of an instance, with its base and standing. */
class Side<P extends HostParty | CoreParty> {
  declare party: P;
  declare base: PartyState | undefined;
  declare standing: Standing;

  constructor(private readonly make: () => P) {
    this.reset();
  }

  /** A fresh party, as `start` makes it. */
  reset(): void {
    this.party = this.make();
    this.base = undefined;
    this.standing = "dirty";
  }

  snapshot(): PartyState {
    if (this.standing === "dirty") {
      this.base = this.party.snapshot(this.base);
      this.standing = encodedExactly() ? "decoded" : "encoded";
    }
    return this.base as PartyState;
  }

  restore(s: PartyState): void {
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

/**
 * The two parties of one instance. A step goes to one party only and the parties share nothing,
 * so the other one's snapshot is still its base, taken without a walk, and a restore that leaves
 * it as it was does nothing to it.
 */
class Pair {
  readonly host: Side<HostParty>;
  readonly core: Side<CoreParty>;

  constructor(kit: Kit) {
    this.host = new Side(kit.makeHost);
    this.core = new Side(kit.makeCore);
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
    const host = this.leased().host;
    host.standing = "dirty";
    return host.party.step(input);
  }

  core(input: CoreInput): Message[] {
    const core = this.leased().core;
    core.standing = "dirty";
    return core.party.step(input);
  }

  gateTable(): GateEntry[] {
    return this.leased().core.party.gateTable();
  }

  observers(): AttachedObserver[] {
    return this.leased().host.party.observers();
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
