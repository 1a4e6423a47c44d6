/**
 * Port of the Host's session layer around the cell actors, as of openai/codex main merged into
 * ericjuta/codex at 13ba8058f294723c47dba5c47ca58cf090f04781:
 * - `codex-rs/code-mode/src/service.rs` (blob 8c5b94bb75; upstream 6c21297bb, #30110):
 *   `InProcessCodeModeSession::{execute, begin_wait, terminate, shutdown}`, `ProtocolDelegate::cell_closed`;
 * - `codex-rs/code-mode/src/session_runtime/mod.rs` (blob cc014230f9; upstream 6c21297bb, #30110):
 *   `SessionRuntime::{execute, start_cell, begin_observe, terminate, shutdown, begin_shutdown}`,
 *   `RuntimeCellHost::closed`;
 * - `codex-rs/code-mode/src/cell_actor/types.rs` (blob 672820b93e): `CellHandle::{observe, terminate}`.
 * The actor loop is in cell-actor.ts, `CellState` in cell-state.ts.
 *
 * Rust facts that shape this port:
 * - `execute` is create and first observation in one call: `CellActor::prepare` attaches the
 *   initial observer before the actor runs, and the service then spawns a task that holds the
 *   initial receiver and forwards the event into the `StartedCell` oneshot. Core gets
 *   `create_cell` and the fused `observe(cell, req)` back to back; the first `observe` of a cell
 *   only names that already-attached observer (`bindInitial`). A reply the actor sent before the
 *   name arrived is held and emitted then. The forwarding task always holds the receiver, so the
 *   initial observer's receiver never closes (Core dropping `StartedCell` does not reach the actor).
 * - `wait` (`begin_wait`) runs in Core's task, not a spawned one: `begin_observe` takes the registry
 *   lock, `CellHandle::observe` answers Closed (→ `missing`) unless the phase is Running or Completed
 *   with the token live, else queues `CellCommand::Observe` in the actor's unbounded mpsc channel;
 *   dropping the wait future drops the receiver, which the actor sees only as `is_closed()` or a
 *   failed send (`drop_observation`).
 * - `terminate` runs `request_termination` synchronously in the caller's task.
 * - `cell_closed` is sent only by `RuntimeCellHost::closed`, at actor exit, after the registry entry
 *   is removed. A buffered completion keeps its actor (and Core's gate) until a wait, a terminate or
 *   shutdown reaches it.
 */
import type { AttachedObserver, CellId, HostInput, Message, ObserveOutcome, ReqId, TerminateOutcome } from "../../../protocol/index.ts";
import { assertNever } from "../../../protocol/index.ts";
import { decodeFields, encodeFields, type PartyState } from "../../snapshot.ts";
import {
  commandSent,
  commitResolved,
  deliverResolved,
  newActorCell,
  resultArrived,
  tokenCancelledFromOutside,
  wakeResolved,
  yieldRequested,
  type ActorCell,
  type ActorIo,
} from "./cell-actor.ts";
import { acceptingObservations, requestTermination, type Reply, type Sender } from "./cell-state.ts";

/** One admitted cell: its actor and state, its registry entry, and the service's initial-event task. */
export interface HostCell extends ActorCell {
  /** The entry in `Inner::cells` (removed by `RuntimeCellHost::closed`). */
  registered: boolean;
  /** Observations whose receiver Core dropped (`drop_observation`), while their sender lives at the Host. */
  closedReceivers: ReqId[];
  /** The fused `observe(cell, req)` of the exec call arrived and named the initial observer. */
  initialBound: boolean;
  initialReq: ReqId | null;
  /** The initial event the actor sent before `initialBound`, forwarded when it binds. */
  initialHeld: ObserveOutcome | null;
}

export class CodexUpstreamHost {
  protected cells = new Map<CellId, HostCell>();
  /** `Inner::shutdown_token` is cancelled (session_runtime/mod.rs@13ba8058f). */
  protected shutDown = false;

