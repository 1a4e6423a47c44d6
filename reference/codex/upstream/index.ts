/**
 * codex-upstream: a port of the newest upstream openai/codex code-mode cell lifecycle found, as
 * of openai/codex main at 13ba8058f294723c47dba5c47ca58cf090f04781 ("Resolve selected capability
 * roots without starting executors (#31581)", 9 July), read from the ericjuta/codex mirror where
 * it is the second parent of the merge 6e450b72c ("Merge remote-tracking branch 'origin/main'").
 * Its history holds no ericjuta/codex commit; the fork's CompletionClaim design (c213f7426) is not
 * in it. Host: host.ts (service + SessionRuntime), cell-actor.ts (run_cell), cell-state.ts
 * (CellState). Core: core.ts (exec/wait handlers, CodeModeService), dispatch-broker.ts (gates).
 *
 * Run: `npx cellgate check --impl ./reference/codex/upstream/index.ts`.
 */
import type { Implementation } from "../../../protocol/index.ts";
import { fromParties } from "../../parties.ts";
import { CodexUpstreamCore } from "./core.ts";
import { CodexUpstreamHost } from "./host.ts";

export const codexUpstream: Implementation = fromParties(
  "codex-upstream",
  "port of openai/codex main @13ba8058f: execute attaches the initial observer, cell_closed only at actor exit, gate opened by readiness and removed by close or finish_cell_dispatch",
  () => new CodexUpstreamHost(),
  () => new CodexUpstreamCore(),
);

export const implementation = codexUpstream;
export default codexUpstream;
