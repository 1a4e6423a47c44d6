/**
 * A recorded failure judged again, the way its verdict was found (`cellgate replay` and the
 * generated repro test): nondeterminism over two replays, each in a fresh process; a soundness
 * verdict by driving the commands again without inspection, renamed and in a fresh process; a
 * failure that needs runs before it by running the same commands that many times first, in one
 * fresh process (across-runs.ts); any other by one replay (a timeout retried under the retry limit).
 */
import type { Implementation } from "../../protocol/index.ts";
import type { Command } from "../run/commands.ts";
import { replay, type ReplayResult } from "../run/replay.ts";
import type { Failure } from "../run/run.ts";
import { acrossRuns, findAcrossRuns, MAX_RUNS_BEFORE } from "./across-runs.ts";
import { confirm } from "./confirm.ts";
import { soundnessOf } from "./soundness.ts";

export interface JudgeOptions {
  readonly cells: number;
  /** The recorded verdict (`violation`, `state-across-runs`, ...). */
  readonly verdict: string;
  /** Runs of the commands before the judged one (a repro's `runsBefore`; default 0). */
  readonly runsBefore?: number;
}

export interface Rejudged {
  /** The failure now (undefined: the commands pass). */
  readonly failure: Failure | undefined;
  readonly replay: ReplayResult;
  /** Set when a replay cannot show the recorded failure at all (nothing was judged): why. */
  readonly unreproducible?: string;
}

export function judgeReplay(impl: Implementation, commands: readonly Command[], options: JudgeOptions): Rejudged {
  const { cells, verdict } = options;
  const runsBefore = options.runsBefore ?? 0;
  if (runsBefore > 0) return acrossRuns(impl, commands, cells, runsBefore);
  if (verdict === "inspection-dependent" || verdict === "rename-dependent") return soundnessOf(impl, commands, cells) ?? { failure: undefined, replay: replay(impl, commands, { cells }) };
  if (verdict === "state-across-runs") {
    // A repro that does not say which runs came first (written by an older cellgate, or one its check could not bring back).
    const found = findAcrossRuns(impl, commands, cells);
    if (found !== undefined) return found;
    const unreproducible = `the recorded state-across-runs came after other runs of its check in the same process, and running these commands up to ${MAX_RUNS_BEFORE + 1} times in one fresh process does not bring it back: a replay cannot judge it (run the check again)`;
    return { failure: undefined, replay: replay(impl, commands, { cells }), unreproducible };
  }
  return confirm(impl, commands, cells, undefined, verdict === "nondeterminism" ? 2 : 1);
}
