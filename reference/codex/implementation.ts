/**
 * Builds a cellgate `Implementation` (protocol version 2) from a ported Host and Core: one fresh
 * pair per run, the Host's attached observers, and snapshot/restore of both parties' fields (see
 * reference/snapshot.ts; the ports keep no counters, so every number in a snapshot is a request id).
 * Shared by the ports of openai/codex in this folder; it ports no Rust code itself.
 */
import type { AttachedObserver, CoreInput, GateEntry, HostInput, Implementation, Instance, Message } from "../../protocol/index.ts";
import type { PartyState } from "../snapshot.ts";

export interface PortedHost {
  step(input: HostInput): Message[];
  observers(): AttachedObserver[];
  snapshot(): PartyState;
  restore(s: PartyState): void;
}

export interface PortedCore {
  step(input: CoreInput): Message[];
  gateTable(): GateEntry[];
  snapshot(): PartyState;
  restore(s: PartyState): void;
}

export function portedImplementation(
  name: string,
  summary: string,
  makeHost: () => PortedHost,
  makeCore: () => PortedCore,
): Implementation {
  return {
    name,
    summary,
    protocol: 2,
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
      };
    },
  };
}