  step(input: HostInput): Message[] {
    const out: Message[] = [];
    switch (input.type) {
      case "create_cell":
        this.execute(input.cell, out);
        break;
      case "observe":
        this.observe(input.cell, input.req, out);
        break;
      case "drop_observation":
        this.dropReceiver(input.cell, input.req);
        break;
      case "terminate":
        this.terminate(input.cell, input.req, out);
        break;
      case "shutdown":
        this.shutdown(out);
        break;
      case "js_yield":
        this.onActor(input.cell, out, yieldRequested);
        break;
      case "js_complete":
        this.onActor(input.cell, out, resultArrived);
        break;
      case "commit":
        this.onActor(input.cell, out, commitResolved);
        break;
      case "deliver_completion":
        this.onActor(input.cell, out, deliverResolved);
        break;
      case "actor_exit":
        this.onActor(input.cell, out, wakeResolved);
        break;
      default:
        // Nested tool calls (version 2 `dispatch`) are not offered: the harness sends none.
        throw new Error(`codex-upstream Host: unsupported input ${(input as { type: string }).type}`);
    }
    return out;
  }

  /**
   * The observations held in an actor's observer slot now (protocol version 2). A sender whose
   * receiver Core dropped is left out: the actor itself treats it as detached (`run_cell` drops an
   * observer whose `response_tx.is_closed()` before its busy check, mod.rs@13ba8058f) and no reply
   * can reach it. Queued commands (`commandRx`) are not attached.
   */
  observers(): AttachedObserver[] {
    const rows: AttachedObserver[] = [];
    for (const [cell, c] of this.cells) {
      if (c.at === "exited" || c.observer === null) continue;
      if (c.observer.kind === "observe") {
        if (!c.closedReceivers.includes(c.observer.req)) rows.push({ cell, req: c.observer.req });
      } else if (c.observer.kind === "initial" && c.initialReq !== null) rows.push({ cell, req: c.initialReq });
    }
    return rows;
  }

  snapshot(base?: PartyState): PartyState {
    return encodeFields(this, base);
  }

  restore(s: PartyState, base?: PartyState): void {
    decodeFields(this, s, base);
  }

  /**
   * `InProcessCodeModeSession::execute` → `SessionRuntime::execute` → `start_cell` (service.rs,
   * session_runtime/mod.rs@13ba8058f): refused during shutdown (checked before and under the
   * registry lock) or for a duplicate id; else `CellActor::prepare` with the initial observer,
   * registered and spawned. The JavaScript starts at once.
   */
  protected execute(cell: CellId, out: Message[]): void {
    if (this.shutDown || this.cells.has(cell)) {
      out.push({ type: "rejected", cell });
      return;
    }
    this.cells.set(cell, { ...newActorCell(), registered: true, closedReceivers: [], initialBound: false, initialReq: null, initialHeld: null });
    out.push({ type: "created", cell });
  }

  /**
   * An `observe` request. The first one of a cell is the exec call's initial read (`bindInitial`).
   * Any later one is `begin_wait` → `SessionRuntime::begin_observe` → `CellHandle::observe`
   * (service.rs, session_runtime/mod.rs, cell_actor/types.rs@13ba8058f).
   */
  protected observe(cell: CellId, req: ReqId, out: Message[]): void {
    const c = this.cells.get(cell);
    if (c !== undefined && !c.initialBound) {
      this.bindInitial(cell, c, req, out);
      return;
    }
    // cells.lock().await.get(cell_id): MissingCell → WaitOutcome::MissingCell.
    if (c === undefined || !c.registered) {
      out.push({ type: "observe_outcome", cell, req, outcome: "missing" });
      return;
    }
    // CellHandle::observe: closed_event() → ClosedCell → WaitOutcome::MissingCell.
    if (!acceptingObservations(c.state) || c.commandRx === null) {
      out.push({ type: "observe_outcome", cell, req, outcome: "missing" });
      return;
    }
    commandSent(c, this.io(cell, c, out), req);
  }

  /** The service's spawned task of `execute` forwards the initial event; here it gets its request id. */
  protected bindInitial(cell: CellId, c: HostCell, req: ReqId, out: Message[]): void {
    c.initialBound = true;
    c.initialReq = req;
    if (c.initialHeld !== null) {
      out.push({ type: "observe_outcome", cell, req, outcome: c.initialHeld });
      c.initialHeld = null;
    }
  }

  /**
   * Core dropped an observation's receiver: nothing runs at the Host; the actor sees it later
   * (`is_closed()`, or a failed send). Only a sender the Host still holds can notice: one in the
   * observer slot or queued in the command channel.
   */
  protected dropReceiver(cell: CellId, req: ReqId): void {
    const c = this.cells.get(cell);
    if (c === undefined || c.closedReceivers.includes(req)) return;
    const held = (c.observer?.kind === "observe" && c.observer.req === req) || (c.commandRx?.includes(req) ?? false);
    if (held) c.closedReceivers.push(req);
  }

