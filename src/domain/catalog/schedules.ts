/** Weekly schedules, date overrides and closures. */
import type { Interval, WeeklySchedule } from "../availability/types.ts";
import { DomainError } from "../errors.ts";
import { newId } from "../ids.ts";
import type { DomainContext } from "../ports.ts";
import { addDays, daysBetween, formatInstant, wallTimeToInstant } from "../time/zoned-time.ts";
import { normalizeIntervals, validateIntervals } from "./intervals.ts";
import { staffNotFound } from "./staff.ts";
import type { Closure, DateOverride } from "./types.ts";

/** The API names weekdays where the domain numbers them (ISO: Monday = 1), for error messages. */
const WEEKDAY_FIELDS = [
  "monday",
  "tuesday",
  "wednesday",
  "thursday",
  "friday",
  "saturday",
  "sunday",
];

/** The longest closure one request may create, so a typo cannot close the business for decades. */
const MAX_CLOSURE_DAYS = 366;

function checkIntervals(field: string, intervals: Interval[], slotIntervalMin: number): Interval[] {
  const problem = validateIntervals(intervals, slotIntervalMin);
  if (problem) throw new DomainError("BAD_REQUEST", `${field}${problem}`);
  return normalizeIntervals(intervals);
}

export async function getSchedule({
  ctx,
  input,
}: {
  ctx: DomainContext;
  input: { staffId: string };
}): Promise<WeeklySchedule> {
  const weekly = await ctx.catalog.getSchedule(input.staffId);
  if (!weekly) throw staffNotFound("id");
  return weekly;
}

export async function putSchedule({
  ctx,
  input,
}: {
  ctx: DomainContext;
  input: { staffId: string; weekly: WeeklySchedule };
}): Promise<WeeklySchedule> {
  const { slotIntervalMin } = await ctx.catalog.getSettings();
  const weekly: WeeklySchedule = {};
  for (const [day, intervals] of Object.entries(input.weekly)) {
    if (!intervals) continue;
    weekly[Number(day) as keyof WeeklySchedule] = checkIntervals(
      `body.weekly.${WEEKDAY_FIELDS[Number(day) - 1]}`,
      intervals,
      slotIntervalMin,
    );
  }
  if (!(await ctx.catalog.putSchedule(input.staffId, weekly, ctx.pendingAudit)))
    throw staffNotFound("id");
  return weekly;
}

export async function listOverrides({
  ctx,
  input,
}: {
  ctx: DomainContext;
  input: { staffId: string; from?: string; to?: string };
}): Promise<DateOverride[]> {
  if (!(await ctx.catalog.getStaff(input.staffId))) throw staffNotFound("id");
  const range = {
    ...(input.from ? { from: input.from } : {}),
    ...(input.to ? { to: input.to } : {}),
  };
  return ctx.catalog.listOverrides(input.staffId, range);
}

export async function putOverride({
  ctx,
  input,
}: {
  ctx: DomainContext;
  input: DateOverride;
}): Promise<DateOverride> {
  const { slotIntervalMin } = await ctx.catalog.getSettings();
  const override = {
    ...input,
    intervals: checkIntervals("body.intervals", input.intervals, slotIntervalMin),
  };
  if (!(await ctx.catalog.putOverride(override, ctx.pendingAudit))) throw staffNotFound("id");
  return override;
}

export async function deleteOverride({
  ctx,
  input,
}: {
  ctx: DomainContext;
  input: { staffId: string; date: string };
}): Promise<void> {
  if (!(await ctx.catalog.deleteOverride(input.staffId, input.date, ctx.pendingAudit))) {
    throw new DomainError("NOT_FOUND", "date: no override for this staff member on this date");
  }
}

export async function listClosures({ ctx }: { ctx: DomainContext }): Promise<Closure[]> {
  return ctx.catalog.listClosures();
}

export async function createClosure({
  ctx,
  input,
}: {
  ctx: DomainContext;
  input: Omit<Closure, "id">;
}) {
  const days = daysBetween(input.startDate, input.endDate);
  if (days < 0) throw new DomainError("BAD_REQUEST", "body.endDate: must not be before startDate");
  if (days >= MAX_CLOSURE_DAYS)
    throw new DomainError(
      "BAD_REQUEST",
      `body.endDate: a closure spans at most ${MAX_CLOSURE_DAYS} days`,
    );
  const closure = await ctx.catalog.createClosure({ ...input, id: newId("clo") }, ctx.pendingAudit);
  return { ...closure, ...(await confirmedOnDates(ctx, input.startDate, input.endDate)) };
}

/** How many appointments a closure's answer lists; more are reported as `moreAppointments`. */
export const CLOSURE_REPORT_LIMIT = 200;

/**
 * The confirmed appointments starting on the closure's dates (business time zone): a closure
 * keeps them, and the operator decides what to do with each.
 */
async function confirmedOnDates(ctx: DomainContext, startDate: string, endDate: string) {
  const { timeZone } = await ctx.catalog.getSettings();
  const found = await ctx.bookings.list({
    fromMs: wallTimeToInstant(startDate, 0, timeZone, "start"),
    toMs: wallTimeToInstant(addDays(endDate, 1), 0, timeZone, "start"),
    status: "confirmed",
    limit: CLOSURE_REPORT_LIMIT + 1,
  });
  return {
    confirmedAppointments: found.slice(0, CLOSURE_REPORT_LIMIT).map((a) => ({
      id: a.id,
      staffId: a.staffId,
      serviceId: a.serviceId,
      start: formatInstant(a.startMs, a.timeZone),
      end: formatInstant(a.endMs, a.timeZone),
    })),
    moreAppointments: found.length > CLOSURE_REPORT_LIMIT,
  };
}

export async function deleteClosure({
  ctx,
  input,
}: {
  ctx: DomainContext;
  input: { id: string };
}): Promise<void> {
  if (!(await ctx.catalog.deleteClosure(input.id, ctx.pendingAudit)))
    throw new DomainError("NOT_FOUND", "id: no such closure");
}
