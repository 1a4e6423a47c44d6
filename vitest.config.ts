import { defineConfig } from "vitest/config";
import { selfReference } from "./test/support/self.ts";

export default defineConfig({
  resolve: { alias: selfReference },
  test: {
    include: ["test/**/*.test.ts"],
    // The hostile suite runs on its own, under load (.ci/run, npm run test:hostile).
    exclude: ["test/.generated/**", "node_modules/**", "test/hostile.test.ts"],
    setupFiles: ["test/fc-setup.ts"],
    testTimeout: 60_000,
  },
});
