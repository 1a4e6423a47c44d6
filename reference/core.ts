/**
 * The reference Core: the dispatch side with its gate table. A deterministic state machine.
 *
 * How it linearizes ready, terminal and consumer-finished:
 * - Core inserts the cell's entry (`waiting`) *before* it asks the Host to create the cell, so an
 *   absent entry can only mean "finished"; it is never read as "closed before ready".
 * - `cell_closed` on a `waiting` entry turns it into a `marker`; the readiness call, which Core
 *   makes for every admitted cell, consumes the marker. A `rejected` create removes the entry.
 * - `cell_closed` on an `open` entry removes it; so does Core's own `forget` after its consumer
 *   read a terminal outcome. Whichever comes second finds nothing and does nothing.
 * - Readiness on an absent entry does nothing, so a closed cell never reopens.
 * - A cancelled initial observation does not touch the table: it drops the observation and
 *   terminates the cell; the `cell_closed` that follows removes the entry.
 */
import type { CellId, CoreInput, DispatchDecision, GateEntry, GateKind, Message, ReqId } from "../protocol/index.ts";
import { assertNever } from "../protocol/index.ts";
import { decodeFields, encodeFields, type PartyState } from "./snapshot.ts";

interface CoreCell {
  /** Readiness has happened (the guard is armed from then on until the first observe ends). */
  ready: boolean;
  /** The first observation after readiness: cancelling it while pending fires the guard. */
  initialObs: ReqId | undefined;
  initialDone: boolean;
  /** Observations whose consumer is still waiting for the reply. */
  waiting: Set<ReqId>;
  /** Terminate requests made by the user (their terminal reply leads to a forget). */
  userTerminates: Set<ReqId>;
  /** `cell_closed` has reached Core. */
  closed: boolean;
  /** Nested tool calls the dispatch worker holds back until readiness. */
  held: ReqId[];
}

export class Core {
  protected readonly gates = new Map<CellId, GateKind>();
  protected readonly cells = new Map<CellId, CoreCell>();

  step(input: CoreInput): Message[] {
    const out: Message[] = [];
    switch (input.type) {
      case "exec_create":
        this.cells.set(input.cell, {
          ready: false,
          initialObs: undefined,
          initialDone: false,
          waiting: new Set(),
          userTerminates: new Set(),
          closed: false,
          held: [],
        });
        this.admit(input.cell);
        out.push({ type: "create_cell", cell: input.cell });
        break;
      case "created":
        break;
      case "rejected":
        this.gates.delete(input.cell);
        break;
      case "mark_ready":
        this.markReady(input.cell);
        this.cell(input.cell).ready = true;
        this.settleHeld(input.cell, out);
        break;
      case "wait_observe": {
        const c = this.cell(input.cell);
        if (c.ready && !c.initialDone && c.initialObs === undefined) c.initialObs = input.req;
        c.waiting.add(input.req);
        out.push({ type: "observe", cell: input.cell, req: input.req });
        break;
      }
      case "cancel_observe": {
        const c = this.cell(input.cell);
        if (!c.waiting.delete(input.req)) break;
        out.push({ type: "drop_observation", cell: input.cell, req: input.req });
        if (input.req === c.initialObs && !c.initialDone) {
          c.initialDone = true;
          this.onInitialObservationCancelled(input.cell, input.req, out);
        }
        break;
      }
      case "user_terminate":
        this.cell(input.cell).userTerminates.add(input.req);
        out.push({ type: "terminate", cell: input.cell, req: input.req });
        break;
      case "observe_outcome": {
        const c = this.cell(input.cell);
        if (input.req === c.initialObs) c.initialDone = true;
        const consumed = c.waiting.delete(input.req);
        if (consumed && input.outcome !== "yielded" && input.outcome !== "busy") {
          out.push({ type: "forget", cell: input.cell });
        }
        break;
      }
      case "terminate_outcome": {
        const c = this.cell(input.cell);
        if (c.userTerminates.delete(input.req) && input.outcome !== "already_terminating") {
          out.push({ type: "forget", cell: input.cell });
        }
        break;
      }
      case "forget":
        this.forget(input.cell);
        break;
      case "cell_closed":
        this.closeGate(input.cell);
        this.cell(input.cell).closed = true;
        this.settleHeld(input.cell, out);
        break;
      case "invoke_tool": {
        const decision = this.decisionFor(input.cell);
        if (decision === "held") this.cell(input.cell).held.push(input.req);
        out.push({ type: "dispatch", cell: input.cell, req: input.req, decision });
        break;
      }
      case "cancel_tool": {
        const c = this.cell(input.cell);
        c.held = c.held.filter((r) => r !== input.req);
        break;
      }
      default:
        assertNever(input);
    }
    return out;
  }

  /** The whole Core state as JSON, every field, sharing the unchanged parts of `base` (see reference/snapshot.ts and Instance.snapshot). */
  snapshot(base?: PartyState): PartyState {
    return encodeFields(this, base);
  }

  /** Put this Core into a snapshot's state (with `base`: keeping what it shares with `base`, the state this Core is in exactly; see reference/snapshot.ts). */
  restore(s: PartyState, base?: PartyState): void {
    decodeFields(this, s, base);
  }

  gateTable(): GateEntry[] {
    const rows: GateEntry[] = [];
    for (const [cell, kind] of this.gates) rows.push({ cell, kind });
    return rows;
  }

  protected cell(cell: CellId): CoreCell {
    const c = this.cells.get(cell);
    if (c === undefined) throw new Error(`core: unknown cell ${cell}`);
    return c;
  }

  /** Entry created at admission, before the Host is asked. */
  protected admit(cell: CellId): void {
    this.gates.set(cell, "waiting");
  }

  protected markReady(cell: CellId): void {
    const g = this.gates.get(cell);
    if (g === "waiting") this.gates.set(cell, "open");
    else if (g === "marker") this.gates.delete(cell);
  }

  protected closeGate(cell: CellId): void {
    const g = this.gates.get(cell);
    if (g === "open") this.gates.delete(cell);
    else if (g === "waiting") this.gates.set(cell, "marker");
  }

  protected forget(cell: CellId): void {
    if (this.gates.get(cell) === "open") this.gates.delete(cell);
  }

  /**
   * What the dispatch worker does with a nested tool call now: an open gate lets it through, a
   * waiting one holds it back; with no entry, a cell whose readiness and close are both still to
   * come is held too (a design that creates the gate at readiness); anything else is refused.
   */
  protected decisionFor(cell: CellId): DispatchDecision {
    const g = this.gates.get(cell);
    if (g === "open") return "passed";
    if (g === "waiting") return "held";
    if (g === undefined) {
      const c = this.cell(cell);
      if (!c.ready && !c.closed) return "held";
    }
    return "refused";
  }

  /** Let the held calls through, or refuse them, once the gate says which (readiness, close). */
  protected settleHeld(cell: CellId, out: Message[]): void {
    const c = this.cell(cell);
    if (c.held.length === 0) return;
    const decision = this.decisionFor(cell);
    if (decision === "held") return;
    for (const req of c.held) out.push({ type: "dispatch", cell, req, decision });
    c.held = [];
  }

  /** The initial-observation guard: terminate the abandoned cell (the spawned terminate). */
  protected onInitialObservationCancelled(cell: CellId, req: ReqId, out: Message[]): void {
    out.push({ type: "terminate", cell, req });
  }
}
