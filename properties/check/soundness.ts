/**
 * Soundness against implementations that behave only while they are watched. The gate judges an
 * implementation by what it emits and by the gate table it reports about itself; an
 * implementation could tell a harness run apart from real use and behave only then. A sample of
 * passing runs (the longest of every SOUNDNESS_EVERY) is therefore driven again, input for input, in three other ways, and must behave
 * the same each time:
 *
 * - in a fresh process (`state-across-runs` when it differs; one sample in SOUNDNESS_FRESH_EVERY,
 *   since it costs a restart): what a run does may not depend on the runs before it;
 * - without inspection (`inspection-dependent`): no gate_table (or observers) request after each
 *   step, the table read once at the end; the messages of every step and the final table must be
 *   those of the inspected run (an implementation that cleans up only when asked leaks here);
 * - renamed (`rename-dependent`): cells renamed by a fixed permutation of c1..c9 and request ids
 *   by an increasing map, then named back; the messages and tables must be the renamed ones.
 *
 * What is compared: a step's messages as a multiset, and for each channel and cell their order
 * (messages of different cells on one channel may come in either order: that is not behaviour).
 * What this cannot see is in docs/protocol.md ("What the gate can and cannot detect").
 */
import { formatMessage, route, type GateEntry, type Implementation, type Instance, type Message } from "../../protocol/index.ts";
import type { Command } from "../run/commands.ts";
import { replay, type ReplayResult } from "../run/replay.ts";
import { errorText, StepTimeout, type Failure, type SoundnessVerdict, type StepIo } from "../run/run.ts";
import { RETRY_FACTOR } from "../run/timing.ts";
import { firstDifference } from "./confirm.ts";

/** The longest of every this many passing runs is sampled (and the longest of the last, shorter stretch). */
export const SOUNDNESS_EVERY = 100;
/** Every this many samples (the first one counts) also runs in a fresh process, which costs a restart. */
export const SOUNDNESS_FRESH_EVERY = 10;
/** A longest run shorter than this is not worth a sample. */
export const SOUNDNESS_MIN_STEPS = 6;

export interface SoundnessFinding {
  readonly failure: Failure;
  /** The inspected replay of the sampled run (its trace goes into the report). */
  readonly replay: ReplayResult;
}

export interface SoundnessOptions {
  /** Also compare with a run in a fresh process (default true, for implementations that can start one). */
  readonly fresh?: boolean;
  /** Look for this verdict only (shrinking a finding keeps its verdict). */
  readonly only?: SoundnessVerdict;
}

/**
 * Drive the passing run `commands` again in the three ways above; the first difference found,
 * or undefined when it behaves the same in all of them.
 */
export function soundnessOf(impl: Implementation, commands: readonly Command[], cells: number, options: SoundnessOptions = {}): SoundnessFinding | undefined {
  // Timing is never a verdict on its own: a difference that came with a missed step timeout (a
  // loaded machine) is looked at again under the retry limit, and only what shows there counts.
  const first = drivenAgain(impl, commands, cells, options);
  const timing = impl.timing;
  if (first?.timedOut !== true || timing === undefined) return first?.finding;
  return timing.withStepTimeout(timing.stepTimeoutMs * RETRY_FACTOR, () => drivenAgain(impl, commands, cells, options))?.finding;
}

/** The first difference, and whether a step timeout was missed on the way to it. */
function drivenAgain(impl: Implementation, commands: readonly Command[], cells: number, options: SoundnessOptions): { finding: SoundnessFinding; timedOut: boolean } | undefined {
  const base = replay(impl, commands, { cells });
  const io = base.run.io ?? [];
  const wants = (v: SoundnessVerdict): boolean => options.only === undefined || options.only === v;
  const found = (verdict: SoundnessVerdict, step: number, message: string, timedOut: boolean) => ({ finding: { failure: { verdict, step, message }, replay: base }, timedOut });
  if (base.failure !== undefined) {
    if (!wants("state-across-runs")) return undefined;
    return found("state-across-runs", base.failure.step, `a run that passed failed when run again at once in the same process (${errorLine(base.failure)}): the implementation keeps state across reset`, base.failure.verdict === "timeout");
  }
  if (wants("state-across-runs") && impl.freshStart === true && options.fresh !== false) {
    const fresh = replay(impl, commands, { cells, fresh: true });
    const d = firstDifference(base, fresh);
    if (d !== undefined) return found("state-across-runs", d.step, `a passing run behaved differently in a fresh process: ${d.message}; after earlier runs: ${d.first}; fresh: ${d.second}`, fresh.failure?.verdict === "timeout");
  }
  const tables = base.trace.map((t) => t.table);
  const unwatched = wants("inspection-dependent") ? drive(impl.start({ inspected: false }), io, tables, identity, false) : undefined;
  if (unwatched !== undefined) return found("inspection-dependent", unwatched.step, `driven without a gate_table request after each step, ${unwatched.text}`, unwatched.timedOut);
  const renamed = wants("rename-dependent") ? drive(impl.start(), io, tables, RENAMING, true) : undefined;
  if (renamed !== undefined) return found("rename-dependent", renamed.step, `driven with cells and request ids renamed (${RENAMING.describe}), ${renamed.text}`, renamed.timedOut);
  return undefined;
}

