import type { Implementation } from "../protocol/index.ts";
import { Core } from "./core.ts";
import { Host } from "./host.ts";
import { fromParties } from "./parties.ts";

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
  return fromParties(name, summary, makeHost, makeCore, dispatch);
}

/** The reference runtime: free of the three review races by design (see docs/design.md). */
export const reference: Implementation = implementation(
  "reference",
  "the reference Host + Core: entry at admission, marker consumed by readiness, outcome before cell_closed",
  undefined,
  undefined,
  true,
);
