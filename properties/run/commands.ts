/**
 * Harness commands: what a generated (or replayed) run is made of. Plain data, so a command list
 * can be stored in a repro file and replayed exactly. A command names a cell, an observation or a
 * channel by an index that is resolved against what is live at run time (index modulo the number
 * of candidates), so shrinking never produces a command for something that no longer exists.
 */

export const COMMAND_KINDS = [
  "create",
  "yield",
  "complete",
  "terminate",
  "observe",
  "observe-cancel",
  "ready",
  "shutdown",
  "deliver",
  "tool",
] as const;

export type CommandKind = (typeof COMMAND_KINDS)[number];

export type Command =
  | { readonly kind: "create" }
  | { readonly kind: "shutdown" }
  | { readonly kind: Exclude<CommandKind, "create" | "shutdown">; readonly index: number };

/** Is this value a well-formed command? (Used to validate repro files.) */
export function isCommand(x: unknown): x is Command {
  if (typeof x !== "object" || x === null) return false;
  const o = x as Record<string, unknown>;
  if (typeof o.kind !== "string" || !(COMMAND_KINDS as readonly string[]).includes(o.kind)) return false;
  if (o.kind === "create" || o.kind === "shutdown") return true;
  return typeof o.index === "number" && Number.isInteger(o.index) && o.index >= 0;
}

/** Compact form of the unresolved command, e.g. `deliver[2]`. */
export function formatRawCommand(c: Command): string {
  return c.kind === "create" || c.kind === "shutdown" ? c.kind : `${c.kind}[${c.index}]`;
}
