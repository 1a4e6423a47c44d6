/**
 * How much of the exhaustive search's work repeats in its parts: over one full search of the
 * reference, how many distinct values each part of a reached state takes (Host, Core, the
 * model, the channels), and how many distinct (party state, input) pairs the parties' steps
 * are. A search that kept a state as a tuple of part numbers and memoised each part's steps
 * (what a model checker's compiled transitions amount to) would run the parties only for the
 * distinct pairs; these counts say how much that could save before anyone builds it.
 *
 * It also counts, over every executed step (search moves and drain steps alike), the distinct
 * (model state, input) pairs (what a memo of the model's step would run) and the distinct raw
 * states a step ends in, before any renaming (model, both parties, channel contents: what a memo
 * of the search key on the identity of the parts would render).
 *
 *   npx tsx bench/decomposition.ts '{"cells":2,"requests":1,"depth":80,"dispatch":false}'
 *
 * Prints one JSON line. Slow (every step is snapshotted and rendered as text): a measurement,
 * not a search to time.
 */
import type { Implementation, Instance } from "../protocol/index.ts";
import { createHash } from "node:crypto";
import { exhaustive, type ExhaustiveOptions } from "../properties/index.ts";
import { HarnessRun } from "../properties/run/run.ts";
import { referenceCase } from "./reference-case.ts";

const options = JSON.parse(process.argv[2] ?? "{}") as ExhaustiveOptions & { dispatch?: boolean };
const inner = referenceCase(options.dispatch !== false);

/** Distinct texts, counted (kept as 96-bit digests: over a million steps the texts would not fit in memory). */
class Distinct {
  private readonly seen = new Set<string>();
  total = 0;
  add(text: string): void {
    this.total++;
    this.seen.add(createHash("sha1").update(text).digest("base64").slice(0, 16));
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
  parts.channels.add(channelsText(run));
};

const modelSteps = new Distinct();
const stepEnds = new Distinct();
const channelsText = (run: HarnessRun): string => text(run.channels.order.map((_, k) => run.channels.messagesAt(k)));
/** Every executed step observed around the run's own step (a measurement hook: `execute` is private). */
const proto = HarnessRun.prototype as unknown as { execute(this: HarnessRun, r: { channel?: string; event?: unknown }): void };
const execute = proto.execute;
proto.execute = function (this: HarnessRun, r) {
  const input = r.channel !== undefined ? this.channels.peek(r.channel as never) : r.event;
  modelSteps.add(text(this.state) + "|" + text(input));
  execute.call(this, r);
  stepEnds.add(text(this.state) + "|" + text(this.instance.snapshot?.()) + "|" + channelsText(this));
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
    steps: { executed: modelSteps.total, distinctModelAndInput: modelSteps.size, distinctRawStatesAfter: stepEnds.size },
  }),
);
