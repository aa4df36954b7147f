/** Bits both pages show: a slot in words, a price, the calendar link when the server has it. */
import { byId } from "./dom.ts";
import { t } from "./i18n/index.ts";
import { formatDay, formatLocale, offsetOf, utcLabel, visitorTime, wallTime } from "./time.ts";

/** "Monday 7 December 2026 at 10:00 (UTC+01:00; 04:00 your time)", in the page's language. */
export function describeSlot(start: string): string {
  return t().slotAt(
    formatDay(start.slice(0, 10)),
    wallTime(start),
    utcLabel(offsetOf(start)),
    visitorTime(start),
  );
}

/** "€45.00" in English, "45,00 €" in German: the page language's own currency format. */
export function priceText(price: { amountMinor: number; currency: string }): string {
  try {
    return new Intl.NumberFormat(formatLocale(), {
      style: "currency",
      currency: price.currency,
    }).format(price.amountMinor / 100);
  } catch {
    return `${(price.amountMinor / 100).toFixed(2)} ${price.currency}`;
  }
}

/**
 * Shows the calendar-file link only when the server answers for it: the route
 * (`/v1/appointments/{id}/calendar.ics?token=`) is built separately, so a 404 hides the link.
 */
export async function calendarLink(id: string, manageToken: string): Promise<void> {
  const url = `/v1/appointments/${encodeURIComponent(id)}/calendar.ics?${new URLSearchParams({ token: manageToken })}`;
  const box = byId("calendar");
  box.hidden = true;
  try {
    const res = await fetch(url, { method: "HEAD", signal: AbortSignal.timeout(8000) });
    if (!res.ok) return;
    byId<HTMLAnchorElement>("calendar-link").href = url;
    box.hidden = false;
  } catch {
    // No link is better than a broken one.
  }
}
