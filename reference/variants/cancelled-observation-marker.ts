/**
 * bug-cancelled-observation-marker (review comment 2, the code at openai/codex@28536e0b): the gate
 * is created at readiness; an absent entry at close is read as "closed before ready" and a marker
 * is inserted; the cancelled initial observation's guard removes the gate synchronously, so the
 * marker that the later `cell_closed` leaves is never consumed.
 */
import type { CellId, Message, ReqId } from "../../protocol/index.ts";
import { Core } from "../core.ts";
import { implementation } from "../reference.ts";

export class MarkerCore extends Core {
  protected override admit(): void {
    // no entry at admission
  }
  protected override markReady(cell: CellId): void {
    const g = this.gates.get(cell);
    if (g === "marker") this.gates.delete(cell);
    else this.gates.set(cell, "open");
  }
  protected override closeGate(cell: CellId): void {
    const g = this.gates.get(cell);
    if (g === "open") this.gates.delete(cell);
    else if (g === undefined) this.gates.set(cell, "marker");
  }
  protected override forget(cell: CellId): void {
    this.gates.delete(cell);
  }
  protected override onInitialObservationCancelled(cell: CellId, req: ReqId, out: Message[]): void {
    this.closeGate(cell);
    out.push({ type: "terminate", cell, req });
  }
}

export const cancelledObservationMarker = implementation(
  "bug-cancelled-observation-marker",
  "an absent entry at close is taken for 'closed before ready' and gets a marker that no readiness call consumes",
  undefined,
  () => new MarkerCore(),
);
