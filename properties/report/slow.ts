/**
 * Slow steps (they missed the step timeout and answered when their run was re-run under the
 * retry limit) as every output shows them: the same warning line in the terminal (check, explore,
 * merge), in a Markdown section and in JUnit's system-out. A slow step is a warning, not a
 * verdict, unless --strict-time (properties/run/timing.ts).
 */
import { slowText, type SlowStep } from "../run/timing.ts";
import { mdFenced, printable } from "./escape.ts";

/** One warning line per slow step; an exploration's steps name their seed. */
export function slowWarnings(slow: readonly (SlowStep & { readonly seed?: number })[]): string[] {
  return slow.map((s) => printable(`warning: slow, not hung: ${s.seed === undefined ? "" : `seed ${s.seed}, `}${slowText(s)}`));
}

/** The Markdown section of a report with slow steps (none: nothing). */
export function slowMarkdown(warnings: readonly string[]): string[] {
  if (warnings.length === 0) return [];
  return [
    `### Slow, not hung (${warnings.length})`,
    "",
    "Steps that missed the step timeout and answered when their run was re-run, in a fresh process, under ten times the limit: a warning, not a verdict (`--strict-time` makes them timeouts).",
    "",
    "```text",
    mdFenced(warnings.join("\n")),
    "```",
    "",
  ];
}
