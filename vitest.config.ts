import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    exclude: ["test/.generated/**", "node_modules/**"],
    setupFiles: ["test/fc-setup.ts"],
    testTimeout: 60_000,
  },
});
