/**
 * Booking end to end: each request holds a random free slot and books it (two API calls), from
 * many clients at once; then cancels. After the run, a SQL query counts double bookings (pairs of
 * confirmed appointments of one staff member whose occupied times overlap): it must be 0.
 */
import mysql from "mysql2/promise";
import { addDays } from "../../../src/domain/time/zoned-time.ts";
import { seedCatalog, tomorrow } from "../catalog.ts";
import type { CaseResult } from "../harness.ts";
import type { BenchContext } from "../run.ts";

type Slot = { start: string; staffId: string; state: string };
const json = { "Content-Type": "application/json" };

function percentile(sorted: number[], p: number): number {
  return sorted.length === 0
    ? 0
    : (sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0);
}

function summarize(
  name: string,
  latencies: number[],
  statuses: Map<number, number>,
  elapsedMs: number,
): CaseResult {
  const sorted = [...latencies].sort((a, b) => a - b);
  return {
    name,
    requests: latencies.length,
    throughputRps: elapsedMs > 0 ? Math.round((latencies.length / elapsedMs) * 1000) : 0,
    p50Ms: Math.round(percentile(sorted, 50)),
    p90Ms: Math.round(percentile(sorted, 90)),
    p99Ms: Math.round(percentile(sorted, 99)),
    errors: 0,
    non2xx: [...statuses].filter(([s]) => s >= 300).reduce((n, [, c]) => n + c, 0),
    statuses: [...statuses]
      .sort(([a], [b]) => a - b)
      .map(([s, c]) => `${s}: ${c}`)
      .join(", "),
  };
}

export async function bookingCases(
  ctx: BenchContext,
  mysqlUrl: string,
): Promise<{ results: CaseResult[]; doubleBookings: number; confirmed: number; lost: number }> {
  const { serviceId, staffIds } = await seedCatalog(ctx, "Bench booking", 10, {
    durationMin: 30,
  });
  const from = tomorrow();
  const res = await fetch(
    `${ctx.url}/v1/availability?serviceId=${serviceId}&from=${from}&to=${addDays(from, 13)}`,
  );
  const slots = ((await res.json()) as { days: { slots: Slot[] }[] }).days
    .flatMap((d) => d.slots)
    .filter((s) => s.state === "available");
  const deadline = Date.now() + ctx.durationS * 1000;
  const bookLatencies: number[] = [];
  const statuses = new Map<number, number>();
  const booked: { id: string; manageToken: string }[] = [];
  let n = 0;
  let failures = 0;
  const worker = async () => {
    while (Date.now() < deadline) {
      // A connection error (at 1 000 connections) is counted, like autocannon's errors, rather
      // than aborting the run.
      await attempt().catch(() => {
        failures++;
      });
    }
  };
  const attempt = async () => {
    {
      const slot = slots[Math.floor(Math.random() * slots.length)] as Slot;
      const started = performance.now();
      // One address per customer, as from many users: the per-address hold limit (20 live held
      // slots) stays out of a case that measures booking, as in the live cases.
      const address = `10.${n % 250}.${Math.floor(n / 250) % 250}.${(n % 253) + 1}`;
      const held = await fetch(`${ctx.url}/v1/holds`, {
        method: "POST",
        headers: { ...json, "CF-Connecting-IP": address },
        body: JSON.stringify({
          clientId: `benchbook_${++n}_${process.pid}`,
          serviceId,
          staffId: slot.staffId,
          start: slot.start,
        }),
      });
      let status = held.status;
      if (held.status === 201) {
        const { holdId, holdToken } = (await held.json()) as { holdId: string; holdToken: string };
        const body = JSON.stringify({
          holdId,
          holdToken,
          customer: { name: "Bench", email: `bench${n}@example.test` },
        });
        const res = await fetch(`${ctx.url}/v1/appointments`, {
          method: "POST",
          headers: { ...json, "Idempotency-Key": `bench-${process.pid}-${n}` },
          body,
        });
        status = res.status;
        if (res.status === 201) {
          const out = (await res.json()) as { appointment: { id: string }; manageToken: string };
          booked.push({ id: out.appointment.id, manageToken: out.manageToken });
        } else await res.arrayBuffer();
      } else await held.arrayBuffer();
      bookLatencies.push(performance.now() - started);
      statuses.set(status, (statuses.get(status) ?? 0) + 1);
    }
  };
  const startedMs = Date.now();
  await Promise.all(Array.from({ length: ctx.connections }, worker));
  const holdAndBook = {
    ...summarize(
      "hold + book (2 calls), random slots",
      bookLatencies,
      statuses,
      Date.now() - startedMs,
    ),
    errors: failures,
  };

  const cancelLatencies: number[] = [];
  const cancelStatuses = new Map<number, number>();
  const toCancel = booked.slice(0, Math.min(booked.length, 500));
  const cancelled = new Set<string>();
  const cancelStarted = Date.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: ctx.connections }, async () => {
      while (next < toCancel.length) {
        const item = toCancel[next++] as { id: string; manageToken: string };
        const started = performance.now();
        const res = await fetch(`${ctx.url}/v1/appointments/${item.id}/cancel`, {
          method: "POST",
          headers: { "X-Manage-Token": item.manageToken },
        }).catch(() => null);
        if (!res) continue; // a connection error: not cancelled; the audit expects it confirmed
        if (res.ok) cancelled.add(item.id);
        await res.arrayBuffer();
        cancelLatencies.push(performance.now() - started);
        cancelStatuses.set(res.status, (cancelStatuses.get(res.status) ?? 0) + 1);
      }
    }),
  );
  const cancel = summarize("cancel", cancelLatencies, cancelStatuses, Date.now() - cancelStarted);
  const audit = await auditBookings(
    mysqlUrl,
    staffIds,
    booked.map((b) => b.id),
    cancelled,
  );
  return { results: [holdAndBook, cancel], ...audit };
}

/**
 * Double bookings of this case's staff members (must be 0) and confirmed bookings lost (every
 * 201 must be in MySQL: must be 0). Only this case's staff: other cases write rows straight
 * into the table (the reminders case's 10 000 overlapping appointments stay until its next run).
 */
async function auditBookings(
  mysqlUrl: string,
  staffIds: string[],
  bookedIds: string[],
  cancelledIds: Set<string>,
): Promise<{ doubleBookings: number; confirmed: number; lost: number }> {
  const conn = await mysql.createConnection({ uri: mysqlUrl });
  try {
    const [pairs] = await conn.query(
      `SELECT COUNT(*) AS n FROM appointments a JOIN appointments b
         ON a.staff_id = b.staff_id AND a.id < b.id AND a.occupied_start < b.occupied_end AND b.occupied_start < a.occupied_end
       WHERE a.status = 'confirmed' AND b.status = 'confirmed' AND a.staff_id IN (?)`,
      [staffIds],
    );
    let lost = 0;
    for (let i = 0; i < bookedIds.length; i += 500) {
      const chunk = bookedIds.slice(i, i + 500);
      const [rows] = await conn.query(
        `SELECT id, status FROM appointments WHERE id IN (${chunk.map(() => "?").join(",")})`,
        chunk,
      );
      const found = new Map(
        (rows as { id: string; status: string }[]).map((r) => [r.id, r.status]),
      );
      for (const id of chunk)
        if (found.get(id) !== (cancelledIds.has(id) ? "cancelled" : "confirmed")) lost++;
    }
    return {
      doubleBookings: Number((pairs as { n: number }[])[0]?.n),
      confirmed: bookedIds.length - cancelledIds.size,
      lost,
    };
  } finally {
    await conn.end();
  }
}
