/**
 * The admin's webhook endpoints: create (the signing secret is shown once), list, read, update,
 * delete, rotate the secret, list delivery attempts, and send a test event. Every URL passes the
 * SSRF guard.
 */
import { DomainError } from "../errors.ts";
import { newId } from "../ids.ts";
import type { DomainContext } from "../ports.ts";
import { WEBHOOK_TIMEOUT_MS } from "./deliver-webhook.ts";
import type { WebhookEndpoint, WebhookEventType } from "./types.ts";
import { checkWebhookUrl } from "./url-guard.ts";

/** A Standard Webhooks secret: `whsec_` and 32 random bytes in base64. */
export function newWebhookSecret(): string {
  let binary = "";
  for (const byte of crypto.getRandomValues(new Uint8Array(32)))
    binary += String.fromCharCode(byte);
  return `whsec_${btoa(binary)}`;
}

function guardedUrl(ctx: DomainContext, url: string): string {
  const verdict = checkWebhookUrl(url, ctx.deployment.production);
  if (!verdict.ok) throw new DomainError("BAD_REQUEST", `body.url: ${verdict.reason}`);
  return verdict.url.toString();
}

function notFound(): DomainError {
  return new DomainError("NOT_FOUND", "id: no such webhook endpoint");
}

export async function createWebhook({
  ctx,
  input,
}: {
  ctx: DomainContext;
  input: { url: string; events: WebhookEventType[]; active: boolean };
}): Promise<{ endpoint: WebhookEndpoint; secret: string }> {
  const secret = newWebhookSecret();
  const endpoint = await ctx.webhooks.create(
    {
      id: newId("whk"),
      url: guardedUrl(ctx, input.url),
      events: [...new Set(input.events)],
      active: input.active,
      secret,
      nowMs: ctx.clock.nowMs(),
    },
    ctx.pendingAudit,
  );
  return { endpoint, secret };
}

export function listWebhooks({ ctx }: { ctx: DomainContext }): Promise<WebhookEndpoint[]> {
  return ctx.webhooks.list();
}

export async function getWebhook({
  ctx,
  input,
}: {
  ctx: DomainContext;
  input: { id: string };
}): Promise<WebhookEndpoint> {
  const endpoint = await ctx.webhooks.get(input.id);
  if (!endpoint) throw notFound();
  return endpoint;
}

export async function updateWebhook({
  ctx,
  input,
}: {
  ctx: DomainContext;
  input: { id: string; url?: string; events?: WebhookEventType[]; active?: boolean };
}): Promise<WebhookEndpoint> {
  const patch: { url?: string; events?: WebhookEventType[]; active?: boolean } = {};
  if (input.url !== undefined) patch.url = guardedUrl(ctx, input.url);
  if (input.events !== undefined) patch.events = [...new Set(input.events)];
  if (input.active !== undefined) patch.active = input.active;
  const endpoint = await ctx.webhooks.update(input.id, patch, ctx.clock.nowMs(), ctx.pendingAudit);
  if (!endpoint) throw notFound();
  return endpoint;
}

export async function deleteWebhook({
  ctx,
  input,
}: {
  ctx: DomainContext;
  input: { id: string };
}): Promise<void> {
  if (!(await ctx.webhooks.delete(input.id, ctx.pendingAudit))) throw notFound();
}

/**
 * A new secret replaces the old one at once: every later attempt (retries of older events too)
 * is signed with it. It is shown once, here.
 */
export async function rotateWebhookSecret({
  ctx,
  input,
}: {
  ctx: DomainContext;
  input: { id: string };
}): Promise<{ secret: string }> {
  const secret = newWebhookSecret();
  if (!(await ctx.webhooks.rotateSecret(input.id, secret, ctx.clock.nowMs(), ctx.pendingAudit)))
    throw notFound();
  return { secret };
}

export async function listWebhookDeliveries({
  ctx,
  input,
}: {
  ctx: DomainContext;
  input: { id: string; limit: number };
}) {
  if (!(await ctx.webhooks.get(input.id))) throw notFound();
  return ctx.webhooks.listAttempts(input.id, input.limit);
}

/** The event type of a test delivery (never in the outbox, never subscribed to). */
export const TEST_EVENT_TYPE = "webhook.test";

/**
 * Sends one signed test event to the endpoint now, as a real delivery is signed (Standard
 * Webhooks, the endpoint's current secret), and answers what the receiver said. Nothing is
 * queued or retried, and the endpoint's delivery log and state are left as they are.
 */
export async function sendTestWebhook({
  ctx,
  input,
}: {
  ctx: DomainContext;
  input: { id: string };
}) {
  const [endpoint, secret] = await Promise.all([
    ctx.webhooks.get(input.id),
    ctx.webhooks.secretOf(input.id),
  ]);
  if (!endpoint || secret === null) throw notFound();
  const eventId = newId("msg");
  const nowMs = ctx.clock.nowMs();
  const payload = JSON.stringify({
    type: TEST_EVENT_TYPE,
    timestamp: new Date(nowMs).toISOString(),
    data: { webhookId: endpoint.id },
  });
  const verdict = checkWebhookUrl(endpoint.url, ctx.deployment.production);
  if (!verdict.ok)
    return { eventId, delivered: false, statusCode: null, error: `url: ${verdict.reason}` };
  try {
    const { statusCode } = await ctx.webhookSender.send({
      url: verdict.url.toString(),
      secret,
      messageId: eventId,
      timestampMs: nowMs,
      body: payload,
      timeoutMs: WEBHOOK_TIMEOUT_MS,
    });
    const delivered = statusCode >= 200 && statusCode <= 299;
    return {
      eventId,
      delivered,
      statusCode,
      error: delivered ? null : `the receiver answered ${statusCode}`,
    };
  } catch (cause) {
    const error = (cause instanceof Error ? cause.message : String(cause)).slice(0, 300);
    return { eventId, delivered: false, statusCode: null, error };
  }
}
