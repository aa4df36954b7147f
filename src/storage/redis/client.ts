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
export function createRedisClient(options: RedisClientOptions): Redis {
  return new Redis({
    url: options.url,
    token: options.token,
    retry: { retries: 0, backoff: () => 0 },
    signal: () => AbortSignal.timeout(options.timeoutMs),
    enableTelemetry: false,
    automaticDeserialization: false,
    enableAutoPipelining: false,
    readYourWrites: false,
  });
}
