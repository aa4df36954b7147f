import type { Client } from "@planetscale/database";

/** The fallback tables whose rows expire, in the order they are cleaned. */
const EXPIRING_TABLES = [
  "fallback_live",
  "fallback_cells",
  "fallback_offers",
  "fallback_idempotency",
  "fallback_released",
  "fallback_held",
  "fallback_rate_events",
  "fallback_live_tickets",
  "fallback_hold_attempts",
] as const;

/** Rows deleted per statement, so one clean-up never holds locks for long. */
const BATCH = 5_000;

/**
 * Deletes expired fallback rows (run by the Cron Trigger). Expired rows are already dead to every
 * read and write; this only keeps the tables small. Returns the rows deleted per table.
 */
export async function deleteExpiredFallbackRows(
  db: Client,
  nowMs: number,
): Promise<Record<string, number>> {
  const deleted: Record<string, number> = {};
  for (const table of EXPIRING_TABLES) {
    const result = await db.execute(
      `DELETE FROM ${table} WHERE expires_at_ms <= ? LIMIT ${BATCH}`,
      [nowMs],
    );
    deleted[table] = result.rowsAffected;
  }
  return deleted;
}
