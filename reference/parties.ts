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
      const host = makeHost();
      const core = makeCore();
      return {
        host: (input) => host.step(input),
        core: (input) => core.step(input),
        gateTable: () => core.gateTable(),
        observers: () => host.observers(),
        snapshot: () => ({ host: host.snapshot(), core: core.snapshot() }),
        restore: (s) => {
          const snap = s as { host: PartyState; core: PartyState };
          host.restore(snap.host);
          core.restore(snap.core);
        },
        // encodeFields builds a new value, decodeFields copies out of it (reference/snapshot.ts).
        snapshotsUnshared: true,
      };
    },
  };
}
