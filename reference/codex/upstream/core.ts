/**
 * Port of Core's code-mode side: the exec and wait handlers and the `CodeModeService` calls they
 * make, as of openai/codex main merged into ericjuta/codex at 13ba8058f294723c47dba5c47ca58cf090f04781:
 * - `codex-rs/core/src/tools/code_mode/execute_handler.rs` (blob 8374ae1ca4; upstream 84fe70c30,
 *   #30627): `CodeModeExecuteHandler::execute`;
 * - `codex-rs/core/src/tools/code_mode/wait_handler.rs` (blob c3c867f3ef; upstream 84fe70c30,
 *   #30627): `CodeModeWaitHandler::handle_call` (`wait`, and `wait` with `terminate: true`);
 * - `codex-rs/core/src/tools/code_mode/mod.rs` (blob ad746a1de2; upstream 7d8906b47, #30142):
 *   `CodeModeService::{execute, wait, terminate, mark_cell_ready_for_dispatch, finish_cell_dispatch}`;
 * - `codex-rs/core/src/tools/code_mode/delegate.rs`: the gates (dispatch-broker.ts) and
 *   `CodeModeSessionDelegate::cell_closed` → `close_cell`.
 *
 * The exec handler: `execute(..).await` (create + initial observer, one call: `create_cell` and the
 * fused `observe(cell, req)`), then — with no `.await` in between — `start_code_cell_trace`,
 * `mark_cell_ready_for_dispatch` (the `mark_ready` event), then `initial_response().await`; if that
 * response is not `Yielded`, `finish_cell_dispatch`. An `Err` response (`missing` here) returns the
 * error with `?`: no finish. The wait handler: `wait` or `terminate`, then `finish_cell_dispatch`
 * only for a `LiveCell` response that is not `Yielded` (`MissingCell` and errors: none).
 * `finish_cell_dispatch` runs synchronously right after the read in Rust; it is a pure removal,
 * sent here as the `forget` hop on `core:self` (which only adds interleavings).
 *
 * Cancellation: at this commit Core has no guard on the exec call. Dropping the exec handler while
 * it awaits `initial_response()` drops the `StartedCell` receiver only; the service's spawned task
 * still holds the actor's initial receiver (host.ts), so nothing reaches the Host and nothing is
 * terminated: `cancel_observe` of the initial read emits nothing. (`terminate_abandoned_cell`
 * exists only in the process-owned session client, remote_session/connection/driver/responses.rs,
 * for an `execute` whose caller was already gone when `ExecutionStarted` arrived.) Dropping a wait
 * drops its receiver: `drop_observation`.
 */
import type { CellId, CoreInput, GateEntry, Message, ObserveOutcome, ReqId } from "../../../protocol/index.ts";
import { decodeFields, encodeFields, type PartyState } from "../../snapshot.ts";
import { closeCell, gateTable, markCellReadyForDispatch, type DispatchGates } from "./dispatch-broker.ts";

/** One `CodeModeExecuteHandler::execute` call (execute_handler.rs@13ba8058f). */
interface ExecCall {
  /** The request id of its initial read (the fused observation). */
  readonly req: ReqId;
  /** `executing`: in `execute(..).await`; `started`: it returned Ok; `done`: the handler is over. */
  stage: "executing" | "started" | "done";
  /** The handler future was dropped (the turn was interrupted). */
  cancelled: boolean;
  /** `mark_cell_ready_for_dispatch` ran; the handler is in `initial_response().await`. */
  ready: boolean;
  /** The initial response arrived before the handler awaited it (it waits in the oneshot). */
  held: ObserveOutcome | null;
}

export class CodexUpstreamCore {
  /** `CodeModeDispatchBroker::dispatch_gates` (delegate.rs@13ba8058f). */
  protected gates: DispatchGates = new Map();
  protected execs = new Map<CellId, ExecCall>();
  /** Wait handlers in `wait(..).await`, by observation id. */
  protected waits = new Map<ReqId, CellId>();
  /** Wait handlers with `terminate: true` in `terminate(..).await`, by request id. */
  protected terminates = new Map<ReqId, CellId>();

