/**
 * codex-pr-29310: a port of openai/codex PR #29310 ("code-mode: clean up terminal cell dispatch
 * gates") at commit 28536e0bb5af9b9dc240c26a484aeb729cd48896, Host and Core, for cellgate.
 *
 * Host: host.ts (service.rs, session_runtime/mod.rs, CellHandle), cell-actor.ts
 * (cell_actor/mod.rs `run_cell`), cell-state.ts (cell_actor/types.rs `CellState`).
 * Core: core.ts (core/src/tools/code_mode/mod.rs guard; exec/wait handlers from the nearest stored
 * commit, afef87eb), dispatch-gates.ts (delegate.rs).
 *
 * Expected to show review races 2 (a marker left for an absent entry after the only readiness
 * call) and 3 (cell_closed on commit success before a Rejected delivery's outcome).
 */
import type { Implementation } from "../../../protocol/index.ts";
import { fromParties } from "../../parties.ts";
import { CodexCore } from "./core.ts";
import { CodexHost } from "./host.ts";

export const codexPr29310: Implementation = fromParties(
  "codex-pr-29310",
  "port of openai/codex PR #29310 @28536e0b: ClosedBeforeReady marker, terminal() on commit success (review races 2 and 3)",
  () => new CodexHost(),
  () => new CodexCore(),
);

export const implementation: Implementation = codexPr29310;
export default codexPr29310;
