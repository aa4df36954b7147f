import type { DomainContext } from "../ports.ts";

/**
 * Delivers pending outbox emails through the mailer (Cron Trigger). Without a mailer
 * (development) the outbox is the mailbox and nothing is sent.
 */
export async function deliverEmails({
  ctx,
  input,
}: {
  ctx: DomainContext;
  input: { limit: number };
}): Promise<{ sent: number; failed: number }> {
  const mailer = ctx.mailer;
  if (!mailer) return { sent: 0, failed: 0 };
  let sent = 0;
  let failed = 0;
  for (const email of await ctx.outbox.pending(input.limit)) {
    try {
      await mailer.send(email);
      await ctx.outbox.markSent(email.id, ctx.clock.nowMs());
      sent++;
    } catch {
      await ctx.outbox.markFailed(email.id);
      failed++;
    }
  }
  return { sent, failed };
}
