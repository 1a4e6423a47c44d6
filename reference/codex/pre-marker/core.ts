/**
 * Core before the `ClosedBeforeReady` marker: the revision review comment 1 targets, where
 * `cell_closed` → `close_cell` is a plain removal and readiness inserts a fresh open gate.
 *
 * Provenance: no stored commit of the PR stack holds this revision of delegate.rs (the stored
 * 28536e0b already has the marker; the stack's pre-PR 18fb5edd has no `cell_closed`). The gate
 * functions are taken from the stored upstream `codex-rs/core/src/tools/code_mode/delegate.rs` at
 * b0cf57bdeb4d78527f52cb815e69ea13cfd514ba, which has exactly the code comment 1 describes:
 * - `mark_cell_ready_for_dispatch`: `dispatch_gate(..)` (entry or insert `watch::channel(false)`)
 *   then `send_replace(true)`: an absent entry becomes an open gate;
 * - `close_cell` → `remove_dispatch_gate`: a plain removal; `cell_closed` calls `close_cell`.
 * `forget_cell` (28536e0b) is a plain removal too. Everything else (Host, handlers, guard) is the
 * PR port: the reconstruction assumes the marker was the only change between the revisions.
 */
import type { CellId } from "../../../protocol/index.ts";
import { CodexCore } from "../pr-29310/core.ts";

export class PlainRemovalCore extends CodexCore {
  /** `mark_cell_ready_for_dispatch` (delegate.rs@b0cf57bd): get or insert `Waiting(false)`, then `send_replace(true)`. */
  protected override markCellReadyForDispatch(cell: CellId): void {
    this.gates.set(cell, { kind: "waiting", ready: true });
  }

  /** `close_cell` → `remove_dispatch_gate` (delegate.rs@b0cf57bd): remove whatever is there. */
  protected override closeCell(cell: CellId): void {
    this.gates.delete(cell);
  }
}
