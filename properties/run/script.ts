/**
 * Write a run as a script of readable steps (`deliver host⇢core cell_closed(c1)`) and get the
 * harness commands that perform it. Used by the named scenario tests and pinned regressions, so
 * they read like the sequence diagrams of the review.
 */
import type { Implementation } from "../../protocol/index.ts";
import { COMMAND_KINDS, type Command } from "./commands.ts";
import { HarnessRun } from "./run.ts";

const MAX_INDEX = 16;

/**
 * Resolve each label to the command that performs it at that point of the run; throws on a label
 * that is not possible there. Stops at the first step that fails (the rest cannot run).
 */
export function commandsFromScript(impl: Implementation, labels: readonly string[], cells = 3): Command[] {
  const run = new HarnessRun(impl, { cells });
  const out: Command[] = [];
  try {
    labels.forEach((label, i) => {
      if (run.failure !== undefined) return;
      const cmd = findCommand(run, label);
      if (cmd === undefined) {
        const possible = possibleLabels(run);
        throw new Error(`step ${i + 1} "${label}" is not possible here; possible: ${possible.join(" | ")}`);
      }
      out.push(cmd);
      run.apply(cmd);
    });
  } finally {
    run.close();
  }
  return out;
}

/** Every command worth trying: each kind with each index below MAX_INDEX. */
const CANDIDATES: readonly Command[] = COMMAND_KINDS.flatMap((kind): Command[] =>
  kind === "create" || kind === "shutdown" ? [{ kind }] : Array.from({ length: MAX_INDEX }, (_, index) => ({ kind, index })),
);

/** The command that performs `label` in the run as it is now, if any. */
export function findCommand(run: HarnessRun, label: string): Command | undefined {
  return CANDIDATES.find((c) => run.resolve(c)?.label === label);
}

/** Every distinct step possible now, as labels. */
export function possibleLabels(run: HarnessRun): string[] {
  return [...new Set(CANDIDATES.flatMap((c) => run.resolve(c)?.label ?? []))];
}
