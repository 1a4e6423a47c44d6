/**
 * cellgate abstract model — transitions. `next(state, action)` is pure and returns the next state
 * (the state it was given when the action changes nothing: states are values). Each case says
 * which fields it changes; everything else stays as it was (records.ts makes the copies).
 */
import type { Action } from "./actions.ts";
import { cellWith, requestWith, stateWith } from "./records.ts";
import { attachedObservers, newCell, requestKey, type CellModel, type ModelState, type RequestModel, type RequestKind } from "./state.ts";

/** The state with `cell` changed as `change` says; the state itself when that changes nothing (states are values). */
function withCell(state: ModelState, cell: string, change: (c: CellModel) => Partial<CellModel>): ModelState {
  const c = state.cells.get(cell);
  if (c === undefined) return state;
  const changed = cellWith(c, change(c));
  return changed === c ? state : stateWith(state, { cells: state.cells.set(cell, changed) });
}

/** The state with request `key` changed as `change` says; the state itself when that changes nothing. */
function withRequest(state: ModelState, key: string, change: (r: RequestModel) => Partial<RequestModel>): ModelState {
  const r = state.requests.get(key);
  if (r === undefined) return state;
  const changed = requestWith(r, change(r));
  return changed === r ? state : stateWith(state, { requests: state.requests.set(key, changed) });
}

function addRequest(state: ModelState, r: Omit<RequestModel, "key" | "dropAtHost" | "attached" | "letGo" | "cancelled">): ModelState {
  const key = requestKey(r.kind, r.cell, r.req);
  const request: RequestModel = { key, cell: r.cell, kind: r.kind, req: r.req, origin: r.origin, stage: r.stage, initial: r.initial, cancelled: false, dropAtHost: false, attached: false, letGo: false };
  return stateWith(state, { requests: state.requests.set(key, request) });
}

function expect(state: ModelState, ...keys: string[]): ModelState {
  return stateWith(state, { expected: [...state.expected, ...keys] });
}

function allow(state: ModelState, ...keys: string[]): ModelState {
  return stateWith(state, { allowed: [...state.allowed, ...keys] });
}

function without(list: readonly string[], key: string): readonly string[] {
  const i = list.indexOf(key);
  return i < 0 ? list : [...list.slice(0, i), ...list.slice(i + 1)];
}

function fulfil(state: ModelState, key: string): ModelState {
  const expected = without(state.expected, key);
  const allowed = without(state.allowed, key);
  return expected === state.expected && allowed === state.allowed ? state : stateWith(state, { expected, allowed });
}

/** Core emitted a request: the asked request is now in flight (an allowed one is created now). */
function sent(state: ModelState, kind: RequestKind, cell: string, req: number): ModelState {
  const key = requestKey(kind, cell, req);
  const wasAllowed = state.allowed.includes(key) && !state.expected.includes(key);
  let s = fulfil(state, key);
  if (wasAllowed && !s.requests.has(key)) {
    if (kind === "terminate") {
      s = addRequest(s, { cell, kind, req, origin: "guard", stage: "sent", initial: false });
      return withCell(s, cell, () => ({ coreKnowsEnd: true }));
    }
    if (kind === "observe") {
      // The exec call's initial observation, fused into the call (attached at admission).
      s = addRequest(s, { cell, kind, req, origin: "turn", stage: "sent", initial: true });
      return withCell(s, cell, () => ({ initialTaken: true }));
    }
  }
  if (s.requests.has(key)) return withRequest(s, key, () => ({ stage: "sent" }));
  return s;
}

/** Is the outcome word terminal? */
function terminal(o: string): o is "completed" | "terminated" {
  return o === "completed" || o === "terminated";
}

