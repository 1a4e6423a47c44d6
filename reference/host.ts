/**
 * The reference Host: the cell runtime. A deterministic state machine; one input in, messages out.
 *
 * Per cell it keeps the phase (one place decides the terminal outcome), the attached observer,
 * the preserved initial yield, the terminators waiting for the termination path, and whether
 * `cell_closed` was sent. Ordering rules that make it free of the review races:
 * - the terminal outcome of an attached observer is always emitted before `cell_closed`, in the
 *   same step (delivery result decides, not the commit result);
 * - `cell_closed` is sent exactly once per admitted cell, from whichever path ends it first;
 * - a completion with no observer is buffered, and `cell_closed` is still sent, so Core can free
 *   the gate of a cell that completed in the background.
 */
import type { AttachedObserver, CellId, CoreToHost, HostInput, HostSelf, Message, ReqId } from "../protocol/index.ts";
import { assertNever } from "../protocol/index.ts";
import { decodeFields, encodeFields, type PartyState } from "./snapshot.ts";

/** Phase of one cell, as in the runtime's CellPhase. `gone` = removed from the registry. */
export type Phase = "running" | "terminating" | "completed" | "claimed" | "gone";

export interface HostCell {
  phase: Phase;
  /** A commit hop is in flight (the JavaScript finished, the commit awaits the lock). */
  committing: boolean;
  /** A deliver_completion hop is in flight (commit succeeded, delivery pending). */
  delivering: boolean;
  /** An actor_exit hop is in flight. */
  exiting: boolean;
  observer: ReqId | undefined;
  observed: boolean;
  initialYield: boolean;
  terminators: ReqId[];
  closedSent: boolean;
  /** Nested tool calls whose callback still waits for Core (not let through, not refused). */
  calls: ReqId[];
}

export class Host {
  protected readonly cells = new Map<CellId, HostCell>();
  protected shutDown = false;

  step(input: HostInput): Message[] {
    const out: Message[] = [];
    switch (input.type) {
      case "create_cell":
        this.onCreate(input.cell, out);
        break;
      case "observe":
        this.onObserve(input.cell, input.req, out);
        break;
      case "drop_observation":
        this.onDrop(input.cell, input.req);
        break;
      case "terminate":
        this.onTerminate(input.cell, input.req, out);
        break;
      case "js_yield":
        this.onYield(input.cell, out);
        break;
      case "js_complete":
        this.onComplete(input.cell, out);
        break;
      case "shutdown":
        this.onShutdown(out);
        break;
      case "commit":
        this.onCommit(input.cell, out);
        break;
      case "deliver_completion":
        this.onDeliverCompletion(input.cell, out);
        break;
      case "actor_exit":
        this.onActorExit(input.cell, out);
        break;
      case "js_tool_call":
        this.onToolCall(input.cell, input.req, out);
        break;
      case "dispatch":
        this.onDispatch(input.cell, input.req, input.decision);
        break;
      default:
        assertNever(input);
    }
    return out;
  }

  /** The observations attached right now: each cell's observer slot (protocol version 2). */
  observers(): AttachedObserver[] {
    const out: AttachedObserver[] = [];
    for (const [cell, c] of this.cells) if (c.observer !== undefined) out.push({ cell, req: c.observer });
    return out;
  }

  /** The whole Host state as JSON, every field, sharing the unchanged parts of `base` (see reference/snapshot.ts and Instance.snapshot). */
  snapshot(base?: PartyState): PartyState {
    return encodeFields(this, base);
  }

  /** Put this Host into a snapshot's state (with `base`: keeping what it shares with `base`, the state this Host is in exactly; see reference/snapshot.ts). */
  restore(s: PartyState, base?: PartyState): void {
    decodeFields(this, s, base);
  }

  protected live(cell: CellId): HostCell | undefined {
    const c = this.cells.get(cell);
    return c === undefined || c.phase === "gone" ? undefined : c;
  }

  protected onCreate(cell: CellId, out: Message[]): void {
    if (this.shutDown || this.cells.has(cell)) {
      out.push({ type: "rejected", cell });
      return;
    }
    this.cells.set(cell, {
      phase: "running",
      committing: false,
      delivering: false,
      exiting: false,
      observer: undefined,
      observed: false,
      initialYield: false,
      terminators: [],
      closedSent: false,
      calls: [],
    });
    out.push({ type: "created", cell });
  }

  protected onObserve(cell: CellId, req: ReqId, out: Message[]): void {
    const c = this.live(cell);
    if (c === undefined) {
      out.push({ type: "observe_outcome", cell, req, outcome: "missing" });
      return;
    }
    if (c.observer !== undefined) {
      out.push({ type: "observe_outcome", cell, req, outcome: "busy" });
      return;
    }
    const settledCompletion = c.phase === "completed" && !c.delivering;
    if (c.phase === "running" || (c.phase === "completed" && c.delivering)) {
      c.observed = true;
      if (c.initialYield) {
        c.initialYield = false;
        out.push({ type: "observe_outcome", cell, req, outcome: "yielded" });
      } else {
        c.observer = req;
      }
      return;
    }
    if (settledCompletion) {
      c.observed = true;
      if (c.initialYield) {
        // The preserved initial yield goes first; the completion stays buffered.
        c.initialYield = false;
        out.push({ type: "observe_outcome", cell, req, outcome: "yielded" });
        return;
      }
      out.push({ type: "observe_outcome", cell, req, outcome: "completed" });
      this.retire(cell, c, out);
      return;
    }
    // terminating or claimed: the outcome belongs to the terminator.
    out.push({ type: "observe_outcome", cell, req, outcome: "missing" });
  }

  protected onDrop(cell: CellId, req: ReqId): void {
    const c = this.cells.get(cell);
    if (c !== undefined && c.observer === req) c.observer = undefined;
  }

