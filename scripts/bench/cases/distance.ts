/**
 * Distance: every main operation from one client sending sequential requests, with the stores
 * 0, 50 and 150 ms (round trip) from the location that receives the request, in three layouts:
 * - "split" (deployed): the edge worker forwards bookings, availability and admin to the placed
 *   worker next to the stores; live operations stay at the edge;
 * - "whole worker placed": one worker next to the stores, every request crossing the distance;
 * - "no placement": one worker at the edge, every store call crossing the distance.
 * Each row has p50/p99 and the crossings of one request: the hop to the placed worker, and the
 * Redis and SQL calls made from each location (scripts/lib/split-workers.ts counts them).
 */
import { addDays } from "../../../src/domain/time/zoned-time.ts";
import {
  type Crossings,
  distancesFor,
  type SplitWorkers,
  startSplitWorkers,
} from "../../lib/split-workers.ts";
import { seedCatalog, tomorrow } from "../catalog.ts";
import type { BenchContext } from "../run.ts";

export type Layout = "split" | "whole worker placed" | "no placement";

export interface DistanceRow {
  layout: Layout;
  distanceMs: number;
  operation: string;
  p50Ms: number;
  p99Ms: number;
  samples: number;
  /** Answers by status over the samples, e.g. "201: 10". */
  statuses: string;
  crossings: Crossings;
}

type Send = (path: string, init?: RequestInit) => Promise<Response>;
type Slot = { start: string; staffId: string; state: string };

const SAMPLES = Number(process.env.BENCH_DISTANCE_SAMPLES ?? 10);

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

let address = 0;
/** A fresh client address per request, so the per-address hold limit stays out of the timings. */
function json(body: unknown, headers: Record<string, string> = {}): RequestInit {
  address++;
  return {
    method: "POST",
    headers: {
      "Content-Type": "application/json",
      "CF-Connecting-IP": `198.51.${(address >> 8) & 255}.${address & 255}`,
      ...headers,
    },
    body: JSON.stringify(body),
  };
}

async function must(res: Response, status: number, what: string): Promise<unknown> {
  const text = await res.text();
  if (res.status !== status) throw new Error(`${what}: ${res.status} ${text}`);
  return JSON.parse(text) as unknown;
}

/** What counts crossings: the bench's split workers, or nothing (a server measured from outside). */
type Counter = Pick<SplitWorkers, "crossings" | "resetCrossings">;

const NOT_COUNTED: Counter = {
  crossings: () => ({
    hop: 0,
    edge: { redis: 0, sql: 0 },
    placed: { redis: 0, sql: 0, statements: [] },
  }),
  resetCrossings: () => {},
};

/** Runs one operation SAMPLES times in a row; crossings are those of the last sample. */
async function measure(
  workers: Counter,
  operation: string,
  run: (i: number) => Promise<Response>,
  prepare: (i: number) => Promise<void> = async () => {},
): Promise<Omit<DistanceRow, "layout" | "distanceMs">> {
  const times: number[] = [];
  const statuses = new Map<number, number>();
  let crossings = workers.crossings();
  for (let i = 0; i < SAMPLES; i++) {
    await prepare(i);
    workers.resetCrossings();
    const started = performance.now();
    const res = await run(i);
    await res.arrayBuffer();
    times.push(performance.now() - started);
    crossings = workers.crossings();
    statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
  }
  times.sort((a, b) => a - b);
  return {
    operation,
    p50Ms: Math.round(percentile(times, 50)),
    p99Ms: Math.round(percentile(times, 99)),
    samples: SAMPLES,
    statuses: [...statuses].map(([s, c]) => `${s}: ${c}`).join(", "),
    crossings,
  };
}