export function next(state: ModelState, action: Action): ModelState {
  switch (action.type) {
    // --- the environment -------------------------------------------------------------------
    case "coreStartsCell": {
      // cells + requests: a new cell, its create request asked of Core.
      // With a `req`, Core may also send the exec call's initial observation in the same step.
      const cells = state.cells.set(action.cell, newCell(action.cell));
      const s = addRequest(stateWith(state, { cells }), { cell: action.cell, kind: "create", req: 0, origin: "turn", stage: "asked", initial: false });
      const s2 = expect(s, requestKey("create", action.cell, 0));
      return action.req === undefined ? s2 : allow(s2, requestKey("observe", action.cell, action.req));
    }
    case "coreMarksReady": {
      // ready; an initial reply that already reached Core is read now (the exec handler reads
      // it after readiness), and the turn learns the id.
      let idKnown = false;
      for (const r of state.requests.values()) {
        if (r.cell === action.cell && r.kind === "observe" && r.initial && r.stage === "done" && !r.cancelled) idKnown = true;
      }
      return withCell(state, action.cell, (c) => ({ ready: true, idKnown: c.idKnown || idKnown }));
    }
    case "coreStartsObserve": {
      // the first observation after readiness is the guarded, initial one.
      const c = state.cells.get(action.cell);
      const initial = c !== undefined && !c.initialTaken;
      const s = withCell(state, action.cell, () => ({ initialTaken: true }));
      const s2 = addRequest(s, { cell: action.cell, kind: "observe", req: action.req, origin: "turn", stage: "asked", initial });
      return expect(s2, requestKey("observe", action.cell, action.req));
    }
    case "coreCancelsObserve": {
      // the consumer is gone; Core may tell the Host, and may terminate an abandoned cell (the
      // guard): neither is demanded, what their absence causes is judged instead.
      const key = requestKey("observe", action.cell, action.req);
      const r = state.requests.get(key);
      let s = withRequest(state, key, () => ({ cancelled: true }));
      s = allow(s, `drop:${action.req}`);
      if (r?.initial === true) s = allow(s, requestKey("terminate", action.cell, action.req));
      // An initial observation cancelled before readiness (fused into the exec call) abandons
      // the exec handler: no readiness call will come.
      if (r?.initial === true) s = withCell(s, action.cell, (c) => (c.ready ? {} : { abandoned: true }));
      return s;
    }
    case "coreRequestsTerminate": {
      const s = addRequest(state, { cell: action.cell, kind: "terminate", req: action.req, origin: "user", stage: "asked", initial: false });
      return withCell(expect(s, requestKey("terminate", action.cell, action.req)), action.cell, () => ({ coreKnowsEnd: true }));
    }
    case "jsYields":
      return state;
    case "jsCallsTool":
      // requests: a nested tool call of the cell, on its way from the JavaScript to Core.
      return addRequest(state, { cell: action.cell, kind: "tool", req: action.req, origin: "turn", stage: "asked", initial: false });
    case "jsCompletes":
      return withCell(state, action.cell, () => ({ jsDone: true }));
    case "hostShutsDown":
      return stateWith(state, { shutdown: true });

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
      // stage → replied, detached; a terminal outcome fixes the cell's outcome, and reaches a
      // consumer unless the Host let the observation go after its drop (one it still holds is a
      // send that succeeds: the outcome is delivered).
      const key = requestKey("observe", action.cell, action.req);
      const r = state.requests.get(key);
      const s = withRequest(state, key, () => ({ stage: "replied", attached: false }));
      const o = action.outcome;
      const reaches = r === undefined || !r.letGo;
      return terminal(o) ? withCell(s, action.cell, (c) => ({ outcome: c.outcome ?? o, consumed: c.consumed || reaches })) : s;
    }
    case "hostAnswersTerminate": {
      // a terminal reply to a terminate reaches its requester.
      const s = withRequest(state, requestKey("terminate", action.cell, action.req), () => ({ stage: "replied" }));
      const o = action.outcome;
      return terminal(o) ? withCell(s, action.cell, (c) => ({ outcome: c.outcome ?? o, consumed: true })) : s;
    }
    case "hostSendsCellClosed":
      // closedEmitted + 1; remember who was attached at that moment; a close after the
      // JavaScript finished, before any termination, is a natural end.
      return withCell(state, action.cell, (c) => ({
        closedEmitted: c.closedEmitted + 1,
        attachedAtClose: c.closedEmitted === 0 ? attachedObservers(state, c.cell) : c.attachedAtClose,
        endedNaturally: c.endedNaturally || (c.jsDone && c.terminatesReached === 0 && !state.shutdown),
      }));
    case "hostSchedulesHop":
      return state;
    case "hostSendsToolCall":
      return withRequest(state, requestKey("tool", action.cell, action.req), () => ({ stage: "sent" }));
    case "hostCancelsToolCall":
      return state;
    case "coreDecidesDispatch":
      // dispatch: what the worker did; a held call stays at Core, any other is answered.
      return withRequest(state, requestKey("tool", action.cell, action.req), () =>
        action.decision === "held" ? { dispatch: "held" } : { dispatch: action.decision, stage: "replied" },
      );

    // --- deliveries ---------------------------------------------------------------------------
    case "hostReceivesCreate":
      return withRequest(state, requestKey("create", action.cell, 0), () => ({ stage: "atHost" }));
    case "hostReceivesObserve":
      // attached only from the end of the step (see stepEnds).
      return withRequest(state, requestKey("observe", action.cell, action.req), () => ({ stage: "atHost" }));
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
      // Core learns the end from a terminal or missing reply, read or not by a consumer; the
      // turn learns the cell's id from the initial reply its consumer read.
      const s = withRequest(state, key, () => ({ stage: "done" }));
      const ends = terminal(action.outcome) || action.outcome === "missing";
      const s2 = ends ? withCell(s, action.cell, () => ({ coreKnowsEnd: true })) : s;
      return r !== undefined && r.initial && !r.cancelled ? withCell(s2, action.cell, (c) => (c.ready ? { idKnown: true } : {})) : s2;
    }
    case "coreReceivesTerminateOutcome": {
      const s = withRequest(state, requestKey("terminate", action.cell, action.req), () => ({ stage: "done" }));
      return withCell(s, action.cell, () => ({ coreKnowsEnd: true }));
    }
    case "coreReceivesCellClosed":
      return withCell(state, action.cell, () => ({ closedDelivered: true, coreKnowsEnd: true }));
    case "coreReceivesForget":
      return withCell(state, action.cell, (c) => ({ forgetsInFlight: Math.max(0, c.forgetsInFlight - 1) }));
    case "coreReceivesToolCall":
      // stage "atHost" names the receiving party, here Core's dispatch worker.
      return withRequest(state, requestKey("tool", action.cell, action.req), () => ({ stage: "atHost" }));
    case "coreReceivesToolCancel":
      // a call Core still holds (or never answered) is cancelled; an answered one stays as it was.
      return withRequest(state, requestKey("tool", action.cell, action.req), (r) =>
        r.dispatch === undefined || r.dispatch === "held" ? { dispatch: "cancelled", stage: "done" } : {},
      );
    case "hostReceivesDispatch":
      return withRequest(state, requestKey("tool", action.cell, action.req), (r) => (r.dispatch === "held" ? {} : { stage: "done" }));

    case "stepEnds": {
      // attached: from the Host's report, or derived (reached, unanswered, not dropped);
      // goneAfterClose: closed, ready and absent from the table — from now on it must stay absent;
      // allowed: what Core may have sent lapses with the step.
      let s: ModelState = state.allowed.length === 0 ? state : stateWith(state, { allowed: [] });
      for (const r of state.requests.values()) {
        if (r.kind !== "observe") continue;
        const attached =
          r.stage === "atHost" &&
          (action.observers === undefined ? !r.dropAtHost : action.observers.some((o) => o.cell === r.cell && o.req === r.req));
        const letGo = r.letGo || (r.attached && !attached && r.dropAtHost && r.stage === "atHost");
        if (attached !== r.attached || letGo !== r.letGo) s = withRequest(s, r.key, () => ({ attached, letGo }));
      }
      // endedNaturally: the JavaScript finished, nothing is in flight, and nothing terminated it.
      if (action.quiescent && !state.shutdown) {
        for (const c of state.cells.values()) {
          if (c.jsDone && !c.endedNaturally && c.terminatesReached === 0 && c.hostAnswer === "created") s = withCell(s, c.cell, () => ({ endedNaturally: true }));
        }
      }
      for (const c of state.cells.values()) {
        if (c.goneAfterClose || !c.closedDelivered || !c.ready) continue;
        if (!action.table.some((row) => row.cell === c.cell)) s = withCell(s, c.cell, () => ({ goneAfterClose: true }));
      }
      return s;
    }
  }
}
