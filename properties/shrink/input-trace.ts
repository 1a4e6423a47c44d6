/**
 * An exact state key for an implementation that offers no snapshot: each party's inputs since the
 * start. The contract (protocol/implementation.ts, docs/protocol.md "Determinism and the step
 * function") makes each party a deterministic state machine that changes only by its own inputs,
 * so two runs that gave the Host the same inputs in the same order, and Core the same inputs in
 * the same order, left both parties in the same state, whatever the interleaving of Host and Core
 * steps between them. With the harness's own state (model and channels, in the search key) that
 * is the whole state. What this merges is exactly those interleavings.
 *
 * The wrapped instance offers that key as its `snapshot()` (each input as its JSON text, so no
 * request id in it is renamed: equal keys mean equal inputs, byte for byte) and no `restore()`:
 * the search still replays prefixes, and deduplicates by the key.
 */
import fc from "fast-check";
import type { Implementation, Instance } from "../../protocol/index.ts";
import { commandData, weightsFor } from "../generate/arbitrary.ts";
import type { Command } from "../run/commands.ts";
import { replay } from "../run/replay.ts";

export function withInputTrace(impl: Implementation): Implementation {
  return {
    ...impl,
    start(options) {
      const inner = impl.start(options);
      const host: string[] = [];
      const core: string[] = [];
      return {
        ...bound(inner),
        host: (input) => (host.push(JSON.stringify(input)), inner.host(input)),
        core: (input) => (core.push(JSON.stringify(input)), inner.core(input)),
        snapshot: () => ({ host: [...host], core: [...core] }),
      };
    },
  };
}

/** Command lists replayed by the separation check, and their greatest length. */
const RUNS = 20;
const MAX_COMMANDS = 60;

interface Call {
  readonly party: "host" | "core";
  readonly input: unknown;
  readonly emitted: string;
}

/**
 * Undefined when, on every sampled command list (and on `extra`), each party answers its own
 * inputs alike when they are given with all of the Host's first and then all of Core's (and the
 * other way round) as when interleaved as the run did; otherwise the first difference, as a
 * sentence. A sampled check, not a proof: it refuses an implementation whose parties share state
 * that shows on these runs, as symmetry.ts does for cell names.
 */
export function partiesCoupled(impl: Implementation, cells: number, extra: readonly (readonly Command[])[] = [], seed = 1): string | undefined {
  const lists = [...extra, ...(fc.sample(fc.array(commandData(weightsFor(impl)), { maxLength: MAX_COMMANDS }), { seed, numRuns: RUNS }) as Command[][])];
  for (const commands of lists) {
    const calls: Call[] = [];
    replay(recording(impl, calls), commands, { cells, drain: true });
    for (const first of ["host", "core"] as const) {
      const order = [...calls.filter((c) => c.party === first), ...calls.filter((c) => c.party !== first)];
      let instance: Instance;
      try {
        instance = impl.start();
      } catch (e) {
        // An implementation that cannot be started for the check gets no input key (the search keeps every path).
        return `it could not be started to check (${e instanceof Error ? e.message : String(e)})`;
      }
      try {
        for (const c of order) {
          let emitted: string;
          try {
            emitted = JSON.stringify(c.party === "host" ? instance.host(c.input as never) : instance.core(c.input as never));
          } catch (e) {
            emitted = `an error (${e instanceof Error ? e.message : String(e)})`;
          }
          if (emitted !== c.emitted) return `${c.party} answered ${JSON.stringify(c.input)} with ${emitted} instead of ${c.emitted} when given its inputs ${first} party first: its state depends on the other party's inputs`;
        }
      } finally {
        instance.close?.();
      }
    }
  }
  return undefined;
}

function recording(impl: Implementation, calls: Call[]): Implementation {
  return {
    ...impl,
    start(options) {
      const inner = impl.start(options);
      const note = (party: "host" | "core", input: unknown, emitted: unknown) => (calls.push({ party, input, emitted: JSON.stringify(emitted) }), emitted);
      calls.length = 0;
      return {
        ...bound(inner),
        host: (input) => note("host", input, inner.host(input)) as ReturnType<Instance["host"]>,
        core: (input) => note("core", input, inner.core(input)) as ReturnType<Instance["core"]>,
      };
    },
  };
}

/** The instance's reads and close, bound to it (no snapshot: the wrappers here offer their own or none). */
function bound(inner: Instance): Instance {
  const out: Instance = { host: (i) => inner.host(i), core: (i) => inner.core(i), gateTable: () => inner.gateTable() };
  if (inner.observers !== undefined) out.observers = () => (inner.observers as NonNullable<Instance["observers"]>).call(inner);
  if (inner.close !== undefined) out.close = () => inner.close?.();
  return out;
}
