import { Redis } from "@upstash/redis/cloudflare";

export interface RedisClientOptions {
  url: string;
  token: string;
  /** Upper bound of one Redis round trip; past it the call throws and the caller fails over. */
  timeoutMs: number;
}

/**
 * Builds the Upstash client the way failover needs it:
 * - `retry: { retries: 0 }`: exactly one attempt. (`retry: false` still makes two: the client's
 *   loop runs `attempts + 1` times and `false` means one attempt *plus* the first.)
 * - `signal` as a *function*: a fresh timeout per request. With a plain AbortSignal the client
 *   resolves an aborted call with the result "Aborted" instead of throwing.
 * - no automatic deserialization: replies stay as Redis sent them ("123456" stays a string).
 * - no auto-pipelining: one call is one HTTP request, so round trips are explicit and countable.
 */
export function createRedisClient(options: RedisClientOptions, onRoundTrip?: () => void): Redis {
  const redis = new Redis({
    url: options.url,
    token: options.token,
    retry: { retries: 0, backoff: () => 0 },
    signal: () => AbortSignal.timeout(options.timeoutMs),
    enableTelemetry: false,
    automaticDeserialization: false,
    enableAutoPipelining: false,
    readYourWrites: false,
  });
  return onRoundTrip ? countingRoundTrips(redis, onRoundTrip) : redis;
}

/**
 * The same client, calling `onRoundTrip` once per HTTP request it makes: with auto-pipelining
 * off, each command method is one request, and a pipeline is one request when it is executed.
 */
function countingRoundTrips(redis: Redis, onRoundTrip: () => void): Redis {
  return new Proxy(redis, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (typeof value !== "function") return value;
      if (property === "pipeline" || property === "multi") {
        return (...args: unknown[]) => {
          const batch = value.apply(target, args) as { exec: (...a: unknown[]) => unknown };
          const exec = batch.exec.bind(batch);
          batch.exec = (...a: unknown[]) => {
            onRoundTrip();
            return exec(...a);
          };
          return batch;
        };
      }
      return (...args: unknown[]) => {
        onRoundTrip();
        return value.apply(target, args);
      };
    },
  });
}
