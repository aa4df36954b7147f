/**
 * Availability cases: the pure engine in-process (31 days × 10 staff × 15-minute grid), and
 * GET /v1/availability end to end for 7 and 31 days across 10 staff, and the month view's
 * GET /v1/availability/summary for 31 days across the same 10 staff.
 */
import { computeAvailability } from "../../../src/domain/availability/compute-availability.ts";
import type { AvailabilityQuery, StaffCalendar } from "../../../src/domain/availability/types.ts";
import { addDays } from "../../../src/domain/time/zoned-time.ts";
import { seedCatalog, tomorrow } from "../catalog.ts";
import { type CaseResult, medianMs, runLoad } from "../harness.ts";
import type { BenchContext } from "../run.ts";

export async function availabilityCases(ctx: BenchContext): Promise<CaseResult[]> {
  const { serviceId } = await seedCatalog(ctx, "Bench availability", 10, {
    durationMin: 30,
    bufferAfterMin: 15,
  });
  const from = tomorrow();
  // The summary runs first: a 31-day availability case leaves a backlog of slow requests in
  // the worker after its load stops, which would be billed to whatever case came next.
  const results: CaseResult[] = [
    await runLoad({
      name: "availability summary 31 days × 10 staff",
      url: `${ctx.url}/v1/availability/summary?serviceId=${serviceId}&from=${from}&to=${addDays(from, 30)}`,
      connections: ctx.connections,
      durationS: ctx.durationS,
    }),
  ];
  for (const days of [7, 31]) {
    const to = addDays(from, days - 1);
    results.push(
      await runLoad({
        name: `availability ${days} days × 10 staff`,
        url: `${ctx.url}/v1/availability?serviceId=${serviceId}&from=${from}&to=${to}`,
        connections: ctx.connections,
        durationS: ctx.durationS,
      }),
    );
  }
  return results;
}

/** The engine alone: 31 days × 10 staff, 9-hour days with a break, 20 appointments each. */
export function engineCase(): { name: string; medianMs: number; repeats: number; slots: number } {
  const weekly = Object.fromEntries(
    [1, 2, 3, 4, 5, 6].map((d) => [
      d,
      [
        { startMin: 540, endMin: 720 },
        { startMin: 780, endMin: 1140 },
      ],
    ]),
  );
  const nowMs = Date.UTC(2026, 11, 1, 0, 0);
  const staff: StaffCalendar[] = Array.from({ length: 10 }, (_, i) => ({
    staffId: `stf_${i}`,
    timeZone: "Europe/Berlin",
    weekly,
    overrides: new Map(),
    busy: Array.from({ length: 20 }, (_, k) => {
      const start = nowMs + (k * 37 + i * 5) * 3_600_000;
      return { startMs: start, endMs: start + 3_600_000 };
    }),
  }));
  const query: AvailabilityQuery = {
    service: { id: "svc", durationMin: 30, bufferBeforeMin: 0, bufferAfterMin: 15 },
    staff,
    closures: [],
    businessTimeZone: "Europe/Berlin",
    slotIntervalMin: 15,
    minNoticeMin: 0,
    horizonDays: 365,
    fromDate: "2026-12-01",
    toDate: "2026-12-31",
    nowMs,
  };
  let slots = 0;
  computeAvailability(query); // warm-up: JIT and Intl caches
  const repeats = 30;
  const median = medianMs(repeats, () => {
    slots = computeAvailability(query).reduce((n, day) => n + day.slots.length, 0);
  });
  return {
    name: "engine: 31 days × 10 staff × 15-min grid (in-process)",
    medianMs: median,
    repeats,
    slots,
  };
}
