import type { Client } from "@planetscale/database";
import type { OutboxEmail } from "../../domain/booking/types.ts";
import type { Outbox } from "../../domain/ports.ts";
import { toSqlDateTime } from "./sql-values.ts";

/** Emails past this many failed deliveries stay in the outbox for an operator to look at. */
const MAX_ATTEMPTS = 5;

export class MysqlOutbox implements Outbox {
  constructor(private readonly db: Client) {}

  async pending(limit: number): Promise<OutboxEmail[]> {
    const { rows } = await this.db.execute(
      `SELECT id, to_email, subject, body, kind FROM outbox_emails WHERE sent_at IS NULL AND attempts < ${MAX_ATTEMPTS}
       ORDER BY created_at, id LIMIT ${Math.max(1, Math.min(100, Math.floor(limit)))}`,
    );
    return (rows as Record<string, unknown>[]).map((row) => ({
      id: String(row.id),
      to: String(row.to_email),
      subject: String(row.subject),
      body: String(row.body),
      kind: String(row.kind) as OutboxEmail["kind"],
    }));
  }

  async markSent(id: string, nowMs: number): Promise<void> {
    // A delivered sign-in code is not kept: the row stays as a record, without the code.
    await this.db.execute(
      `UPDATE outbox_emails SET sent_at = ?, attempts = attempts + 1,
         subject = IF(kind = 'sign-in-code', 'Your sign-in code', subject),
         body = IF(kind = 'sign-in-code', '(code delivered; not kept)', body)
       WHERE id = ?`,
      [toSqlDateTime(nowMs), id],
    );
  }

  async markFailed(id: string): Promise<void> {
    await this.db.execute("UPDATE outbox_emails SET attempts = attempts + 1 WHERE id = ?", [id]);
  }
}
