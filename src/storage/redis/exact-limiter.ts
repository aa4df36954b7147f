import type { Redis } from "@upstash/redis/cloudflare";
import { z } from "zod";
import type { ExactLimiter } from "../../domain/ports.ts";
import { slidingLog } from "../../lua/scripts.gen.ts";
import type { RedisKeys } from "./keys.ts";
import { runScript } from "./run-script.ts";

/** The exact limiter on Redis: one sliding_log script call for all keys. */
export class RedisExactLimiter implements ExactLimiter {
  constructor(
    private readonly redis: Redis,
    private readonly keys: RedisKeys,
  ) {}

  async take(
    input: Parameters<ExactLimiter["take"]>[0],
  ): Promise<{ ok: true } | { ok: false; retryAfterMs: number }> {
    const event = `${input.nowMs}:${crypto.randomUUID()}`;
    const [accepted, retryAfterMs] = await runScript(
      this.redis,
      slidingLog,
      input.keys.map((k) => this.keys.rateLimit(k.key)),
      [input.nowMs, input.windowMs, event, ...input.keys.map((k) => k.limit)],
      z.tuple([z.number(), z.number()]),
    );
    return accepted === 1 ? { ok: true } : { ok: false, retryAfterMs };
  }
}
