import type { Redis } from "@upstash/redis/cloudflare";
import type { z } from "zod";
import type { LuaScript } from "../../lua/scripts.gen.ts";

/** Redis failed, timed out, or answered with something the script contract does not allow. */
export class RedisFailure extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "RedisFailure";
  }
}

/**
 * Runs a Lua script in one round trip: EVALSHA, and EVAL only when Redis answers NOSCRIPT (a
 * fresh or flushed Redis). The reply is decoded with `reply`; a reply that does not match is a
 * RedisFailure like any transport error, so callers treat garbage the same way as an outage.
 */
export async function runScript<T>(
  redis: Redis,
  script: LuaScript,
  keys: string[],
  args: (string | number)[],
  reply: z.ZodType<T>,
): Promise<T> {
  const argv = args.map(String);
  let raw: unknown;
  try {
    raw = await redis.evalsha(script.sha1, keys, argv);
  } catch (error) {
    if (!isNoScript(error)) throw asRedisFailure(script, error);
    try {
      raw = await redis.eval(script.source, keys, argv);
    } catch (evalError) {
      throw asRedisFailure(script, evalError);
    }
  }
  const parsed = reply.safeParse(raw);
  if (!parsed.success) {
    throw new RedisFailure(
      `script ${script.name}: unexpected reply ${JSON.stringify(raw)?.slice(0, 200)}`,
    );
  }
  return parsed.data;
}

function isNoScript(error: unknown): boolean {
  return error instanceof Error && error.message.includes("NOSCRIPT");
}

function asRedisFailure(script: LuaScript, error: unknown): RedisFailure {
  const message = error instanceof Error ? error.message : String(error);
  return new RedisFailure(`script ${script.name}: ${message}`, { cause: error });
}
