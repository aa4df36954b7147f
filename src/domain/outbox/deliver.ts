/**
 * Delivery of the two outboxes, emails and webhooks, through the one drain: the request that
 * wrote the rows makes the first attempt right away (`deliverSoon`, kept alive by waitUntil);
 * the Cron Trigger retries what is due (`deliverDue`). Leases keep the two from overlapping.
 */
import type { DomainContext } from "../ports.ts";
import { disableFailingEndpoint, sendWebhook } from "../webhooks/deliver-webhook.ts";
import { type DrainReport, drainOutbox } from "./drain-outbox.ts";

const NOTHING: DrainReport = { sent: 0, retried: 0, gaveUp: 0, lost: 0 };

/** Emails: only with a mailer; in development the outbox is the mailbox and nothing is sent. */
export function deliverEmails(ctx: DomainContext, groups?: string[]): Promise<DrainReport> {
  const mailer = ctx.mailer;
  if (!mailer) return Promise.resolve(NOTHING);
  return drainOutbox({
    queue: ctx.emailOutbox,
    clock: ctx.clock,
    send: (item) => mailer.send(item.payload),
    ...(groups ? { groups } : {}),
  });
}

export function deliverWebhooks(ctx: DomainContext, groups?: string[]): Promise<DrainReport> {
  return drainOutbox({
    queue: ctx.webhookOutbox,
    clock: ctx.clock,
    send: (item) => sendWebhook(ctx, item),
    onGiveUp: (item, error, permanent) =>
      permanent ? Promise.resolve() : disableFailingEndpoint(ctx, item, error),
    ...(groups ? { groups } : {}),
  });
}

/** The Cron Trigger's pass: everything due, both outboxes. A failing one does not stop the other. */
export async function deliverDue(ctx: DomainContext) {
  const settle = (work: Promise<DrainReport>) =>
    work.catch((error: unknown) => ({ error: String(error) }));
  const [emails, webhooks] = await Promise.all([
    settle(deliverEmails(ctx)),
    settle(deliverWebhooks(ctx)),
  ]);
  return { emails, webhooks };
}

/** Resolves on a later turn of the event loop: after the response has been handed back. */
function afterResponse(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

/**
 * The first attempt for rows a request has just committed. It starts after the response is
 * handed back (a timer turn) and is kept alive by waitUntil, so it adds nothing to the request's
 * latency or statement budget. A failure here is only logged: the rows stay due and the Cron
 * Trigger retries them.
 */
export function deliverSoon(
  ctx: DomainContext,
  rows: { emailIds: string[]; eventIds: string[] },
): void {
  if (rows.emailIds.length === 0 && rows.eventIds.length === 0) return;
  const work = () =>
    afterResponse()
      .then(() =>
        Promise.all([
          rows.emailIds.length ? deliverEmails(ctx, rows.emailIds) : NOTHING,
          rows.eventIds.length ? deliverWebhooks(ctx, rows.eventIds) : NOTHING,
        ]),
      )
      .catch((error: unknown) => {
        console.warn(
          JSON.stringify({
            level: "warn",
            msg: "first delivery attempt failed; the Cron Trigger retries",
            error: String(error),
          }),
        );
      });
  ctx.defer(work);
}
