/**
 * bug-completion-into-dropped-observer: a drop that arrives while a committed completion is being
 * delivered is ignored (the delivery already holds the observer's reply channel), and the
 * delivery counts the send as done although its receiver is gone: the completion is not put back
 * into the buffer. The cell is retired, and the next wait is told `missing` — the result of the
 * JavaScript is lost for good.
 */
import type { CellId, ReqId } from "../../protocol/index.ts";
import { Host } from "../host.ts";
import { implementation } from "../reference.ts";

export class CompletionIntoDroppedHost extends Host {
  protected override onDrop(cell: CellId, req: ReqId): void {
    const c = this.cells.get(cell);
    if (c !== undefined && c.delivering) return; // the delivery task already took the observer
    super.onDrop(cell, req);
  }
}

export const completionIntoDroppedObserver = implementation(
  "bug-completion-into-dropped-observer",
  "a completion delivered into an observation dropped meanwhile is not re-buffered; the next wait gets missing",
  () => new CompletionIntoDroppedHost(),
);
