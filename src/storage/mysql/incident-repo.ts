/**
 * The deployment's system incidents (docs/adr/1201-system-alerts.md): one row per scope (the
 * deployment's key prefix) and kind, locked while a step decides, with the alert's outbox rows
 * written in the same transaction.
 */
import type { Client } from "@planetscale/database";
import type { IncidentKind, IncidentState, OutboxBacklog } from "../../domain/alerts/incidents.ts";
import { NO_INCIDENT } from "../../domain/alerts/incidents.ts";
import type { IncidentRepo } from "../../domain/ports.ts";
import { retryConflicts } from "./conflict-retry.ts";
import { writeAnnouncement } from "./outbox-tables.ts";
import { fromSqlDateTime, toBool, toInt, toSqlDateTime } from "./sql-values.ts";

type Row = Record<string, unknown>;

const dateOrNull = (value: unknown) => (value === null ? null : fromSqlDateTime(value));

function toState(row: Row | undefined): IncidentState {
  if (!row) return NO_INCIDENT;
  return {
    open: toBool(row.open),
    incidentId: row.incident_id === null ? null : String(row.incident_id),
    openedAtMs: dateOrNull(row.opened_at),
    alerted: toBool(row.alerted),
    lastAlertAtMs: dateOrNull(row.last_alert_at),
  };
}

const sqlDateOrNull = (ms: number | null) => (ms === null ? null : toSqlDateTime(ms));

export class MysqlIncidentRepo implements IncidentRepo {
  constructor(
    private readonly db: Client,
    private readonly scope: string,
  ) {}

  async transition(
    kind: IncidentKind,
    nowMs: number,
    options: { create: boolean },
    step: Parameters<IncidentRepo["transition"]>[3],
  ): Promise<boolean> {
    const now = toSqlDateTime(nowMs);
    // The row exists before anyone locks it: locking a missing row takes a gap lock, and two
    // isolates inserting into the same gap deadlock. On its own (autocommit), so it holds no lock.
    if (options.create) {
      await this.db.execute(
        `INSERT IGNORE INTO system_incidents (scope, kind, open, alerted, updated_at)
         VALUES (?, ?, 0, 0, ?)`,
        [this.scope, kind, now],
      );
    }
    return retryConflicts(() =>
      this.db.transaction(async (tx) => {
        // The line that makes many isolates alert once: each reads the incident under its row
        // lock, so the second one sees what the first one decided and wrote.
        const { rows } = await tx.execute(
          `SELECT open, incident_id, opened_at, alerted, last_alert_at FROM system_incidents
           WHERE scope = ? AND kind = ? FOR UPDATE`,
          [this.scope, kind],
        );
        const row = rows[0] as Row | undefined;
        if (!row) return false;
        const decided = step(toState(row));
        if (!decided) return false;
        const { next } = decided;
        await tx.execute(
          `UPDATE system_incidents SET open = ?, incident_id = ?, opened_at = ?, alerted = ?,
             last_alert_at = ?, detail = COALESCE(?, detail), updated_at = ?
           WHERE scope = ? AND kind = ?`,
          [
            next.open ? 1 : 0,
            next.incidentId,
            sqlDateOrNull(next.openedAtMs),
            next.alerted ? 1 : 0,
            sqlDateOrNull(next.lastAlertAtMs),
            decided.detail,
            now,
            this.scope,
            kind,
          ],
        );
        await writeAnnouncement(tx, decided.announcement, now);
        return true;
      }),
    );
  }

  async backlog(beforeMs: number, options: { emails: boolean }): Promise<OutboxBacklog> {
    const before = toSqlDateTime(beforeMs);
    const pending = (table: string) =>
      `SELECT attempts, created_at FROM ${table}
       WHERE sent_at IS NULL AND given_up_at IS NULL AND created_at <= ?`;
    // The due index (sent_at, given_up_at, …) finds the pending rows; they are few unless
    // something is wrong, which is what this counts.
    const { rows } = await this.db.execute(
      `SELECT COALESCE(SUM(attempts > 0), 0) AS failing, COALESCE(SUM(attempts = 0), 0) AS waiting,
         MIN(created_at) AS oldest
       FROM (${options.emails ? `${pending("outbox_emails")} UNION ALL ` : ""}${pending("webhook_deliveries")}) pending`,
      options.emails ? [before, before] : [before],
    );
    const row = (rows[0] ?? {}) as Row;
    return {
      failing: toInt(row.failing ?? 0),
      waiting: toInt(row.waiting ?? 0),
      oldestCreatedAtMs:
        row.oldest === null || row.oldest === undefined ? null : fromSqlDateTime(row.oldest),
    };
  }
}
