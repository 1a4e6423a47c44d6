import { defineConfig } from "vitest/config";
import { selfReference } from "./test/support/self.ts";

export default defineConfig({
  resolve: { alias: selfReference },
  test: {
    include: ["test/**/*.test.ts"],
    exclude: ["test/.generated/**", "node_modules/**"],
    setupFiles: ["test/fc-setup.ts"],
    testTimeout: 60_000,
  },
});
