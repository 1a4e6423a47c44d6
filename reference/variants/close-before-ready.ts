/**
 * bug-close-before-ready (review comment 1): the gate is created at readiness and `cell_closed`
 * on an absent entry does nothing, so a readiness call after an early close opens a fresh gate
 * that nothing removes.
 */
import type { CellId } from "../../protocol/index.ts";
import { Core } from "../core.ts";
import { implementation } from "../reference.ts";

export class CloseBeforeReadyCore extends Core {
  protected override admit(): void {
    // no entry at admission
  }
  protected override markReady(cell: CellId): void {
    if (!this.gates.has(cell)) this.gates.set(cell, "open");
  }
  protected override closeGate(cell: CellId): void {
    this.gates.delete(cell);
  }
}

export const closeBeforeReady = implementation(
  "bug-close-before-ready",
  "cell_closed on an absent entry does nothing, so a later readiness call opens a gate nothing removes",
  undefined,
  () => new CloseBeforeReadyCore(),
);
