import { z } from "zod";
import type {
  Clock,
  DomainContext,
  ExactLimiter,
  LiveStateStore,
  SecretKeys,
} from "./domain/ports.ts";
import { redisDown, redisUp } from "./domain/alerts/system-alerts.ts";
import { parseConfig } from "./env.ts";
import { memoryUsage } from "./lua/scripts.gen.ts";
import { Metrics } from "./observability/metrics.ts";
import { SlowCalls } from "./observability/slow-calls.ts";
import { Admission } from "./runtime/admission.ts";
import type { Services } from "./runtime/services.ts";
import { CachedCatalogRepo } from "./storage/cache/cached-catalog-repo.ts";
import { ResultCache } from "./storage/cache/result-cache.ts";
import { ArbitratedLiveState } from "./storage/failover/arbitrated-live-state.ts";
import { FailbackSync } from "./storage/failover/failback-sync.ts";
import {
  type CallObserver,
  Failover,
  FallbackPermits,
  limiterFor,
  liveStateFor,
  type RequestTrace,
} from "./storage/failover/failover-stores.ts";
import { RedisGate } from "./storage/failover/redis-gate.ts";
import { deleteExpiredFallbackRows } from "./storage/fallback/fallback-cleanup.ts";
import { MysqlFallbackLimiter } from "./storage/fallback/fallback-limiter.ts";
import { MysqlFallbackLiveStateStore } from "./storage/fallback/fallback-live-state-store.ts";
import { MysqlAdminIdempotencyRepo } from "./storage/mysql/admin-idempotency-repo.ts";
import { MysqlAccountRepo } from "./storage/mysql/account-repo.ts";
import { MysqlApiKeyRepo } from "./storage/mysql/api-key-repo.ts";
import { MysqlAuditLog } from "./storage/mysql/audit-repo.ts";
import { MysqlAuthRepo } from "./storage/mysql/auth-repo.ts";
import { MysqlWaitlistRepo } from "./storage/mysql/waitlist-repo.ts";
import { MysqlAvailabilitySource } from "./storage/mysql/availability-source.ts";
import { MysqlBookingRepo } from "./storage/mysql/booking-repo.ts";
import { MysqlCalendarKeyRepo } from "./storage/mysql/calendar-key-repo.ts";
import { MysqlCatalogRepo } from "./storage/mysql/catalog-repo.ts";
import { createMysqlClient } from "./storage/mysql/client.ts";
import { MysqlHealthProbe } from "./storage/mysql/health-probe.ts";
import { HoldArbiter } from "./storage/mysql/hold-arbiter.ts";
import { MysqlIncidentRepo } from "./storage/mysql/incident-repo.ts";
import { emailOutbox, webhookOutbox } from "./storage/mysql/outbox-tables.ts";
import { MysqlWebhookRepo } from "./storage/mysql/webhook-repo.ts";
import { HttpMailer } from "./storage/outbound/http-mailer.ts";
import { HttpWebhookSender } from "./storage/outbound/webhook-sender.ts";
import { createRedisClient, type RedisCallObserver } from "./storage/redis/client.ts";
import { RedisExactLimiter } from "./storage/redis/exact-limiter.ts";
import { RedisHealthProbe } from "./storage/redis/health-probe.ts";
import { RedisKeys } from "./storage/redis/keys.ts";
import { RedisLivePush } from "./storage/redis/live-push.ts";
import { RedisLiveStateStore } from "./storage/redis/live-state-store.ts";
import { runScript } from "./storage/redis/run-script.ts";
import { atLeast, RoundTripBaseline } from "./storage/round-trip-baseline.ts";
import { FunnelStats } from "./storage/stats/funnel-stats.ts";
import { writeSlowCalls } from "./storage/stats/slow-call-writer.ts";

/**
 * The composition root: the only place where storage adapters are wired to the domain's ports.
 * Clients are built once per isolate and per bindings object (Workers hands the same `env` to
 * every request of an isolate), so their connections and caches are reused.
 */
const servicesByBindings = new WeakMap<object, Services>();

export const systemClock: Clock = { nowMs: () => Date.now() };

/** Dates store round trips: real time even where a test fakes the business clock. */
const monotonicClock: Clock = { nowMs: () => performance.now() };

