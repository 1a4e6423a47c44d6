/**
 * Port of Core's dispatch-gate map. Source: openai/codex
 * `codex-rs/core/src/tools/code_mode/delegate.rs` at 28536e0bb5af9b9dc240c26a484aeb729cd48896
 * (PR #29310): `enum DispatchGate`, `CodeModeDispatchBroker::{mark_cell_ready_for_dispatch,
 * forget_cell}`, the free function `close_dispatch_gate`. Each runs under the map's std mutex,
 * synchronously, so each is one atomic step.
 *
 * `wait_until_cell_ready_for_dispatch` (the dispatch worker inserting `Waiting(false)` for a
 * callback that arrives before readiness, and refusing on the marker) is not reachable: the
 * protocol has no callbacks.
 */
import type { CellId, GateEntry } from "../../../protocol/index.ts";

/** `enum DispatchGate { Waiting(watch::Sender<bool>), ClosedBeforeReady }`; the watch value is `ready`. */
export type DispatchGate = { readonly kind: "waiting"; readonly ready: boolean } | { readonly kind: "closed_before_ready" };

export type DispatchGates = Map<CellId, DispatchGate>;

/**
 * `mark_cell_ready_for_dispatch` (delegate.rs@28536e0b): `Waiting` → `send_replace(true)`;
 * `ClosedBeforeReady` → the marker is consumed (entry removed); vacant → insert `Waiting(true)`.
 */
export function markCellReadyForDispatch(gates: DispatchGates, cell: CellId): void {
  const gate = gates.get(cell);
  if (gate === undefined) gates.set(cell, { kind: "waiting", ready: true });
  else if (gate.kind === "waiting") gates.set(cell, { kind: "waiting", ready: true });
  else gates.delete(cell);
}

/**
 * `close_dispatch_gate` (delegate.rs@28536e0b), behind `close_cell` and the delegate's
 * `cell_closed`: `Waiting(true)` → remove; `Waiting(false)` → the marker; marker → no-op;
 * vacant → insert the marker. The vacant arm is review comment 2: an absent entry is read as
 * "closed before ready" even after the only readiness call has passed.
 */
export function closeDispatchGate(gates: DispatchGates, cell: CellId): void {
  const gate = gates.get(cell);
  if (gate === undefined) gates.set(cell, { kind: "closed_before_ready" });
  else if (gate.kind === "waiting" && gate.ready) gates.delete(cell);
  else if (gate.kind === "waiting") gates.set(cell, { kind: "closed_before_ready" });
}

/** `forget_cell` (delegate.rs@28536e0b), behind Core's `finish_cell_dispatch`: a plain removal. */
export function forgetCell(gates: DispatchGates, cell: CellId): void {
  gates.delete(cell);
}

/** The gate table in the protocol's words: `Waiting(false)` waiting, `Waiting(true)` open, the marker a marker. */
export function gateRows(gates: DispatchGates): GateEntry[] {
  const rows: GateEntry[] = [];
  for (const [cell, gate] of gates) {
    rows.push({ cell, kind: gate.kind === "closed_before_ready" ? "marker" : gate.ready ? "open" : "waiting" });
  }
  return rows;
}
