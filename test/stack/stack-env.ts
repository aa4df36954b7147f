/**
 * The test stack's fixed coordinates, shared by the global setup (which starts it) and the tests
 * (which connect to it). Tests get their own MySQL database and Redis logical database, and their
 * own gateway ports, so `npm test` can run beside `npm run dev`. These tokens are test-only.
 */
export const TEST_STACK = {
  redisUrl: process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379/1",
  mysqlUrl: process.env.TEST_MYSQL_URL ?? "mysql://root@127.0.0.1:3306/appointease_test",
  upstashPort: Number(process.env.TEST_UPSTASH_GATEWAY_PORT ?? 8179),
  planetscalePort: Number(process.env.TEST_PLANETSCALE_GATEWAY_PORT ?? 3901),
  /** A second Upstash gateway whose faults tests set over HTTP (the workerd tier's failovers). */
  faultUpstashPort: Number(process.env.TEST_FAULT_UPSTASH_GATEWAY_PORT ?? 8189),
  upstashToken: "test-upstash-token",
  planetscaleUsername: "test",
  planetscalePassword: "test-planetscale-password",
  adminToken: "test-admin-token-0123456789abcdef0123456789",
} as const;

/**
 * The business settings every test can rely on (written by the global setup). A test that
 * changes settings must put these values back.
 */
export const TEST_SETTINGS = {
  businessName: "Test business",
  timeZone: "Europe/Berlin",
  slotIntervalMin: 15,
  holdTtlS: 600,
  viewingTtlS: 10,
  holdExtensionCapS: 1800,
  minNoticeMin: 60,
  horizonDays: 120,
  cancelCutoffMin: 120,
  rescheduleCutoffMin: 120,
} as const;

/** Worker bindings pointing at the test stack; `prefix` isolates one test file's Redis keys. */
export function testBindings(
  prefix: string,
  overrides: Record<string, string> = {},
): Record<string, string> {
  return {
    ENVIRONMENT: "test",
    UPSTASH_REDIS_REST_URL: `http://127.0.0.1:${TEST_STACK.upstashPort}`,
    UPSTASH_REDIS_REST_TOKEN: TEST_STACK.upstashToken,
    DATABASE_URL: `http://${TEST_STACK.planetscaleUsername}:${TEST_STACK.planetscalePassword}@127.0.0.1:${TEST_STACK.planetscalePort}`,
    ADMIN_TOKEN: TEST_STACK.adminToken,
    REDIS_KEY_PREFIX: prefix,
    REDIS_TIMEOUT_MS: "1000",
    MYSQL_TIMEOUT_MS: "5000",
    CORS_ORIGINS: "https://app.example",
    ...overrides,
  };
}

/** A short random id for test-owned keys and rows. */
export function uniqueId(label = "t"): string {
  return `${label}${crypto.randomUUID().replaceAll("-", "").slice(0, 12)}`;
}