export async function operations(
  workers: Counter,
  send: Send,
  catalog: { serviceId: string; staffId: string; slots: Slot[] },
): Promise<Omit<DistanceRow, "layout" | "distanceMs">[]> {
  const { serviceId, staffId } = catalog;
  const slots = [...catalog.slots];
  const take = () => {
    const slot = slots.shift();
    if (!slot) throw new Error("distance bench: out of free slots");
    return slot;
  };
  const date = catalog.slots[0]?.start.slice(0, 10) ?? tomorrow();
  const clientId = `bench-distance-${Date.now()}`;
  /** A client of its own per hold, so the per-client hold limit stays out of the timings too. */
  const holder = () => `${clientId}-${address}`;
  const hold = async () => {
    const slot = take();
    return (await must(
      await send("/v1/holds", json({ clientId: holder(), serviceId, staffId, start: slot.start })),
      201,
      "hold",
    )) as { holdId: string; holdToken: string };
  };
  const book = async (held: { holdId: string; holdToken: string }) =>
    send(
      "/v1/appointments",
      json(
        {
          holdId: held.holdId,
          holdToken: held.holdToken,
          customer: { name: "Bench Distance", email: `d${address}@bench.test` },
        },
        { "Idempotency-Key": `bench-distance-${address}-${Date.now()}` },
      ),
    );
  const rows: Omit<DistanceRow, "layout" | "distanceMs">[] = [];
  rows.push(
    await measure(workers, "availability, one day", () =>
      send(`/v1/availability?serviceId=${serviceId}&staffId=${staffId}&from=${date}&to=${date}`),
    ),
  );
  const selectSlot = catalog.slots[0]?.start ?? "";
  rows.push(
    await measure(workers, "select", () =>
      send("/v1/slots/select", json({ clientId, serviceId, staffId, start: selectSlot })),
    ),
  );
  rows.push(
    await measure(workers, "hold", () => {
      const slot = take();
      return send("/v1/holds", json({ clientId: holder(), serviceId, staffId, start: slot.start }));
    }),
  );
  rows.push(
    await measure(workers, "heartbeat", () =>
      send("/v1/heartbeat", json({ clientId, staffId, date })),
    ),
  );
  let held: { holdId: string; holdToken: string } | null = null;
  const booked: { id: string; manageToken: string }[] = [];
  rows.push(
    await measure(
      workers,
      "book",
      async () => {
        const res = await book(held as { holdId: string; holdToken: string });
        const body = (await res.clone().json()) as {
          appointments?: { id: string }[];
          manageToken?: string;
        };
        if (body.appointments?.[0] && body.manageToken)
          booked.push({ id: body.appointments[0].id, manageToken: body.manageToken });
        return res;
      },
      async () => {
        held = await hold();
      },
    ),
  );
  rows.push(
    await measure(workers, "cancel", (i) => {
      const appointment = booked[i];
      if (!appointment) throw new Error("distance bench: nothing booked to cancel");
      return send(
        `/v1/appointments/${appointment.id}/cancel`,
        json({}, { "X-Manage-Token": appointment.manageToken }),
      );
    }),
  );
  // A series of 12 weekly occurrences, held with `repeat` and booked in one transaction. Each
  // sample starts at another free hour 7 to 10 days out: past the single slots taken above, each
  // (weekday, hour) once, and 11 weeks later still inside the default 90-day horizon.
  const first = tomorrow();
  const seriesStarts = catalog.slots
    .filter((slot) => {
      const day = slot.start.slice(0, 10);
      return day >= addDays(first, 7) && day <= addDays(first, 10);
    })
    .map((slot) => slot.start);
  let series: { holdId: string; holdToken: string } | null = null;
  rows.push(
    await measure(
      workers,
      "book a series of 12",
      () => book(series as { holdId: string; holdToken: string }),
      async (i) => {
        const start = seriesStarts[i];
        if (!start) throw new Error("distance bench: no start left for a series");
        series = (await must(
          await send(
            "/v1/holds",
            json({
              clientId: holder(),
              serviceId,
              staffId,
              start,
              repeat: { everyWeeks: 1, count: 12 },
            }),
          ),
          201,
          "series hold",
        )) as { holdId: string; holdToken: string };
      },
    ),
  );
  rows.push(await measure(workers, "health", () => send("/v1/health")));
  return rows;
}

/** Free slots on the hour (30-minute service: no two overlap) over the next days. */
export async function freeSlots(send: Send, serviceId: string, staffId: string): Promise<Slot[]> {
  const from = tomorrow();
  const res = await send(
    `/v1/availability?serviceId=${serviceId}&staffId=${staffId}&from=${from}&to=${addDays(from, 13)}`,
  );
  const body = (await must(res, 200, "availability")) as { days: { slots: Slot[] }[] };
  return body.days
    .flatMap((day) => day.slots)
    .filter((slot) => slot.state === "available" && slot.start.slice(14, 16) === "00");
}

