/**
 * cellgate abstract model — transitions. `next(state, action)` is pure and returns a new state.
 * Each case says which fields it changes; everything else stays as it was.
 */
import type { Action } from "./actions.ts";
import { attachedObservers, newCell, requestKey, type CellModel, type ModelState, type RequestModel, type RequestKind } from "./state.ts";

function withCell(state: ModelState, cell: string, change: (c: CellModel) => Partial<CellModel>): ModelState {
  const c = state.cells.get(cell);
  if (c === undefined) return state;
  return { ...state, cells: state.cells.set(cell, { ...c, ...change(c) }) };
}

function withRequest(state: ModelState, key: string, change: (r: RequestModel) => Partial<RequestModel>): ModelState {
  const r = state.requests.get(key);
  if (r === undefined) return state;
  return { ...state, requests: state.requests.set(key, { ...r, ...change(r) }) };
}

function addRequest(state: ModelState, r: Omit<RequestModel, "key" | "dropAtHost" | "mustBeBusy" | "cancelled">): ModelState {
  const key = requestKey(r.kind, r.cell, r.req);
  const request: RequestModel = { key, cell: r.cell, kind: r.kind, req: r.req, origin: r.origin, stage: r.stage, initial: r.initial, cancelled: false, dropAtHost: false, mustBeBusy: false };
  return { ...state, requests: state.requests.set(key, request) };
}

function expect(state: ModelState, ...keys: string[]): ModelState {
  return { ...state, expected: [...state.expected, ...keys] };
}

function fulfil(state: ModelState, key: string): ModelState {
  const i = state.expected.indexOf(key);
  if (i < 0) return state;
  return { ...state, expected: [...state.expected.slice(0, i), ...state.expected.slice(i + 1)] };
}

/** Core emitted a request: the asked request (or a new one, for the guard) is now in flight. */
function sent(state: ModelState, kind: RequestKind, cell: string, req: number): ModelState {
  const key = requestKey(kind, cell, req);
  const s = fulfil(state, key);
  if (s.requests.has(key)) return withRequest(s, key, () => ({ stage: "sent" }));
  return s;
}

