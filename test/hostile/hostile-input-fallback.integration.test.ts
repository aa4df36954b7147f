/**
 * The hostile-input suite (suite.ts) with Redis unreachable: every live route (select, hold,
 * extend, release, heartbeat, booking's live half, sign-in limits) is served by the MySQL
 * fallback, where a 500 once hid (a heartbeat for 9999-12-31). Fewer runs per operation than
 * with Redis up: the request shapes are the same, only the store behind them differs.
 */
import { hostileSuite } from "./suite.ts";

await hostileSuite({
  label: "Redis down, fallback",
  // Refused at once, and the cool-down outlasts the run: no request waits for a Redis timeout.
  overrides: { UPSTASH_REDIS_REST_URL: "http://127.0.0.1:9", REDIS_COOLDOWN_MS: "600000" },
  runs: Number(process.env.HOSTILE_FALLBACK_RUNS ?? 40),
});
