import type { Redis } from "@upstash/redis/cloudflare";
import type { z } from "zod";
import type { LuaScript } from "../../lua/scripts.gen.ts";

/** Redis failed, timed out, or answered with something the script contract does not allow. */
export class RedisFailure extends Error {
  /**
   * The call ran out of time without an answer. Unlike a refused connection, a 5xx or garbage,
   * this alone does not prove Redis down (it may be busy), and the call may still have run.
   */
  readonly timedOut: boolean;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "RedisFailure";
    this.timedOut = isTimeout(options?.cause);
  }
}

/** Whether `error` (or an error it wraps) is an abort by a timeout signal. */
export function isTimeout(error: unknown): boolean {
  let e: unknown = error;
  // A DOMException is not an Error in every runtime: look at the name only.
  for (let depth = 0; typeof e === "object" && e !== null && depth < 5; depth++) {
    if (e instanceof RedisFailure) return e.timedOut;
    const name = (e as { name?: unknown }).name;
    if (name === "TimeoutError" || name === "AbortError") return true;
    e = (e as { cause?: unknown }).cause;
  }
  return false;
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

/**
 * Runs one script several times (each call on its own keys) in ONE pipeline: one round trip.
 * Calls that Redis answers NOSCRIPT (a fresh or flushed Redis) are sent again with EVAL, in a
 * second pipeline. Any other error, or a reply that does not match, is a RedisFailure.
 */
export async function runScripts<T>(
  redis: Redis,
  script: LuaScript,
  calls: { keys: string[]; args: (string | number)[] }[],
  reply: z.ZodType<T>,
): Promise<T[]> {
  if (calls.length === 0) return [];
  const send = async (indexes: number[], useSource: boolean) => {
    const pipeline = redis.pipeline();
    for (const i of indexes) {
      const { keys, args } = calls[i] as (typeof calls)[number];
      const argv = args.map(String);
      if (useSource) pipeline.eval(script.source, keys, argv);
      else pipeline.evalsha(script.sha1, keys, argv);
    }
    try {
      return await pipeline.exec<unknown[]>({ keepErrors: true });
    } catch (error) {
      throw asRedisFailure(script, error);
    }
  };
  const all = calls.map((_, i) => i);
  const first = await send(all, false);
  const results: unknown[] = [];
  const missing: number[] = [];
  first.forEach((item, i) => {
    const { error, result } = item as { error?: unknown; result?: unknown };
    if (error && isNoScript(new Error(String(error)))) missing.push(i);
    else if (error) throw asRedisFailure(script, new Error(String(error)));
    else results[i] = result;
  });
  if (missing.length > 0) {
    const second = await send(missing, true);
    second.forEach((item, j) => {
      const { error, result } = item as { error?: unknown; result?: unknown };
      if (error) throw asRedisFailure(script, new Error(String(error)));
      results[missing[j] as number] = result;
    });
  }
  return results.map((raw) => {
    const parsed = reply.safeParse(raw);
    if (!parsed.success) {
      throw new RedisFailure(
        `script ${script.name}: unexpected reply ${JSON.stringify(raw)?.slice(0, 200)}`,
      );
    }
    return parsed.data;
  });
}
