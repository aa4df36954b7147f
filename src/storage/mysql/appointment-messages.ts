/**
 * An appointment's emails and webhook deliveries, read from both outbox tables by their
 * `appointment_id` (migrations/0034) in one statement. Bodies and payloads are never selected.
 */
import type { Client } from "@planetscale/database";
import type {
  AppointmentEmailRecord,
  AppointmentMessages,
  AppointmentWebhookRecord,
} from "../../domain/outbox/appointment-messages.ts";
import { fromSqlDateTime, toInt } from "./sql-values.ts";

type Row = Record<string, unknown>;

// One UNION ALL: a row saying the appointment exists (none: 404), then the newest emails and the
// newest deliveries, each part with its own bound. Both parts read their appointment index.
const MESSAGES_SQL = `(SELECT 'appointment' AS source, id, NULL AS kind, NULL AS to_email, NULL AS subject,
    NULL AS event_id, NULL AS endpoint_id, NULL AS created_at, NULL AS attempts, NULL AS sent_at,
    NULL AS given_up_at, NULL AS last_error
  FROM appointments WHERE id = ?)
UNION ALL
(SELECT 'email', id, kind, to_email, subject, NULL, NULL, created_at, attempts, sent_at, given_up_at, last_error
  FROM outbox_emails WHERE appointment_id = ? ORDER BY created_at DESC, id DESC LIMIT ?)
UNION ALL
(SELECT 'webhook', id, event_type, NULL, NULL, event_id, endpoint_id, created_at, attempts, sent_at, given_up_at, last_error
  FROM webhook_deliveries WHERE appointment_id = ? ORDER BY created_at DESC, id DESC LIMIT ?)`;

function orNullMs(value: unknown): number | null {
  return value === null || value === undefined ? null : fromSqlDateTime(value);
}

function deliveryFacts(row: Row) {
  return {
    id: String(row.id),
    createdAtMs: fromSqlDateTime(row.created_at),
    attempts: toInt(row.attempts),
    sentAtMs: orNullMs(row.sent_at),
    givenUpAtMs: orNullMs(row.given_up_at),
    lastError:
      row.last_error === null || row.last_error === undefined ? null : String(row.last_error),
  };
}

/** Newest first; ties (one transaction's rows share a time) by id, so the order is stable. */
function newestFirst<T extends { createdAtMs: number; id: string }>(a: T, b: T): number {
  return b.createdAtMs - a.createdAtMs || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0);
}

/** null when the appointment does not exist. */
export async function readAppointmentMessages(
  db: Client,
  appointmentId: string,
  limit: number,
): Promise<AppointmentMessages | null> {
  const bound = Math.max(1, Math.floor(limit));
  const { rows } = await db.execute(MESSAGES_SQL, [
    appointmentId,
    appointmentId,
    bound,
    appointmentId,
    bound,
  ]);
  const all = rows as Row[];
  if (!all.some((row) => row.source === "appointment")) return null;
  const emails: AppointmentEmailRecord[] = [];
  const webhooks: AppointmentWebhookRecord[] = [];
  for (const row of all) {
    if (row.source === "email") {
      emails.push({
        ...deliveryFacts(row),
        kind: String(row.kind) as AppointmentEmailRecord["kind"],
        to: String(row.to_email),
        subject: String(row.subject),
      });
    } else if (row.source === "webhook") {
      webhooks.push({
        ...deliveryFacts(row),
        eventId: String(row.event_id),
        endpointId: String(row.endpoint_id),
        eventType: String(row.kind) as AppointmentWebhookRecord["eventType"],
      });
    }
  }
  return { emails: emails.sort(newestFirst), webhooks: webhooks.sort(newestFirst) };
}
