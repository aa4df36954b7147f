/**
 * The one leased-outbox adapter, for every outbox table (outbox_emails, webhook_deliveries): the
 * tables share their delivery columns, and a table spec says only how to read a claimed row.
 */
import type { Client } from "@planetscale/database";
import { randomToken } from "../../domain/crypto.ts";
import type { OutboxItem, OutboxOutcome, OutboxQueue } from "../../domain/outbox/types.ts";
import { fromSqlDateTime, toInt, toSqlDateTime } from "./sql-values.ts";

type Row = Record<string, unknown>;

export interface OutboxTable<P> {
  /** The table's name (a constant of this codebase, never input). */
  table: string;
  /** The column `groups` filters on (emails: id; webhooks: event_id). */
  groupColumn: string;
  /** Reads the rows leased with `?` (the lease token); they must select id, attempts, created_at. */
  selectLeased: string;
  decode(row: Row): P;
  /** Extra assignments when a row is sent (emails: a sign-in code is not kept). */
  onSent?: string;
}

export class MysqlOutboxQueue<P> implements OutboxQueue<P> {
  constructor(
    private readonly db: Client,
    private readonly spec: OutboxTable<P>,
  ) {}

  async claim(input: {
    groups?: string[];
    limit: number;
    nowMs: number;
    leaseMs: number;
  }): Promise<OutboxItem<P>[]> {
    if (input.groups?.length === 0) return [];
    const leaseToken = randomToken(24);
    const now = toSqlDateTime(input.nowMs);
    const groups = input.groups ?? [];
    const limit = Math.max(1, Math.min(100, Math.floor(input.limit)));
    // The line that closes the race between overlapping runners: ONE UPDATE leases the rows.
    // InnoDB locks each row it changes and evaluates the WHERE on the latest committed version,
    // so a runner that meets a row another runner has just leased waits, then skips it: no row
    // is ever leased by two runners at once, and only the lease holder may settle it.
    const result = await this.db.execute(
      `UPDATE ${this.spec.table} SET lease_token = ?, lease_until = ?
       WHERE sent_at IS NULL AND given_up_at IS NULL
         AND (next_attempt_at IS NULL OR next_attempt_at <= ?)
         AND (lease_until IS NULL OR lease_until <= ?)
         ${groups.length ? `AND ${this.spec.groupColumn} IN (${groups.map(() => "?").join(", ")})` : ""}
       ORDER BY created_at, id LIMIT ${limit}`,
      [leaseToken, toSqlDateTime(input.nowMs + input.leaseMs), now, now, ...groups],
    );
    if (result.rowsAffected === 0) return [];
    const { rows } = await this.db.execute(this.spec.selectLeased, [leaseToken]);
    return (rows as Row[]).map((row) => ({
      id: String(row.id),
      leaseToken,
      attempts: toInt(row.attempts),
      createdAtMs: fromSqlDateTime(row.created_at),
      payload: this.spec.decode(row),
    }));
  }

  async settle(item: OutboxItem<P>, outcome: OutboxOutcome, nowMs: number): Promise<boolean> {
    const now = toSqlDateTime(nowMs);
    const [set, params] =
      outcome.kind === "sent"
        ? [
            `sent_at = ?, last_error = NULL${this.spec.onSent ? `, ${this.spec.onSent}` : ""}`,
            [now],
          ]
        : outcome.kind === "retry"
          ? [
              "next_attempt_at = ?, last_error = ?",
              [toSqlDateTime(outcome.nextAttemptAtMs), outcome.error],
            ]
          : ["given_up_at = ?, last_error = ?", [now, outcome.error]];
    // Only the lease holder settles: a runner whose lease lapsed (it took far too long) finds
    // the token changed and records nothing, so the row's history has one writer at a time.
    const result = await this.db.execute(
      `UPDATE ${this.spec.table} SET ${set}, attempts = attempts + 1, lease_token = NULL, lease_until = NULL
       WHERE id = ? AND lease_token = ?`,
      [...params, item.id, item.leaseToken],
    );
    return result.rowsAffected > 0;
  }
}
