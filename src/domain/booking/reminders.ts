/**
 * Reminder emails before an appointment's start, sent by the Cron Trigger. Offsets are elapsed
 * minutes (1440 is 24 hours before the start, whatever a daylight-saving change in between does
 * to the wall clock): the business's `reminders`, or the service's own list. Nothing is written
 * at booking time: the due ones are found by the appointments' start index, so a cancel drops
 * them, a reschedule moves them (the new appointment has its own start), and an appointment
 * booked after a reminder was due never gets that one. Each (appointment, offset) is sent at most
 * once (docs/adr/0706-reminders-found-by-start.md).
 */
import { manageTokenFor } from "../live/hold-token.ts";
import { hashToken } from "../live/tokens.ts";
import type { DomainContext } from "../ports.ts";
import { announceReminders, deliverAnnouncement } from "./announce.ts";
import type { Announcement, DueReminder } from "./types.ts";

/** How late a reminder still goes out when the Cron Trigger could not run at its time. */
export const REMINDER_CATCH_UP_MS = 6 * 3_600_000;

/** Reminders per offset per run; the next minute's run takes the rest. */
export const REMINDERS_PER_RUN = 200;

/** The Cron Trigger's reminder pass: writes the due reminders to the outbox and starts delivery. */
export async function sendDueReminders(ctx: DomainContext): Promise<{ sent: number }> {
  let announcement: Announcement | null = null;
  const result = await ctx.bookings.sendDueReminders({
    nowMs: ctx.clock.nowMs(),
    catchUpMs: REMINDER_CATCH_UP_MS,
    limit: REMINDERS_PER_RUN,
    announce: async (due) => {
      announcement = announceReminders(ctx, due, await manageTokens(ctx, due));
      return announcement;
    },
  });
  if (announcement && result.sent > 0) deliverAnnouncement(ctx, announcement);
  return result;
}

/**
 * The manage token of each appointment, for its links: derived from the booking's first
 * appointment id with the current secret, and kept only when its hash matches the stored one
 * (otherwise, after a secret rotation or for a row made by hand, the links ask to sign in).
 */
async function manageTokens(
  ctx: DomainContext,
  due: DueReminder[],
): Promise<Map<string, string | null>> {
  const tokens = new Map<string, string | null>();
  for (const d of due) {
    const token = await manageTokenFor(ctx.secrets.manageTokenKey, d.manageToken.originId);
    tokens.set(d.appointment.id, (await hashToken(token)) === d.manageToken.hash ? token : null);
  }
  return tokens;
}
