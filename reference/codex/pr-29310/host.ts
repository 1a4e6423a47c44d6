/**
 * Port of the Host's session layer around the cell actors: the protocol service, the session
 * runtime's registry, `CellHandle` and `RuntimeCellHost`. Sources, all at openai/codex
 * 28536e0bb5af9b9dc240c26a484aeb729cd48896 (PR #29310):
 * - `codex-rs/code-mode/src/service.rs`: `CodeModeService::{create_cell, observe, terminate,
 *   shutdown}`, `begin_observe_runtime`, `ProtocolDelegate::cell_closed`;
 * - `codex-rs/code-mode/src/session_runtime/mod.rs`: `SessionRuntime::{create_cell, start_cell,
 *   begin_wait, terminate, shutdown, begin_shutdown}`, `RuntimeCellHost::{terminal, closed}`;
 * - `codex-rs/code-mode/src/cell_actor/types.rs`: `CellHandle::{observe, terminate}`.
 * The actor loop itself is in cell-actor.ts, `CellState` in cell-state.ts.
 *
 * Facts of the Rust code that shape this port:
 * - `CodeModeService::observe` spawns a task that owns the runtime's observation future (and so
 *   the oneshot receiver) and publishes its result into an `ObservationRecord` keyed by the
 *   request's idempotency key. Dropping Core's future never reaches the actor: the Host ignores
 *   `drop_observation`, the observer stays attached and is answered later. The records are never
 *   evicted at this commit (eviction is #29401); each harness request has its own id, so no
 *   record is ever read twice and they are left out of the state.
 * - `CellHandle::observe` answers Closed (→ `missing`) at once unless the phase is Running or
 *   Completed with the token live; otherwise it queues `CellCommand::Observe` in the actor's
 *   unbounded mpsc channel, which the actor takes only when it is back in its select.
 * - `CellHandle::terminate` runs `request_termination` synchronously in the caller's task.
 * - `cell_closed` goes out through `RuntimeCellHost::terminal`, guarded by the
 *   `terminal_notified` swap: from the Result branch after a successful commit, or from
 *   `closed()` at actor exit, after the registry entry is removed.
 */
import type { AttachedObserver, CellId, HostInput, Message, ReqId } from "../../../protocol/index.ts";
import { assertNever } from "../../../protocol/index.ts";
import { decodeFields, encodeFields, type PartyState } from "../../snapshot.ts";
import { CellActors, newActorCell, type ActorCell } from "./cell-actor.ts";
import { acceptingObservations, requestTermination } from "./cell-state.ts";

export class CodexHost extends CellActors {
  /** `Inner::shutdown_token` is cancelled (session_runtime/mod.rs@28536e0b). */
  protected shutDown = false;

  step(input: HostInput): Message[] {
    const out: Message[] = [];
    switch (input.type) {
      case "create_cell":
        this.createCell(input.cell, out);
        break;
      case "observe":
        this.observe(input.cell, input.req, out);
        break;
      case "drop_observation":
        // Core dropped its `observe` future; the service's spawned task still holds the receiver.
        break;
      case "terminate":
        this.terminate(input.cell, input.req, out);
        break;
      case "shutdown":
        this.shutdown(out);
        break;
      case "js_yield":
        this.withCell(input.cell, (c) => this.onYieldRequested(input.cell, c, out));
        break;
      case "js_complete":
        this.withCell(input.cell, (c) => this.onResult(input.cell, c, out));
        break;
      case "commit":
        this.withCell(input.cell, (c) => this.onCommit(input.cell, c, out));
        break;
      case "deliver_completion":
        this.withCell(input.cell, (c) => this.onDeliverCompletion(input.cell, c, out));
        break;
      case "actor_exit":
        this.withCell(input.cell, (c) => this.onCancelled(input.cell, c, out));
        break;
      case "js_tool_call":
      case "dispatch":
        // Callbacks are not ported (no dispatch offered; the harness never sends these).
        break;
      default:
        assertNever(input);
    }
    return out;
  }

  /** The observations the actors hold in their observer slot (protocol version 2); queued commands are not attached. */
  observers(): AttachedObserver[] {
    const rows: AttachedObserver[] = [];
    for (const [cell, c] of this.cells) if (c.observer !== undefined) rows.push({ cell, req: c.observer });
    return rows;
  }

