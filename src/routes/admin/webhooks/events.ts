/**
 * The webhook events as OpenAPI 3.1 `webhooks`: what a registered endpoint receives, one entry
 * per event type of src/domain/webhooks/types.ts, with the exact payload the domain writes to the
 * outbox (src/domain/booking/announce.ts) and the Standard Webhooks headers it is signed with
 * (src/storage/outbound/webhook-sender.ts). src/openapi-document.test.ts validates real payloads
 * against these schemas, so the two cannot drift apart.
 */
import { type OpenAPIHono, z } from "@hono/zod-openapi";
import { WEBHOOK_EVENT_TYPES, type WebhookEventType } from "../../../domain/webhooks/types.ts";
import { AppointmentSchema } from "../../shared/appointment-schema.ts";
import { DateTime, Id } from "../../shared/schemas.ts";

const SIGNATURE_HEADERS = z.object({
  "webhook-id": z.string().openapi({
    param: { name: "webhook-id", in: "header" },
    description:
      "The event's id: the same on every attempt at this event, so deduplicate by it (deliveries are at least once).",
    example: "msg_5n2k8q1w7d3f9h4m6p0r",
  }),
  "webhook-timestamp": z.string().openapi({
    param: { name: "webhook-timestamp", in: "header" },
    description: "When this attempt was signed, in Unix seconds. Refuse old ones (replays).",
    example: "1796630400",
  }),
  "webhook-signature": z.string().openapi({
    param: { name: "webhook-signature", in: "header" },
    description:
      "`v1,<base64 HMAC-SHA256>` of `<webhook-id>.<webhook-timestamp>.<body>` with the endpoint's secret (`whsec_…`), as the Standard Webhooks spec says. Verify it on the raw body, before parsing.",
    example: "v1,K5oZfzN95Z9UVu1EsfQmfVNQhnkZ2pj9o9NDN/H/pI4=",
  }),
});

/** What each event means, and what its `data` carries beside the appointment. */
const EVENTS: Record<
  WebhookEventType,
  { summary: string; description: string; extra?: "previousAppointmentId" | "offsetMin" }
> = {
  "appointment.created": {
    summary: "An appointment was booked",
    description:
      "One event per appointment of a booking (a hold of several slots books several). Sent after the booking's transaction commits.",
  },
  "appointment.rescheduled": {
    summary: "An appointment moved to a new time",
    description:
      "`data.appointment` is the new appointment (a reschedule replaces the appointment: a new id, `rescheduledFrom` set); `data.previousAppointmentId` is the one it replaced, now cancelled. One event per new appointment.",
    extra: "previousAppointmentId",
  },
  "appointment.cancelled": {
    summary: "An appointment was cancelled",
    description:
      "By the customer (manage token or session) or by an admin. `data.appointment.status` is `cancelled`.",
  },
  "appointment.no_show": {
    summary: "An appointment was marked a no-show",
    description:
      "An admin marked it after its start (POST /v1/admin/appointments/{id}/attendance). `data.appointment.status` is `no_show`; `attendanceChangedBy` says who. Marking it again sends nothing; setting it back to `confirmed` sends no event.",
  },
  "appointment.attended": {
    summary: "An appointment was marked attended",
    description:
      "An admin marked it after its start (POST /v1/admin/appointments/{id}/attendance). `data.appointment.status` is `attended`. Marking it again sends nothing; setting it back to `confirmed` sends no event.",
  },
  "appointment.reminder_sent": {
    summary: "A reminder email was queued",
    description:
      "The Cron Trigger queued the customer's reminder `data.offsetMin` elapsed minutes before the start (settings `reminders`, or the service's own). Once per appointment and offset.",
    extra: "offsetMin",
  },
};

/** The exact body of one event type: `{type, timestamp, data}`. */
export function webhookPayload(type: WebhookEventType) {
  const extra = EVENTS[type].extra;
  const data =
    extra === "previousAppointmentId"
      ? z.strictObject({
          appointment: AppointmentSchema,
          previousAppointmentId: Id("apt_2b7c9d1e3f5g7h9j1k3m").openapi({
            description: "The appointment this one replaced (now cancelled).",
          }),
        })
      : extra === "offsetMin"
        ? z.strictObject({
            appointment: AppointmentSchema,
            offsetMin: z.number().int().openapi({
              description: "The reminder's offset: elapsed minutes before the start.",
              example: 1440,
            }),
          })
        : z.strictObject({ appointment: AppointmentSchema });
  const name = type
    .split(/[._]/)
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join("");
  return z
    .strictObject({
      type: z.literal(type).openapi({ description: "The event type." }),
      timestamp: DateTime("When the change happened (UTC)."),
      data,
    })
    .openapi(`${name}Event`);
}

/** Adds every event type to the document's `webhooks`. */
export function registerWebhookEvents(app: Pick<OpenAPIHono, "openAPIRegistry">): void {
  for (const type of WEBHOOK_EVENT_TYPES) {
    const event = EVENTS[type];
    app.openAPIRegistry.registerWebhook({
      method: "post",
      path: type,
      operationId: `webhook.${type}`.replace(/[.]/g, "_"),
      tags: ["Webhooks"],
      // The receiver checks the signature headers below; the request carries no API credential.
      security: [],
      summary: event.summary,
      description: `${event.description} Register an endpoint with POST /v1/admin/webhooks. Answer any 2xx within 10 s; anything else is retried with backoff, and an endpoint that fails for 3 days is disabled.`,
      request: {
        headers: SIGNATURE_HEADERS,
        body: { required: true, content: { "application/json": { schema: webhookPayload(type) } } },
      },
      responses: {
        200: { description: "Any 2xx: received. Deduplicate by `webhook-id`." },
      },
    });
  }
}
