import type { Clock } from "./domain/ports.ts";
import { parseConfig } from "./env.ts";
import type { Services } from "./http/app-env.ts";
import { HttpMailer } from "./storage/http/http-mailer.ts";
import { MysqlAuthRepo } from "./storage/mysql/auth-repo.ts";
import { MysqlAvailabilitySource } from "./storage/mysql/availability-source.ts";
import { MysqlBookingRepo } from "./storage/mysql/booking-repo.ts";
import { MysqlCatalogRepo } from "./storage/mysql/catalog-repo.ts";
import { createMysqlClient } from "./storage/mysql/client.ts";
import { MysqlHealthProbe } from "./storage/mysql/health-probe.ts";
import { MysqlOutbox } from "./storage/mysql/outbox.ts";
import { createRedisClient } from "./storage/redis/client.ts";
import { RedisExactLimiter } from "./storage/redis/exact-limiter.ts";
import { RedisHealthProbe } from "./storage/redis/health-probe.ts";
import { RedisKeys } from "./storage/redis/keys.ts";
import { RedisLiveStateStore } from "./storage/redis/live-state-store.ts";

/**
 * The composition root: the only place where storage adapters are wired to the domain's ports.
 * Clients are built once per isolate and per bindings object (Workers hands the same `env` to
 * every request of an isolate), so their connections and caches are reused.
 */
const servicesByBindings = new WeakMap<object, Services>();

export const systemClock: Clock = { nowMs: () => Date.now() };

export function buildServices(bindings: unknown, clock: Clock = systemClock): Services {
  const config = parseConfig(bindings);
  const redis = createRedisClient({
    url: config.UPSTASH_REDIS_REST_URL,
    token: config.UPSTASH_REDIS_REST_TOKEN,
    timeoutMs: config.REDIS_TIMEOUT_MS,
  });
  const db = createMysqlClient({ url: config.DATABASE_URL, timeoutMs: config.MYSQL_TIMEOUT_MS });
  const keys = new RedisKeys(config.REDIS_KEY_PREFIX);
  const tokenSecret = config.TOKEN_SECRET ?? config.ADMIN_TOKEN;
  return {
    config,
    ctx: {
      clock,
      liveStateProbe: new RedisHealthProbe(redis, keys, clock),
      bookingStoreProbe: new MysqlHealthProbe(db, clock),
      catalog: new MysqlCatalogRepo(db, () => clock.nowMs()),
      availability: new MysqlAvailabilitySource(db),
      liveState: new RedisLiveStateStore(redis, keys),
      bookings: new MysqlBookingRepo(db),
      // One secret, two purposes: the label keeps a hold-token MAC from ever being a manage token.
      secrets: {
        holdTokenKey: `hold-token:${tokenSecret}`,
        manageTokenKey: `manage-token:${tokenSecret}`,
        codeKey: `sign-in-code:${tokenSecret}`,
      },
      auth: new MysqlAuthRepo(db),
      limiter: new RedisExactLimiter(redis, keys),
      outbox: new MysqlOutbox(db),
      mailer:
        config.MAILER_KIND === "http"
          ? new HttpMailer({
              url: config.MAILER_API_URL,
              apiKey: config.MAILER_API_KEY,
              from: config.MAILER_FROM,
              timeoutMs: 5_000,
            })
          : null,
    },
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
