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
  await sweepExpiredHolds(db, nowMs);
  for (const table of EXPIRING_TABLES) {
    const result = await db.execute(
      `DELETE FROM ${table} WHERE expires_at_ms <= ? LIMIT ${BATCH}`,
      [nowMs],
    );
    deleted[table] = result.rowsAffected;
  }
  return deleted;
}

/**
 * The fallback's expiry sweep for the funnel (lua/lib/live.lua counts the holds its sweep
 * removes): the hold heads ("h:<holdKey>:0") that expired are counted per staff member and UTC
 * day of their expiry, and deleted, in one transaction. A booked or released hold's rows are gone
 * already, so what is left to expire was never booked. The INSERT … SELECT locks the rows it
 * counts, so the DELETE removes exactly those.
 */
async function sweepExpiredHolds(db: Client, nowMs: number): Promise<void> {
  const heads = "kind = 'h' AND field LIKE 'h:%:0' AND expires_at_ms <= ?";
  await db.transaction(async (tx) => {
    await tx.execute(
      `INSERT INTO funnel_counts (scope, staff_id, day, name, n)
       SELECT scope, staff_id, DATE_ADD('1970-01-01', INTERVAL FLOOR(expires_at_ms / 86400000) DAY) AS day,
         'holdsExpired', COUNT(*)
       FROM fallback_live WHERE ${heads} GROUP BY scope, staff_id, day
       ON DUPLICATE KEY UPDATE n = n + VALUES(n)`,
      [nowMs],
    );
    await tx.execute(`DELETE FROM fallback_live WHERE ${heads}`, [nowMs]);
  });
}
