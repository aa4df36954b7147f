/**
 * Availability cases: the pure engine in-process (31 days × 10 staff × 15-minute grid), and
 * GET /v1/availability end to end for 7 and 31 days across 10 staff.
 */
import { computeAvailability } from "../../../src/domain/availability/compute-availability.ts";
import type { AvailabilityQuery, StaffCalendar } from "../../../src/domain/availability/types.ts";
import { addDays } from "../../../src/domain/time/zoned-time.ts";
import { type CaseResult, medianMs, runLoad } from "../harness.ts";
import type { BenchContext } from "../run.ts";

const DAY = [
  { start: "09:00", end: "12:00" },
  { start: "13:00", end: "19:00" },
];
const WEEK = {
  monday: DAY,
  tuesday: DAY,
  wednesday: DAY,
  thursday: DAY,
  friday: DAY,
  saturday: DAY,
};

async function post(
  ctx: BenchContext,
  method: string,
  path: string,
  body: unknown,
): Promise<{ id: string }> {
  const res = await fetch(`${ctx.url}${path}`, {
    method,
    headers: { ...ctx.adminHeaders, "Content-Type": "application/json" },
    body: JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
  return (await res.json()) as { id: string };
}

/** One service performed by 10 staff with 9-hour days, created through the admin API. */
async function seedCatalog(ctx: BenchContext): Promise<string> {
  const service = await post(ctx, "POST", "/v1/admin/services", {
    name: "Bench",
    durationMin: 30,
    bufferAfterMin: 15,
    price: { amountMinor: 100, currency: "EUR" },
  });
  for (let i = 0; i < 10; i++) {
    const staff = await post(ctx, "POST", "/v1/admin/staff", {
      name: `Bench ${i}`,
      email: `b${i}@bench.test`,
      serviceIds: [service.id],
    });
    await post(ctx, "PUT", `/v1/admin/staff/${staff.id}/schedule`, { weekly: WEEK });
  }
  return service.id;
}

function tomorrow(): string {
  return new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
}

export async function availabilityCases(ctx: BenchContext): Promise<CaseResult[]> {
  const serviceId = await seedCatalog(ctx);
  const from = tomorrow();
  const results: CaseResult[] = [];
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
