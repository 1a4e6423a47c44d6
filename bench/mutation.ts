/**
 * The mutation score, read from the last `npm run mutate` (Stryker's JSON report). Mutation
 * testing takes minutes, so `npm run bench` only reports what the last run found, and when.
 */
import { existsSync, readFileSync, statSync } from "node:fs";

export const MUTATION_REPORT = "reports/mutation/mutation.json";

export interface SurvivingMutant {
  readonly file: string;
  readonly line: number;
  readonly mutator: string;
  readonly replacement: string;
  readonly status: string;
}

export interface MutationSummary {
  readonly date: string;
  readonly killed: number;
  readonly timeout: number;
  readonly survived: number;
  readonly noCoverage: number;
  readonly other: number;
  /** (killed + timeout) / (killed + timeout + survived + no coverage), as Stryker counts it. */
  readonly score: number;
  readonly survivors: readonly SurvivingMutant[];
}

interface ReportMutant {
  readonly mutatorName: string;
  readonly replacement?: string;
  readonly status: string;
  readonly location: { readonly start: { readonly line: number } };
}

/** The summary of the last mutation run, or undefined when there is none. */
export function lastMutationRun(path = MUTATION_REPORT): MutationSummary | undefined {
  if (!existsSync(path)) return undefined;
  const report = JSON.parse(readFileSync(path, "utf8")) as { files: Record<string, { mutants: ReportMutant[] }> };
  const counts = { killed: 0, timeout: 0, survived: 0, noCoverage: 0, other: 0 };
  const survivors: SurvivingMutant[] = [];
  for (const [file, { mutants }] of Object.entries(report.files)) {
    for (const m of mutants) {
      if (m.status === "Killed") counts.killed++;
      else if (m.status === "Timeout") counts.timeout++;
      else if (m.status === "Survived") counts.survived++;
      else if (m.status === "NoCoverage") counts.noCoverage++;
      else counts.other++;
      if (m.status === "Survived" || m.status === "NoCoverage") {
        survivors.push({ file, line: m.location.start.line, mutator: m.mutatorName, replacement: m.replacement ?? "", status: m.status });
      }
    }
  }
  const detected = counts.killed + counts.timeout;
  const valid = detected + counts.survived + counts.noCoverage;
  return { date: statSync(path).mtime.toISOString().slice(0, 16).replace("T", " "), ...counts, score: valid === 0 ? 0 : detected / valid, survivors };
}
