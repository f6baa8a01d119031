import { defineConfig } from "vitest/config";

// Three layers, run in order by `npm test`: pure units, real servers on port 0, then Chromium
// against the built site. Each layer is a vitest project so one can be run alone:
//   npx vitest run --config tests/vitest.config.ts --project unit
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: "unit",
          include: ["tests/unit/**/*.test.ts"],
          environment: "node",
          // Loading Mermaid (with jsdom) for the diagram checks takes seconds on a busy 2-core machine.
          testTimeout: 30_000,
        },
      },
      {
        test: {
          name: "integration",
          include: ["tests/integration/**/*.test.ts"],
          environment: "node",
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
      {
        test: {
          name: "e2e",
          include: ["tests/e2e/**/*.test.ts"],
          environment: "node",
          testTimeout: 60_000,
          hookTimeout: 120_000,
          // One Chromium at a time: the machine has two cores and WebRTC tests are timing-sensitive.
          fileParallelism: false,
          // expect.poll's default 1 s: in CI the saved-session viewer, opening a second file while
          // Mermaid still drew the first, once took longer than that to show it. A poll that keeps
          // failing still fails, 5 s later.
          expect: { poll: { timeout: 5_000 } },
        },
      },
    ],
  },
});
