/**
 * The two outbox tables, as the shared leased-outbox adapter sees them, and the one writer that
 * puts a change's emails and webhook events into them inside the change's own transaction.
 */
import type { Client, Transaction } from "@planetscale/database";
import type { Announcement, EmailAttachment, OutboxEmail } from "../../domain/booking/types.ts";
import type { WebhookDelivery } from "../../domain/webhooks/types.ts";
import { MysqlOutboxQueue } from "./outbox-queue.ts";
import { toBool } from "./sql-values.ts";
import { insertAuditEntry } from "./audit-repo.ts";

type Row = Record<string, unknown>;

function decodeAttachments(value: unknown): EmailAttachment[] {
  if (value === null || value === undefined || value === "") return [];
  return JSON.parse(String(value)) as EmailAttachment[];
}

/** An email row as the domain sees it. */
export function toOutboxEmail(row: Row): OutboxEmail {
  return {
    id: String(row.id),
    to: String(row.to_email),
    subject: String(row.subject),
    body: String(row.body),
    html: row.html === null || row.html === undefined ? null : String(row.html),
    attachments: decodeAttachments(row.attachments),
    kind: String(row.kind) as OutboxEmail["kind"],
  };
}

/** A manage token in a link (`token=…`), and what replaces it once the email is sent. */
const TOKEN_PARAM = "token=[A-Za-z0-9_%-]+";
const TOKEN_SENT = "token=(sent)";

export function emailOutbox(db: Client): MysqlOutboxQueue<OutboxEmail> {
  return new MysqlOutboxQueue(db, {
    table: "outbox_emails",
    groupColumn: "id",
    selectLeased:
      "SELECT id, to_email, subject, body, html, attachments, kind, attempts, created_at FROM outbox_emails WHERE lease_token = ?",
    decode: toOutboxEmail,
    // A delivered email keeps no secret: a sign-in code's text goes, manage tokens in links are
    // blanked (only their hashes are stored elsewhere), and the attachment (whose calendar file
    // carries the manage link) is not kept. The row stays as a record of what was sent.
    // A waitlist code is kept no more than a sign-in code.
    onSent: `subject = CASE kind WHEN 'sign-in-code' THEN 'Your sign-in code' WHEN 'waitlist-code' THEN 'Your waitlist code' ELSE subject END,
      body = IF(kind IN ('sign-in-code', 'waitlist-code'), '(code delivered; not kept)', REGEXP_REPLACE(body, '${TOKEN_PARAM}', '${TOKEN_SENT}')),
      html = IF(kind IN ('sign-in-code', 'waitlist-code'), NULL, REGEXP_REPLACE(html, '${TOKEN_PARAM}', '${TOKEN_SENT}')),
      attachments = NULL`,
  });
}

export function webhookOutbox(db: Client): MysqlOutboxQueue<WebhookDelivery> {
  return new MysqlOutboxQueue(db, {
    table: "webhook_deliveries",
    groupColumn: "event_id",
    // The endpoint is read with the row: a URL or secret changed since the event was written
    // is used at the next attempt; a deleted endpoint reads as null.
    selectLeased: `SELECT d.id, d.event_id, d.endpoint_id, d.event_type, d.payload, d.attempts, d.created_at,
        e.url, e.secret, e.active
      FROM webhook_deliveries d LEFT JOIN webhook_endpoints e ON e.id = d.endpoint_id
      WHERE d.lease_token = ?`,
    decode: (row) => ({
      eventId: String(row.event_id),
      endpointId: String(row.endpoint_id),
      eventType: String(row.event_type) as WebhookDelivery["eventType"],
      payload: String(row.payload),
      endpoint:
        row.url === null || row.url === undefined
          ? null
          : { url: String(row.url), secret: String(row.secret), active: toBool(row.active) },
    }),
  });
}

/**
 * Writes what a change announces, inside its transaction: each email as a row, and each webhook
 * event as one row per active endpoint subscribed to its type (ONE INSERT … SELECT, so the
 * subscribers are those of the moment the change commits). At most two statements.
 */
export async function writeAnnouncement(
  tx: Transaction,
  announcement: Announcement,
  now: string,
): Promise<void> {
  const { emails, events } = announcement;
  if (emails.length > 0) {
    await tx.execute(
      `INSERT INTO outbox_emails (id, to_email, subject, body, html, attachments, kind, appointment_id, created_at, sent_at, attempts)
       VALUES ${emails.map(() => "(?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, 0)").join(", ")}`,
      emails.flatMap((m) => [
        m.id,
        m.to,
        m.subject,
        m.body,
        m.html,
        m.attachments.length ? JSON.stringify(m.attachments) : null,
        m.kind,
        m.appointmentId ?? null,
        now,
      ]),
    );
  }
  if (events.length > 0) {
    await tx.execute(
      `INSERT INTO webhook_deliveries (id, event_id, endpoint_id, event_type, payload, appointment_id, created_at, attempts)
       SELECT CONCAT(ev.id, ':', e.id), ev.id, e.id, ev.type, ev.payload, ev.appointment_id, ?, 0
       FROM (${events.map(() => "SELECT ? AS id, ? AS type, ? AS payload, ? AS appointment_id").join(" UNION ALL ")}) ev
       JOIN webhook_endpoints e ON e.active = 1 AND FIND_IN_SET(ev.type, e.events) > 0`,
      [now, ...events.flatMap((ev) => [ev.id, ev.type, ev.payload, ev.appointmentId ?? null])],
    );
  }
  if (announcement.audit) await insertAuditEntry(tx, announcement.audit);
}
