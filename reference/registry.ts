/**
 * The bundled implementations, selectable by name (`--impl NAME`) and listed by `cellgate list`.
 * The reference comes first, then alternative correct designs (`alt-*`), then the variants
 * (`bug-*`), each the reference with one documented fault, then the ports of the real openai/codex
 * code (`codex-*`, reference/codex/), each judged as it is (docs/codex-ports.md).
 */
import type { Implementation } from "../protocol/index.ts";
import { reference } from "./reference.ts";
import { upstream } from "./alternatives/upstream.ts";
import { closeBeforeReady } from "./variants/close-before-ready.ts";
import { cancelledObservationMarker } from "./variants/cancelled-observation-marker.ts";
import { closeBeforeRejectedDelivery } from "./variants/close-before-rejected-delivery.ts";
import { busyDisplacesObserver } from "./variants/busy-displaces-observer.ts";
import { doubleClose } from "./variants/double-close.ts";
import { forgetOnYield } from "./variants/forget-on-yield.ts";
import { lostBufferedCompletion } from "./variants/lost-buffered-completion.ts";
import { terminateOverridesCompletion } from "./variants/terminate-overrides-completion.ts";
import { closeOnlyAtExit } from "./variants/close-only-at-exit.ts";
// The rule audit: one variant per checked rule (test/rule-audit.test.ts).
import { missingToAttachedObserver } from "./variants/missing-to-attached-observer.ts";
import { completionIntoDroppedObserver } from "./variants/completion-into-dropped-observer.ts";
import { closeOnIdleYield } from "./variants/close-on-idle-yield.ts";
import { noCloseOnExit } from "./variants/no-close-on-exit.ts";
import { reopenOnWait } from "./variants/reopen-on-wait.ts";
import { terminateAnsweredTwice } from "./variants/terminate-answered-twice.ts";
import { waitWithoutGate } from "./variants/wait-without-gate.ts";
import { guardOnAnyCancel } from "./variants/guard-on-any-cancel.ts";
import { closeOnAbandonedWait } from "./variants/close-on-abandoned-wait.ts";
import { terminateIgnoresBuffer } from "./variants/terminate-ignores-buffer.ts";
import { busyOnPreservedYield } from "./variants/busy-on-preserved-yield.ts";
import { terminateDiscardsCompletion } from "./variants/terminate-discards-completion.ts";
import { dispatchRecreatesGate } from "./variants/dispatch-recreates-gate.ts";
import { dispatchIgnoresReadiness } from "./variants/dispatch-ignores-readiness.ts";
import { dispatchShadowTable } from "./variants/dispatch-shadow-table.ts";
import { codexPr29310 } from "./codex/pr-29310/index.ts";
import { codexPr29310Fixed } from "./codex/pr-29310-fixed/index.ts";
import { codexPreMarker } from "./codex/pre-marker/index.ts";
import { codexPr29310Fix2, codexPr29310Fix3 } from "./codex/pr-29310-fixed/one-fix.ts";
import { codexUpstream } from "./codex/upstream/index.ts";

/** The ports of openai/codex, in history order; see docs/codex-ports.md for each one's verdict. */
export const PORTS: readonly Implementation[] = [codexPreMarker, codexPr29310, codexPr29310Fix2, codexPr29310Fix3, codexPr29310Fixed, codexUpstream];

export const BUNDLED: readonly Implementation[] = [
  reference,
  upstream,
  closeBeforeReady,
  cancelledObservationMarker,
  closeBeforeRejectedDelivery,
  busyDisplacesObserver,
  doubleClose,
  forgetOnYield,
  lostBufferedCompletion,
  terminateOverridesCompletion,
  closeOnlyAtExit,
  missingToAttachedObserver,
  completionIntoDroppedObserver,
  closeOnIdleYield,
  noCloseOnExit,
  reopenOnWait,
  terminateAnsweredTwice,
  waitWithoutGate,
  guardOnAnyCancel,
  closeOnAbandonedWait,
  terminateIgnoresBuffer,
  busyOnPreservedYield,
  terminateDiscardsCompletion,
  dispatchRecreatesGate,
  dispatchIgnoresReadiness,
  dispatchShadowTable,
  ...PORTS,
];

/** The bundled implementations that are known to be wrong (every one must fail the gate). */
export const VARIANTS: readonly Implementation[] = BUNDLED.filter((i) => i.name.startsWith("bug-"));

/** The bundled implementations that are correct (each must pass the gate): the reference and alternative designs. */
export const CORRECT: readonly Implementation[] = BUNDLED.filter((i) => !i.name.startsWith("bug-") && !PORTS.includes(i));

export function bundled(name: string): Implementation | undefined {
  return BUNDLED.find((i) => i.name === name);
}
