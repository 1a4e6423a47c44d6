/**
 * alt-upstream: a second correct design, after the later upstream code (cell-lifecycle.md §5).
 * - Host: `cell_closed` is sent only when the cell's actor is done: a buffered completion keeps
 *   the cell (and its gate) until an observer or a terminator reads it.
 * - Core: no entry before readiness; readiness opens the gate unless `cell_closed` already
 *   arrived, which Core remembers outside the table (so nothing can leak as a marker).
 * It exists to show that the invariants bound the table instead of demanding one layout.
 */
import type { CellId, Message } from "../../protocol/index.ts";
import { Core } from "../core.ts";
import { Host, type HostCell } from "../host.ts";
import { implementation } from "../reference.ts";

export class UpstreamHost extends Host {
  protected override notifyClosed(cell: CellId, c: HostCell, out: Message[]): void {
    if (c.phase !== "gone") return; // only at actor exit
    super.notifyClosed(cell, c, out);
  }
}

export class UpstreamCore extends Core {
  private readonly closedEarly = new Set<CellId>();

  protected override admit(): void {
    // the gate is created at readiness
  }
  protected override markReady(cell: CellId): void {
    if (this.closedEarly.delete(cell)) return;
    this.gates.set(cell, "open");
  }
  protected override closeGate(cell: CellId): void {
    if (this.gates.delete(cell)) return;
    if (!this.cell(cell).ready) this.closedEarly.add(cell);
  }
}

export const upstream = implementation(
  "alt-upstream",
  "a second correct design: close at actor exit, gate created at readiness, early close remembered outside the table",
  () => new UpstreamHost(),
  () => new UpstreamCore(),
);
