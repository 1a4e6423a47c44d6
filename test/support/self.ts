/**
 * Inside this repository `cellgate` and `cellgate/vitest` are the sources: vitest resolves the
 * package's self-reference to them, not to the build in dist/ (which may be stale or absent), so
 * a test file written for a consumer's project (a generated repro.test.ts) runs against the code
 * under test. The build itself is tested from a packed tarball (.ci/consumer).
 */
import { fileURLToPath } from "node:url";

const source = (path: string): string => fileURLToPath(new URL(`../../${path}`, import.meta.url));

export const selfReference = [
  { find: /^cellgate$/, replacement: source("index.ts") },
  { find: /^cellgate\/vitest$/, replacement: source("properties/check/vitest.ts") },
];
