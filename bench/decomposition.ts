/**
 * How much of the exhaustive search's work repeats in its parts: over one full search of the
 * reference, how many distinct values each part of a reached state takes (Host, Core, the
 * model, the channels), and how many distinct (party state, input) pairs the parties' steps
 * are. A search that kept a state as a tuple of part numbers and memoised each part's steps
 * (what a model checker's compiled transitions amount to) would run the parties only for the
 * distinct pairs; these counts say how much that could save before anyone builds it.
 *
 *   npx tsx bench/decomposition.ts '{"cells":2,"requests":1,"depth":80,"dispatch":false}'
 *
 * Prints one JSON line. Slow (every step is snapshotted and rendered as text): a measurement,
 * not a search to time.
 */
import type { Implementation, Instance } from "../protocol/index.ts";
import { exhaustive, type ExhaustiveOptions } from "../properties/index.ts";
import type { HarnessRun } from "../properties/run/run.ts";
import { referenceCase } from "./reference-case.ts";

const options = JSON.parse(process.argv[2] ?? "{}") as ExhaustiveOptions & { dispatch?: boolean };
const inner = referenceCase(options.dispatch !== false);

/** Distinct texts, counted. */
class Distinct {
  private readonly seen = new Set<string>();
  total = 0;
  add(text: string): void {
    this.total++;
    this.seen.add(text);
  }
  get size(): number {
    return this.seen.size;
  }
}

/** Maps and persistent maps as their entries, so that a model state renders as text. */
function text(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) => {
    if (v !== null && typeof v === "object" && !Array.isArray(v) && typeof (v as { entries?: unknown }).entries === "function") return [...(v as Map<unknown, unknown>).entries()];
    return v;
  });
}

const hostSteps = new Distinct();
const coreSteps = new Distinct();

/** The reference with every step counted against the party state it was taken in. */
const counted: Implementation = {
  ...inner,
  start(startOptions): Instance {
    const i = inner.start(startOptions);
    const part = (which: "host" | "core"): string => text((i.snapshot?.() as Record<string, unknown>)[which]);
    return {
      ...i,
      host: (input) => {
        hostSteps.add(part("host") + text(input));
        return i.host(input);
      },
      core: (input) => {
        coreSteps.add(part("core") + text(input));
        return i.core(input);
      },
    };
  },
};

const parts = { host: new Distinct(), core: new Distinct(), parties: new Distinct(), model: new Distinct(), channels: new Distinct(), modelAndTable: new Distinct() };
const onState = (run: HarnessRun): void => {
  const snap = run.instance.snapshot?.() as { host: unknown; core: unknown };
  const host = text(snap.host);
  const core = text(snap.core);
  parts.host.add(host);
  parts.core.add(core);
  parts.parties.add(host + core);
  const model = text(run.state);
  parts.model.add(model);
  parts.modelAndTable.add(model + text(run.instance.gateTable()) + text(run.instance.observers?.()));
  parts.channels.add(text(run.channels.order.map((_, k) => run.channels.messagesAt(k))));
};

const r = exhaustive(counted, { ...options, onState });
const sizes = Object.fromEntries(Object.entries(parts).map(([k, d]) => [k, d.size]));
console.log(
  JSON.stringify({
    states: r.states,
    transitions: r.transitions,
    exhausted: r.exhausted,
    distinctParts: sizes,
    partySteps: { host: hostSteps.total, hostDistinct: hostSteps.size, core: coreSteps.total, coreDistinct: coreSteps.size },
  }),
);
