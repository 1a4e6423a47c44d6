/**
 * Port of Core's code-mode side: the exec and wait handlers that consume observations, the
 * `InitialObservationGuard`, and the dispatch broker as the session delegate.
 *
 * Sources (openai/codex):
 * - `codex-rs/core/src/tools/code_mode/mod.rs` at 28536e0bb5af9b9dc240c26a484aeb729cd48896
 *   (PR #29310): `InitialObservationGuard::{new, finish_with_error, disarm}` and its `Drop`,
 *   `CodeModeService::{mark_cell_ready_for_dispatch, finish_cell_dispatch}`;
 * - `codex-rs/core/src/tools/code_mode/delegate.rs` at the same commit: `cell_closed` →
 *   `close_cell` → `close_dispatch_gate` (see dispatch-gates.ts);
 * - the exec and wait handlers are NOT stored at 28536e0b. The nearest stored versions are used:
 *   `execute_handler.rs` and `wait_handler.rs` at afef87eb077656851f40af8c5f33d388f91eb6dc (a later
 *   commit of the same stack: `create_cell().await`, arm the guard, `mark_cell_ready_for_dispatch`,
 *   `observe().await`; `Err` → `guard.finish_with_error`; a non-`Yielded` response →
 *   `finish_cell_dispatch`; then `guard.disarm()`. The wait handler calls `finish_cell_dispatch`
 *   only for a live cell's non-`Yielded` response, not for a missing cell; `terminate: true`
 *   waits go through the same path).
 *
 * Await points and hops: `create_cell().await` is the `create_cell` → `created` round trip;
 * the readiness call is the environment's `mark_ready`; `observe().await` is `observe` →
 * `observe_outcome`; the handler's synchronous `finish_cell_dispatch` is the `forget` hop on
 * core:self (so it can race the Host's `cell_closed`); the guard's `runtime.spawn(terminate)` is
 * the `terminate` it emits; its `close_cell` runs synchronously in the dropping step, before.
 */
import type { CellId, CoreInput, GateEntry, Message, ObserveOutcome, ReqId } from "../../../protocol/index.ts";
import { assertNever } from "../../../protocol/index.ts";
import { decodeFields, encodeFields, type PartyState } from "../../snapshot.ts";
import { closeDispatchGate, forgetCell, gateRows, markCellReadyForDispatch, type DispatchGates } from "./dispatch-gates.ts";

/** One cell as Core's handlers hold it. */
interface CoreCell {
  /** The exec handler's `create_cell().await` returned Ok (and the guard was armed). */
  created: boolean;
  /** `InitialObservationGuard.cell_id.is_some()`: armed, not yet disarmed or fired. */
  guardArmed: boolean;
  /** The exec handler called `mark_cell_ready_for_dispatch`. */
  ready: boolean;
  /** The exec handler's initial `observe().await`, while it is in flight. */
  initial: ReqId | undefined;
  /** Wait-handler observations whose future is still waiting. */
  waits: ReqId[];
  /** Wait-handler terminates (`terminate: true`) whose future is still waiting. */
  terminates: ReqId[];
}

export class CodexCore {
  /** `CodeModeDispatchBroker::dispatch_gates` (delegate.rs@28536e0b). */
  protected readonly gates: DispatchGates = new Map();
  protected readonly cells = new Map<CellId, CoreCell>();

  step(input: CoreInput): Message[] {
    const out: Message[] = [];
    switch (input.type) {
      case "exec_create":
        // The exec handler: `code_mode_service.create_cell(..).await`. Version 2's `req` is not
        // used: this code creates, marks ready and observes in three separate steps.
        this.cells.set(input.cell, { created: false, guardArmed: false, ready: false, initial: undefined, waits: [], terminates: [] });
        out.push({ type: "create_cell", cell: input.cell });
        break;
      case "created": {
        // create_cell returned Ok: `InitialObservationGuard::new(..)` arms the guard.
        const c = this.cell(input.cell);
        c.created = true;
        c.guardArmed = true;
        break;
      }
      case "rejected":
        break; // create_cell returned Err: the exec handler returns the error; no gate was touched
      case "mark_ready":
        this.markCellReadyForDispatch(input.cell);
        this.cell(input.cell).ready = true;
        break;
      case "wait_observe":
        this.startObserve(input.cell, input.req, out);
        break;
      case "cancel_observe":
        this.cancelObserve(input.cell, input.req, out);
        break;
      case "user_terminate":
        // The wait handler with `terminate: true`: `code_mode_service.terminate(cell_id).await`.
        this.cell(input.cell).terminates.push(input.req);
        out.push({ type: "terminate", cell: input.cell, req: input.req });
        break;
      case "observe_outcome":
        this.readObserveOutcome(input.cell, input.req, input.outcome, out);
        break;
      case "terminate_outcome": {
        const c = this.cell(input.cell);
        if (!take(c.terminates, input.req)) break; // the guard's spawned terminate only logs its result
        // A live cell's Completed/Terminated closes the CodeCell: `finish_cell_dispatch`.
        // Missing is not a live cell; AlreadyTerminating is an Err.
        if (input.outcome === "completed" || input.outcome === "terminated") out.push({ type: "forget", cell: input.cell });
        break;
      }
      case "forget":
        this.finishCellDispatch(input.cell);
        break;
      case "cell_closed":
        // `impl CodeModeSessionDelegate for CodeModeDispatchBroker { fn cell_closed }` → `close_cell`.
        this.closeCell(input.cell);
        break;
      case "invoke_tool":
      case "cancel_tool":
        // Nested tool calls are not ported (the implementation does not offer dispatch, so the
        // harness never sends them); see the file header.
        break;
      default:
        assertNever(input);
    }
    return out;
  }

