/**
 * bug-completion-into-dropped-observer: a drop that arrives while a committed completion is being
 * delivered detaches the observer, but the delivery already holds that observer's reply channel
 * and sends into it anyway, counting the send as done although its receiver is gone: the
 * completion is not put back into the buffer. The cell is retired, and the next wait is told
 * `missing` — the result of the JavaScript is lost for good.
 */
import type { CellId, Message, ReqId } from "../../protocol/index.ts";
import { Host } from "../host.ts";
import { implementation } from "../reference.ts";

export class CompletionIntoDroppedHost extends Host {
  /** Per cell, the reply channel the delivery took before the drop arrived. */
  private readonly taken = new Map<CellId, ReqId>();

  protected override onDrop(cell: CellId, req: ReqId): void {
    const c = this.cells.get(cell);
    if (c !== undefined && c.delivering && c.observer === req) this.taken.set(cell, req);
    super.onDrop(cell, req);
  }

  protected override onDeliverCompletion(cell: CellId, out: Message[]): void {
    const c = this.cells.get(cell);
    const req = this.taken.get(cell);
    this.taken.delete(cell);
    if (c !== undefined && c.delivering && c.observer === undefined && req !== undefined) {
      c.delivering = false;
      out.push({ type: "observe_outcome", cell, req, outcome: "completed" });
      this.retire(cell, c, out);
      return;
    }
    super.onDeliverCompletion(cell, out);
  }
}

export const completionIntoDroppedObserver = implementation(
  "bug-completion-into-dropped-observer",
  "a completion delivered into an observation dropped meanwhile is not re-buffered; the next wait gets missing",
  () => new CompletionIntoDroppedHost(),
);
