/**
 * cellgate abstract model — how a transition makes the records of the next state. Nothing here
 * says what a rule does (transitions.ts does); this is how the rules' changes are stored.
 *
 * States, cells and requests are copied field by field, in the order `initialState`, `newCell` and
 * `addRequest` make them, so that every record of a kind has one layout: a transition makes
 * several states per step, and a spread (`{ ...c, ...change }`) of records that come from
 * different places (made here, or decoded from a saved search state) costs several times as much
 * as such a copy. A change that alters nothing gives back what it was given: states are values.
 */
import type { CellModel, ModelState, RequestModel } from "./state.ts";

/** `state` with the fields of `change` replaced. */
export function stateWith(state: ModelState, change: Partial<ModelState>): ModelState {
  return {
    capacity: state.capacity,
    shutdown: change.shutdown ?? state.shutdown,
    cells: change.cells ?? state.cells,
    requests: change.requests ?? state.requests,
    expected: change.expected ?? state.expected,
    allowed: change.allowed ?? state.allowed,
  };
}

/** `c` with the fields of `patch` replaced; `c` itself when the patch changes nothing. */
export function cellWith(c: CellModel, patch: Partial<CellModel>): CellModel {
  if (changesNothing(c, patch)) return c;
  const out: CellModel = {
    cell: c.cell,
    admission: c.admission,
    hostAnswer: c.hostAnswer,
    ready: c.ready,
    initialTaken: c.initialTaken,
    jsDone: c.jsDone,
    terminatesReached: c.terminatesReached,
    outcome: c.outcome,
    closedEmitted: c.closedEmitted,
    closedDelivered: c.closedDelivered,
    attachedAtClose: c.attachedAtClose,
    coreKnowsEnd: c.coreKnowsEnd,
    forgetsInFlight: c.forgetsInFlight,
    goneAfterClose: c.goneAfterClose,
    idKnown: c.idKnown,
    consumed: c.consumed,
    endedNaturally: c.endedNaturally,
    abandoned: c.abandoned,
  };
  return assign(out, patch);
}

/** `r` with the fields of `patch` replaced; `r` itself when the patch changes nothing. */
export function requestWith(r: RequestModel, patch: Partial<RequestModel>): RequestModel {
  if (changesNothing(r, patch)) return r;
  const out: { -readonly [K in keyof RequestModel]: RequestModel[K] } = {
    key: r.key,
    cell: r.cell,
    kind: r.kind,
    req: r.req,
    origin: r.origin,
    stage: r.stage,
    initial: r.initial,
    cancelled: r.cancelled,
    dropAtHost: r.dropAtHost,
    attached: r.attached,
    letGo: r.letGo,
  };
  // Only a tool call has a dispatch decision, once Core made one.
  if (Object.hasOwn(r, "dispatch")) out.dispatch = r.dispatch;
  return assign(out, patch);
}

/** Does `patch` give every field it names the value the record has already (a field the record lacks is a change)? */
function changesNothing<T extends object>(record: T, patch: Partial<T>): boolean {
  for (const k in patch) if (patch[k] !== record[k] || !Object.hasOwn(record, k)) return false;
  return true;
}

/** `out` with the fields of `patch` written over it (a field `out` lacks is added last, as a spread adds it). */
function assign<T extends object>(out: T, patch: Partial<T>): T {
  const fields = out as Record<string, unknown>;
  for (const k in patch) fields[k] = patch[k];
  return out;
}