  protected onTerminate(cell: CellId, req: ReqId, out: Message[]): void {
    const c = this.live(cell);
    if (c === undefined) {
      out.push({ type: "terminate_outcome", cell, req, outcome: "missing" });
      return;
    }
    switch (c.phase) {
      case "running":
        c.phase = "terminating";
        c.terminators.push(req);
        this.scheduleExit(cell, c, out);
        return;
      case "completed":
        // The terminator claims the committed completion at once.
        c.phase = "claimed";
        out.push({ type: "terminate_outcome", cell, req, outcome: "completed" });
        if (!c.delivering) this.retire(cell, c, out);
        return;
      case "terminating":
      case "claimed":
        out.push({ type: "terminate_outcome", cell, req, outcome: "already_terminating" });
        return;
      // Unreachable (live() has answered a gone cell already); kept for the exhaustive switch.
      // Stryker disable next-line all: unreachable
      case "gone":
        // Stryker disable next-line all: unreachable
        out.push({ type: "terminate_outcome", cell, req, outcome: "missing" });
        return;
      // Stryker disable next-line all: unreachable
      default:
        assertNever(c.phase);
    }
  }

  protected onYield(cell: CellId, out: Message[]): void {
    const c = this.live(cell);
    if (c === undefined || c.phase !== "running" || c.committing) return;
    if (c.observer !== undefined) {
      out.push({ type: "observe_outcome", cell, req: c.observer, outcome: "yielded" });
      c.observer = undefined;
    } else if (!c.observed && !c.initialYield) {
      c.initialYield = true;
    }
  }

  protected onComplete(cell: CellId, out: Message[]): void {
    const c = this.live(cell);
    if (c === undefined || c.phase !== "running" || c.committing) return;
    // Natural completion cancels the callbacks still waiting, then commits.
    this.cancelCalls(cell, c, out);
    c.committing = true;
    out.push({ type: "commit", cell });
  }

  /** The JavaScript's nested tool call: a callback into Core, while the cell runs. */
  protected onToolCall(cell: CellId, req: ReqId, out: Message[]): void {
    const c = this.live(cell);
    if (c === undefined || c.phase !== "running" || c.committing) return;
    c.calls.push(req);
    out.push({ type: "invoke_tool", cell, req });
  }

  /** Core's answer to a callback: a held call keeps waiting, any other is done. */
  protected onDispatch(cell: CellId, req: ReqId, decision: string): void {
    const c = this.cells.get(cell);
    if (c === undefined || decision === "held") return;
    c.calls = c.calls.filter((r) => r !== req);
  }

  /** Cancel every callback still waiting (before the terminal outcome and cell_closed). */
  protected cancelCalls(cell: CellId, c: HostCell, out: Message[]): void {
    for (const req of c.calls) out.push({ type: "cancel_tool", cell, req });
    c.calls = [];
  }

  protected onShutdown(out: Message[]): void {
    this.shutDown = true;
    for (const [cell, c] of this.cells) {
      if (c.phase === "running") {
        c.phase = "terminating";
        this.scheduleExit(cell, c, out);
      } else if (c.phase === "completed" && !c.delivering) {
        // A buffered completion nobody will read: the session is gone.
        this.retire(cell, c, out);
      }
    }
  }

  protected onCommit(cell: CellId, out: Message[]): void {
    const c = this.cells.get(cell);
    if (c === undefined) return;
    c.committing = false;
    if (c.phase !== "running") return; // termination won before the commit
    c.phase = "completed";
    c.delivering = true;
    out.push({ type: "deliver_completion", cell });
  }

  /** Delivery of a committed completion: to the attached observer, else into the buffer. */
  protected onDeliverCompletion(cell: CellId, out: Message[]): void {
    const c = this.cells.get(cell);
    if (c === undefined || !c.delivering) return;
    c.delivering = false;
    if (c.observer !== undefined) {
      out.push({ type: "observe_outcome", cell, req: c.observer, outcome: "completed" });
      c.observer = undefined;
      this.retire(cell, c, out);
      return;
    }
    if (c.phase === "claimed" || this.shutDown) {
      this.retire(cell, c, out);
      return;
    }
    // Buffered: the cell completed in the background; the gate can go now.
    this.notifyClosed(cell, c, out);
  }

  protected onActorExit(cell: CellId, out: Message[]): void {
    const c = this.cells.get(cell);
    if (c === undefined || !c.exiting) return;
    c.exiting = false;
    // The termination path cancels the callbacks and waits for them before answering.
    this.cancelCalls(cell, c, out);
    for (const req of c.terminators) out.push({ type: "terminate_outcome", cell, req, outcome: "terminated" });
    c.terminators = [];
    if (c.observer !== undefined) {
      out.push({ type: "observe_outcome", cell, req: c.observer, outcome: "terminated" });
      c.observer = undefined;
    }
    this.retire(cell, c, out);
  }

  protected scheduleExit(cell: CellId, c: HostCell, out: Message[]): void {
    if (c.exiting) return;
    c.exiting = true;
    out.push({ type: "actor_exit", cell });
  }

  /** Remove the cell from the registry; `cell_closed` if not sent yet (idempotent fallback). */
  protected retire(cell: CellId, c: HostCell, out: Message[]): void {
    c.phase = "gone";
    c.observer = undefined;
    this.notifyClosed(cell, c, out);
  }

  protected notifyClosed(cell: CellId, c: HostCell, out: Message[]): void {
    if (c.closedSent) return;
    c.closedSent = true;
    out.push({ type: "cell_closed", cell });
  }
}

/** Narrowing helper for variants that only care about Host-side requests. */
export type HostRequest = CoreToHost | HostSelf;
