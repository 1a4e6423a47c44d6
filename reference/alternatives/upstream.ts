/**
 * alt-upstream: a second correct Core design, after the later upstream Core (cell-lifecycle.md §5):
 * no entry before readiness; readiness opens the gate unless `cell_closed` already arrived, which
 * Core remembers outside the table (so nothing can leak as a marker). The Host is the reference's.
 * It exists to show that the invariants bound the table instead of demanding one layout.
 *
 * (The later upstream Host also sends `cell_closed` only at actor exit, so a completion buffered
 * with no observer keeps its gate until someone reads it: that is the fault PR #29310 set out to
 * remove, and it is the variant `bug-close-only-at-exit`.)
 */
import type { CellId } from "../../protocol/index.ts";
import { Core } from "../core.ts";
import { implementation } from "../reference.ts";

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
  "a second correct Core design: gate created at readiness, early close remembered outside the table",
  undefined,
  () => new UpstreamCore(),
  true,
);
