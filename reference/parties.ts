/**
 * An `Implementation` from a pair of deterministic state machines, a Host and a Core: one fresh
 * pair per run, the Host's attached observers (protocol version 2), and snapshot/restore of both
 * parties' fields (reference/snapshot.ts). The reference, its variants and the ports of
 * openai/codex (reference/codex/) are all built this way.
 */
import type { AttachedObserver, CoreInput, GateEntry, HostInput, Implementation, Instance, Message } from "../protocol/index.ts";
import type { PartyState } from "./snapshot.ts";

export interface HostParty {
  step(input: HostInput): Message[];
  observers(): AttachedObserver[];
  snapshot(): PartyState;
  restore(s: PartyState): void;
}

export interface CoreParty {
  step(input: CoreInput): Message[];
  gateTable(): GateEntry[];
  snapshot(): PartyState;
  restore(s: PartyState): void;
}

/** `dispatch`: the pair models nested tool calls (see `Implementation.dispatch`). */
export function fromParties(name: string, summary: string, makeHost: () => HostParty, makeCore: () => CoreParty, dispatch = false): Implementation {
  return {
    name,
    summary,
    protocol: 2,
    dispatch,
    start(): Instance {
      const pair: Pair = { host: makeHost(), core: makeCore() };
      // Bound methods rather than arrow functions made per start: a search starts an instance
      // for every transition, and each closure made here would be named again at run time.
      return {
        host: pair.host.step.bind(pair.host),
        core: pair.core.step.bind(pair.core),
        gateTable: pair.core.gateTable.bind(pair.core),
        observers: pair.host.observers.bind(pair.host),
        snapshot: snapshotPair.bind(pair),
        restore: restorePair.bind(pair),
        // encodeFields builds a new value, decodeFields copies out of it (reference/snapshot.ts).
        snapshotsUnshared: true,
      };
    },
  };
}

interface Pair {
  readonly host: HostParty;
  readonly core: CoreParty;
}

function snapshotPair(this: Pair): unknown {
  return { host: this.host.snapshot(), core: this.core.snapshot() };
}

function restorePair(this: Pair, s: unknown): void {
  const snap = s as { host: PartyState; core: PartyState };
  this.host.restore(snap.host);
  this.core.restore(snap.core);
}
