/**
 * The rare orderings the harness counts. Each is a race the review of PR #29310 (or the codex
 * tests) names; a run that never reaches one has not tested it.
 */
import type { Message } from "../../protocol/index.ts";
import type { ModelState } from "../../model/index.ts";
import type { Channels } from "./channels.ts";

export const ORDERINGS = [
  "close-before-ready",
  "cancel-then-close",
  "terminate-between-commit-and-deliver",
  "forget-vs-close",
  "shutdown-mid-drain",
] as const;
export type Ordering = (typeof ORDERINGS)[number];

export const ORDERING_TEXT: Readonly<Record<Ordering, string>> = {
  "close-before-ready": "cell_closed reaches Core before its readiness call (R1)",
  "cancel-then-close": "cell_closed reaches Core after the initial observation was cancelled (bug 2)",
  "terminate-between-commit-and-deliver": "terminate reaches the Host between the completion commit and its delivery (R3, bug 3)",
  "forget-vs-close": "Core's forget and cell_closed are in flight together (R2)",
  "shutdown-mid-drain": "shutdown while a natural completion is committing or delivering",
};

/** Which orderings delivering `m` hits, judged before the delivery. */
export function orderingsOfDelivery(m: Message, state: ModelState, channels: Channels): Ordering[] {
  const hits: Ordering[] = [];
  if (m.type === "cell_closed") {
    const c = state.cells.get(m.cell);
    if (c !== undefined && !c.ready) hits.push("close-before-ready");
    for (const r of state.requests.values()) {
      if (r.cell === m.cell && r.kind === "observe" && r.initial && r.cancelled) {
        hits.push("cancel-then-close");
        break;
      }
    }
    if (channels.has("core:self", (x) => x.type === "forget" && x.cell === m.cell)) hits.push("forget-vs-close");
  } else if (m.type === "forget") {
    if (channels.has("host⇢core", (x) => x.cell === m.cell)) hits.push("forget-vs-close");
  } else if (m.type === "terminate") {
    if (channels.has(`host:${m.cell}`, (x) => x.type === "deliver_completion")) hits.push("terminate-between-commit-and-deliver");
  }
  return hits;
}

/** Does a shutdown now hit shutdown-mid-drain? */
export function shutdownMidDrain(cells: readonly string[], channels: Channels): boolean {
  return cells.some((c) => channels.has(`host:${c}`, (x) => x.type === "commit" || x.type === "deliver_completion"));
}
