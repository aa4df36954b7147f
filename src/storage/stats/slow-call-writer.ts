/**
 * Writes an isolate's slow-call counts (src/observability/slow-calls.ts) into the day's hash,
 * beside the funnel's counters: one pipeline, one round trip, in the background (waitUntil).
 */
import type { Redis } from "@upstash/redis/cloudflare";
import type { RedisKeys } from "../redis/keys.ts";

/** As the funnel's counters (lua/lib/live.lua): 400 days. */
export const STATS_KEEP_S = 400 * 86_400;

export async function writeSlowCalls(
  redis: Redis,
  keys: RedisKeys,
  counts: Record<string, number>,
  nowMs: number,
): Promise<void> {
  const key = keys.slowCalls(new Date(nowMs).toISOString().slice(0, 10));
  const pipeline = redis.pipeline();
  for (const [operation, n] of Object.entries(counts)) pipeline.hincrby(key, operation, n);
  pipeline.expire(key, STATS_KEEP_S);
  await pipeline.exec();
}
