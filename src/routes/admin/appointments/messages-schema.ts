/**
 * The answer of GET /v1/admin/appointments/{id}/messages: delivery facts of an appointment's
 * emails and webhook deliveries, without bodies or payloads (they carry manage links).
 */
import { z } from "@hono/zod-openapi";
import type {
  AppointmentMessages,
  AppointmentEmailRecord,
  AppointmentWebhookRecord,
} from "../../../domain/outbox/appointment-messages.ts";
import { WEBHOOK_EVENT_TYPES } from "../../../domain/webhooks/types.ts";
import { isoTimestamp } from "../../shared/convert.ts";
import { Id } from "../../shared/schemas.ts";
import { OutboxEmailSchema } from "../outbox/schema.ts";

const Timestamp = (description: string, example: string | null) =>
  z.string().openapi({ format: "date-time", description, example });

/** The delivery columns both outbox tables share. */
const deliveryFields = {
  createdAt: Timestamp(
    "When it was queued, in the transaction of the change it announces (UTC).",
    "2026-11-26T10:00:00.000Z",
  ),
  attempts: z.number().int().openapi({
    description: "Delivery attempts made so far; above 0 with `sentAt` null: failed, retrying.",
    example: 1,
  }),
  sentAt: Timestamp("When it was delivered (UTC); null while not.", null).nullable(),
  givenUpAt: Timestamp(
    "When retrying stopped (3 days of backoff, or the endpoint is gone); null otherwise.",
    null,
  ).nullable(),
  lastError: z.string().nullable().openapi({
    description: "Why the last failed attempt failed; null when none failed.",
    example: null,
  }),
};

export const AppointmentEmailSchema = z
  .object({
    id: Id("eml_5n2k8q1w7d3f9h4m6p0r").openapi({ description: "The email." }),
    kind: OutboxEmailSchema.shape.kind,
    to: z.string().openapi({ description: "Recipient.", example: "mia@example.com" }),
    subject: z.string().openapi({
      description: "Subject.",
      example: "Confirmed: Haircut with Alex",
    }),
    ...deliveryFields,
  })
  .openapi("AppointmentEmail");

export const AppointmentWebhookSchema = z
  .object({
    id: z.string().openapi({
      description: "The delivery: one per (event, endpoint).",
      example: "msg_5n2k8q1w7d3f9h4m6p0r:whk_5n2k8q1w7d3f9h4m6p0r",
    }),
    eventId: z.string().openapi({
      description: "The event (also the `webhook-id` header; the same on every attempt).",
      example: "msg_5n2k8q1w7d3f9h4m6p0r",
    }),
    endpointId: z.string().openapi({
      description: "The endpoint it goes to (it may have been deleted since).",
      example: "whk_5n2k8q1w7d3f9h4m6p0r",
    }),
    eventType: z.enum(WEBHOOK_EVENT_TYPES).openapi({ example: "appointment.created" }),
    ...deliveryFields,
  })
  .openapi("AppointmentWebhookDelivery");

export const AppointmentMessagesSchema = z
  .object({
    emails: z.array(AppointmentEmailSchema).openapi({
      description: "Newest first, at most 100. Rows queued before this list existed are absent.",
    }),
    webhooks: z.array(AppointmentWebhookSchema).openapi({
      description: "Newest first, at most 100. Rows queued before this list existed are absent.",
    }),
  })
  .openapi("AppointmentMessages");

function deliveryOf(record: AppointmentEmailRecord | AppointmentWebhookRecord) {
  return {
    createdAt: isoTimestamp(record.createdAtMs),
    attempts: record.attempts,
    sentAt: record.sentAtMs === null ? null : isoTimestamp(record.sentAtMs),
    givenUpAt: record.givenUpAtMs === null ? null : isoTimestamp(record.givenUpAtMs),
    lastError: record.lastError,
  };
}

export function toAppointmentMessages(
  messages: AppointmentMessages,
): z.infer<typeof AppointmentMessagesSchema> {
  return {
    emails: messages.emails.map((e) => ({
      id: e.id,
      kind: e.kind,
      to: e.to,
      subject: e.subject,
      ...deliveryOf(e),
    })),
    webhooks: messages.webhooks.map((w) => ({
      id: w.id,
      eventId: w.eventId,
      endpointId: w.endpointId,
      eventType: w.eventType,
      ...deliveryOf(w),
    })),
  };
}
