/**
 * Scratch folders for tests that run implementations as processes. Removal is best effort: a
 * killed implementation group may still be writing into the folder for a moment after the last
 * test (a pidfile, a repro), and a temporary folder left behind must not fail the suite.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export function makeScratch(prefix: string): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export function removeScratch(dir: string): void {
  try {
    rmSync(dir, { recursive: true, force: true, maxRetries: 6, retryDelay: 100 });
  } catch {
    // best effort: see above
  }
}
