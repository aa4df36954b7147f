import type { Client } from "@planetscale/database";
import type { ExactLimiter } from "../../domain/ports.ts";
import { retryConflicts } from "../mysql/conflict-retry.ts";
import { toInt } from "../mysql/sql-values.ts";

type Row = Record<string, unknown>;

const marks = (n: number, row = "?") => Array.from({ length: n }, () => row).join(", ");

/**
 * The exact limiter on MySQL while Redis is down: lua/sliding_log.lua in ONE transaction, all
 * keys or none. Five round trips: BEGIN, lock the keys, count, record, COMMIT.
 *
 * Exactness comes from the key rows of fallback_rate_keys: a take holds them (X locks) from its
 * first statement to COMMIT, so two takes of one key never count the same window. They are
 * locked by an upsert in sorted key order: it creates a missing row and X-locks an existing one
 * in one step, and one order for every take means no deadlocks. (INSERT IGNORE followed by
 * SELECT … FOR UPDATE would take a shared lock first, and two takes upgrading theirs deadlock.)
 * The count is the transaction's first plain read, so its snapshot is taken after the locks: it
 * sees every event committed by the takes that held them before.
 */
export class MysqlFallbackLimiter implements ExactLimiter {
  /** `scope`: the deployment's REDIS_KEY_PREFIX (see migrations/0005_fallback_live_state.sql). */
  constructor(
    private readonly db: Client,
    private readonly scope: string,
  ) {}

  async take(
    input: Parameters<ExactLimiter["take"]>[0],
  ): Promise<{ ok: true } | { ok: false; retryAfterMs: number }> {
    // A lock wait timeout or deadlock rolled the whole take back: nothing was recorded.
    return retryConflicts(() => this.takeOnce(input));
  }

  private takeOnce(
    input: Parameters<ExactLimiter["take"]>[0],
  ): Promise<{ ok: true } | { ok: false; retryAfterMs: number }> {
    const { nowMs, windowMs } = input;
    const keys = [...new Set(input.keys.map((k) => k.key))].sort();
    if (keys.length === 0) return Promise.resolve({ ok: true });
    return this.db.transaction(async (tx) => {
      await tx.execute(
        `INSERT INTO fallback_rate_keys (rl_key) VALUES ${marks(keys.length, "(?)")} ON DUPLICATE KEY UPDATE rl_key = rl_key`,
        keys,
      );
      const { rows } = await tx.execute(
        `SELECT rl_key, COUNT(*) AS events, MIN(event_ms) AS oldest FROM fallback_rate_events
         WHERE scope = ? AND rl_key IN (${marks(keys.length)}) AND event_ms > ? GROUP BY rl_key`,
        [this.scope, ...keys, nowMs - windowMs],
      );
      const seen = new Map((rows as Row[]).map((r) => [String(r.rl_key), r]));
      let retryAfterMs = 0;
      for (const { key, limit } of input.keys) {
        const row = seen.get(key);
        const events = row ? toInt(row.events) : 0;
        if (events < limit) continue;
        const oldest = row ? toInt(row.oldest) : nowMs;
        retryAfterMs = Math.max(retryAfterMs, oldest + windowMs - nowMs);
      }
      if (retryAfterMs > 0) return { ok: false as const, retryAfterMs };
      const eventId = `${nowMs}:${crypto.randomUUID()}`;
      await tx.execute(
        `INSERT INTO fallback_rate_events (scope, rl_key, event_ms, event_id, expires_at_ms) VALUES ${marks(keys.length, "(?, ?, ?, ?, ?)")}`,
        keys.flatMap((key) => [this.scope, key, nowMs, eventId, nowMs + windowMs]),
      );
      return { ok: true as const };
    });
  }
}
