/**
 * Dates, times, durations and prices in the words of one language, all from Intl: nothing here
 * builds a month name or a decimal separator by hand. Times are shown in the appointment's zone
 * (the staff member's, else the business's), which is where the customer will be.
 */
import type { Appointment } from "../booking/types.ts";

/** "Monday, 7 December 2026" / "Montag, 7. Dezember 2026". */
export function formatDate(a: Appointment, intl: string): string {
  return new Intl.DateTimeFormat(intl, {
    timeZone: a.timeZone,
    weekday: "long",
    day: "numeric",
    month: "long",
    year: "numeric",
  }).format(new Date(a.startMs));
}

/** The zone's name in words at that instant: "Central European Standard Time". */
function zoneName(ms: number, timeZone: string, intl: string): string {
  const part = new Intl.DateTimeFormat(intl, { timeZone, timeZoneName: "long" })
    .formatToParts(new Date(ms))
    .find((p) => p.type === "timeZoneName");
  return part?.value ?? timeZone;
}

/** "10:00–10:45 (Central European Standard Time)" / "10:00–10:45 Uhr (Mitteleuropäische Normalzeit)". */
export function formatTime(a: Appointment, intl: string): string {
  const range = new Intl.DateTimeFormat(intl, {
    timeZone: a.timeZone,
    hour: "2-digit",
    minute: "2-digit",
  }).formatRange(new Date(a.startMs), new Date(a.endMs));
  return `${range} (${zoneName(a.startMs, a.timeZone, intl)})`;
}

/** Date and time in one line, for the text part and a moved appointment's old time. */
export function formatWhen(a: Appointment, intl: string): string {
  return `${formatDate(a, intl)}, ${formatTime(a, intl)}`;
}

/** "45 minutes", "1 hour, 30 minutes" / "1 Stunde, 30 Minuten" (the appointment, not its buffers). */
export function formatDuration(a: Appointment, intl: string): string {
  const totalMin = Math.round((a.endMs - a.startMs) / 60_000);
  const hours = Math.floor(totalMin / 60);
  const minutes = totalMin % 60;
  const unit = (value: number, unit: "hour" | "minute") =>
    new Intl.NumberFormat(intl, { style: "unit", unit, unitDisplay: "long" }).format(value);
  const parts = [
    ...(hours > 0 ? [unit(hours, "hour")] : []),
    ...(minutes > 0 || hours === 0 ? [unit(minutes, "minute")] : []),
  ];
  return new Intl.ListFormat(intl, { type: "unit", style: "long" }).format(parts);
}

/**
 * "€45.00" / "45,00 €" for 4500 EUR: minor units by the currency's own number of decimals (0 for
 * JPY). null for a free service (no price row on the card).
 */
export function formatPrice(priceMinor: number, currency: string, intl: string): string | null {
  if (priceMinor <= 0) return null;
  const format = new Intl.NumberFormat(intl, { style: "currency", currency });
  const digits = format.resolvedOptions().maximumFractionDigits ?? 2;
  return format.format(priceMinor / 10 ** digits);
}

/**
 * A reminder's offset in words: "24 hours", "2 Stunden", "90 minutes", "2 days" (days only for
 * whole days over one, so 1440 reads "24 hours").
 */
export function formatOffset(offsetMin: number, intl: string): string {
  const [amount, unit] =
    offsetMin % 1440 === 0 && offsetMin > 1440
      ? [offsetMin / 1440, "day"]
      : offsetMin % 60 === 0
        ? [offsetMin / 60, "hour"]
        : [offsetMin, "minute"];
  return new Intl.NumberFormat(intl, { style: "unit", unit, unitDisplay: "long" }).format(amount);
}
