/**
 * The webhook events as OpenAPI 3.1 `webhooks`: what a registered endpoint receives, one entry
 * per event type of src/domain/webhooks/types.ts, with the exact payload the domain writes to the
 * outbox (src/domain/booking/announce.ts; system events: src/domain/alerts/system-alerts.ts) and
 * the Standard Webhooks headers it is signed with
 * (src/storage/outbound/webhook-sender.ts). src/openapi-document.test.ts validates real payloads
 * against these schemas, so the two cannot drift apart.
 */
import { type OpenAPIHono, z } from "@hono/zod-openapi";
import {
  type APPOINTMENT_EVENT_TYPES,
  SYSTEM_EVENT_TYPES,
  type SystemEventType,
  WEBHOOK_EVENT_TYPES,
  type WebhookEventType,
} from "../../../domain/webhooks/types.ts";
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

type AppointmentEventType = (typeof APPOINTMENT_EVENT_TYPES)[number];

/** What each event means, and what its `data` carries beside the appointment. */
const EVENTS: Record<
  AppointmentEventType,
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

const IncidentId = z.string().openapi({
  description:
    "The incident this alert is about (`inc_…`): a `system.redis_up` names the `system.redis_down` it ends.",
  example: "inc_5n2k8q1w7d3f9h4m6p0r",
});

const SyncSummary = z
  .strictObject({
    trigger: z.enum(["cron", "request", "admin"]).openapi({
      description:
        "What ran the sync: the Cron Trigger, a request after the cool-down, or an admin.",
    }),
    outcome: z.enum(["synced", "busy", "failed"]).openapi({ example: "synced" }),
    copied: z.number().int().openapi({
      description: "Holds, markers and bookings copied from the MySQL fallback into Redis.",
      example: 12,
    }),
    conflicts: z.number().int().openapi({
      description:
        "Fallback holds not copied: someone else held a slot of theirs in Redis (those holds are gone).",
      example: 0,
    }),
    durationMs: z.number().int().openapi({ example: 84 }),
  })
  .openapi("SystemSyncReport");

/** What each system event means and its `data` (docs/adr/1201-system-alerts.md). */
const SYSTEM_EVENTS: Record<
  SystemEventType,
  { summary: string; description: string; data: z.ZodType }
> = {
  "system.redis_down": {
    summary: "Redis is down",
    description:
      "The first failover to the MySQL fallback since the last recovery, however many isolates failed over: one event per outage. A Redis that flaps alerts at most once per ALERT_COOLDOWN_MS (default 15 minutes); an outage still going on when that window ends is alerted then.",
    data: z.strictObject({
      incidentId: IncidentId,
      since: DateTime("When the failover happened (UTC)."),
      operation: z.string().openapi({
        description: "The call that failed (`hold`, `health-check`, …).",
        example: "hold",
      }),
      error: z.string().openapi({ example: "connect ECONNREFUSED" }),
    }),
  },
  "system.redis_up": {
    summary: "Redis is back",
    description:
      "The failback: Redis answers again and the failback sync copied what the fallback kept. Sent once per `system.redis_down`, with the sync's report.",
    data: z.strictObject({
      incidentId: IncidentId,
      downSince: DateTime("When the outage began (UTC)."),
      downForMs: z.number().int().openapi({ example: 93_000 }),
      sync: SyncSummary,
    }),
  },
  "system.redis_memory_high": {
    summary: "Redis memory is high",
    description:
      "Checked by the Cron Trigger every minute: Redis uses more than REDIS_MEMORY_ALERT_PERCENT (default 80) of REDIS_MEMORY_LIMIT_BYTES (default 256 MiB). Once per incident: memory must fall below the threshold before it alerts again.",
    data: z.strictObject({
      incidentId: IncidentId,
      usedBytes: z.number().int().openapi({ example: 230_000_000 }),
      limitBytes: z.number().int().openapi({ example: 268_435_456 }),
      thresholdPercent: z.number().int().openapi({ example: 80 }),
      thresholdBytes: z.number().int().openapi({ example: 214_748_364 }),
    }),
  },
  "system.sync_conflicts": {
    summary: "A failback sync found conflicts",
    description:
      "Holds made on the MySQL fallback met another holder in Redis and were not copied. At most one per ALERT_COOLDOWN_MS.",
    data: z.strictObject({ incidentId: IncidentId, sync: SyncSummary }),
  },
  "system.outbox_backlog": {
    summary: "Deliveries are not getting through",
    description:
      "Checked by the Cron Trigger: webhook deliveries (and emails, when a mailer is configured) pending longer than OUTBOX_BACKLOG_ALERT_MS (default 30 minutes), failing or not yet tried. Once per incident: the backlog must clear before it alerts again.",
    data: z.strictObject({
      incidentId: IncidentId,
      failing: z.number().int().openapi({
        description: "Pending deliveries with at least one failed attempt.",
        example: 3,
      }),
      waiting: z.number().int().openapi({
        description: "Pending deliveries not tried yet.",
        example: 0,
      }),
      oldestSince: DateTime("When the oldest of them was written (UTC)."),
      thresholdMs: z.number().int().openapi({ example: 1_800_000 }),
    }),
  },
};

const isSystem = (type: WebhookEventType): type is SystemEventType =>
  (SYSTEM_EVENT_TYPES as readonly string[]).includes(type);

/** The schema's name for an event type: `system.redis_down` → `SystemRedisDownEvent`. */
function schemaName(type: WebhookEventType): string {
  const name = type
    .split(/[._]/)
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join("");
  return `${name}Event`;
}

/** The exact body of one event type: `{type, timestamp, data}`. */
export function webhookPayload(type: WebhookEventType) {
  if (isSystem(type)) {
    return z
      .strictObject({
        type: z.literal(type).openapi({ description: "The event type." }),
        timestamp: DateTime("When the alert was raised (UTC)."),
        data: SYSTEM_EVENTS[type].data,
      })
      .openapi(schemaName(type));
  }
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
  return z
    .strictObject({
      type: z.literal(type).openapi({ description: "The event type." }),
      timestamp: DateTime("When the change happened (UTC)."),
      data,
    })
    .openapi(schemaName(type));
}

/** Adds every event type to the document's `webhooks`. */
export function registerWebhookEvents(app: Pick<OpenAPIHono, "openAPIRegistry">): void {
  for (const type of WEBHOOK_EVENT_TYPES) {
    const event = isSystem(type)
      ? {
          ...SYSTEM_EVENTS[type],
          description: `${SYSTEM_EVENTS[type].description} For the people who run the deployment: an endpoint receives it only when its \`events\` name it (no subscription includes it by default). The operator address in the settings gets the same alert by email.`,
        }
      : EVENTS[type];
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
