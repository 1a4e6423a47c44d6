export * from "./state.ts";
export * from "./actions.ts";
export { enabled, pendingObservations } from "./guards.ts";
export { next } from "./transitions.ts";
export * from "./invariants.ts";
