/**
 * The booking funnel report (GET /v1/admin/stats, docs/adr/1205-the-booking-funnel.md): per UTC
 * day and in total, how many slots were selected, held, booked, released and left to expire, and
 * the two rates an operator reviews, with the store calls counted slow.
 */
import type { DomainContext, FunnelCounts } from "../ports.ts";

/** The longest range one report covers (days): its cost grows with days × staff members. */
export const MAX_REPORT_DAYS = 31;

const DAY_MS = 86_400_000;

export const FUNNEL_FIELDS = [
  "selections",
  "holdsCreated",
  "holdsBooked",
  "holdsReleased",
  "holdsExpired",
  "bookings",
  "cancellations",
  "reschedules",
] as const satisfies readonly (keyof FunnelCounts)[];

export interface FunnelLine extends FunnelCounts {
  /** holdsBooked / holdsCreated; null when no hold was created. */
  holdToBookingRate: number | null;
  /** holdsCreated / selections; null when nothing was selected. */
  selectionToHoldRate: number | null;
  /** Store calls counted slow, by operation. */
  slowCalls: Record<string, number>;
}

export interface FunnelReport {
  from: string;
  to: string;
  staffId: string | null;
  /** Redis could not be read: the live counts (and slow calls) are incomplete. */
  partial: boolean;
  days: (FunnelLine & { date: string })[];
  total: FunnelLine;
}

/** The UTC dates from `from` to `to`, both included (YYYY-MM-DD). */
export function datesBetween(from: string, to: string): string[] {
  const dates: string[] = [];
  for (let ms = Date.parse(`${from}T00:00:00Z`); ms <= Date.parse(`${to}T00:00:00Z`); ms += DAY_MS)
    dates.push(new Date(ms).toISOString().slice(0, 10));
  return dates;
}

const rate = (part: number, whole: number) =>
  whole === 0 ? null : Math.round((part / whole) * 10_000) / 10_000;

function line(counts: FunnelCounts, slowCalls: Record<string, number>): FunnelLine {
  return {
    ...counts,
    holdToBookingRate: rate(counts.holdsBooked, counts.holdsCreated),
    selectionToHoldRate: rate(counts.holdsCreated, counts.selections),
    slowCalls,
  };
}

export function emptyCounts(): FunnelCounts {
  return Object.fromEntries(FUNNEL_FIELDS.map((f) => [f, 0])) as unknown as FunnelCounts;
}

/** The report of a valid range (the route checks it: from ≤ to, at most MAX_REPORT_DAYS). */
export async function funnelReport(args: {
  ctx: DomainContext;
  input: { from: string; to: string; staffId?: string | undefined };
}): Promise<FunnelReport> {
  const { from, to } = args.input;
  const staffId = args.input.staffId ?? null;
  const { days, liveComplete } = await args.ctx.funnel.read({
    dates: datesBetween(from, to),
    staffId,
  });
  const total = emptyCounts();
  const slowTotal: Record<string, number> = {};
  for (const day of days) {
    for (const field of FUNNEL_FIELDS) total[field] += day.counts[field];
    for (const [op, n] of Object.entries(day.slowCalls)) slowTotal[op] = (slowTotal[op] ?? 0) + n;
  }
  return {
    from,
    to,
    staffId,
    partial: !liveComplete,
    days: days.map((day) => ({ date: day.date, ...line(day.counts, day.slowCalls) })),
    total: line(total, slowTotal),
  };
}
