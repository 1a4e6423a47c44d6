/**
 * A finding that a plain replay of its commands does not show, made small and reproducible
 * alone before it is reported: a soundness verdict (inspection-dependent, rename-dependent) is
 * shrunk with its own kind of replay; state kept across runs (or a crash on a reset after passing
 * runs) is first brought back with the fewest runs of the same commands before it in one fresh
 * process (across-runs.ts), then shrunk with that many. One that no such repetition brings back
 * is reported as it was, saying that it needs other runs of the check.
 */
import type { Implementation } from "../../protocol/index.ts";
import type { ReplayResult } from "../run/replay.ts";
import type { Failure } from "../run/run.ts";
import { acrossRuns, findAcrossRuns, MAX_RUNS_BEFORE, type AcrossRuns } from "./across-runs.ts";
import { shrinkFinding, type Finding } from "./shrink-finding.ts";
import { soundnessOf } from "./soundness.ts";

export interface Settled {
  readonly failure: Failure;
  readonly replay: ReplayResult;
  /** Candidates kept while shrinking. */
  readonly shrinks: number;
  /** Runs of the same commands, in one fresh process, before the one that fails (0: none needed, or none found). */
  readonly runsBefore: number;
}

/** `tries`: how many candidates shrinking may try (0: do not shrink). */
export function settleFinding(impl: Implementation, finding: Finding, cells: number, tries?: number): Settled {
  const v = finding.failure.verdict;
  if (v === "inspection-dependent" || v === "rename-dependent") {
    const { found, shrinks } = shrinkFinding(impl, finding, cells, (commands) => soundnessOf(impl, commands, cells, { only: v }), tries);
    return { failure: found.failure, replay: found.replay, shrinks, runsBefore: 0 };
  }
  const again = findAcrossRuns(impl, finding.replay.commands, cells);
  if (again === undefined) {
    const message = `${"message" in finding.failure ? finding.failure.message : ""} (not shown again by running these commands up to ${MAX_RUNS_BEFORE + 1} times in one fresh process: it needs other runs of the check before it, so a replay of this repro cannot show it; run the check again)`;
    return { failure: { ...finding.failure, message } as Failure, replay: finding.replay, shrinks: 0, runsBefore: 0 };
  }
  const shown = (r: AcrossRuns): (AcrossRuns & Finding) | undefined => (r.failure === undefined ? undefined : { ...r, failure: r.failure });
  const { found, shrinks } = shrinkFinding(impl, again, cells, (commands) => shown(acrossRuns(impl, commands, cells, again.runsBefore)), tries);
  return { failure: found.failure, replay: found.replay, shrinks, runsBefore: found.runsBefore };
}