  /** `InProcessCodeModeSession::terminate` → `SessionRuntime::terminate` → `CellHandle::terminate` (@13ba8058f). */
  protected terminate(cell: CellId, req: ReqId, out: Message[]): void {
    const c = this.cells.get(cell);
    if (c === undefined || !c.registered) {
      out.push({ type: "terminate_outcome", cell, req, outcome: "missing" });
      return;
    }
    const io = this.io(cell, c, out);
    const terminator: Sender = { kind: "terminate", req };
    const r = requestTermination(c.state, terminator);
    switch (r) {
      case "pending":
        tokenCancelledFromOutside(c, io);
        return;
      case "completed":
        io.send(terminator, "completed");
        tokenCancelledFromOutside(c, io);
        return;
      case "already_terminating":
      case "closed":
        io.send(terminator, r);
        return;
    }
  }

  /** `SessionRuntime::shutdown` → `begin_shutdown` (@13ba8058f): the session token is cancelled, so is every cell token. */
  protected shutdown(out: Message[]): void {
    this.shutDown = true;
    for (const [cell, c] of this.cells) {
      if (c.at === "exited") continue;
      c.state.cancelled = true;
      tokenCancelledFromOutside(c, this.io(cell, c, out));
    }
  }

  protected onActor(cell: CellId, out: Message[], f: (c: ActorCell, io: ActorIo) => void): void {
    const c = this.cells.get(cell);
    if (c === undefined || c.at === "exited") return;
    f(c, this.io(cell, c, out));
  }

  protected io(cell: CellId, c: HostCell, out: Message[]): ActorIo {
    return {
      send: (to, reply) => this.send(cell, c, to, reply, out),
      isClosed: (to) => to.kind === "observe" && c.closedReceivers.includes(to.req),
      hop: (type) => out.push({ type, cell }),
      closed: () => {
        // RuntimeCellHost::closed: cells.lock().await.remove(..), then delegate.cell_closed(..)
        // (ProtocolDelegate → CodeModeDispatchBroker::cell_closed).
        c.registered = false;
        out.push({ type: "cell_closed", cell });
      },
    };
  }

  /** A oneshot send, and what the service layer makes of it on the wire. */
  protected send(cell: CellId, c: HostCell, to: Sender, reply: Reply, out: Message[]): boolean {
    switch (to.kind) {
      case "observe": {
        const i = c.closedReceivers.indexOf(to.req);
        if (i >= 0) {
          c.closedReceivers.splice(i, 1); // the sender is used up; nothing reaches Core
          return false;
        }
        out.push({ type: "observe_outcome", cell, req: to.req, outcome: observeOutcome(reply) });
        return true;
      }
      case "initial": {
        // The forwarding task of `execute` holds the receiver: the send always succeeds.
        const outcome = observeOutcome(reply);
        if (c.initialReq !== null) out.push({ type: "observe_outcome", cell, req: c.initialReq, outcome });
        else c.initialHeld = outcome;
        return true;
      }
      case "terminate":
        out.push({ type: "terminate_outcome", cell, req: to.req, outcome: terminateOutcome(reply) });
        return true;
      default:
        return assertNever(to);
    }
  }
}

/**
 * `begin_wait` / `execute`'s task (service.rs@13ba8058f): `Ok(event)` → the response;
 * `Err(MissingCell | ClosedCell)` → `WaitOutcome::MissingCell`; `Err(BusyObserver)` → an error.
 * (For the initial read, `Err(ClosedCell)` is an `Err` the exec handler returns; `missing` on the wire.)
 */
function observeOutcome(reply: Reply): ObserveOutcome {
  switch (reply) {
    case "closed":
      return "missing";
    case "already_terminating":
      throw new Error("codex-upstream: an observation cannot be answered already_terminating");
    default:
      return reply;
  }
}

/** `InProcessCodeModeSession::terminate` (service.rs@13ba8058f). */
function terminateOutcome(reply: Reply): TerminateOutcome {
  switch (reply) {
    case "completed":
    case "terminated":
    case "already_terminating":
      return reply;
    case "closed":
      return "missing";
    case "yielded":
    case "busy":
      throw new Error(`codex-upstream: a terminate cannot be answered ${reply}`);
  }
}