  snapshot(base?: PartyState): PartyState {
    return encodeFields(this, base);
  }

  restore(s: PartyState, base?: PartyState): void {
    decodeFields(this, s, base);
  }

  private withCell(cell: CellId, f: (c: ActorCell) => void): void {
    const c = this.cells.get(cell);
    if (c !== undefined) f(c);
  }

  /**
   * `CodeModeService::create_cell` → `SessionRuntime::create_idempotent_cell` → `start_cell`
   * (session_runtime/mod.rs@28536e0b): refused once shutdown began (checked again under the
   * registry lock); otherwise registered, the actor spawned (it runs at once), and the id returned.
   * The same idempotency key returns the existing id.
   */
  protected createCell(cell: CellId, out: Message[]): void {
    if (this.cells.has(cell)) {
      out.push({ type: "created", cell });
      return;
    }
    if (this.shutDown) {
      out.push({ type: "rejected", cell });
      return;
    }
    this.cells.set(cell, newActorCell());
    out.push({ type: "created", cell });
  }

  /**
   * `CodeModeService::observe` (service.rs@28536e0b) spawns `begin_observe_runtime`:
   * `runtime.cell(id)` (no registry entry → Missing), `begin_wait` → `CellHandle::observe(YieldAfter)`
   * (types.rs@28536e0b): not accepting → Closed → Missing; else the command is queued and the
   * actor takes it when it is in its select.
   */
  protected observe(cell: CellId, req: ReqId, out: Message[]): void {
    const c = this.cells.get(cell);
    if (c === undefined || !c.registered || !acceptingObservations(c.state) || !c.commandRx) {
      out.push({ type: "observe_outcome", cell, req, outcome: "missing" });
      return;
    }
    c.commands.push(req);
    this.resumeSelect(cell, c, out);
  }

  /**
   * `CodeModeService::terminate` → `SessionRuntime::terminate` (registry lookup; absent → Missing)
   * → `CellHandle::terminate` → `CellState::request_termination`, in the caller's task. Closed →
   * Missing; AlreadyTerminating is an error string at the service (the wire word `already_terminating`).
   */
  protected terminate(cell: CellId, req: ReqId, out: Message[]): void {
    const c = this.cells.get(cell);
    if (c === undefined || !c.registered) {
      out.push({ type: "terminate_outcome", cell, req, outcome: "missing" });
      return;
    }
    const result = requestTermination(c.state, req);
    switch (result) {
      case "pending":
        break; // answered by the actor's finish_termination
      case "completed":
        out.push({ type: "terminate_outcome", cell, req, outcome: "completed" });
        break;
      case "already_terminating":
        out.push({ type: "terminate_outcome", cell, req, outcome: "already_terminating" });
        return;
      case "closed":
        out.push({ type: "terminate_outcome", cell, req, outcome: "missing" });
        return;
    }
    this.wake(cell, c, out); // the token was cancelled
  }

  /**
   * `SessionRuntime::shutdown` → `begin_shutdown` (session_runtime/mod.rs@28536e0b): cancel the
   * session token, the parent of every cell token; phases are not changed. Each actor in its
   * select takes its cancellation branch (an `actor_exit` hop). The wait on the task tracker is
   * the caller's, not the Host's.
   */
  protected shutdown(out: Message[]): void {
    this.shutDown = true;
    for (const [cell, c] of this.cells) {
      if (!c.registered) continue;
      c.state.cancelled = true;
      this.wake(cell, c, out);
    }
  }

  /** `RuntimeCellHost::terminal` (session_runtime/mod.rs@28536e0b): `cell_closed` once, by the `terminal_notified` swap. */
  protected terminal(cell: CellId, c: ActorCell, out: Message[]): void {
    if (c.terminalNotified) return;
    c.terminalNotified = true;
    out.push({ type: "cell_closed", cell }); // ProtocolDelegate::cell_closed → the Core delegate
  }

  /** `RuntimeCellHost::closed` (session_runtime/mod.rs@28536e0b): remove the registry entry, then `terminal()` (the idempotent fallback). */
  protected closed(cell: CellId, c: ActorCell, out: Message[]): void {
    c.registered = false;
    this.terminal(cell, c, out);
  }
}
