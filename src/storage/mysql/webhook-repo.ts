import type { Client } from "@planetscale/database";
import type { PendingAudit, WebhookRepo } from "../../domain/ports.ts";
import type {
  WebhookAttempt,
  WebhookEndpoint,
  WebhookEventType,
} from "../../domain/webhooks/types.ts";
import { auditedStatement, auditedTransaction } from "./audit-repo.ts";
import { fromSqlDateTime, toBool, toInt, toSqlDateTime } from "./sql-values.ts";

type Row = Record<string, unknown>;

const ENDPOINT_COLUMNS = "id, url, events, active, disabled_reason, created_at, updated_at";

function toEndpoint(row: Row): WebhookEndpoint {
  return {
    id: String(row.id),
    url: String(row.url),
    events: String(row.events).split(",").filter(Boolean) as WebhookEventType[],
    active: toBool(row.active),
    disabledReason: row.disabled_reason === null ? null : String(row.disabled_reason),
    createdAtMs: fromSqlDateTime(row.created_at),
    updatedAtMs: fromSqlDateTime(row.updated_at),
  };
}

/** Webhook endpoints and their attempt log. Events are stored as a comma list (FIND_IN_SET). */
export class MysqlWebhookRepo implements WebhookRepo {
  constructor(private readonly db: Client) {}

  async secretOf(id: string): Promise<string | null> {
    const { rows } = await this.db.execute("SELECT secret FROM webhook_endpoints WHERE id = ?", [
      id,
    ]);
    const row = rows[0] as { secret?: unknown } | undefined;
    return row ? String(row.secret) : null;
  }

  async create(
    input: Parameters<WebhookRepo["create"]>[0],
    audit?: PendingAudit,
  ): Promise<WebhookEndpoint> {
    const now = toSqlDateTime(input.nowMs);
    await auditedStatement(this.db, audit, input.id, (db) =>
      db.execute(
        `INSERT INTO webhook_endpoints (id, url, events, active, secret, disabled_reason, last_success_at, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, NULL, NULL, ?, ?)`,
        [input.id, input.url, input.events.join(","), input.active ? 1 : 0, input.secret, now, now],
      ),
    );
    return {
      id: input.id,
      url: input.url,
      events: input.events,
      active: input.active,
      disabledReason: null,
      createdAtMs: fromSqlDateTime(now),
      updatedAtMs: fromSqlDateTime(now),
    };
  }

  async list(): Promise<WebhookEndpoint[]> {
    const { rows } = await this.db.execute(
      `SELECT ${ENDPOINT_COLUMNS} FROM webhook_endpoints ORDER BY created_at, id LIMIT 500`,
    );
    return (rows as Row[]).map(toEndpoint);
  }

  async get(id: string): Promise<WebhookEndpoint | null> {
    const { rows } = await this.db.execute(
      `SELECT ${ENDPOINT_COLUMNS} FROM webhook_endpoints WHERE id = ?`,
      [id],
    );
    const row = rows[0] as Row | undefined;
    return row ? toEndpoint(row) : null;
  }

  async update(
    id: string,
    patch: { url?: string; events?: WebhookEventType[]; active?: boolean },
    nowMs: number,
    audit?: PendingAudit,
  ): Promise<WebhookEndpoint | null> {
    const sets: string[] = ["updated_at = ?"];
    const params: unknown[] = [toSqlDateTime(nowMs)];
    if (patch.url !== undefined) sets.push("url = ?") && params.push(patch.url);
    if (patch.events !== undefined) sets.push("events = ?") && params.push(patch.events.join(","));
    if (patch.active !== undefined) {
      sets.push("active = ?", "disabled_reason = NULL");
      params.push(patch.active ? 1 : 0);
    }
    const result = await auditedStatement(
      this.db,
      audit,
      id,
      (db) =>
        db.execute(`UPDATE webhook_endpoints SET ${sets.join(", ")} WHERE id = ?`, [...params, id]),
      (result) => result.rowsAffected > 0,
    );
    return result.rowsAffected > 0 ? this.get(id) : null;
  }

  async delete(id: string, audit?: PendingAudit): Promise<boolean> {
    return auditedTransaction(
      this.db,
      audit,
      id,
      async (tx) => {
        const result = await tx.execute("DELETE FROM webhook_endpoints WHERE id = ?", [id]);
        if (result.rowsAffected === 0) return false;
        await tx.execute("DELETE FROM webhook_deliveries WHERE endpoint_id = ?", [id]);
        await tx.execute("DELETE FROM webhook_attempts WHERE endpoint_id = ?", [id]);
        return true;
      },
      (deleted) => deleted,
    );
  }

  async rotateSecret(
    id: string,
    secret: string,
    nowMs: number,
    audit?: PendingAudit,
  ): Promise<boolean> {
    const result = await auditedStatement(
      this.db,
      audit,
      id,
      (db) =>
        db.execute("UPDATE webhook_endpoints SET secret = ?, updated_at = ? WHERE id = ?", [
          secret,
          toSqlDateTime(nowMs),
          id,
        ]),
      (result) => result.rowsAffected > 0,
    );
    return result.rowsAffected > 0;
  }

  async recordAttempt(
    a: WebhookAttempt & { endpointId: string; deliveryId: string },
  ): Promise<void> {
    await this.db.execute(
      `INSERT INTO webhook_attempts (id, endpoint_id, delivery_id, event_id, event_type, attempt, status_code, duration_ms, error, attempted_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      [
        a.id,
        a.endpointId,
        a.deliveryId,
        a.eventId,
        a.eventType,
        a.attempt,
        a.statusCode,
        a.durationMs,
        a.error,
        toSqlDateTime(a.attemptedAtMs),
      ],
    );
  }

  async markSuccess(endpointId: string, nowMs: number): Promise<void> {
    await this.db.execute("UPDATE webhook_endpoints SET last_success_at = ? WHERE id = ?", [
      toSqlDateTime(nowMs),
      endpointId,
    ]);
  }

  async disableIfFailingSince(
    endpointId: string,
    failingSinceMs: number,
    reason: string,
    nowMs: number,
  ): Promise<boolean> {
    // One statement decides and disables, so a success recorded meanwhile keeps it enabled.
    const result = await this.db.execute(
      `UPDATE webhook_endpoints SET active = 0, disabled_reason = ?, updated_at = ?
       WHERE id = ? AND active = 1 AND (last_success_at IS NULL OR last_success_at < ?)`,
      [reason, toSqlDateTime(nowMs), endpointId, toSqlDateTime(failingSinceMs)],
    );
    return result.rowsAffected > 0;
  }

  async listAttempts(endpointId: string, limit: number): Promise<WebhookAttempt[]> {
    const { rows } = await this.db.execute(
      `SELECT id, event_id, event_type, attempt, status_code, duration_ms, error, attempted_at
       FROM webhook_attempts WHERE endpoint_id = ? ORDER BY attempted_at DESC, attempt DESC, id
       LIMIT ${Math.max(1, Math.min(500, Math.floor(limit)))}`,
      [endpointId],
    );
    return (rows as Row[]).map((row) => ({
      id: String(row.id),
      eventId: String(row.event_id),
      eventType: String(row.event_type) as WebhookEventType,
      attempt: toInt(row.attempt),
      statusCode: row.status_code === null ? null : toInt(row.status_code),
      durationMs: toInt(row.duration_ms),
      error: row.error === null ? null : String(row.error),
      attemptedAtMs: fromSqlDateTime(row.attempted_at),
    }));
  }
}
