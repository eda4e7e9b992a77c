import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Two cores: tests that start servers and browsers run side by side, two at a time.
    maxWorkers: 2,
    reporters: ["default"],
  },
});
