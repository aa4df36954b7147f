/**
 * Fallback holds written straight into MySQL as the fallback store writes them (one row per
 * field in the exchange format of lua/lib/live.lua, one row per 5-minute cell), for the sync's
 * volume test and the bench's sync case: 10 000 holds take seconds this way, minutes through
 * the store one transaction at a time.
 */
import type mysql from "mysql2/promise";

/** A 30-minute hold from cell `cell` (exchange format), expiring 10 minutes after `nowMs`. */
export function fallbackHoldValue(cell: number, nowMs: number, tag: string): string {
  return [cell, cell + 6, cell * 5, cell * 5 + 30, 60, nowMs + 600_000, tag, "tok"]
    .concat([nowMs + 1_800_000, 600, 1])
    .join("|");
}

/** `perStaff` holds per staff member, 35 minutes apart from `baseCell`. Key of hold i: K…i. */
export async function insertFallbackHolds(
  conn: mysql.Connection,
  o: { scope: string; staffIds: string[]; perStaff: number; baseCell: number; nowMs: number },
): Promise<void> {
  const expiresAt = o.nowMs + 600_000;
  for (const staffId of o.staffIds) {
    const live: unknown[][] = [];
    const cells: unknown[][] = [];
    for (let i = 0; i < o.perStaff; i++) {
      const cell = o.baseCell + i * 7;
      const key = `K${String(i).padStart(15, "0")}`;
      const tag = `tag${key}`;
      const value = fallbackHoldValue(cell, o.nowMs, tag);
      const startMs = cell * 300_000;
      live.push([o.scope, staffId, `h:${key}:0`, value, "h", tag, cell, cell + 6]);
      live[live.length - 1]?.push(startMs, startMs + 1_800_000, expiresAt);
      for (let c = cell; c < cell + 6; c++) cells.push([staffId, c, `h:${key}`, tag, expiresAt]);
    }
    await conn.query(
      "INSERT INTO fallback_live (scope, staff_id, field, value, kind, client_tag, cell_start, cell_end, start_ms, end_ms, expires_at_ms) VALUES ?",
      [live],
    );
    await conn.query(
      "INSERT INTO fallback_cells (staff_id, cell, owner, client_tag, expires_at_ms) VALUES ?",
      [cells],
    );
  }
}
