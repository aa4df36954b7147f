import { z } from "@hono/zod-openapi";
import {
  WEBHOOK_EVENT_TYPES,
  type WebhookAttempt,
  type WebhookEndpoint,
} from "../../../domain/webhooks/types.ts";
import { isoTimestamp } from "../../shared/convert.ts";
import { Id } from "../../shared/schemas.ts";

export const WebhookIdParam = z.object({
  id: Id("whk_5n2k8q1w7d3f9h4m6p0r").openapi({ param: { name: "id", in: "path" } }),
});

const Url = z.string().min(1).max(2000).openapi({
  description:
    "Where events are POSTed. Production: https to a public address only (no loopback, private, link-local or metadata addresses); outside production `http://127.0.0.1` too.",
  example: "https://hooks.example.com/appointease",
});

const Events = z
  .array(z.enum(WEBHOOK_EVENT_TYPES))
  .min(1)
  .max(WEBHOOK_EVENT_TYPES.length * 2)
  .openapi({
    description:
      "The event types this endpoint receives. System events (`system.*`, alerts for whoever runs the deployment) arrive only when named here: no subscription includes them by default.",
    example: ["appointment.created", "appointment.cancelled"],
  });

const Active = z.boolean().openapi({
  description:
    "Inactive endpoints receive nothing (events meanwhile are not kept for them). Setting it clears an automatic disable. Default true.",
  // The documented example registers an endpoint that stays quiet until switched on.
  example: false,
});

export const WebhookCreate = z
  .strictObject({ url: Url, events: Events, active: Active.default(true) })
  .openapi("WebhookCreate");

export const WebhookPatch = z
  .strictObject({ url: Url.optional(), events: Events.optional(), active: Active.optional() })
  .openapi("WebhookPatch");

export const WebhookSchema = z
  .object({
    id: Id("whk_5n2k8q1w7d3f9h4m6p0r"),
    url: z.string().openapi({ example: "https://hooks.example.com/appointease" }),
    events: z.array(z.enum(WEBHOOK_EVENT_TYPES)).openapi({ example: ["appointment.created"] }),
    active: z.boolean().openapi({ example: true }),
    disabledReason: z.string().nullable().openapi({
      description: "Why it was disabled automatically (3 days of failed deliveries); else null.",
      example: null,
    }),
    createdAt: z.string().openapi({ format: "date-time", example: "2026-11-26T10:00:00.000Z" }),
    updatedAt: z.string().openapi({ format: "date-time", example: "2026-11-26T10:00:00.000Z" }),
  })
  .openapi("Webhook");

const Secret = z.string().openapi({
  description:
    "The Standard Webhooks signing secret (`whsec_…`). Shown only here: verify each delivery's `webhook-signature` with it.",
  example: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
});

export const WebhookCreated = z
  .object({ webhook: WebhookSchema, secret: Secret })
  .openapi("WebhookCreated");
export const WebhookEnvelope = z.object({ webhook: WebhookSchema }).openapi("WebhookEnvelope");
export const WebhookList = z.object({ webhooks: z.array(WebhookSchema) }).openapi("WebhookList");
export const WebhookSecret = z.object({ secret: Secret }).openapi("WebhookSecret");

export const DeliveriesQuery = z.strictObject({
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .max(500)
    .default(50)
    .openapi({ description: "How many attempts, newest first; 1 to 500.", example: 50 }),
});

export const DeliveryAttemptSchema = z
  .object({
    id: Id("wha_5n2k8q1w7d3f9h4m6p0r"),
    eventId: z.string().openapi({
      description: "The event (also the `webhook-id` header; the same on every attempt).",
      example: "msg_5n2k8q1w7d3f9h4m6p0r",
    }),
    eventType: z.enum(WEBHOOK_EVENT_TYPES).openapi({ example: "appointment.created" }),
    attempt: z.number().int().openapi({ description: "1 for the first attempt.", example: 1 }),
    statusCode: z.number().int().nullable().openapi({
      description: "The receiver's HTTP status; null when no answer came (timeout, refused).",
      example: 200,
    }),
    durationMs: z.number().int().openapi({ example: 84 }),
    error: z.string().nullable().openapi({ example: null }),
    attemptedAt: z.string().openapi({ format: "date-time", example: "2026-11-26T10:00:00.000Z" }),
  })
  .openapi("WebhookDeliveryAttempt");

export const DeliveryList = z
  .object({ deliveries: z.array(DeliveryAttemptSchema) })
  .openapi("WebhookDeliveryAttempts");

export function toWebhook(endpoint: WebhookEndpoint): z.infer<typeof WebhookSchema> {
  return {
    id: endpoint.id,
    url: endpoint.url,
    events: endpoint.events,
    active: endpoint.active,
    disabledReason: endpoint.disabledReason,
    createdAt: isoTimestamp(endpoint.createdAtMs),
    updatedAt: isoTimestamp(endpoint.updatedAtMs),
  };
}

export function toDeliveryAttempt(a: WebhookAttempt): z.infer<typeof DeliveryAttemptSchema> {
  return {
    id: a.id,
    eventId: a.eventId,
    eventType: a.eventType,
    attempt: a.attempt,
    statusCode: a.statusCode,
    durationMs: a.durationMs,
    error: a.error,
    attemptedAt: isoTimestamp(a.attemptedAtMs),
  };
}

export const TAGS = ["Admin: webhooks"];
