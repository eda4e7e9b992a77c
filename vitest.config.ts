import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // Shared 2-core machines: a test that starts CLIs and servers may wait its turn for a core.
    testTimeout: 180_000,
    hookTimeout: 180_000,
    // Two cores: tests that start servers and browsers run side by side, two at a time.
    maxWorkers: 2,
    reporters: ["default"],
  },
});