export function buildServices(bindings: unknown, clock: Clock = systemClock): Services {
  const config = parseConfig(bindings);
  const metrics = new Metrics();
  // Each store's timeout knows the distance (docs/adr/0506-timeouts-that-know-the-distance.md):
  // the configured timeouts are floors, and every client of a store teaches the same
  // baseline with its answered calls.
  const storeTimeouts = {
    redis: new RoundTripBaseline({ floorMs: config.REDIS_TIMEOUT_MS, clock: monotonicClock }),
    mysql: new RoundTripBaseline({ floorMs: config.MYSQL_TIMEOUT_MS, clock: monotonicClock }),
  };
  // The probes' budget (the busy-or-down confirmation, the failback check, a subscription's
  // confirmation) is never shorter than a call's: a probe must outlast what a call may take.
  const redisProbeTimeouts = atLeast(config.REDIS_PROBE_TIMEOUT_MS, storeTimeouts.redis);
  // Slow calls are counted against each store's learned round trip, and written in the
  // background of a request whose Redis call just succeeded, at most every few seconds.
  const slowCalls = new SlowCalls({
    thresholdMs: config.SLOW_CALL_MS,
    baselineOf: (store) => storeTimeouts[store === "redis" ? "redis" : "mysql"].baselineMs(),
    clock: monotonicClock,
  });
  // Every Redis call is counted, and the gate sees the load in flight and each answer (it tells
  // a busy Redis from a down one by them). The gate is built below: it needs the clients' probe.
  const observed: { gate?: RedisGate; ctx?: DomainContext } = {};
  // Only answered round trips teach the timeout: a failure or a timeout says nothing of the
  // distance (a timed-out call's duration is the timeout itself).
  const redisCalls: RedisCallObserver = {
    started: () => {
      metrics.roundTrip("redis");
      observed.gate?.callStarted();
    },
    finished: (answered, durationMs) => {
      observed.gate?.callFinished(answered);
      if (answered && durationMs !== null) storeTimeouts.redis.answered(durationMs);
    },
  };
  const redisOptions = {
    url: config.UPSTASH_REDIS_REST_URL,
    token: config.UPSTASH_REDIS_REST_TOKEN,
  };
  const redis = createRedisClient(
    { ...redisOptions, timeoutMs: () => storeTimeouts.redis.timeoutMs() },
    redisCalls,
  );
  // The confirming probe's own client: same Redis, a longer budget of its own.
  const probeRedis = createRedisClient(
    { ...redisOptions, timeoutMs: () => redisProbeTimeouts.timeoutMs() },
    redisCalls,
  );
  const db = createMysqlClient(
    { url: config.DATABASE_URL, timeoutMs: () => storeTimeouts.mysql.timeoutMs() },
    {
      started: () => metrics.roundTrip("mysql"),
      answered: (durationMs) => storeTimeouts.mysql.answered(durationMs),
    },
  );
  const keys = new RedisKeys(config.REDIS_KEY_PREFIX);
  const observeCall: CallObserver = (trace, store, operation, durationMs) => {
    slowCalls.record(store, operation, durationMs);
    // Without waitUntil (the isolate's own context, Node tests) the counts wait for a request
    // that has one; a write only follows a Redis answer, so a down Redis is not written to.
    if (store !== "redis" || !trace.waitUntil) return;
    const counts = slowCalls.due();
    if (counts)
      trace.waitUntil(
        writeSlowCalls(redis, keys, counts, clock.nowMs()).catch(() => slowCalls.giveBack(counts)),
      );
  };
  const tokenSecret = config.TOKEN_SECRET ?? config.ADMIN_TOKEN;
  const previousSecret = config.TOKEN_SECRET_PREVIOUS;

  const liveStateProbe = new RedisHealthProbe(redis, keys, clock);
  const sync = new FailbackSync(redis, keys, db, config.REDIS_KEY_PREFIX, clock);
  // The gate's probes (the failback check, the busy-or-down confirmation) run in the background
  // and have their own, longer budget: a loaded isolate must not mistake its own queue for an
  // outage, nor stay on the fallback because of it.
  const gateProbe = new RedisHealthProbe(probeRedis, keys, clock);
  const gate = new RedisGate({
    clock,
    cooldownMs: config.REDIS_COOLDOWN_MS,
    probe: gateProbe,
    sync: (trigger) => sync.run(trigger),
    confirmProbe: gateProbe,
    busyInflight: config.REDIS_BUSY_INFLIGHT,
    downAfterMs: config.REDIS_DOWN_AFTER_MS,
    // System alerts go through the isolate's context (built below); they never throw.
    alerts: {
      down: async (failure) => {
        if (observed.ctx) await redisDown(observed.ctx, failure);
      },
      up: async (report) => {
        if (observed.ctx) await redisUp(observed.ctx, report);
      },
    },
  });
  observed.gate = gate;
  const fallbackPermits = new FallbackPermits({
    maxConcurrent: config.FALLBACK_MAX_SQL,
    criticalReserve: config.OVERLOAD_CRITICAL_RESERVE,
  });
  // Every hold Redis makes is claimed in MySQL too, on the fallback's own cells: an isolate that
  // lost Redis and one that reaches it never both grant a slot (arbitrated-live-state.ts).
  const liveState = new Failover<LiveStateStore>(
    new ArbitratedLiveState(
      new RedisLiveStateStore(redis, keys),
      new HoldArbiter(db, {
        // Past the SQL timeout a statement has answered or its request went away.
        waitMs: () => storeTimeouts.mysql.timeoutMs() + 1_000,
        sent: (claims) => metrics.claimStatement(claims),
      }),
    ),
    new MysqlFallbackLiveStateStore(db, config.REDIS_KEY_PREFIX),
    gate,
    metrics,
    fallbackPermits,
    observeCall,
  );
  const limiter = new Failover<ExactLimiter>(
    new RedisExactLimiter(redis, keys),
    new MysqlFallbackLimiter(db, config.REDIS_KEY_PREFIX),
    gate,
    metrics,
    fallbackPermits,
    observeCall,
  );

  // Subscriptions go through the request client's observer too: they count as Redis calls.
  const livePush = new RedisLivePush(redis, keys, {
    confirmTimeoutMs: () => redisProbeTimeouts.timeoutMs(),
    available: () => gate.choose() === "redis",
    failovers: () => gate.failoverCount(),
  });

  const ctx: DomainContext = {
    clock,
    liveStateProbe,
    bookingStoreProbe: new MysqlHealthProbe(db, clock),
    catalog: new CachedCatalogRepo(
      new MysqlCatalogRepo(db, () => clock.nowMs()),
      clock,
      config.CATALOG_CACHE_TTL_MS,
    ),
    availability: new MysqlAvailabilitySource(db),
    liveState: liveStateFor(liveState, { requestId: "isolate", storage: null }),
    livePush,
    bookings: new MysqlBookingRepo(db),
    secrets: {
      ...secretKeys(tokenSecret),
      previous: previousSecret === undefined ? null : secretKeys(previousSecret),
    },
    auth: new MysqlAuthRepo(db),
    waitlist: new MysqlWaitlistRepo(db),
    limiter: limiterFor(limiter, { requestId: "isolate", storage: null }),
    emailOutbox: emailOutbox(db),
    webhookOutbox: webhookOutbox(db),
    mailer:
      config.MAILER_KIND === "http"
        ? new HttpMailer({
            url: config.MAILER_API_URL,
            apiKey: config.MAILER_API_KEY,
            from: config.MAILER_FROM,
            timeoutMs: 5_000,
          })
        : null,
    webhooks: new MysqlWebhookRepo(db),
    webhookSender: new HttpWebhookSender(),
    calendarKeys: new MysqlCalendarKeyRepo(db),
    adminIdempotency: new MysqlAdminIdempotencyRepo(db),
    incidents: new MysqlIncidentRepo(db, config.REDIS_KEY_PREFIX),
    alerting: {
      cooldownMs: config.ALERT_COOLDOWN_MS,
      redisMemoryLimitBytes: config.REDIS_MEMORY_LIMIT_BYTES,
      redisMemoryAlertPercent: config.REDIS_MEMORY_ALERT_PERCENT,
      outboxBacklogAfterMs: config.OUTBOX_BACKLOG_ALERT_MS,
    },
    apiKeys: new MysqlApiKeyRepo(db),
    accounts: new MysqlAccountRepo(db),
    audit: new MysqlAuditLog(db),
    funnel: new FunnelStats(
      redis,
      keys,
      db,
      config.REDIS_KEY_PREFIX,
      () => gate.choose() === "redis",
    ),
    // The isolate's context serves the Cron Trigger, whose handler keeps itself alive.
    defer: (work) => void work().catch(() => undefined),
    deployment: {
      publicBaseUrl: config.PUBLIC_BASE_URL,
      production: config.ENVIRONMENT === "production",
    },
  };
  observed.ctx = ctx;
  return {
    config,
    ctx,
    metrics,
    storeTimeouts,
    summaries: new ResultCache(clock, config.SUMMARY_CACHE_TTL_MS),
    admission: new Admission({
      maxActive: config.OVERLOAD_MAX_ACTIVE,
      maxQueue: config.OVERLOAD_MAX_QUEUE,
      queueTimeoutMs: config.OVERLOAD_QUEUE_TIMEOUT_MS,
      criticalReserve: config.OVERLOAD_CRITICAL_RESERVE,
    }),
    failover: {
      gate,
      forRequest: (trace: RequestTrace) => ({
        ...ctx,
        liveState: liveStateFor(liveState, trace),
        limiter: limiterFor(limiter, trace),
        // First delivery attempts outlive the response: waitUntil keeps them running.
        defer: (work) => trace.waitUntil?.(work().catch(() => undefined)),
      }),
      deleteExpired: (nowMs) => deleteExpiredFallbackRows(db, nowMs),
      redisMemoryBytes: async () => {
        const bytes = await runScript(redis, memoryUsage, [], [], z.number()).catch(() => -1);
        return bytes >= 0 ? bytes : null;
      },
    },
  };
}

/** One secret, three purposes: the labels keep a hold-token MAC from ever being a manage token. */
function secretKeys(secret: string): SecretKeys {
  return {
    holdTokenKey: `hold-token:${secret}`,
    manageTokenKey: `manage-token:${secret}`,
    codeKey: `sign-in-code:${secret}`,
  };
}

/** Services for these bindings, built on first use and cached for the isolate's lifetime. */
export function resolveServices(bindings: unknown): Services {
  const key = (bindings ?? {}) as object;
  let services = servicesByBindings.get(key);
  if (!services) {
    services = buildServices(bindings);
    servicesByBindings.set(key, services);
  }
  return services;
}
