/**
 * codex-pre-marker: the port of openai/codex PR #29310 (../pr-29310, @28536e0bb5af9b9dc240c26a484aeb729cd48896)
 * with Core's gate functions from before the `ClosedBeforeReady` marker (core.ts: delegate.rs at
 * b0cf57bdeb4d78527f52cb815e69ea13cfd514ba, a reconstruction of the revision review comment 1
 * was written against). Expected to show review race 1: `cell_closed` before readiness removes
 * nothing, and readiness then opens a gate no later `cell_closed` will remove.
 */
import type { Implementation } from "../../../protocol/index.ts";
import { fromParties } from "../../parties.ts";
import { CodexHost } from "../pr-29310/host.ts";
import { PlainRemovalCore } from "./core.ts";

export const codexPreMarker: Implementation = fromParties(
  "codex-pre-marker",
  "port of openai/codex PR #29310 before the ClosedBeforeReady marker (delegate.rs gate functions @b0cf57bd): review race 1",
  () => new CodexHost(),
  () => new PlainRemovalCore(),
);

export const implementation: Implementation = codexPreMarker;
export default codexPreMarker;
