/**
 * One webhook attempt: guard the URL, send the signed request (10 s timeout), log the attempt
 * (status code and duration), and count a 2xx as delivered. Anything else throws, so the drain
 * retries with backoff; a deleted or disabled endpoint, or a URL the guard refuses, is permanent.
 */
import { newId } from "../ids.ts";
import type { OutboxItem } from "../outbox/types.ts";
import { PermanentDeliveryError } from "../outbox/types.ts";
import type { DomainContext } from "../ports.ts";
import type { WebhookDelivery } from "./types.ts";
import { checkWebhookUrl } from "./url-guard.ts";

/** Each attempt has a 10 s timeout, far below the outbox lease, so a lease lapses only when a runner died. */
export const WEBHOOK_TIMEOUT_MS = 10_000;

export async function sendWebhook(
  ctx: DomainContext,
  item: OutboxItem<WebhookDelivery>,
): Promise<void> {
  const delivery = item.payload;
  const endpoint = delivery.endpoint;
  if (!endpoint) throw new PermanentDeliveryError("the endpoint was deleted");
  if (!endpoint.active) throw new PermanentDeliveryError("the endpoint is disabled");
  const verdict = checkWebhookUrl(endpoint.url, ctx.deployment.production);
  const attemptedAtMs = ctx.clock.nowMs();
  const started = performance.now();
  let statusCode: number | null = null;
  let error: string | null = verdict.ok ? null : `url: ${verdict.reason}`;
  if (verdict.ok) {
    try {
      ({ statusCode } = await ctx.webhookSender.send({
        url: verdict.url.toString(),
        secret: endpoint.secret,
        messageId: delivery.eventId,
        timestampMs: ctx.clock.nowMs(),
        body: delivery.payload,
        timeoutMs: WEBHOOK_TIMEOUT_MS,
      }));
      if (statusCode < 200 || statusCode > 299) error = `the receiver answered ${statusCode}`;
    } catch (cause) {
      error = (cause instanceof Error ? cause.message : String(cause)).slice(0, 300);
    }
  }
  await ctx.webhooks.recordAttempt({
    id: newId("wha"),
    endpointId: delivery.endpointId,
    deliveryId: item.id,
    eventId: delivery.eventId,
    eventType: delivery.eventType,
    attempt: item.attempts + 1,
    statusCode,
    durationMs: Math.max(0, Math.round(performance.now() - started)),
    error,
    attemptedAtMs,
  });
  if (!verdict.ok) throw new PermanentDeliveryError(error ?? "url refused");
  if (error !== null) throw new Error(error);
  await ctx.webhooks.markSuccess(delivery.endpointId, ctx.clock.nowMs());
}

/**
 * After 3 days of failed attempts at one delivery, its endpoint is disabled (unless it delivered
 * something else meanwhile), and the change is logged. An admin re-enables it with `active: true`.
 */
export async function disableFailingEndpoint(
  ctx: DomainContext,
  item: OutboxItem<WebhookDelivery>,
  error: string,
): Promise<void> {
  const reason = `delivery of ${item.payload.eventId} failed for 3 days (last: ${error})`.slice(
    0,
    300,
  );
  const disabled = await ctx.webhooks.disableIfFailingSince(
    item.payload.endpointId,
    item.createdAtMs,
    reason,
    ctx.clock.nowMs(),
  );
  if (disabled) {
    console.warn(
      JSON.stringify({
        level: "warn",
        msg: "webhook endpoint disabled",
        endpointId: item.payload.endpointId,
        eventId: item.payload.eventId,
        reason,
      }),
    );
  }
}
