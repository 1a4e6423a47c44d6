/**
 * The repro file (`repro.json`): everything needed to replay a counterexample exactly, and to
 * read it without replaying. Versioned; see docs/repro-format.md.
 */
import { PROTOCOL_VERSIONS, type ProtocolVersion } from "../../protocol/index.ts";
import type { Violation } from "../../model/index.ts";
import { isCommand, type Command } from "../run/commands.ts";
import type { StepRecord } from "../run/run.ts";

export const REPRO_FORMAT = "cellgate-repro";
/** The newest format this cellgate reads and writes (2 adds `runsBefore`; a repro without it is written as version 1). */
export const REPRO_FORMAT_VERSION = 2;
/** The most runs a repro may ask to run before the judged one (see properties/check/across-runs.ts). */
export const MAX_REPRO_RUNS_BEFORE = 3;

/** How the implementation was chosen: a bundled name, a module path, or a command line. */
export type ImplementationSource =
  | { readonly kind: "bundled"; readonly name: string }
  | { readonly kind: "module"; readonly path: string }
  | { readonly kind: "command"; readonly command: string };

export interface ReproFailure {
  readonly verdict: string;
  readonly step: number;
  /** Names of the violated invariants (violations only). */
  readonly invariants: readonly string[];
  readonly violations: readonly Violation[];
  /** One line for verdicts other than violation. */
  readonly message: string | null;
}

export interface ReproFile {
  readonly format: typeof REPRO_FORMAT;
  readonly formatVersion: number;
  /** The protocol version of the implementation that failed (any version this cellgate speaks). */
  readonly protocolVersion: ProtocolVersion;
  readonly implementation: string;
  readonly source: ImplementationSource;
  readonly seed: number | null;
  readonly cells: number;
  /**
   * Runs of the same commands, in one fresh process, before the run that is judged (state kept
   * across reset: the failure shows only after them). Absent: none (format version 1).
   */
  readonly runsBefore?: number;
  /** fast-check's path and replayPath of its own shrunk case (with the seed, `fc` replays it). */
  readonly path: string | null;
  readonly replayPath: string | null;
  readonly commands: readonly Command[];
  readonly labels: readonly string[];
  readonly failure: ReproFailure;
  readonly trace: readonly StepRecord[];
}

export type Parsed = { readonly ok: true; readonly repro: ReproFile } | { readonly ok: false; readonly error: string };

