/** Webhooks (docs/architecture/integrations.md): endpoints an admin registers, and the events they receive. */

/** What happened to appointments: what an integration (a CRM, a calendar sync) subscribes to. */
export const APPOINTMENT_EVENT_TYPES = [
  "appointment.created",
  "appointment.cancelled",
  "appointment.rescheduled",
  "appointment.no_show",
  "appointment.attended",
  "appointment.reminder_sent",
] as const;

/**
 * What happened to the deployment itself, for the people who run it (docs/adr/1201-system-alerts.md):
 * an endpoint receives them only when it names them, like any other event.
 */
export const SYSTEM_EVENT_TYPES = [
  "system.redis_down",
  "system.redis_up",
  "system.redis_memory_high",
  "system.sync_conflicts",
  "system.outbox_backlog",
] as const;

export type SystemEventType = (typeof SYSTEM_EVENT_TYPES)[number];

export const WEBHOOK_EVENT_TYPES = [...APPOINTMENT_EVENT_TYPES, ...SYSTEM_EVENT_TYPES] as const;

export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];

/** One event, as written to the outbox: `payload` is the exact body every receiver gets. */
export interface WebhookEvent {
  /** Also the `webhook-id` header: the same on every attempt, so receivers dedupe by it. */
  id: string;
  type: WebhookEventType;
  payload: string;
  /** The appointment it is about, stored with each delivery. Absent: about no appointment. */
  appointmentId?: string | null;
}

export interface WebhookEndpoint {
  id: string;
  url: string;
  events: WebhookEventType[];
  active: boolean;
  /** Why the endpoint was disabled automatically (null when an admin set `active`). */
  disabledReason: string | null;
  createdAtMs: number;
  updatedAtMs: number;
}

/** A claimed outbox row of webhook_deliveries, with its endpoint as it is now. */
export interface WebhookDelivery {
  eventId: string;
  endpointId: string;
  eventType: WebhookEventType;
  payload: string;
  /** null when the endpoint was deleted since. */
  endpoint: { url: string; secret: string; active: boolean } | null;
}

/** One attempt at one delivery, as GET /v1/admin/webhooks/{id}/deliveries lists it. */
export interface WebhookAttempt {
  id: string;
  eventId: string;
  eventType: WebhookEventType;
  attempt: number;
  /** null when no HTTP answer came (timeout, refused connection, SSRF guard). */
  statusCode: number | null;
  durationMs: number;
  error: string | null;
  attemptedAtMs: number;
}
