// Runs only the generated regression tests that test/repro.test.ts writes into test/.generated/.
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: { include: ["test/.generated/**/*.test.ts"], testTimeout: 60_000 },
});
