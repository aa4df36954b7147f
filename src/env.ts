import { z } from "zod";

/** Reads a numeric var that wrangler passes as a string. */
const intVar = (min: number, max: number, fallback: number) =>
  z.coerce.number().int().min(min).max(max).default(fallback);

/**
 * The worker's configuration, parsed from its bindings (wrangler vars and secrets) once per
 * isolate. A deployment missing a secret answers every request with 500 BAD_ENVIRONMENT naming
 * the variable, instead of failing somewhere deep inside a request.
 */
export const Config = z.object({
  ENVIRONMENT: z.enum(["development", "test", "production"]).default("production"),
  UPSTASH_REDIS_REST_URL: z.url({ protocol: /^https?$/ }),
  UPSTASH_REDIS_REST_TOKEN: z.string().min(1),
  DATABASE_URL: z.url({ protocol: /^https?$/ }),
  ADMIN_TOKEN: z.string().min(32, "must be at least 32 characters"),
  /**
   * Signs hold tokens, derives manage tokens and keys code hashes. Required in production (and
   * different from ADMIN_TOKEN there); elsewhere it defaults to ADMIN_TOKEN.
   */
  TOKEN_SECRET: z.string().min(32, "must be at least 32 characters").optional(),
  /** The secret TOKEN_SECRET replaced: still accepted when verifying, never used to sign. */
  TOKEN_SECRET_PREVIOUS: z.string().min(32, "must be at least 32 characters").optional(),
  REDIS_KEY_PREFIX: z
    .string()
    .regex(/^[a-z0-9:_-]{0,32}$/i, "letters, digits, ':', '_' and '-' only (at most 32)")
    .default("ae:"),
  /**
   * The floor of a Redis call's timeout: a call may take this + 3 × the round trip the isolate
   * has learned (docs/adr/0506-timeouts-that-know-the-distance.md).
   */
  REDIS_TIMEOUT_MS: intVar(10, 10_000, 300),
  REDIS_COOLDOWN_MS: intVar(0, 600_000, 10_000),
  /**
   * A store call taking this much longer than the store's learned round trip counts as slow
   * (GET /v1/admin/stats, src/observability/slow-calls.ts).
   */
  SLOW_CALL_MS: intVar(1, 60_000, 100),
  /** The floor of a MySQL request's timeout, learned the same way as REDIS_TIMEOUT_MS's. */
  MYSQL_TIMEOUT_MS: intVar(100, 60_000, 5_000),
  /**
   * How long the edge worker waits for the placed worker's answer before it answers 503
   * STORE_UNAVAILABLE (src/http/placement.ts). Longer than any healthy booking, short enough
   * that a customer is never left hanging.
   */
  PLACED_TIMEOUT_MS: intVar(100, 120_000, 15_000),
  // Overload (docs/architecture/overload.md; README, "Configuration").
  /**
   * Budget of the probe that tells a busy Redis from a down one after a timeout under load (never
   * below a call's learned timeout).
   */
  REDIS_PROBE_TIMEOUT_MS: intVar(10, 30_000, 2_000),
  /** Under load, how long Redis must answer nothing at all (probes included) to be called down. */
  REDIS_DOWN_AFTER_MS: intVar(0, 600_000, 10_000),
  /** Redis calls in flight from which a timeout may be the isolate's own queue, not an outage. */
  REDIS_BUSY_INFLIGHT: intVar(1, 100_000, 8),
  /** Requests an isolate works on at once; more wait in its queue. */
  OVERLOAD_MAX_ACTIVE: intVar(1, 100_000, 64),
  /** Requests that may wait for a place; beyond it, 503 OVERLOADED at once. */
  OVERLOAD_MAX_QUEUE: intVar(0, 1_000_000, 2_048),
  /** How long a request may wait for a place before it is answered 503 OVERLOADED. */
  OVERLOAD_QUEUE_TIMEOUT_MS: intVar(0, 600_000, 30_000),
  /** Extra places (active, queued, fallback SQL) only bookings, releases and admin calls may use. */
  OVERLOAD_CRITICAL_RESERVE: intVar(0, 100_000, 16),
  /** Concurrent calls on the MySQL fallback per isolate in fallback mode; more: 503 OVERLOADED. */
  FALLBACK_MAX_SQL: intVar(1, 10_000, 32),
  /** How long an isolate serves the public catalog from its copy (0: always read MySQL). */
  CATALOG_CACHE_TTL_MS: intVar(0, 60_000, 5_000),
  /**
   * How long an isolate serves a month view (GET /v1/availability/summary) from its copy; a hold,
   * booking or admin change through the same isolate shows at once (0: always compute).
   */
  SUMMARY_CACHE_TTL_MS: intVar(0, 60_000, 5_000),
  // System alerts (docs/adr/1201-system-alerts.md).
  /** After an alert of one kind, another of that kind waits this long (a flapping Redis alerts once). */
  ALERT_COOLDOWN_MS: intVar(0, 7 * 24 * 3_600_000, 15 * 60_000),
  /** Redis's memory limit in bytes (the Upstash plan's, or maxmemory): the memory alert's base. */
  REDIS_MEMORY_LIMIT_BYTES: intVar(1, 2 ** 50, 256 * 1024 * 1024),
  /** The share of REDIS_MEMORY_LIMIT_BYTES, in percent, above which the cron alerts. */
  REDIS_MEMORY_ALERT_PERCENT: intVar(1, 100, 80),
  /** A webhook delivery (or email, with a mailer) pending this long makes an outbox backlog alert. */
  OUTBOX_BACKLOG_ALERT_MS: intVar(60_000, 3 * 24 * 3_600_000, 30 * 60_000),
  MAILER_KIND: z.enum(["outbox", "http"]).default("outbox"),
  MAILER_FROM: z.string().min(3).default("AppointEase <no-reply@appointease.local>"),
  MAILER_API_URL: z.string().default(""),
  MAILER_API_KEY: z.string().default(""),
  /**
   * Where the booking pages live (no trailing slash): emails link to `${PUBLIC_BASE_URL}/manage?…`
   * and calendar UIDs end in its host. Must be https in production.
   */
  PUBLIC_BASE_URL: z
    .url({ protocol: /^https?$/ })
    .default("http://127.0.0.1:8787")
    .transform((value) => value.replace(/\/+$/, "")),
  CORS_ORIGINS: z
    .string()
    .default("")
    .transform((value) =>
      value
        .split(",")
        .map((origin) => origin.trim())
        .filter((origin) => origin.length > 0),
    ),
});

