/**
 * Report targets (`--report KIND:FILE`) and repro directories: parsed and checked before any work
 * is done (the directory is created, writable, the file a regular one, no two targets the same
 * file, none of them a repro file), then written atomically; `md` appends (a CI job summary such
 * as $GITHUB_STEP_SUMMARY is appended to by every step), and FILE `-` is stdout, in which case the
 * command's own output goes to stderr so that stdout is the report alone.
 */
import { hostname } from "node:os";
import { join, resolve, sep } from "node:path";
import { reproJson, REPRO_FILES, writeRepro, type ReproFile } from "../properties/index.ts";
import { UsageError } from "./errors.ts";
import { DEFAULT_REPRO_ROOT } from "./options.ts";
import { appendText, makeDirectories, pathKey, prepareTarget, readBoundedFile, writeAtomic } from "./files.ts";

export type ReportKind = "json" | "junit" | "md";
export const REPORT_KINDS: readonly ReportKind[] = ["json", "junit", "md"];

export interface ReportTarget {
  readonly kind: ReportKind;
  /** A path, or `-` for stdout. */
  readonly file: string;
}

/** Parse `--report` values and check every target can be written (before the command does any work). */
export function reportTargets(raw: unknown, reproRoot?: string): ReportTarget[] {
  const list = raw === undefined ? [] : Array.isArray(raw) ? raw : [raw];
  const targets = list.map((r): ReportTarget => {
    const m = /^([a-z]+):(.+)$/.exec(String(r));
    if (m === null || !REPORT_KINDS.includes(m[1] as ReportKind)) {
      throw new UsageError(`--report expects ${REPORT_KINDS.map((k) => `${k}:FILE`).join(", ")} (FILE - is stdout), got ${JSON.stringify(r)}`);
    }
    return { kind: m[1] as ReportKind, file: m[2] as string };
  });
  const seen = new Map<string, string>();
  for (const t of targets) {
    if (t.file !== "-") prepareTarget(t.file, `the ${t.kind} report`);
    const key = t.file === "-" ? "stdout" : pathKey(t.file);
    const other = seen.get(key);
    if (other !== undefined) throw new UsageError(`--report ${t.kind}:${t.file} and --report ${other} are the same file`);
    seen.set(key, `${t.kind}:${t.file}`);
    if (reproRoot !== undefined && t.file !== "-" && isReproFile(t.file, reproRoot)) {
      throw new UsageError(`--report ${t.kind}:${t.file} is where a repro file would be written (under --out ${reproRoot}); choose another file`);
    }
  }
  if (targets.some((t) => t.file === "-")) humanOutputToStderr();
  return targets;
}

function isReproFile(file: string, root: string): boolean {
  const f = resolve(file);
  const r = resolve(root) + sep;
  return f.startsWith(r) && (REPRO_FILES as readonly string[]).some((name) => f.endsWith(sep + name));
}

let reportOut: ((text: string) => void) | undefined;
let restore: (() => void) | undefined;

/** A report goes to stdout: the command's own lines go to stderr until `restoreOutput`. */
function humanOutputToStderr(): void {
  if (restore !== undefined) return;
  const log = console.log;
  reportOut = (text) => log.call(console, text.replace(/\n$/, ""));
  console.log = (...xs: unknown[]) => console.error(...xs);
  restore = () => {
    console.log = log;
    restore = undefined;
    reportOut = undefined;
  };
}

/** Undo `humanOutputToStderr` (main calls it after every command). */
export function restoreOutput(): void {
  restore?.();
}

/** Write every report: `render(kind)` gives its text. */
export function writeReports(targets: readonly ReportTarget[], render: (kind: ReportKind) => string): void {
  for (const t of targets) {
    const text = render(t.kind);
    if (t.file === "-") (reportOut ?? ((s: string) => process.stdout.write(s)))(text);
    else if (t.kind === "md") appendText(t.file, text.endsWith("\n") ? `${text}\n` : `${text}\n\n`);
    else writeAtomic(t.file, text);
  }
}

/** Where and when a report was made (JUnit's `timestamp` and `hostname`). */
export function whereAndWhen(): { timestamp: string; hostname: string } {
  return { timestamp: new Date().toISOString().replace(/\.\d{3}Z$/, "Z"), hostname: hostname() };
}

/** Check the repro root can be created, before any work is done. */
export function prepareReproRoot(root: string): void {
  makeDirectories(root);
}

/**
 * Write a repro directory at `dir`, unless it holds the repro of a different failure: then at
 * `dir-2`, `dir-3`... (never overwriting another failure's files). Returns the directory used.
 */
export function placeRepro(dir: string, repro: ReproFile): string {
  const text = reproJson(repro);
  for (let n = 1; n <= 100; n++) {
    const candidate = n === 1 ? dir : `${dir}-${n}`;
    let existing: string | undefined;
    try {
      existing = readBoundedFile(join(candidate, "repro.json"), 64 * 1024 * 1024, "repro file");
    } catch {
      existing = undefined;
    }
    if (existing !== undefined && existing !== text) continue;
    makeDirectories(candidate);
    try {
      writeRepro(candidate, repro);
    } catch (e) {
      throw new UsageError(`cannot write the repro to ${candidate}/: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
    }
    return candidate;
  }
  throw new UsageError(`${dir} and 99 numbered folders beside it hold other repros; clear them or pass another --out`);
}

/** What a long command writes besides its output, checked before it starts (see reportTargets). */
export interface CommandOutputs {
  /** The folder repro directories go into (`--out`). */
  readonly root: string;
  readonly reports: ReportTarget[];
  /** When and where the command started, for the reports. */
  readonly started: { readonly timestamp: string; readonly hostname: string };
}

/** `--out` and `--report` of check, explore and exhaustive, checked and prepared. */
export function commandOutputs(v: Record<string, unknown>): CommandOutputs {
  const root = typeof v.out === "string" ? v.out : DEFAULT_REPRO_ROOT;
  const reports = reportTargets(v.report, root);
  prepareReproRoot(root);
  return { root, reports, started: whereAndWhen() };
}
