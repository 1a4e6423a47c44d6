/**
 * The PR port with only one of the two review fixes, so that each remaining race is the shortest
 * failure of a port and is found at its own breadth-first minimum:
 * - codex-pr-29310-fix2: race 2 fixed (core.ts), the PR Host unchanged — review race 3 remains;
 * - codex-pr-29310-fix3: race 3 fixed (host.ts), the PR Core unchanged — review race 2 remains.
 */
import type { Implementation } from "../../../protocol/index.ts";
import { fromParties } from "../../parties.ts";
import { CodexCore } from "../pr-29310/core.ts";
import { CodexHost } from "../pr-29310/host.ts";
import { ReadinessAwareCore } from "./core.ts";
import { NotifyAfterDeliveryHost } from "./host.ts";

export const codexPr29310Fix2: Implementation = fromParties(
  "codex-pr-29310-fix2",
  "port of openai/codex PR #29310 @28536e0b with only race 2 fixed: review race 3 remains",
  () => new CodexHost(),
  () => new ReadinessAwareCore(),
);

export const codexPr29310Fix3: Implementation = fromParties(
  "codex-pr-29310-fix3",
  "port of openai/codex PR #29310 @28536e0b with only race 3 fixed: review race 2 remains",
  () => new NotifyAfterDeliveryHost(),
  () => new CodexCore(),
);
