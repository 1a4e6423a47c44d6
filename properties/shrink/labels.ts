/**
 * Counterexamples by the meaning of their steps: whether two failures are the same one, and the
 * commands that perform a list of step labels again after earlier steps were deleted.
 */
import type { Implementation } from "../../protocol/index.ts";
import type { Command } from "../run/commands.ts";
import { HarnessRun, type Failure } from "../run/run.ts";
import { findCommand } from "../run/script.ts";

/** Same verdict, and for violations the same first invariant (the failure the user is shown). */
export function sameFailure(a: Failure | undefined, b: Failure | undefined): boolean {
  if (a === undefined || b === undefined || a.verdict !== b.verdict) return false;
  if (a.verdict === "violation" && b.verdict === "violation") return a.violations[0]?.invariant === b.violations[0]?.invariant;
  return true;
}

/**
 * The commands that perform `labels` in order, renumbering request ids as earlier steps go away;
 * undefined when a step is not possible. Stops after the step that fails. An id no label issued
 * is the initial observation an implementation fused into its cell's `create` (protocol 2): the
 * first unknown id a later label gives for that cell is mapped to the id that `create` took.
 */
export function resolveLabels(impl: Implementation, labels: readonly string[], cells: number): Command[] | undefined {
  const run = new HarnessRun(impl, { cells });
  const renumber = new Map<number, number>();
  const rename = new Map<string, string>();
  // Per (renamed) cell: the id its create took, until a label claims it.
  const fused = new Map<string, number>();
  const out: Command[] = [];
  try {
    for (const label of labels) {
      if (run.failure !== undefined) break;
      if (/^(observe|terminate|tool) c\d+ \(#\d+\)$/.test(label)) {
        const old = Number(/#(\d+)/.exec(label)?.[1]);
        renumber.set(old, run.nextReq);
      }
      const created = /^create (c\d+)$/.exec(label);
      if (created !== null) rename.set(created[1] as string, run.cellNames[run.state.cells.size] ?? "?");
      let ok = true;
      const wanted = label
        .replace(/\bc(\d+)\b/g, (whole: string) => {
          const r = rename.get(whole);
          if (r === undefined) ok = false;
          return r ?? whole;
        })
        .replace(/#(\d+)/g, (_, n: string) => {
          const cell = /\bc\d+\b/.exec(label)?.[0];
          const initial = cell === undefined ? undefined : fused.get(rename.get(cell) ?? "");
          if (!renumber.has(Number(n)) && initial !== undefined && cell !== undefined) {
            renumber.set(Number(n), initial);
            fused.delete(rename.get(cell) ?? "");
          }
          const r = renumber.get(Number(n));
          if (r === undefined) ok = false;
          return `#${r ?? n}`;
        });
      if (!ok) return undefined;
      const cmd = findCommand(run, wanted);
      if (cmd === undefined) return undefined;
      out.push(cmd);
      const before = run.nextReq;
      run.apply(cmd);
      if (created !== null && run.nextReq > before) fused.set(rename.get(created[1] as string) ?? "?", before);
    }
  } finally {
    run.close();
  }
  return out;
}
