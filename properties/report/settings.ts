/** The settings a check result depends on, named as the command-line options that set them. */
import type { CheckResult } from "../check/check.ts";
import { implementationSettings, type ReportContext } from "./context.ts";
import type { SettingValue } from "./envelope.ts";

export function checkSettings(r: CheckResult, context: ReportContext): Record<string, SettingValue> {
  return {
    ...implementationSettings(r.implementation, context),
    seed: r.seed,
    runs: r.runsRequested,
    cells: r.cells,
    "max-commands": r.maxCommands,
    strategy: r.strategy,
    "pct-depth": r.pctDepth,
    time: r.budget === undefined ? null : r.budget.ms / 1000,
  };
}