  step(input: CoreInput): Message[] {
    const out: Message[] = [];
    switch (input.type) {
      case "exec_create": {
        if (input.req === undefined) throw new Error("codex-upstream speaks protocol 2: exec_create needs the initial observation's req");
        // CodeModeService::execute → CodeModeSession::execute: one call, create + initial observer.
        this.execs.set(input.cell, { req: input.req, stage: "executing", cancelled: false, ready: false, held: null });
        out.push({ type: "create_cell", cell: input.cell }, { type: "observe", cell: input.cell, req: input.req });
        break;
      }
      case "created": {
        const e = this.execs.get(input.cell);
        if (e !== undefined && e.stage === "executing") e.stage = "started";
        break;
      }
      case "rejected": {
        // execute(..).await returned Err: `map_err(RespondToModel)?` — the handler returns.
        const e = this.execs.get(input.cell);
        if (e !== undefined) e.stage = "done";
        break;
      }
      case "mark_ready":
        this.markReady(input.cell, out);
        break;
      case "wait_observe":
        this.waits.set(input.req, input.cell);
        out.push({ type: "observe", cell: input.cell, req: input.req });
        break;
      case "cancel_observe":
        this.cancel(input.cell, input.req, out);
        break;
      case "user_terminate":
        this.terminates.set(input.req, input.cell);
        out.push({ type: "terminate", cell: input.cell, req: input.req });
        break;
      case "observe_outcome":
        this.observeOutcome(input.cell, input.req, input.outcome, out);
        break;
      case "terminate_outcome":
        // wait_handler.rs: `LiveCell(Terminated | Result)` → finish_cell_dispatch;
        // `MissingCell` and `Err(AlreadyTerminating)` → nothing.
        if (this.terminates.delete(input.req) && (input.outcome === "completed" || input.outcome === "terminated")) {
          out.push({ type: "forget", cell: input.cell });
        }
        break;
      case "cell_closed":
        // CodeModeSessionDelegate::cell_closed → close_cell (delegate.rs@13ba8058f).
        closeCell(this.gates, input.cell);
        break;
      case "forget":
        // CodeModeService::finish_cell_dispatch → close_cell (mod.rs@13ba8058f).
        closeCell(this.gates, input.cell);
        break;
      default:
        // Nested tool calls (version 2 `dispatch`) are not offered: the harness sends none.
        throw new Error(`codex-upstream Core: unsupported input ${(input as { type: string }).type}`);
    }
    return out;
  }

  gateTable(): GateEntry[] {
    return gateTable(this.gates);
  }

  snapshot(base?: PartyState): PartyState {
    return encodeFields(this, base);
  }

  restore(s: PartyState, base?: PartyState): void {
    decodeFields(this, s, base);
  }

  /**
   * execute_handler.rs@13ba8058f: `mark_cell_ready_for_dispatch(&cell_id)`, then
   * `initial_response().await`. Only the exec handler makes this call, right after `execute`
   * returned: a handler that was dropped makes none (in Rust it can only be dropped at one of its
   * two awaits, `execute` before the call or `initial_response` after it).
   */
  protected markReady(cell: CellId, out: Message[]): void {
    const e = this.execs.get(cell);
    if (e === undefined || e.cancelled || e.stage !== "started" || e.ready) return;
    markCellReadyForDispatch(this.gates, cell);
    e.ready = true;
    if (e.held !== null) {
      const held = e.held;
      e.held = null;
      this.readInitial(cell, e, held, out);
    }
  }

  protected cancel(cell: CellId, req: ReqId, out: Message[]): void {
    const e = this.execs.get(cell);
    if (e !== undefined && e.req === req && e.stage !== "done" && !e.cancelled) {
      e.cancelled = true; // the StartedCell receiver goes; the Host never hears of it
      return;
    }
    if (this.waits.delete(req)) out.push({ type: "drop_observation", cell, req });
  }

  protected observeOutcome(cell: CellId, req: ReqId, outcome: ObserveOutcome, out: Message[]): void {
    const e = this.execs.get(cell);
    if (e !== undefined && e.req === req) {
      if (e.stage === "done") return;
      if (e.cancelled) {
        e.stage = "done"; // it lands in the dropped StartedCell receiver
        return;
      }
      if (!e.ready) {
        e.held = outcome;
        return;
      }
      this.readInitial(cell, e, outcome, out);
      return;
    }
    // wait_handler.rs@13ba8058f: `LiveCell` not `Yielded` → finish_cell_dispatch.
    if (this.waits.delete(req) && (outcome === "completed" || outcome === "terminated")) {
      out.push({ type: "forget", cell });
    }
  }

  /** execute_handler.rs@13ba8058f: the initial response is read; not `Yielded` → `finish_cell_dispatch`. */
  protected readInitial(cell: CellId, e: ExecCall, outcome: ObserveOutcome, out: Message[]): void {
    e.stage = "done";
    // `missing` is an `Err` here (the actor's initial sender dropped): `?` returns, no finish.
    if (outcome === "completed" || outcome === "terminated") out.push({ type: "forget", cell });
  }
}
