/**
 * Race 2 fixed, the smallest change to the port of `close_dispatch_gate`
 * (openai/codex `codex-rs/core/src/tools/code_mode/delegate.rs` at
 * 28536e0bb5af9b9dc240c26a484aeb729cd48896; review comment 2).
 *
 * The PR's vacant arm reads an absent entry as "closed before ready" and inserts the marker, but
 * an entry is also absent after the only readiness call passed and the guard's `close_cell` or
 * Core's `forget_cell` removed the gate; that marker is never consumed. The fix: the broker
 * remembers which cells its readiness call has seen (`mark_cell_ready_for_dispatch` inserts the
 * id), and the vacant arm inserts the marker only for a cell not in that set. Diff against the PR:
 *
 *     fn mark_cell_ready_for_dispatch(..)   { ready_seen.insert(cell_id.clone()); ...as before... }
 *     fn close_dispatch_gate(..) {
 *         ...
 *   -     Entry::Vacant(entry) => { entry.insert(DispatchGate::ClosedBeforeReady); }
 *   +     Entry::Vacant(entry) if !ready_seen.contains(cell_id) => { entry.insert(DispatchGate::ClosedBeforeReady); }
 *   +     Entry::Vacant(_) => {}
 *     }
 *
 * Cost, stated plainly: `ready_seen` keeps one id per cell for the session's life (outside the
 * gate table; the harness does not see it). Bounding it needs the "consumer finished" event the
 * reviewer asked to linearize.
 */
import type { CellId } from "../../../protocol/index.ts";
import { CodexCore } from "../pr-29310/core.ts";
import { markCellReadyForDispatch } from "../pr-29310/dispatch-gates.ts";

export class ReadinessAwareCore extends CodexCore {
  /** Cells whose `mark_cell_ready_for_dispatch` has run. */
  protected readonly readySeen = new Set<CellId>();

  protected override markCellReadyForDispatch(cell: CellId): void {
    this.readySeen.add(cell);
    markCellReadyForDispatch(this.gates, cell);
  }

  protected override closeCell(cell: CellId): void {
    if (!this.gates.has(cell) && this.readySeen.has(cell)) return; // vacant after readiness: nothing to close
    super.closeCell(cell);
  }
}
