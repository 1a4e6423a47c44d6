/**
 * Write a run as a script of readable steps (`deliver host⇢core cell_closed(c1)`) and get the
 * harness commands that perform it. Used by the named scenario tests and pinned regressions, so
 * they read like the sequence diagrams of the review.
 */
import type { Implementation } from "../protocol/index.ts";
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

function candidates(): Command[] {
  const out: Command[] = [];
  for (const kind of COMMAND_KINDS) {
    if (kind === "create" || kind === "shutdown") out.push({ kind });
    else for (let index = 0; index < MAX_INDEX; index++) out.push({ kind, index });
  }
  return out;
}

function findCommand(run: HarnessRun, label: string): Command | undefined {
  return candidates().find((c) => run.resolve(c)?.label === label);
}

/** Every distinct step possible now, as labels. */
export function possibleLabels(run: HarnessRun): string[] {
  return [...new Set(candidates().flatMap((c) => run.resolve(c)?.label ?? []))];
}
