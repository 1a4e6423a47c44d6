/**
 * Port of Core's dispatch gates: `CodeModeDispatchBroker`'s gate map and its three operations.
 * Source: `codex-rs/core/src/tools/code_mode/delegate.rs` as of openai/codex main merged into
 * ericjuta/codex at 13ba8058f294723c47dba5c47ca58cf090f04781 (blob acb4546840; last changed by
 * upstream 4cc6a4bab, #29547).
 *
 * `dispatch_gates: Mutex<HashMap<CellId, watch::Sender<bool>>>`: `false` holds the cell's nested
 * tool calls and notifications back (`waiting`), `true` lets them through (`open`). There is no
 * marker: every operation is a plain insert, update or removal under the mutex.
 * - `mark_cell_ready_for_dispatch`: `dispatch_gate(..)` inserts `false` if absent, then
 *   `send_replace(true)`: the entry is `open`, whatever was there, absent included.
 * - `close_cell` (`remove_dispatch_gate`): removal. It is what both `cell_closed` (the broker is the
 *   session delegate) and `CodeModeService::finish_cell_dispatch` (mod.rs) do.
 * - A dispatch worker waiting on an absent gate would insert `waiting` (`dispatch_gate`), and one
 *   whose wait is cancelled removes it; callbacks are left out of the harness, so neither happens.
 */
import type { CellId, GateEntry, GateKind } from "../../../protocol/index.ts";

/** `dispatch_gates` (delegate.rs@13ba8058f): a plain Map, so that the Core's snapshot restores it as one. */
export type DispatchGates = Map<CellId, GateKind>;

/** `CodeModeDispatchBroker::mark_cell_ready_for_dispatch` (delegate.rs@13ba8058f). */
export function markCellReadyForDispatch(gates: DispatchGates, cell: CellId): void {
  gates.set(cell, "open");
}

/** `CodeModeDispatchBroker::close_cell` → `remove_dispatch_gate` (delegate.rs@13ba8058f). */
export function closeCell(gates: DispatchGates, cell: CellId): void {
  gates.delete(cell);
}

export function gateTable(gates: DispatchGates): GateEntry[] {
  const rows: GateEntry[] = [];
  for (const [cell, kind] of gates) rows.push({ cell, kind });
  return rows;
}
