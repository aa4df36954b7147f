import { cloudflareTest } from "@cloudflare/vitest-pool-workers";
import { defineConfig } from "vitest/config";
import { TEST_STACK, testBindings } from "./test/stack/stack-env.ts";

/**
 * Four projects, one run (`npm test`):
 * - unit (`npm run test:unit`): the domain, http, runtime, errors and page tests that need no service at
 *   all (fakes and fixed clocks); no Redis, MySQL, gateway or page build, done in seconds.
 * - node: route and integration tests beside the code, plus the gateway suites, the
 *   `wrangler dev` smoke test, the booking pages' unit tests (web/) and the browser tier
 *   (test/browser/, system Chromium). The global setup starts the real test stack and builds
 *   the pages.
 * - workerd: `*.workerd.test.ts`, run inside the Workers runtime against the same stack, so that
 *   runtime differences (fetch, crypto, timers, one request's I/O used by another) are caught.
 * - workerd-faults: `*.workerd-faults.test.ts`, the same through an Upstash gateway whose faults
 *   the tests set (POST /__fault).
 */
/**
 * The workerd tiers run the whole API in one worker: the placed worker's config, which has no
 * PLACED binding and so serves every path itself. The split between the edge worker and the
 * placed one is tested with both workers in test/placement/.
 */
const WHOLE_API_CONFIG = "./wrangler.placed.toml";

/** The tests that need no service. A test that starts needing one moves to a `.integration` name. */
const UNIT_TESTS = [
  "src/domain/**/*.test.ts",
  "src/http/*.test.ts",
  "src/runtime/*.test.ts",
  "test/architecture/*.test.ts",
  "src/errors/*.test.ts",
  "src/storage/round-trip-baseline.test.ts",
  "src/storage/mysql/conflict-retry.test.ts",
  "src/storage/failover/granted-holds.test.ts",
  "src/storage/mysql/claim-queue.test.ts",
  "web/**/*.test.ts",
  "test/architecture/docs-links.test.ts",
  "scripts/drill/*.test.ts",
];
const NOT_UNIT = [
  "**/*.integration.test.ts",
  "**/*.workerd.test.ts",
  "**/*.workerd-faults.test.ts",
];

/** Brings up the real test stack (Redis, MySQL, gateways) and builds the pages; once per run. */
const STACK_SETUP = ["./test/stack/global-setup.ts"];

export default defineConfig({
  test: {
    // Runs once, in Node, before any project; it does nothing when only the unit project runs.
    globalSetup: STACK_SETUP,
    // When a live stream ends its subscription while its request lives (unsubscribe aborts the
    // SSE request), workerd reports the abort as an unhandled rejection inside @upstash/redis's
    // stream reader, which does catch the read (docs/limitations.md). Only that one
    // error is ignored.
    onUnhandledError: (error) =>
      !(error.name === "AbortError" && /@upstash[/\\]redis/.test(error.stack ?? "")),
    // vitest's report, then one plain "N passed, N failed, N skipped" line for CI.
    reporters: ["default", "./test/stack/summary-reporter.ts"],
    projects: [
      {
        test: {
          name: "unit",
          include: UNIT_TESTS,
          exclude: [...NOT_UNIT, "node_modules/**"],
          testTimeout: 20_000,
        },
      },
      {
        test: {
          name: "node",
          include: [
            "src/**/*.test.ts",
            "scripts/**/*.test.ts",
            "test/**/*.test.ts",
            "web/**/*.test.ts",
          ],
          // The unit project's files run there, once (an `.integration` file beside them runs here).
          exclude: [
            "**/*.workerd.test.ts",
            "**/*.workerd-faults.test.ts",
            "node_modules/**",
            ...UNIT_TESTS.map((glob) => glob.replace("/*.test.ts", "/!(*.integration).test.ts")),
          ],
          testTimeout: 20_000,
          hookTimeout: 60_000,
        },
      },
      {
        plugins: [
          cloudflareTest({
            wrangler: { configPath: WHOLE_API_CONFIG },
            // Few requests at work at once, so a burst queues at the admission (src/runtime/admission.ts).
            miniflare: { bindings: testBindings("wd:", { OVERLOAD_MAX_ACTIVE: "4" }) },
          }),
        ],
        test: {
          name: "workerd",
          include: ["src/**/*.workerd.test.ts"],
          testTimeout: 20_000,
        },
      },
      {
        // The same, against the Upstash gateway whose faults a test sets over HTTP: failovers
        // inside the Workers runtime (one request's failover seen by another's stream).
        plugins: [
          cloudflareTest({
            wrangler: { configPath: WHOLE_API_CONFIG },
            miniflare: {
              bindings: testBindings("wdf:", {
                UPSTASH_REDIS_REST_URL: `http://127.0.0.1:${TEST_STACK.faultUpstashPort}`,
                REDIS_TIMEOUT_MS: "300",
                REDIS_COOLDOWN_MS: "600000", // a test ends the cool-down with an explicit sync
              }),
            },
          }),
        ],
        test: {
          name: "workerd-faults",
          include: ["src/**/*.workerd-faults.test.ts"],
          testTimeout: 20_000,
        },
      },
    ],
  },
});
