/** The hostile-input suite (suite.ts) against the normal stack: Redis up. */
import { hostileSuite } from "./suite.ts";

await hostileSuite({
  label: "Redis up",
  overrides: {},
  runs: Number(process.env.HOSTILE_RUNS ?? 100),
  credentialRuns: Number(process.env.HOSTILE_CREDENTIAL_RUNS ?? 6),
});
