// Runs only the hostile-implementation suite (test/hostile.test.ts), which the default config
// leaves out: .ci/run runs it under artificial load, `npm run test:hostile` without.
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: { include: ["test/hostile.test.ts"], setupFiles: ["test/fc-setup.ts"], testTimeout: 120_000, maxConcurrency: 4 },
});
