import { DomainError } from "../errors.ts";
import { type AvailabilityState, type LiveSlot, offerDays, overlaySlot } from "../live/offers.ts";
import {
  checkRescheduleAccess,
  type LiveReschedule,
  liveReschedule,
  type RescheduleFacts,
  type RescheduleOf,
  sessionHashOf,
} from "../live/reschedule-of.ts";
import { clientTag } from "../live/tokens.ts";
import type { LiveCells } from "../live/types.ts";
import type { DomainContext } from "../ports.ts";
import { isSupportedDate, SUPPORTED_DATES_TEXT } from "../time/supported-range.ts";
import { daysBetween, formatInstant } from "../time/zoned-time.ts";
import type { AvailabilityData } from "./availability-data.ts";

const DAY_MS = 86_400_000;

import { computeAvailability } from "./compute-availability.ts";
import type { AvailabilityDay, AvailabilityQuery } from "./types.ts";

const noFacts: RescheduleFacts = { appointment: null, sessionEmail: null };

/** At most 31 days per call: a month view, and a bounded cost per request. */
export const MAX_AVAILABILITY_DAYS = 31;

export interface AvailabilityRequest {
  serviceId: string;
  staffId?: string;
  fromDate: string;
  toDate: string;
  /** The caller's client id: its own holds and markers show as `mine`. */
  clientId?: string;
  /** The caller moves this appointment: its own cells do not count (with its credential). */
  rescheduleOf?: RescheduleOf;
  /**
   * Only these local dates of the staff member (given their zone), instead of every date from
   * `fromDate` to `toDate`: a recurring series reads (and publishes offers for) its occurrence
   * dates, weeks apart, and a republish its slots' dates. Needs `staffId`; lifts the 31-day cap
   * (the cost follows the dates, at most `MAX_PICKED_DATES`).
   */
  pickDates?: (timeZone: string) => readonly string[];
}

/** At most this many picked dates per call (a series' occurrences, or 3 per slot of a hold). */
export const MAX_PICKED_DATES = 36;

export interface LiveAvailabilityDay {
  date: string;
  slots: LiveSlot[];
}

export interface LiveAvailability {
  days: LiveAvailabilityDay[];
  /**
   * Slots start before this instant (now + the booking horizon): dates past it have no slots
   * because of the horizon, not because nobody works. In the staff member's offset when one was
   * asked for, else the business's.
   */
  horizonEnd: string;
}

export type { AvailabilityState };

function checkRange(input: AvailabilityRequest): void {
  // Dates outside the supported range would take the engine's date steps out of the calendar.
  for (const [field, date] of [
    ["from", input.fromDate],
    ["to", input.toDate],
  ] as const) {
    if (!isSupportedDate(date)) {
      throw new DomainError(
        "BAD_REQUEST",
        `query.${field}: must be a calendar date YYYY-MM-DD ${SUPPORTED_DATES_TEXT}`,
      );
    }
  }
  const span = daysBetween(input.fromDate, input.toDate);
  if (span < 0) throw new DomainError("BAD_REQUEST", "query.to: must not be before from");
  if (span >= MAX_AVAILABILITY_DAYS && !input.pickDates) {
    throw new DomainError(
      "BAD_REQUEST",
      `query.to: at most ${MAX_AVAILABILITY_DAYS} days per call (from … to inclusive)`,
    );
  }
}

/**
 * Every slot of a service for one staff member (or every active staff member who performs it)
 * from `fromDate` to `toDate` inclusive, each date in the staff member's own zone, with live
 * states. One SQL round trip reads the catalog and bookings; one live-state call publishes the
 * offered slots (so select and hold can check them without SQL) and reads holds and markers.
 */
export async function getAvailability({
  ctx,
  input,
}: {
  ctx: DomainContext;
  input: AvailabilityRequest;
}): Promise<LiveAvailability> {
  const { days, liveOf, horizonEnd } = await loadLiveAvailability({ ctx, input });
  return {
    days: days.map((day) => ({
      date: day.date,
      slots: day.slots.map((slot) => overlaySlot(slot, liveOf(slot.staffId))),
    })),
    horizonEnd,
  };
}

/**
 * The availability verb's work before the per-slot overlay: the computed days and each staff
 * member's live cells. `getAvailability` overlays every slot; the month summary only counts.
 */
