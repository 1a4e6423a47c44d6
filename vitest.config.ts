import { defineConfig } from "vitest/config";
import { selfReference } from "./test/support/self.ts";

export default defineConfig({
  resolve: { alias: selfReference },
  test: {
    include: ["test/**/*.test.ts"],
    // The hostile suite runs on its own, under load (.ci/run, npm run test:hostile).
    exclude: ["test/.generated/**", "node_modules/**", "test/hostile.test.ts"],
    setupFiles: ["test/fc-setup.ts"],
    // A bound that catches a hang, not a measure of speed: tests over stdio that take ~12 s alone
    // took ~80 s at load average 20 on 2 cores, so the bound is far above that.
    testTimeout: 300_000,
  },
});
