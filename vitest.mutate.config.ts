/**
 * The test files `npm run mutate` runs against each mutant of reference/: every in-process test
 * of the reference (model, scenarios, properties, repro). The adapter and verdict tests drive
 * the reference only through the same harness, from child processes and worker threads with step
 * timeouts, and would make each mutant take minutes.
 */
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/model.test.ts", "test/scenarios.test.ts", "test/properties.test.ts", "test/repro.test.ts"],
    setupFiles: ["test/fc-setup.ts"],
    testTimeout: 60_000,
  },
});
