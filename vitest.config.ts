import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";
import { unitTestFiles } from "./test/projects/classify.ts";

const ROOT = fileURLToPath(new URL(".", import.meta.url));
// `media`: the video browser tests, one at a time (below). `unit`: files whose import graph does no I/O (test/projects/classify.ts); `server`: the other files
// of test/server and test/regression; `lab`: those of test/agent, test/metrology, test/cli and
// test/peers; `integration`: the rest (browsers). The excludes make each file belong to
// exactly one project.
const UNIT = unitTestFiles(ROOT);
const SHARED = ["test/server/**/*.test.ts", "test/regression/**/*.test.ts"];
// Browser tests on the demo bench or with video (a mesh of fake cameras, Janus): two of them side by
// side slowed each other fourfold on two cores (job-session and session-control together 174 s and
// 159 s, alone 50 s and 13 s; a bench step stalled 200 s on a fresh clone), so they run one at a
// time, after the rest (vitest's sequential group: isolated files with maxWorkers 1).
const MEDIA = [
  "test/e2e/job-video.test.ts",
  "test/e2e/lesson-console.test.ts",
  "test/e2e/media-room-janus.test.ts",
  "test/e2e/lesson-by-hand.test.ts",
  "test/e2e/job-session.test.ts",
  "test/e2e/session-control.test.ts",
];
const LAB = ["test/agent/**/*.test.ts", "test/metrology/**/*.test.ts", "test/cli/**/*.test.ts", "test/peers/**/*.test.ts"];

export default defineConfig({
  test: {
    // Shared 2-core machines: a test that starts CLIs and servers may wait its turn for a core.
    testTimeout: 180_000,
    hookTimeout: 180_000,
    // Two cores: tests that start servers and browsers run side by side, two at a time. Vitest runs
    // the files that took longest last time first (its results cache), so no core idles at the end.
    maxWorkers: 2,
    reporters: ["default", "./test/reporters/durations.ts"],
    // Hundreds of test sign-ins at scrypt 2^17 (0.7 s of a core each) would cost minutes; the
    // regression test of issue 22 checks 2^17 itself. Spawned servers inherit it.
    env: { TELECAL_SCRYPT_LOG_N: "14" },
    projects: [
      {
        extends: true,
        // Pure tests share a module graph: threads without per-file isolation skip re-importing it.
        test: { name: "unit", include: UNIT, pool: "threads", isolate: false },
      },
      {
        extends: true,
        // The server's tests in forks that each run their files one after another on one module
        // graph: fastify, socket.io, pdfkit and kysely are imported once per fork, not once per file
        // (291 of 729 s summed over test/server with a graph per file, 26 s shared). Each of these
        // files starts and closes what it uses: servers, databases of their own names, temp dirs.
        test: { name: "server", include: SHARED, exclude: ["**/node_modules/**", ...UNIT], isolate: false },
      },
      {
        extends: true,
        // The lab side likewise (agent, metrology, CLI, independent peers): each file starts and stops
        // its simulators, brokers, servers, agents and child processes (afterAll/afterEach), so one
        // module graph per fork serves them one after another. With a graph per file their imports
        // were 136 of 376 s summed; shared, 25 of 240 s (loaded 2-core machine).
        test: { name: "lab", include: LAB, exclude: ["**/node_modules/**", ...UNIT], isolate: false },
      },
      {
        extends: true,
        // A process per file: agents, simulators, CLIs and browsers, whose timers and children a
        // leaked handle would keep running into the next file.
        test: { name: "integration", include: ["test/**/*.test.ts"], exclude: ["**/node_modules/**", ...UNIT, ...SHARED, ...LAB, ...MEDIA] },
      },
      {
        extends: true,
        test: { name: "media", include: MEDIA, maxWorkers: 1 },
      },
    ],
  },
});
