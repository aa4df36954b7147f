import { cloudflareTest } from "@cloudflare/vitest-pool-workers";
import { defineConfig } from "vitest/config";
import { testBindings } from "./test/stack-env.ts";

/**
 * Two projects, one run (`npm test`):
 * - node: unit, route and integration tests beside the code, plus the gateway suites, the
 *   `wrangler dev` smoke test, the booking pages' unit tests (web/) and the browser tier
 *   (test/browser/, system Chromium). The global setup starts the real test stack and builds
 *   the pages.
 * - workerd: `*.workerd.test.ts`, run inside the Workers runtime against the same stack, so that
 *   runtime differences (fetch, crypto, timers) are caught.
 */
export default defineConfig({
  test: {
    // Runs once, in Node, for both projects.
    globalSetup: ["./test/global-setup.ts"],
    // vitest's report, then one plain "N passed, N failed, N skipped" line for CI.
    reporters: ["default", "./test/summary-reporter.ts"],
    projects: [
      {
        test: {
          name: "node",
          include: [
            "src/**/*.test.ts",
            "scripts/**/*.test.ts",
            "test/**/*.test.ts",
            "web/**/*.test.ts",
          ],
          exclude: ["**/*.workerd.test.ts", "node_modules/**"],
          testTimeout: 20_000,
          hookTimeout: 60_000,
        },
      },
      {
        plugins: [
          cloudflareTest({
            wrangler: { configPath: "./wrangler.toml" },
            miniflare: { bindings: testBindings("wd:") },
          }),
        ],
        test: {
          name: "workerd",
          include: ["src/**/*.workerd.test.ts"],
          testTimeout: 20_000,
        },
      },
    ],
  },
});
