/**
 * The test files `npm run mutate` runs against each mutant of reference/: every in-process test
 * of the reference (model, scenarios, properties, repro). The adapter and verdict tests drive
 * the reference only through the same harness, from child processes and worker threads with step
 * timeouts, and would make each mutant take minutes. Left out for the same reason: the repro test
 * that runs a nested vitest on generated files (under Stryker's concurrent runners it fails now and
 * then with no mutant to blame, which would count as a kill).
 */
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/model.test.ts", "test/scenarios.test.ts", "test/properties.test.ts", "test/repro.test.ts"],
    testNamePattern: "^(?!.*generated regression test)",
    setupFiles: ["test/fc-setup.ts"],
    testTimeout: 60_000,
  },
});
