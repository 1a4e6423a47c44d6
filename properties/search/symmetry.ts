/**
 * The check behind symmetry reduction: does the implementation treat cells alike up to their
 * names? The same command lists are replayed twice, once as they are and once with the cell
 * names permuted inside the implementation (every `cell` field on the way in, and back on the
 * way out: inputs, messages, gate table, observers); a name-blind implementation gives the same
 * steps both ways. Two permutations are tried, the swap of c1 and c2 and the rotation of all
 * cells, which together generate every renaming.
 *
 * What it cannot see: an implementation whose behaviour depends on the *order* in which it keeps
 * its cells (the key canonicalises that order too); docs/exploration.md says how that was checked.
 */
import fc from "fast-check";
import { cellId, type Implementation, type Instance } from "../../protocol/index.ts";
import { commandData, weightsFor } from "../generate/arbitrary.ts";
import type { Command } from "../run/commands.ts";
import { replay } from "../run/replay.ts";

/** Command lists replayed per permutation, and their greatest length. */
const RUNS = 40;
const MAX_COMMANDS = 60;

/** `impl` with cell names mapped by `perm` inside it (and back outside). */
export function renamedInside(impl: Implementation, perm: ReadonlyMap<string, string>): Implementation {
  const back = new Map([...perm].map(([a, b]) => [b, a]));
  const map = (x: unknown, m: ReadonlyMap<string, string>): unknown => {
    if (Array.isArray(x)) return x.map((y) => map(y, m));
    if (typeof x !== "object" || x === null) return x;
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(x)) out[k] = k === "cell" && typeof v === "string" ? (m.get(v) ?? v) : v;
    return out;
  };
  return {
    name: impl.name,
    summary: impl.summary,
    ...(impl.protocol !== undefined ? { protocol: impl.protocol } : {}),
    ...(impl.dispatch !== undefined ? { dispatch: impl.dispatch } : {}),
    start(): Instance {
      const i = impl.start();
      const observers = i.observers;
      return {
        host: (input) => map(i.host(map(input, perm) as never), back) as never,
        core: (input) => map(i.core(map(input, perm) as never), back) as never,
        gateTable: () => map(i.gateTable(), back) as never,
        ...(observers !== undefined ? { observers: () => map(observers.call(i), back) as never } : {}),
        ...(i.close !== undefined ? { close: () => i.close?.() } : {}),
      };
    },
  };
}

/**
 * Undefined when every sampled command list runs alike with the cells renamed inside the
 * implementation; otherwise the first difference, as a sentence.
 */
export function renamingDiffers(impl: Implementation, cells: number, seed = 1): string | undefined {
  if (cells < 2) return undefined;
  const names = Array.from({ length: cells }, (_, i) => cellId(i + 1) as string);
  const perms: Map<string, string>[] = [
    new Map(names.map((c, i) => [c, i === 0 ? names[1] : i === 1 ? names[0] : c] as [string, string])),
    new Map(names.map((c, i) => [c, names[(i + 1) % cells]] as [string, string])),
  ];
  const lists = fc.sample(fc.array(commandData(weightsFor(impl)), { maxLength: MAX_COMMANDS }), { seed, numRuns: RUNS }) as Command[][];
  for (const perm of cells === 2 ? perms.slice(0, 1) : perms) {
    const other = renamedInside(impl, perm);
    for (const commands of lists) {
      const a = replay(impl, commands, { cells });
      const b = replay(other, commands, { cells });
      const n = Math.max(a.trace.length, b.trace.length);
      for (let k = 0; k < n; k++) {
        const x = a.trace[k];
        const y = b.trace[k];
        const same = x !== undefined && y !== undefined && x.label === y.label && JSON.stringify([x.emitted, x.table]) === JSON.stringify([y.emitted, y.table]);
        if (!same) {
          const how = [...perm].filter(([p, q]) => p !== q).map(([p, q]) => `${p}→${q}`).join(", ");
          return `with cells renamed inside the implementation (${how}), step ${k + 1} (${x?.label ?? y?.label ?? "?"}) answered ${JSON.stringify(y?.emitted ?? null)} instead of ${JSON.stringify(x?.emitted ?? null)}`;
        }
      }
      if (JSON.stringify(a.failure) !== JSON.stringify(b.failure)) return `with cells renamed inside the implementation, the verdict changed (${a.failure?.verdict ?? "conforms"} → ${b.failure?.verdict ?? "conforms"})`;
    }
  }
  return undefined;
}