/** Parse and validate the text of a repro file; every problem is one line. */
export function parseRepro(text: string): Parsed {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    return { ok: false, error: `not valid JSON (truncated or corrupt): ${e instanceof Error ? e.message : String(e)}` };
  }
  if (typeof data !== "object" || data === null || Array.isArray(data)) return { ok: false, error: "not a repro file: expected a JSON object" };
  const o = data as Record<string, unknown>;
  if (o.format !== REPRO_FORMAT) return { ok: false, error: `not a repro file: "format" is ${JSON.stringify(o.format)}, expected "${REPRO_FORMAT}"` };
  if (typeof o.formatVersion !== "number" || !Number.isInteger(o.formatVersion) || o.formatVersion < 1) return { ok: false, error: `bad "formatVersion": ${JSON.stringify(o.formatVersion)}` };
  if (o.formatVersion > REPRO_FORMAT_VERSION) return { ok: false, error: `repro format version ${o.formatVersion} is newer than this cellgate reads (${REPRO_FORMAT_VERSION}); upgrade cellgate` };
  const protocolVersion = PROTOCOL_VERSIONS.find((v) => v === o.protocolVersion);
  if (protocolVersion === undefined) return { ok: false, error: `repro speaks protocol version ${JSON.stringify(o.protocolVersion)}; this cellgate speaks versions ${PROTOCOL_VERSIONS.join(" and ")}` };
  if (typeof o.implementation !== "string" || o.implementation === "") return { ok: false, error: `missing or bad "implementation"` };
  if (typeof o.cells !== "number" || !Number.isInteger(o.cells) || o.cells < 1 || o.cells > 9) return { ok: false, error: `bad "cells": ${JSON.stringify(o.cells)} (1 to 9)` };
  const runsBefore = o.runsBefore;
  if (runsBefore !== undefined && (typeof runsBefore !== "number" || !Number.isInteger(runsBefore) || runsBefore < 1 || runsBefore > MAX_REPRO_RUNS_BEFORE)) {
    return { ok: false, error: `bad "runsBefore": ${JSON.stringify(runsBefore)} (1 to ${MAX_REPRO_RUNS_BEFORE})` };
  }
  if (!Array.isArray(o.commands)) return { ok: false, error: `missing "commands" list (truncated?)` };
  // An empty run fails only after runs before it (a crash on its reset); otherwise the list was emptied.
  if (o.commands.length === 0 && runsBefore === undefined) return { ok: false, error: `the "commands" list is empty: a repro holds the commands of a failing run` };
  const bad = o.commands.findIndex((c) => !isCommand(c));
  if (bad >= 0) return { ok: false, error: `command ${bad + 1} is not a cellgate command: ${JSON.stringify(o.commands[bad]).slice(0, 200)}` };
  // The labels and the trace were written with the commands: a list cut or edited apart from them is caught here.
  if (!Array.isArray(o.labels) || !o.labels.every((l) => typeof l === "string")) return { ok: false, error: `missing or bad "labels"` };
  if (o.labels.length !== o.commands.length) return { ok: false, error: `${o.commands.length} commands but ${o.labels.length} labels: the command list was cut or edited` };
  if (!Array.isArray(o.trace) || !o.trace.every(isStep)) return { ok: false, error: `missing or bad "trace"` };
  // Every command is a step of the trace, but for a last one that crashed, hung or answered badly (never recorded, and no drain after it).
  const recorded = (o.trace as StepRecord[]).filter((t) => !t.drain);
  const unrecordedLast = recorded.length === o.commands.length - 1 && (o.trace as StepRecord[]).every((t) => !t.drain);
  if (recorded.length !== o.commands.length && !unrecordedLast) return { ok: false, error: `${o.commands.length} commands but the trace has ${recorded.length} command steps: the command list was cut or edited` };
  const labels = o.labels as string[];
  const relabelled = recorded.findIndex((t, i) => t.label !== labels[i]);
  if (relabelled >= 0) return { ok: false, error: `label ${relabelled + 1} differs from its step in the trace: the command list was edited` };
  const f = o.failure as Record<string, unknown> | undefined;
  if (typeof f !== "object" || f === null || typeof f.verdict !== "string" || typeof f.step !== "number" || !Array.isArray(f.invariants)) {
    return { ok: false, error: `missing or bad "failure" (needs verdict, step, invariants)` };
  }
  // Step 0 is the run's reset (a crash there, after the runs before it).
  const firstStep = runsBefore === undefined ? 1 : 0;
  if (!Number.isInteger(f.step) || f.step < firstStep || f.step > o.trace.length + 1) return { ok: false, error: `"failure.step" ${JSON.stringify(f.step)} is not a step of the run (${firstStep} to ${o.trace.length + 1})` };
  const source = sourceOf(o.source);
  if (typeof source === "string") return { ok: false, error: source };
  return {
    ok: true,
    repro: {
      format: REPRO_FORMAT,
      formatVersion: o.formatVersion,
      protocolVersion,
      implementation: o.implementation,
      source,
      seed: typeof o.seed === "number" ? o.seed : null,
      cells: o.cells,
      ...(runsBefore === undefined ? {} : { runsBefore: runsBefore as number }),
      path: typeof o.path === "string" ? o.path : null,
      replayPath: typeof o.replayPath === "string" ? o.replayPath : null,
      commands: o.commands as Command[],
      labels: o.labels as string[],
      failure: {
        verdict: f.verdict,
        step: f.step,
        invariants: f.invariants as string[],
        violations: Array.isArray(f.violations) ? (f.violations as Violation[]) : [],
        message: typeof f.message === "string" ? f.message : null,
      },
      trace: o.trace as StepRecord[],
    },
  };
}

function isStep(x: unknown): boolean {
  if (typeof x !== "object" || x === null) return false;
  const t = x as Record<string, unknown>;
  return typeof t.step === "number" && typeof t.label === "string" && typeof t.drain === "boolean";
}

/** The `source` of a repro file, or what is wrong with it (each kind needs its own field). */
function sourceOf(x: unknown): ImplementationSource | string {
  if (typeof x !== "object" || x === null) return `missing or bad "source" (which implementation failed)`;
  const s = x as Record<string, unknown>;
  const field = s.kind === "bundled" ? "name" : s.kind === "module" ? "path" : s.kind === "command" ? "command" : undefined;
  if (field === undefined) return `"source.kind" must be bundled, module or command, got ${JSON.stringify(s.kind)}`;
  const value = s[field];
  if (typeof value !== "string" || value.trim() === "") return `"source" of kind ${String(s.kind)} needs a non-empty "${field}"`;
  return s.kind === "bundled" ? { kind: "bundled", name: value } : s.kind === "module" ? { kind: "module", path: value } : { kind: "command", command: value };
}
