import type { DomainContext } from "../ports.ts";

/** What the listing shows instead of a sign-in code once real delivery is on. */
export const HIDDEN_CODE_BODY = "(hidden: sign-in codes are delivered only to their recipient)";

/**
 * The newest outbox emails first; `pendingOnly` leaves out those already sent. With a real mailer
 * (MAILER_KIND=http) a sign-in code is never shown, pending or not, and neither is a manage token
 * in a link: an admin must not be able to act as a customer with their secrets. The development
 * outbox is the mailbox, so there both stay readable.
 */
export async function listOutbox({
  ctx,
  input,
}: {
  ctx: DomainContext;
  input: { limit: number; pendingOnly: boolean; to?: string | undefined };
}) {
  const { to, ...rest } = input;
  const emails = await ctx.bookings.listOutbox({ ...rest, ...(to !== undefined ? { to } : {}) });
  if (!ctx.mailer) return emails;
  return emails.map((email) =>
    email.kind === "sign-in-code" || email.kind === "waitlist-code"
      ? {
          ...email,
          subject: email.kind === "sign-in-code" ? "Your sign-in code" : "Your waitlist code",
          body: HIDDEN_CODE_BODY,
          html: null,
        }
      : {
          ...email,
          body: hideTokens(email.body),
          html: email.html === null ? null : hideTokens(email.html),
        },
  );
}

/** Manage tokens in links are the customer's alone: the listing blanks them. */
function hideTokens(text: string): string {
  return text.replace(/([?&](?:amp;)?token=)[A-Za-z0-9_%-]+/g, "$1(hidden)");
}
