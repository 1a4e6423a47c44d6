/**
 * Write a repro directory: repro.json, repro.test.ts, trace.mmd, report.md. Each file is written
 * atomically (a temporary file beside it, then a rename): a reader, or a run interrupted midway,
 * never leaves half a repro file.
 */
import { mkdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { ReproFile } from "./format.ts";
import { reportMarkdown } from "./markdown.ts";
import { mermaid } from "./mermaid.ts";
import { reproTestFile } from "./vitest-file.ts";

export const REPRO_FILES = ["repro.json", "repro.test.ts", "trace.mmd", "report.md"] as const;

/** Serialize a repro file the same way every time (stable key order, trailing newline). */
export function reproJson(repro: ReproFile): string {
  return JSON.stringify(repro, null, 2) + "\n";
}

export function writeRepro(dir: string, repro: ReproFile): string[] {
  mkdirSync(dir, { recursive: true });
  const files: [string, string][] = [
    ["repro.json", reproJson(repro)],
    ["repro.test.ts", reproTestFile(repro)],
    ["trace.mmd", mermaid(repro)],
    ["report.md", reportMarkdown(repro)],
  ];
  for (const [name, text] of files) writeFileAtomic(join(dir, name), text);
  return files.map(([name]) => join(dir, name));
}

/** `text` into `file` through a temporary file and a rename. */
export function writeFileAtomic(file: string, text: string): void {
  const temp = `${file}.${process.pid}.tmp`;
  try {
    writeFileSync(temp, text);
    renameSync(temp, file);
  } catch (e) {
    rmSync(temp, { force: true });
    throw e;
  }
}

/** The default repro folder of a check: `./cellgate-repro/<impl>-<seed>/`. */
export function defaultReproDir(implementation: string, seed: number | null): string {
  const safe = implementation.replace(/[^A-Za-z0-9._-]+/g, "_").replace(/^_+|_+$/g, "") || "impl";
  return join("cellgate-repro", `${safe}-${seed ?? "replay"}`);
}
