/**
 * bug-dispatch-shadow-table: Core's dispatch worker drops a cell's gate on a `yielded` reply (the
 * fault of bug-forget-on-yield), but the gate table Core reports is kept apart and still says
 * `open`. Judged by the table alone it conforms; a nested tool call of the still-running cell
 * is refused — the gate judged by its effect.
 */
import type { CellId, CoreInput, DispatchDecision, Message } from "../../protocol/index.ts";
import { Core } from "../core.ts";
import { implementation } from "../reference.ts";

export class ShadowTableCore extends Core {
  /** The cells whose real gate the dispatch worker dropped. */
  private readonly dropped = new Set<CellId>();

  override step(input: CoreInput): Message[] {
    if (input.type === "observe_outcome" && input.outcome === "yielded") this.dropped.add(input.cell);
    return super.step(input);
  }

  protected override decisionFor(cell: CellId): DispatchDecision {
    return this.dropped.has(cell) ? "refused" : super.decisionFor(cell);
  }
}

export const dispatchShadowTable = implementation(
  "bug-dispatch-shadow-table",
  "the dispatch worker drops the gate on a yielded reply while the reported table still says open",
  undefined,
  () => new ShadowTableCore(),
  true,
);
