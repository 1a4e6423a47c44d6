// Runs only the generated regression tests that test/repro.test.ts writes into test/.generated/.
import { defineConfig } from "vitest/config";
import { selfReference } from "./self.ts";

export default defineConfig({
  resolve: { alias: selfReference },
  test: { include: ["test/.generated/**/*.test.ts"], testTimeout: 60_000 },
});
