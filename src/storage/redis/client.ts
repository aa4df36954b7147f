import { Redis } from "@upstash/redis/cloudflare";

export interface RedisClientOptions {
  url: string;
  token: string;
  /**
   * Upper bound of one Redis call; past it the call throws and the caller fails over. A function
   * is asked once per call, as it is sent: the isolate's learned timeout
   * (src/storage/round-trip-baseline.ts).
   */
  timeoutMs: number | (() => number);
}

/**
 * Sees every HTTP call a client makes: metrics count them, the gate tracks load and answers, and
 * the round trips of the answered ones teach the timeout.
 */
export interface RedisCallObserver {
  started(): void;
  /**
   * `answered`: Redis replied with a result; false: any failure (an error reply included).
   * `durationMs`: from the call to its end; null for a subscription, which is a stream opened in
   * the background, not a round trip.
   */
  finished(answered: boolean, durationMs: number | null): void;
}

/**
 * Builds the Upstash client the way failover needs it:
 * - `retry: { retries: 0 }`: exactly one attempt. (`retry: false` still makes two: the client's
 *   loop runs `attempts + 1` times and `false` means one attempt *plus* the first.)
 * - `signal` as a *function*: a fresh timeout per request (`timeoutMs` asked as it is sent).
 *   With a plain AbortSignal the client resolves an aborted call with the result "Aborted"
 *   instead of throwing.
 * - no automatic deserialization: replies stay as Redis sent them ("123456" stays a string).
 * - no auto-pipelining: one call is one HTTP request, so round trips are explicit and countable.
 * - no base64 response encoding: everything this service keeps in Redis is text it wrote itself
 *   (its own formats, hashes, JSON), so plain JSON replies are exact, and decoding every string
 *   of a reply cost the heartbeat a quarter of its worker time at ten live entries (CPU profile
 *   inside workerd).
 */
export function createRedisClient(
  options: RedisClientOptions,
  observer?: RedisCallObserver,
): Redis {
  const bound = options.timeoutMs;
  const timeoutMs = typeof bound === "number" ? () => bound : bound;
  const redis = new Redis({
    url: options.url,
    token: options.token,
    retry: { retries: 0, backoff: () => 0 },
    signal: () => AbortSignal.timeout(timeoutMs()),
    enableTelemetry: false,
    automaticDeserialization: false,
    enableAutoPipelining: false,
    readYourWrites: false,
    responseEncoding: false,
  });
  return observer ? observed(redis, observer) : redis;
}

/**
 * Reports the end of one call: answered when it resolved. An error reply from Redis (NOSCRIPT)
 * would prove it alive too, but the client does not tell it from a gateway's 5xx, so any
 * rejection counts as no answer: the cautious side, since answers are evidence of life.
 */
function watch(result: unknown, observer: RedisCallObserver, sentMs: number): unknown {
  if (!(result instanceof Promise)) {
    observer.finished(true, null);
    return result;
  }
  result.then(
    () => observer.finished(true, performance.now() - sentMs),
    () => observer.finished(false, performance.now() - sentMs),
  );
  return result;
}

/**
 * The same client, telling `observer` when each HTTP request it makes starts and ends: with
 * auto-pipelining off, each command method is one request, and a pipeline is one request when it
 * is executed.
 */
function observed(redis: Redis, observer: RedisCallObserver): Redis {
  return new Proxy(redis, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (typeof value !== "function") return value;
      if (property === "pipeline" || property === "multi") {
        return (...args: unknown[]) => {
          const batch = value.apply(target, args) as { exec: (...a: unknown[]) => unknown };
          const exec = batch.exec.bind(batch);
          batch.exec = (...a: unknown[]) => {
            observer.started();
            return watch(exec(...a), observer, performance.now());
          };
          return batch;
        };
      }
      return (...args: unknown[]) => {
        observer.started();
        return watch(value.apply(target, args), observer, performance.now());
      };
    },
  });
}
