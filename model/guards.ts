/**
 * cellgate abstract model — guards. `enabled` decides which environment moves are possible in a
 * state; it never changes anything. The generator and the shrinker only ever run enabled moves.
 */
import type { EnvAction } from "./actions.ts";
import type { Cell, CellModel, ModelState } from "./state.ts";

/** The JavaScript of the cell can still run: the Host admitted it and nothing has ended it. */
function jsRunning(state: ModelState, c: CellModel): boolean {
  return c.hostAnswer === "created" && !c.jsDone && c.terminatesReached === 0 && !state.shutdown;
}

/** An observation Core's consumer is still waiting for (it can be cancelled). */
export function pendingObservations(state: ModelState, cell: Cell): number[] {
  const out: number[] = [];
  for (const r of state.requests.values()) {
    if (r.cell === cell && r.kind === "observe" && !r.cancelled && r.stage !== "done") out.push(r.req);
  }
  return out;
}

export function enabled(state: ModelState, action: EnvAction): boolean {
  if (action.type === "hostShutsDown") return !state.shutdown;
  if (action.type === "coreStartsCell") return state.cells.size < state.capacity && !state.cells.has(action.cell);
  const c = state.cells.get(action.cell);
  if (c === undefined) return false;
  switch (action.type) {
    case "coreMarksReady":
      // An exec call cancelled before its readiness call makes none.
      return c.admission === "admitted" && !c.ready && !c.abandoned;
    case "coreStartsObserve":
      // The exec call's initial read comes after readiness; any later wait needs the cell's id,
      // which the turn learns only from the initial reply.
      return c.ready && (!c.initialTaken || c.idKnown);
    case "coreCancelsObserve":
      return pendingObservations(state, c.cell).includes(action.req);
    case "coreRequestsTerminate":
      // A terminate names the cell by the id the turn was given in the initial reply.
      return c.idKnown;
    case "jsYields":
    case "jsCompletes":
    case "jsCallsTool":
      return jsRunning(state, c);
  }
}