export async function loadLiveAvailability({
  ctx,
  input,
  offerFor,
}: {
  ctx: DomainContext;
  input: AvailabilityRequest;
  /**
   * Publish to this private scope instead, with this hold TTL, and let this appointment's cells
   * not block (a waitlist offer: src/domain/waitlist/offer.ts). Never from a request's input.
   */
  offerFor?: { scope: LiveReschedule; holdTtlS: number };
}): Promise<{
  days: AvailabilityDay[];
  liveOf: (staffId: string) => readonly LiveCells[];
  horizonEnd: string;
}> {
  checkRange(input);
  const { clientId, rescheduleOf, pickDates, ...request } = input;
  const nowMs = ctx.clock.nowMs();
  // Checked before any store is asked: no credential, no reschedule.
  const reschedule = rescheduleOf ? await liveReschedule(rescheduleOf) : null;
  const data = await ctx.availability.load(
    rescheduleOf
      ? {
          ...request,
          reschedule: {
            appointmentId: rescheduleOf.appointmentId,
            sessionTokenHash: await sessionHashOf(rescheduleOf),
            nowMs,
          },
        }
      : request,
  );
  if (!data) throw new DomainError("NOT_FOUND", "query.serviceId: no such active service");
  if (rescheduleOf) {
    await checkRescheduleAccess(rescheduleOf, data.reschedule ?? noFacts);
    // The appointment being moved does not block its own new time.
    for (const s of data.staff)
      s.busy = s.busy.filter((b) => b.appointmentId !== rescheduleOf.appointmentId);
  }
  if (offerFor) {
    for (const s of data.staff)
      s.busy = s.busy.filter((b) => b.appointmentId !== offerFor.scope.appointmentId);
  }
  if (input.staffId !== undefined && data.staff.length === 0) {
    throw new DomainError(
      "NOT_FOUND",
      "query.staffId: no such active staff member performing this service",
    );
  }
  const { staff, query } = engineQuery(data, input.fromDate, input.toDate, nowMs);
  const days = pickDates ? pickedDays(query, staff, pickDates) : computeAvailability(query);
  const live = {
    clientId,
    reschedule: offerFor?.scope ?? reschedule,
    holdTtlS: offerFor?.holdTtlS ?? null,
    nowMs,
  };
  const cells = await liveCells(ctx, data, staff, days, live).catch((error: unknown) => {
    // Live states are advisory here: bookings come from SQL. A live-state failure must not fail
    // availability, so the slots are answered without holds and markers (and without publishing
    // offers, so holds are refused until a later read succeeds).
    console.warn(
      JSON.stringify({
        level: "warn",
        msg: "availability without live state",
        error: String(error),
      }),
    );
    return [] as LiveCells[][];
  });
  const byStaff = new Map(staff.map((s, i) => [s.staffId, cells[i] ?? []]));
  const zone = (input.staffId !== undefined && staff[0]?.timeZone) || data.settings.timeZone;
  const horizonEnd = formatInstant(nowMs + data.settings.horizonDays * DAY_MS, zone);
  return { days, liveOf: (staffId) => byStaff.get(staffId) ?? [], horizonEnd };
}

/** The engine run over the picked dates only (one staff member), in ascending date order. */
function pickedDays(
  query: AvailabilityQuery,
  staff: { timeZone: string }[],
  pickDates: (timeZone: string) => readonly string[],
): AvailabilityDay[] {
  const [only] = staff;
  if (!only || staff.length !== 1) return [];
  const dates = [...new Set(pickDates(only.timeZone))].sort();
  if (dates.length > MAX_PICKED_DATES)
    throw new DomainError("BAD_REQUEST", `query: at most ${MAX_PICKED_DATES} dates per call`);
  return dates.flatMap((date) => computeAvailability({ ...query, fromDate: date, toDate: date }));
}

/**
 * The engine's query for loaded data: settings applied, staff on their own zone or the
 * business's. Shared by availability and the "nearby slots" of a refused booking.
 */
export function engineQuery(
  data: AvailabilityData,
  fromDate: string,
  toDate: string,
  nowMs: number,
) {
  const { settings } = data;
  const staff = data.staff.map((s) => ({ ...s, timeZone: s.timeZone ?? settings.timeZone }));
  const query: AvailabilityQuery = {
    service: data.service,
    staff,
    closures: data.closures.map(({ startDate, endDate }) => ({ startDate, endDate })),
    businessTimeZone: settings.timeZone,
    slotIntervalMin: settings.slotIntervalMin,
    minNoticeMin: settings.minNoticeMin,
    horizonDays: settings.horizonDays,
    fromDate,
    toDate,
    nowMs,
  };
  return { staff, query };
}

async function liveCells(
  ctx: DomainContext,
  data: AvailabilityData,
  staff: { staffId: string; timeZone: string }[],
  days: AvailabilityDay[],
  live: {
    clientId: string | undefined;
    reschedule: LiveReschedule | null;
    /** A waitlist offer's own hold TTL (its private scope's meta); null: the settings'. */
    holdTtlS: number | null;
    nowMs: number;
  },
): Promise<LiveCells[][]> {
  const { clientId, reschedule, nowMs } = live;
  const holdTtlS = live.holdTtlS ?? data.settings.holdTtlS;
  const { settings, service } = data;
  return ctx.liveState.overlay({
    serviceId: service.id,
    meta: {
      durationMin: service.durationMin,
      bufferBeforeMin: service.bufferBeforeMin,
      bufferAfterMin: service.bufferAfterMin,
      holdTtlS,
      viewingTtlS: settings.viewingTtlS,
      holdExtensionCapS: Math.max(settings.holdExtensionCapS, holdTtlS),
      minNoticeMin: settings.minNoticeMin,
      maxHeldSlotsPerClient: settings.maxHeldSlotsPerClient,
      maxHeldSlotsPerIp: settings.maxHeldSlotsPerIp,
    },
    staff: staff.map((s) => ({ staffId: s.staffId, days: offerDays(days, s.staffId, s.timeZone) })),
    clientTag: clientId === undefined ? null : await clientTag(clientId),
    reschedule,
    nowMs,
  });
}
