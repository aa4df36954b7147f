import type { Client } from "@planetscale/database";
import type { CalendarKeyRepo, PendingAudit } from "../../domain/ports.ts";
import { auditedStatement } from "./audit-repo.ts";
import { toSqlDateTime } from "./sql-values.ts";

/** Staff calendar-feed keys, as SHA-256 hashes only. */
export class MysqlCalendarKeyRepo implements CalendarKeyRepo {
  constructor(private readonly db: Client) {}

  async put(
    staffId: string,
    keyHash: string,
    nowMs: number,
    audit?: PendingAudit,
  ): Promise<boolean> {
    // Only for an existing staff member, in one statement: no key outlives a deleted staff row.
    const result = await auditedStatement(
      this.db,
      audit,
      staffId,
      (db) =>
        db.execute(
          `INSERT INTO staff_calendar_keys (staff_id, key_hash, created_at)
       SELECT id, ?, ? FROM staff WHERE id = ?
       ON DUPLICATE KEY UPDATE key_hash = VALUES(key_hash), created_at = VALUES(created_at)`,
          [keyHash, toSqlDateTime(nowMs), staffId],
        ),
      (result) => result.rowsAffected > 0,
    );
    return result.rowsAffected > 0;
  }

  async delete(staffId: string, audit?: PendingAudit): Promise<boolean> {
    const result = await auditedStatement(
      this.db,
      audit,
      staffId,
      (db) => db.execute("DELETE FROM staff_calendar_keys WHERE staff_id = ?", [staffId]),
      (result) => result.rowsAffected > 0,
    );
    return result.rowsAffected > 0;
  }

  async find(staffId: string): Promise<string | null> {
    const { rows } = await this.db.execute(
      "SELECT key_hash FROM staff_calendar_keys WHERE staff_id = ?",
      [staffId],
    );
    const row = rows[0] as { key_hash: unknown } | undefined;
    return row ? String(row.key_hash) : null;
  }
}
