import { DomainError } from "../errors.ts";
import type { DomainContext } from "../ports.ts";
import { daysBetween } from "../time/zoned-time.ts";
import { computeAvailability } from "./compute-availability.ts";
import type { AvailabilityDay } from "./types.ts";

/** SPEC.md section 5: at most 31 days per call. */
export const MAX_AVAILABILITY_DAYS = 31;

export interface AvailabilityRequest {
  serviceId: string;
  staffId?: string;
  fromDate: string;
  toDate: string;
}

/**
 * Every slot of a service for one staff member (or every active staff member who performs it)
 * from `fromDate` to `toDate` inclusive, each date in the staff member's own zone. One SQL round
 * trip reads everything; the engine is pure.
 */
export async function getAvailability({
  ctx,
  input,
}: {
  ctx: DomainContext;
  input: AvailabilityRequest;
}): Promise<AvailabilityDay[]> {
  const span = daysBetween(input.fromDate, input.toDate);
  if (span < 0) throw new DomainError("BAD_REQUEST", "query.to: must not be before from");
  if (span >= MAX_AVAILABILITY_DAYS) {
    throw new DomainError(
      "BAD_REQUEST",
      `query.to: at most ${MAX_AVAILABILITY_DAYS} days per call (from … to inclusive)`,
    );
  }
  const data = await ctx.availability.load(input);
  if (!data) throw new DomainError("NOT_FOUND", "query.serviceId: no such active service");
  if (input.staffId !== undefined && data.staff.length === 0) {
    throw new DomainError(
      "NOT_FOUND",
      "query.staffId: no such active staff member performing this service",
    );
  }
  const { settings } = data;
  return computeAvailability({
    service: data.service,
    staff: data.staff.map((s) => ({ ...s, timeZone: s.timeZone ?? settings.timeZone })),
    closures: data.closures.map(({ startDate, endDate }) => ({ startDate, endDate })),
    businessTimeZone: settings.timeZone,
    slotIntervalMin: settings.slotIntervalMin,
    minNoticeMin: settings.minNoticeMin,
    horizonDays: settings.horizonDays,
    fromDate: input.fromDate,
    toDate: input.toDate,
    nowMs: ctx.clock.nowMs(),
  });
}
