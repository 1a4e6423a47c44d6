import type { Implementation, Instance } from "../protocol/index.ts";
import { Core } from "./core.ts";
import { Host } from "./host.ts";
import type { PartyState } from "./snapshot.ts";

/**
 * Build an in-process implementation from a Host and a Core class (the reference or a variant).
 * `dispatch`: offer nested tool calls (protocol version 2). The reference and the alternative
 * designs offer it; a variant offers it only when its fault is about dispatch, so that every
 * other variant is judged on the same runs as before dispatch existed.
 */
export function implementation(
  name: string,
  summary: string,
  makeHost: () => Host = () => new Host(),
  makeCore: () => Core = () => new Core(),
  dispatch = false,
): Implementation {
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
      };
    },
  };
}

/** The reference runtime: free of the three review races by design (see docs/design.md). */
export const reference: Implementation = implementation(
  "reference",
  "the reference Host + Core: entry at admission, marker consumed by readiness, outcome before cell_closed",
  undefined,
  undefined,
  true,
);
