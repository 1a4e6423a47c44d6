/**
 * The one envelope of every JSON report (check, explore, exhaustive, replay, merge): what it is
 * (`format`, `version`, `command`), the verdict and exit code, the implementation, every setting
 * needed to reproduce the result, and the command line that does; the command's own fields follow.
 */
import type { CheckVerdict } from "../check/check.ts";

export const ENVELOPE_FORMAT = "cellgate-report";
/** Bumped when a field changes meaning or goes away (new fields do not bump it). Version 1 had one format per command. */
export const ENVELOPE_VERSION = 2;

export type ReportCommand = "check" | "explore" | "exhaustive" | "replay" | "merge";

/**
 * A report's verdict: a check's (a failure's, `conforms`, `inconclusive` when nothing was
 * checked), `coverage-short` when an exploration's coverage requirement was not met, `fixed`
 * when a replayed counterexample now passes.
 */
export type ReportVerdict = CheckVerdict | "coverage-short" | "fixed";

export type SettingValue = string | number | boolean | null;

export interface Envelope {
  readonly command: ReportCommand;
  readonly verdict: ReportVerdict;
  readonly implementation: string;
  readonly protocol: number;
  /** Every setting the result depends on (seed, runs, cells, max-commands, strategy, pct depth...). */
  readonly settings: Readonly<Record<string, SettingValue>>;
  /** A command line that reproduces the result (for a bundled implementation, as is). */
  readonly reproduce: string;
}

/** 0 conforms (or fixed), 1 does not conform, 2 nothing was checked. */
export function exitCodeOf(v: ReportVerdict): 0 | 1 | 2 {
  if (v === "conforms" || v === "fixed") return 0;
  return v === "inconclusive" ? 2 : 1;
}

export function envelopeJson(e: Envelope, body: Readonly<Record<string, unknown>>): Record<string, unknown> {
  return {
    format: ENVELOPE_FORMAT,
    version: ENVELOPE_VERSION,
    command: e.command,
    verdict: e.verdict,
    exitCode: exitCodeOf(e.verdict),
    implementation: e.implementation,
    protocol: e.protocol,
    settings: e.settings,
    reproduce: e.reproduce,
    ...body,
  };
}

/** `cellgate check --impl X --seed 1 ...` from settings (null and false settings are left out). */
export function commandLine(command: ReportCommand, settings: Readonly<Record<string, SettingValue>>, positional?: string): string {
  const args = [`cellgate ${command}`, ...(positional !== undefined ? [shellWord(positional)] : [])];
  for (const [k, v] of Object.entries(settings)) {
    if (v === null || v === false) continue;
    args.push(v === true ? `--${k}` : `--${k} ${shellWord(String(v))}`);
  }
  return args.join(" ");
}

function shellWord(s: string): string {
  return /^[A-Za-z0-9_./:=@%+,-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}