export type Config = z.infer<typeof Config>;

/** A local receiver (tests, development): http to 127.0.0.1 outside production. */
const LOCAL_HTTP = /^http:\/\/127\.0\.0\.1(:\d+)?\//;

/**
 * Cross-field rules: production has its own token secret, apart from the admin token (so that
 * rotating ADMIN_TOKEN invalidates nothing else), and an https public base URL (links in
 * emails); HTTP email delivery needs its endpoint and key ("outbox" keeps emails in the dev
 * outbox).
 */
const CheckedConfig = Config.superRefine((config, ctx) => {
  const production = config.ENVIRONMENT === "production";
  if (production && config.TOKEN_SECRET === undefined)
    ctx.addIssue({
      code: "custom",
      path: ["TOKEN_SECRET"],
      message: "is required when ENVIRONMENT is production",
    });
  if (config.TOKEN_SECRET !== undefined && config.TOKEN_SECRET === config.ADMIN_TOKEN)
    ctx.addIssue({
      code: "custom",
      path: ["TOKEN_SECRET"],
      message: "must differ from ADMIN_TOKEN",
    });
  if (production && !config.PUBLIC_BASE_URL.startsWith("https://"))
    ctx.addIssue({
      code: "custom",
      path: ["PUBLIC_BASE_URL"],
      message: "must be an https URL in production",
    });
  if (config.MAILER_KIND !== "http") return;
  if (
    !/^https:\/\//.test(config.MAILER_API_URL) &&
    !(!production && LOCAL_HTTP.test(config.MAILER_API_URL))
  )
    ctx.addIssue({
      code: "custom",
      path: ["MAILER_API_URL"],
      message:
        "must be an https URL when MAILER_KIND is http (http://127.0.0.1 outside production)",
    });
  if (config.MAILER_API_KEY === "")
    ctx.addIssue({
      code: "custom",
      path: ["MAILER_API_KEY"],
      message: "is required when MAILER_KIND is http",
    });
});

export class EnvironmentError extends Error {
  readonly fields: string[];
  constructor(fields: string[]) {
    super(`The deployment is misconfigured: ${fields.join("; ")}`);
    this.name = "EnvironmentError";
    this.fields = fields;
  }
}

/** Parses bindings into a Config, or throws an EnvironmentError naming each bad variable (never its value). */
export function parseConfig(bindings: unknown): Config {
  const result = CheckedConfig.safeParse(bindings ?? {});
  if (result.success) return result.data;
  const fields = result.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`);
  throw new EnvironmentError(fields);
}