interface Renaming {
  readonly describe: string;
  readonly cell: (c: string) => string;
  readonly uncell: (c: string) => string;
  readonly req: (r: number) => number;
  readonly unreq: (r: number) => number;
}

const identity: Renaming = { describe: "none", cell: (c) => c, uncell: (c) => c, req: (r) => r, unreq: (r) => r };

/** c1↔c9, c2↔c8, ... (a fixed permutation that moves every cell a run uses) and #r → #(3r + 7). */
const RENAMING: Renaming = {
  describe: "c1↔c9, c2↔c8, c3↔c7, c4↔c6, #r → #(3r + 7)",
  cell: (c) => `c${10 - Number(c.slice(1))}`,
  uncell: (c) => `c${10 - Number(c.slice(1))}`,
  req: (r) => 3 * r + 7,
  unreq: (r) => (r - 7) / 3,
};

/** A value with every `cell` and `req` field renamed. */
function rename<T>(x: T, cell: (c: string) => string, req: (r: number) => number): T {
  const o = x as Record<string, unknown>;
  const out: Record<string, unknown> = { ...o };
  if (typeof o.cell === "string") out.cell = cell(o.cell);
  if (typeof o.req === "number") out.req = req(o.req);
  return out as T;
}

/**
 * Feed the recorded inputs (renamed) to a fresh instance and compare what it emits (named back)
 * with the record; with `watch`, the gate table after every step too. The table at the end is
 * compared either way.
 */
function drive(instance: Instance, io: readonly StepIo[], tables: readonly (readonly GateEntry[])[], names: Renaming, watch: boolean): { step: number; text: string; timedOut: boolean } | undefined {
  const finalTable = tables.at(-1) ?? [];
  try {
    for (const [i, s] of io.entries()) {
      const input = rename(s.input, names.cell, names.req);
      const out = (s.party === "host" ? instance.host(input as never) : instance.core(input as never)) as readonly Message[];
      const back = Array.isArray(out) ? out.map((m) => rename(m, names.uncell, names.unreq)) : [];
      if (!sameMessages(s.emitted, back)) {
        return { step: i + 1, text: `step ${i + 1} (${s.party} ${formatMessage(s.input)}) emitted [${back.map(formatMessage).join(", ")}] instead of [${s.emitted.map(formatMessage).join(", ")}]`, timedOut: false };
      }
      if (watch) {
        const table = tableText(instance.gateTable(), names);
        const expected = tableText(tables[i] ?? [], identity);
        if (table !== expected) return { step: i + 1, text: `the gate table after step ${i + 1} (${s.party} ${formatMessage(s.input)}) was [${table}] instead of [${expected}]`, timedOut: false };
      }
    }
    const table = tableText(instance.gateTable(), names);
    const expected = tableText(finalTable, identity);
    if (table !== expected) return { step: io.length, text: `the gate table at the end was [${table}] instead of [${expected}]`, timedOut: false };
    return undefined;
  } catch (e) {
    return { step: 0, text: `it failed: ${errorText(e)}`, timedOut: e instanceof StepTimeout };
  } finally {
    instance.close?.();
  }
}

function tableText(table: readonly GateEntry[], names: Renaming): string {
  return table.map((e) => `${names.uncell(e.cell)}: ${e.kind}`).sort().join(", ");
}

/** Same multiset of messages, and the same order for each channel and cell. */
function sameMessages(a: readonly Message[], b: readonly Message[]): boolean {
  if (a.length !== b.length) return false;
  const lanes = (ms: readonly Message[]): string => {
    const by = new Map<string, string[]>();
    for (const m of ms) {
      const lane = `${route(m).channel}/${m.cell}`;
      by.set(lane, [...(by.get(lane) ?? []), formatMessage(m)]);
    }
    return [...by.entries()].map(([lane, list]) => `${lane}: ${list.join(", ")}`).sort().join("; ");
  };
  return lanes(a) === lanes(b);
}

function errorLine(f: Failure): string {
  return f.verdict === "violation" ? `violation at step ${f.step} (${f.violations.map((v) => v.invariant).join(", ")})` : `${f.verdict} at step ${f.step}: ${"message" in f ? f.message : ""}`;
}