  gateTable(): GateEntry[] {
    return gateRows(this.gates);
  }

  snapshot(base?: PartyState): PartyState {
    return encodeFields(this, base);
  }

  restore(s: PartyState, base?: PartyState): void {
    decodeFields(this, s, base);
  }

  protected cell(cell: CellId): CoreCell {
    const c = this.cells.get(cell);
    if (c === undefined) throw new Error(`core: unknown cell ${cell}`);
    return c;
  }

  /** The exec handler's initial observe (the first after readiness) or a wait handler's observe. */
  protected startObserve(cell: CellId, req: ReqId, out: Message[]): void {
    const c = this.cell(cell);
    if (c.ready && c.guardArmed && c.initial === undefined) c.initial = req;
    else c.waits.push(req);
    out.push({ type: "observe", cell, req });
  }

  /**
   * The observing future is dropped (the turn is interrupted). For the exec handler's initial
   * observation its locals drop with it: the armed guard's `Drop` runs `finish_with_error`:
   * `dispatch_broker.close_cell` synchronously, then `runtime.spawn(session.terminate(cell_id))`.
   */
  protected cancelObserve(cell: CellId, req: ReqId, out: Message[]): void {
    const c = this.cell(cell);
    if (c.initial === req) {
      c.initial = undefined;
      out.push({ type: "drop_observation", cell, req });
      if (c.guardArmed) this.guardFinishWithError(cell, c, req, out);
      return;
    }
    if (take(c.waits, req)) out.push({ type: "drop_observation", cell, req });
  }

  /** `InitialObservationGuard::finish_with_error` (mod.rs@28536e0b); the spawned terminate reuses the observation's id. */
  protected guardFinishWithError(cell: CellId, c: CoreCell, req: ReqId, out: Message[]): void {
    c.guardArmed = false; // self.cell_id.take()
    this.closeCell(cell);
    out.push({ type: "terminate", cell, req });
  }

  protected readObserveOutcome(cell: CellId, req: ReqId, outcome: ObserveOutcome, out: Message[]): void {
    const c = this.cell(cell);
    if (c.initial === req) {
      // execute_handler.rs@afef87eb, after `observe().await`.
      c.initial = undefined;
      if (outcome === "busy") {
        // Busy is an Err at the service: `initial_observation_guard.finish_with_error(&error)`.
        if (c.guardArmed) this.guardFinishWithError(cell, c, req, out);
        return;
      }
      // Ok(outcome).into(): anything but Yielded (Missing included) ends the CodeCell.
      if (outcome !== "yielded") out.push({ type: "forget", cell });
      c.guardArmed = false; // initial_observation_guard.disarm()
      return;
    }
    if (!take(c.waits, req)) return; // nobody waits for it any more
    // wait_handler.rs@afef87eb: only a live cell's non-Yielded response calls finish_cell_dispatch.
    if (outcome === "completed" || outcome === "terminated") out.push({ type: "forget", cell });
  }

  /** `CodeModeService::mark_cell_ready_for_dispatch` (mod.rs@28536e0b). */
  protected markCellReadyForDispatch(cell: CellId): void {
    markCellReadyForDispatch(this.gates, cell);
  }

  /** `CodeModeDispatchBroker::close_cell` (delegate.rs@28536e0b), used by `cell_closed` and the guard. */
  protected closeCell(cell: CellId): void {
    closeDispatchGate(this.gates, cell);
  }

  /** `CodeModeService::finish_cell_dispatch` → `CodeModeDispatchBroker::forget_cell` (mod.rs, delegate.rs@28536e0b). */
  protected finishCellDispatch(cell: CellId): void {
    forgetCell(this.gates, cell);
  }
}

/** Remove `req` from `list`; whether it was there. */
function take(list: ReqId[], req: ReqId): boolean {
  const i = list.indexOf(req);
  if (i < 0) return false;
  list.splice(i, 1);
  return true;
}
