/**
 * codex-pr-29310-fixed: the port of openai/codex PR #29310 @28536e0bb5af9b9dc240c26a484aeb729cd48896
 * (../pr-29310) with review races 2 and 3 fixed, each by the smallest change:
 * - race 2 (core.ts): `close_dispatch_gate` inserts the marker for an absent entry only when the
 *   cell's readiness call has not happened yet;
 * - race 3 (host.ts): `host.terminal()` is called after acting on the delivery result, not on
 *   commit success.
 * Everything else is the PR port unchanged.
 */
import type { Implementation } from "../../../protocol/index.ts";
import { fromParties } from "../../parties.ts";
import { ReadinessAwareCore } from "./core.ts";
import { NotifyAfterDeliveryHost } from "./host.ts";

export const codexPr29310Fixed: Implementation = fromParties(
  "codex-pr-29310-fixed",
  "port of openai/codex PR #29310 @28536e0b with review races 2 (marker only before readiness) and 3 (terminal() after the delivery) fixed",
  () => new NotifyAfterDeliveryHost(),
  () => new ReadinessAwareCore(),
);

export const implementation: Implementation = codexPr29310Fixed;
export default codexPr29310Fixed;
