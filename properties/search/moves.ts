/**
 * The distinct moves possible in a run's current state. A command `{ kind, index }` resolves to
 * candidate `index mod n` of its kind, so the indices 0..n-1 name every distinct move once;
 * enumerating them (rather than every index) is what keeps exhaustive search finite.
 */
import { COMMAND_KINDS, type Command } from "../run/commands.ts";
import type { HarnessRun } from "../run/run.ts";

/** A move: the command that performs it here, and what it does, as a script label. */
export interface Move {
  readonly command: Command;
  readonly label: string;
  /** The cell the move acts on, for environment moves that name one. */
  readonly cell: string | undefined;
}

/** Candidate lists are short (cells, channels, pending observations); this bounds the scan. */
const MAX_CANDIDATES = 64;

/** Every distinct move possible now, kind by kind in COMMAND_KINDS order, then by index. */
export function distinctMoves(run: HarnessRun): Move[] {
  const out: Move[] = [];
  for (const kind of COMMAND_KINDS) {
    if (kind === "create" || kind === "shutdown") {
      const r = run.resolve({ kind });
      if (r !== undefined) out.push({ command: { kind }, label: r.label, cell: cellOf(r.event) });
      continue;
    }
    const first = run.resolve({ kind, index: 0 });
    if (first === undefined) continue;
    const firstLabel = first.label;
    out.push({ command: { kind, index: 0 }, label: firstLabel, cell: cellOf(first.event) });
    // Candidates repeat with period n, and each candidate has its own label.
    for (let index = 1; index < MAX_CANDIDATES; index++) {
      const r = run.resolve({ kind, index });
      const label = r?.label;
      if (r === undefined || label === firstLabel) break;
      out.push({ command: { kind, index }, label: label as string, cell: cellOf(r.event) });
    }
  }
  return out;
}

function cellOf(event: { readonly type: string; readonly cell?: string } | undefined): string | undefined {
  return event?.cell;
}
