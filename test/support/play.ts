import type { Implementation } from "../../protocol/index.ts";
import { bundled, reference } from "../../reference/index.ts";
import { commandsFromScript, replay, type ReplayResult } from "../../properties/index.ts";

/** Run a script of readable steps (then the end-of-run drain) and return the recorded result. */
export function play(labels: readonly string[], impl: Implementation = reference, drain = true): ReplayResult {
  return replay(impl, commandsFromScript(impl, labels), { drain });
}

/** What the step with this label emitted (first match). */
export function emittedAt(r: ReplayResult, label: string): readonly string[] {
  const s = r.trace.find((x) => x.label === label);
  if (s === undefined) throw new Error(`no step "${label}" in the trace`);
  return s.emitted;
}

/** Every message emitted during the run, in order. */
export function allEmitted(r: ReplayResult): string[] {
  return r.trace.flatMap((s) => s.emitted);
}

/** The gate table after the step with this label (or the last step). */
export function tableAfter(r: ReplayResult, label?: string): string[] {
  const s = label === undefined ? r.trace.at(-1) : r.trace.find((x) => x.label === label);
  return (s?.table ?? []).map((e) => `${e.cell}:${e.kind}`);
}

/** A bundled implementation by name (throws on a typo, so a test cannot silently run nothing). */
export function named(name: string): Implementation {
  const impl = bundled(name);
  if (impl === undefined) throw new Error(`no bundled implementation ${name}`);
  return impl;
}
