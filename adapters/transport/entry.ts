/**
 * Where a worker thread's code is. The sources run as TypeScript (`module-worker.ts`, loaded
 * through tsx); the built package (`dist/`, `npm run build`) runs the compiled `.js` siblings.
 * A module finds its worker's entry by the extension of its own URL, so each tree only ever
 * loads its own files.
 */

/** The worker bootstrap (plain JavaScript in both trees; see boot.mjs). */
export const BOOT = new URL("./boot.mjs", import.meta.url);

/** The URL of `name` (no extension) next to the module at `base` (its `import.meta.url`). */
export function workerEntry(name: string, base: string): string {
  const ext = new URL(base).pathname.endsWith(".ts") ? ".ts" : ".js";
  return new URL(`${name}${ext}`, base).href;
}
