/**
 * The "Messages" section of an appointment's page: the emails and webhook deliveries the outbox
 * holds about it (GET /v1/admin/appointments/{id}/messages), each with where it stands. A section
 * of its own, built here, so the appointment page only says where it goes and when to load it.
 */
import { byId, h } from "../dom.ts";
import { formatLocale } from "../time.ts";
import { type EmailKind, type MessageWords, messageWords } from "./i18n.ts";
import type { Caller } from "./session.ts";

interface Delivery {
  id: string;
  createdAt: string;
  attempts: number;
  sentAt: string | null;
  givenUpAt: string | null;
  lastError: string | null;
}
export interface EmailRow extends Delivery {
  kind: EmailKind;
  to: string;
  subject: string;
}
export interface WebhookRow extends Delivery {
  eventId: string;
  endpointId: string;
  eventType: string;
}
export interface AppointmentMessages {
  emails: EmailRow[];
  webhooks: WebhookRow[];
}

export type DeliveryState = "sent" | "pending" | "failing" | "given-up";

/** Where a row stands: delivered, not tried yet, failed and retrying, or stopped. */
export function deliveryState(row: Delivery): DeliveryState {
  if (row.sentAt !== null) return "sent";
  if (row.givenUpAt !== null) return "given-up";
  return row.attempts > 0 ? "failing" : "pending";
}

function when(iso: string): string {
  return new Intl.DateTimeFormat(formatLocale(), {
    dateStyle: "medium",
    timeStyle: "short",
  }).format(Date.parse(iso));
}

export function stateText(row: Delivery, w: MessageWords): string {
  switch (deliveryState(row)) {
    case "sent":
      return w.sent(when(row.sentAt ?? row.createdAt));
    case "given-up":
      return w.givenUp(row.attempts);
    case "failing":
      return w.failing(row.attempts);
    default:
      return w.pending;
  }
}

/** One row: what it is, where it stands, and below, its subject or target and its times. */
function item(row: Delivery, title: string, lines: string[], w: MessageWords): HTMLLIElement {
  const state = deliveryState(row);
  const facts = [...lines, w.queued(when(row.createdAt))];
  if (state !== "sent" && row.lastError) facts.push(w.lastError(row.lastError));
  return h(
    "li",
    { class: "msg", "data-id": row.id, "data-state": state },
    h("span", { class: "msg-title" }, title),
    h("span", { class: `badge msg-${state}` }, stateText(row, w)),
    h("span", { class: "msg-meta" }, ...facts.map((fact) => h("span", {}, fact))),
  );
}

function list(
  items: HTMLLIElement[],
  empty: string,
  label: string,
  kind: "emails" | "webhooks",
): HTMLElement {
  if (items.length === 0) return h("p", { class: "muted", "data-kind": kind }, empty);
  return h("ul", { class: "msg-list", "aria-label": label, "data-kind": kind }, ...items);
}

/** The section's content for loaded messages. */
export function messagesContent(messages: AppointmentMessages, w: MessageWords): Node[] {
  const emails = messages.emails.map((e) =>
    item(e, w.kinds[e.kind] ?? e.kind, [e.subject, w.to(e.to)], w),
  );
  const webhooks = messages.webhooks.map((d) =>
    item(d, d.eventType, [w.endpoint(d.endpointId)], w),
  );
  const nodes: Node[] = [
    h("h4", {}, w.emails),
    list(emails, w.noEmails, w.emails, "emails"),
    h("h4", {}, w.webhooks),
    list(webhooks, w.noWebhooks, w.webhooks, "webhooks"),
  ];
  if (emails.length === 0 && webhooks.length === 0) {
    nodes.push(h("p", { class: "muted" }, w.olderNote));
  }
  return nodes;
}

/** The section inside the appointment's page (#detail), made on first use. */
function section(): HTMLElement {
  const existing = document.getElementById("detail-messages");
  if (existing) return existing;
  const made = h(
    "section",
    { id: "detail-messages", "aria-labelledby": "detail-messages-title" },
    h("h3", { id: "detail-messages-title" }, messageWords().title),
    h("div", { id: "detail-messages-body", "aria-live": "polite" }),
  );
  // Before the Back button's row, the page's last part.
  const back = byId("detail-back").closest(".actions");
  byId("detail").insertBefore(made, back);
  return made;
}

let shown: string | undefined;

/**
 * Loads and shows the messages of appointment `id`. A later call for another appointment wins:
 * an answer that arrives after the page moved on is dropped.
 */
export async function showMessages(api: Caller, id: string): Promise<void> {
  section();
  const body = byId("detail-messages-body");
  const w = messageWords();
  // Another appointment's messages never stand under this one while its own load.
  if (shown !== id) body.replaceChildren(h("p", { class: "muted" }, w.loading));
  shown = id;
  const result = await api<AppointmentMessages>(
    "GET",
    `/v1/admin/appointments/${encodeURIComponent(id)}/messages`,
  );
  if (shown !== id) return;
  body.replaceChildren(
    ...(result.ok ? messagesContent(result.body, w) : [h("p", { class: "muted" }, w.loadFailed)]),
  );
}
