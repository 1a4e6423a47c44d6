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

/**
 * The Node options a worker thread starts with: the process's own, less `--input-type`. Node takes
 * that option only with string input (`node --input-type=module -e ...`) and refuses it for a
 * worker's file entry, so in such a process every worker thread would fail before running a line
 * (and a harness thread blocked waiting for it would wait on).
 */
export function workerExecArgv(): string[] {
  const out: string[] = [];
  const argv = process.execArgv;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] as string;
    if (a === "--input-type") {
      i++;
      continue;
    }
    if (!a.startsWith("--input-type=")) out.push(a);
  }
  return out;
}