export async function distanceCase(
  ctx: BenchContext,
  scriptPath: string,
  bindings: Record<string, string>,
  distances = [0, 50, 150],
): Promise<DistanceRow[]> {
  const rows: DistanceRow[] = [];
  for (const distanceMs of distances) {
    for (const layout of ["split", "whole worker placed", "no placement"] as const) {
      const workers = await startSplitWorkers({
        scriptPath,
        bindings: { ...bindings, REDIS_KEY_PREFIX: `bench-d${distanceMs}:` },
        distances: distancesFor(distanceMs, process.env),
        layout: layout === "no placement" ? "edge-only" : "split",
      });
      try {
        const edgeSend: Send = (path, init) => fetch(`${workers.url}${path}`, init);
        const send: Send = layout === "whole worker placed" ? workers.fetchPlaced : edgeSend;
        // Catalog rows and the first calls warm both isolates' caches and connections: the rows
        // measure a warm deployment, as a customer meets it.
        const { serviceId, staffIds } = await seedCatalog(
          { ...ctx, url: workers.url },
          `Bench distance ${distanceMs} ${layout}`,
          1,
          { durationMin: 30 },
        );
        const staffId = staffIds[0] ?? "";
        const slots = await freeSlots(send, serviceId, staffId);
        await send("/v1/health").then((r) => r.arrayBuffer());
        ctx.log(
          `distance ${distanceMs} ms, ${layout}: ${SAMPLES} sequential requests per operation`,
        );
        for (const row of await operations(workers, send, { serviceId, staffId, slots }))
          rows.push({ layout, distanceMs, ...row });
      } finally {
        await workers.dispose();
      }
    }
  }
  return rows;
}

/**
 * The same operations against a running server (e.g. `DISTANCE_MS=150 npm run dev`), timed from
 * outside: `npx tsx scripts/bench/cases/distance.ts http://127.0.0.1:8787 ADMIN_TOKEN`.
 */
export async function probe(url: string, adminToken: string): Promise<void> {
  const log = (line: string) => console.log(`[probe] ${line}`);
  const ctx = {
    url,
    adminHeaders: { Authorization: `Bearer ${adminToken}` },
    durationS: 0,
    connections: 0,
    log,
  };
  const send: Send = (path, init) => fetch(`${url}${path}`, init);
  const { serviceId, staffIds } = await seedCatalog(ctx, `Probe ${Date.now()}`, 1, {
    durationMin: 30,
  });
  const staffId = staffIds[0] ?? "";
  const slots = await freeSlots(send, serviceId, staffId);
  await send("/v1/health").then((r) => r.arrayBuffer());
  console.log("| operation | p50 ms | p99 ms | answers |\n| --- | ---: | ---: | --- |");
  for (const row of await operations(NOT_COUNTED, send, { serviceId, staffId, slots }))
    console.log(`| ${row.operation} | ${row.p50Ms} | ${row.p99Ms} | ${row.statuses} |`);
  // A healthy store far away must never look down: sequential live calls, then the edge
  // isolate's failovers and 503s.
  const liveCalls = Number(process.env.PROBE_LIVE_CALLS ?? 300);
  const statuses = new Map<number, number>();
  // The last free slot: the operations above hold and book the first ones, and a select of a
  // held slot would only measure the refusal.
  const free = slots[slots.length - 1];
  const date = free?.start.slice(0, 10) ?? tomorrow();
  const start = free?.start ?? "";
  for (let i = 0; i < liveCalls; i++) {
    const clientId = `probe-live-${i % 50}-client`;
    const res =
      i % 2 === 0
        ? await send("/v1/heartbeat", json({ clientId, staffId, date }))
        : await send("/v1/slots/select", json({ clientId, serviceId, staffId, start }));
    await res.arrayBuffer();
    statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
  }
  const metrics = (await (
    await send("/v1/debug/metrics", { headers: ctx.adminHeaders })
  ).json()) as { failovers?: number; errors?: Record<string, number> };
  console.log(
    `${liveCalls} sequential live calls (heartbeat, select): ${[...statuses].map(([s, c]) => `${s}: ${c}`).join(", ")}; edge isolate failovers so far: ${metrics.failovers}; errors so far: ${JSON.stringify(metrics.errors ?? {})}`,
  );
}

if (process.argv[1]?.endsWith("distance.ts") && process.argv[2]) {
  probe(process.argv[2], process.argv[3] ?? "").catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}

export function formatDistance(rows: DistanceRow[]): string {
  const lines = [
    "| distance | layout | operation | p50 ms | p99 ms | vs 0 ms (p50) | to placed | edge Redis / SQL | placed Redis / SQL | answers |",
    "| ---: | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
  ];
  for (const row of rows) {
    const zero = rows.find(
      (r) => r.distanceMs === 0 && r.layout === row.layout && r.operation === row.operation,
    );
    const ratio = zero ? `${(row.p50Ms / Math.max(zero.p50Ms, 1)).toFixed(1)}×` : "—";
    const c = row.crossings;
    lines.push(
      `| ${row.distanceMs} | ${row.layout} | ${row.operation} | ${row.p50Ms} | ${row.p99Ms} | ${ratio} | ${c.hop} | ${c.edge.redis} / ${c.edge.sql} | ${c.placed.redis} / ${c.placed.sql} | ${row.statuses} |`,
    );
  }
  return lines.join("\n");
}