export function next(state: ModelState, action: Action): ModelState {
  switch (action.type) {
    // --- the environment -------------------------------------------------------------------
    case "coreStartsCell": {
      // cells + requests: a new cell, its create request asked of Core.
      const cells = state.cells.set(action.cell, newCell(action.cell));
      const s = addRequest({ ...state, cells }, { cell: action.cell, kind: "create", req: 0, origin: "turn", stage: "asked", initial: false });
      return expect(s, requestKey("create", action.cell, 0));
    }
    case "coreMarksReady":
      return withCell(state, action.cell, () => ({ ready: true }));
    case "coreStartsObserve": {
      // the first observation after readiness is the guarded, initial one.
      const c = state.cells.get(action.cell);
      const initial = c !== undefined && !c.initialTaken;
      const s = withCell(state, action.cell, () => ({ initialTaken: true }));
      const s2 = addRequest(s, { cell: action.cell, kind: "observe", req: action.req, origin: "turn", stage: "asked", initial });
      return expect(s2, requestKey("observe", action.cell, action.req));
    }
    case "coreCancelsObserve": {
      // the consumer is gone; Core must tell the Host, and the guard terminates an abandoned cell.
      const key = requestKey("observe", action.cell, action.req);
      const r = state.requests.get(key);
      let s = withRequest(state, key, () => ({ cancelled: true }));
      s = expect(s, `drop:${action.req}`);
      if (r?.initial === true) {
        s = addRequest(s, { cell: action.cell, kind: "terminate", req: action.req, origin: "guard", stage: "asked", initial: false });
        s = expect(s, requestKey("terminate", action.cell, action.req));
        s = withCell(s, action.cell, () => ({ coreKnowsEnd: true }));
      }
      return s;
    }
    case "coreRequestsTerminate": {
      const s = addRequest(state, { cell: action.cell, kind: "terminate", req: action.req, origin: "user", stage: "asked", initial: false });
      return withCell(expect(s, requestKey("terminate", action.cell, action.req)), action.cell, () => ({ coreKnowsEnd: true }));
    }
    case "jsYields":
      return state;
    case "jsCompletes":
      return withCell(state, action.cell, () => ({ jsDone: true }));
    case "hostShutsDown":
      return { ...state, shutdown: true };

    // --- what Core emitted --------------------------------------------------------------------
    case "coreSendsCreate":
      return sent(state, "create", action.cell, 0);
    case "coreSendsObserve":
      return sent(state, "observe", action.cell, action.req);
    case "coreSendsTerminate":
      return sent(state, "terminate", action.cell, action.req);
    case "coreSendsDrop":
      return fulfil(state, `drop:${action.req}`);
    case "coreSendsForget":
      return withCell(state, action.cell, (c) => ({ forgetsInFlight: c.forgetsInFlight + 1 }));

    // --- what the Host emitted ----------------------------------------------------------------
    case "hostAnswersCreate": {
      const s = withCell(state, action.cell, () => ({ hostAnswer: action.admitted ? "created" : "rejected" }));
      return withRequest(s, requestKey("create", action.cell, 0), () => ({ stage: "replied" }));
    }
    case "hostAnswersObserve": {
      // stage → replied; a terminal outcome fixes the cell's outcome.
      const s = withRequest(state, requestKey("observe", action.cell, action.req), () => ({ stage: "replied" }));
      const o = action.outcome;
      return o === "completed" || o === "terminated" ? withCell(s, action.cell, (c) => ({ outcome: c.outcome ?? o })) : s;
    }
    case "hostAnswersTerminate": {
      const s = withRequest(state, requestKey("terminate", action.cell, action.req), () => ({ stage: "replied" }));
      const o = action.outcome;
      return o === "completed" || o === "terminated" ? withCell(s, action.cell, (c) => ({ outcome: c.outcome ?? o })) : s;
    }
    case "hostSendsCellClosed":
      // closedEmitted + 1; remember who was attached at that moment.
      return withCell(state, action.cell, (c) => ({
        closedEmitted: c.closedEmitted + 1,
        attachedAtClose: c.closedEmitted === 0 ? attachedObservers(state, c.cell) : c.attachedAtClose,
      }));
    case "hostSchedulesHop":
      return state;

    // --- deliveries ---------------------------------------------------------------------------
    case "hostReceivesCreate":
      return withRequest(state, requestKey("create", action.cell, 0), () => ({ stage: "atHost" }));
    case "hostReceivesObserve": {
      // a second observation while one is attached must be answered busy.
      const mustBeBusy = attachedObservers(state, action.cell, action.req).length > 0;
      return withRequest(state, requestKey("observe", action.cell, action.req), () => ({ stage: "atHost", mustBeBusy }));
    }
    case "hostReceivesDrop":
      return withRequest(state, requestKey("observe", action.cell, action.req), () => ({ dropAtHost: true }));
    case "hostReceivesTerminate": {
      const s = withCell(state, action.cell, (c) => ({ terminatesReached: c.terminatesReached + 1 }));
      return withRequest(s, requestKey("terminate", action.cell, action.req), () => ({ stage: "atHost" }));
    }
    case "hostRunsHop":
      return state;
    case "coreReceivesAdmission": {
      const s = withCell(state, action.cell, () => ({ admission: action.admitted ? "admitted" : "rejected" }));
      return withRequest(s, requestKey("create", action.cell, 0), () => ({ stage: "done" }));
    }
    case "coreReceivesObserveOutcome": {
      const key = requestKey("observe", action.cell, action.req);
      const r = state.requests.get(key);
      const s = withRequest(state, key, () => ({ stage: "done" }));
      const ends = action.outcome === "completed" || action.outcome === "terminated" || action.outcome === "missing";
      return ends && r !== undefined && !r.cancelled ? withCell(s, action.cell, () => ({ coreKnowsEnd: true })) : s;
    }
    case "coreReceivesTerminateOutcome": {
      const s = withRequest(state, requestKey("terminate", action.cell, action.req), () => ({ stage: "done" }));
      return withCell(s, action.cell, () => ({ coreKnowsEnd: true }));
    }
    case "coreReceivesCellClosed":
      return withCell(state, action.cell, () => ({ closedDelivered: true, coreKnowsEnd: true }));
    case "coreReceivesForget":
      return withCell(state, action.cell, (c) => ({ forgetsInFlight: Math.max(0, c.forgetsInFlight - 1) }));

    case "stepEnds": {
      // goneAfterClose: closed, ready and absent from the table — from now on it must stay absent.
      let s = state;
      for (const c of state.cells.values()) {
        if (c.goneAfterClose || !c.closedDelivered || !c.ready) continue;
        if (!action.table.some((row) => row.cell === c.cell)) s = withCell(s, c.cell, () => ({ goneAfterClose: true }));
      }
      return s;
    }
  }
}
