/**
 * What the outbox holds about one appointment: its emails and webhook deliveries, as the business
 * app shows them on the appointment. Only delivery facts, never a body or a payload: those carry
 * manage links (a customer's token) until the row is sent.
 */
import type { OutboxEmail } from "../booking/types.ts";
import type { WebhookEventType } from "../webhooks/types.ts";

/** Where a row stands; `attempts` counts those made so far (a pending row may have failed some). */
interface DeliveryFacts {
  id: string;
  createdAtMs: number;
  attempts: number;
  sentAtMs: number | null;
  givenUpAtMs: number | null;
  lastError: string | null;
}

export interface AppointmentEmailRecord extends DeliveryFacts {
  kind: OutboxEmail["kind"];
  to: string;
  subject: string;
}

export interface AppointmentWebhookRecord extends DeliveryFacts {
  eventId: string;
  endpointId: string;
  eventType: WebhookEventType;
}

export interface AppointmentMessages {
  /** Newest first, at most `APPOINTMENT_MESSAGES_LIMIT`. */
  emails: AppointmentEmailRecord[];
  /** Newest first, at most `APPOINTMENT_MESSAGES_LIMIT`. */
  webhooks: AppointmentWebhookRecord[];
}

/** How many of each kind an appointment lists: it has a handful; the bound keeps a page small. */
export const APPOINTMENT_MESSAGES_LIMIT = 100;
