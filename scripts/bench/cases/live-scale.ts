/**
 * "Live scale": how the cost of select, hold and heartbeat grows with one staff member's other
 * live entries. One staff member is filled with 0, 1 000, 10 000 and 50 000 live entries (holds
 * on half of the slots of 30 of its 31 days, the rest long-lived viewing markers of distinct
 * clients), written by the real Lua scripts; select, hold and heartbeat run on the 31st day. The
 * measured day holds the same small set at every step (MEASURED_DAY_ENTRIES holds and as many
 * markers), and the heartbeat runs first, so that what its answer contains stays the same while
 * the other entries grow. At each step every operation runs alone for a short load through the
 * API, then its script runs DIRECT_CALLS times straight to Redis (pipelined, with the API's keys
 * and arguments); Redis's own `INFO commandstats` (after `CONFIG RESETSTAT`) gives its µs per
 * script call for both. Under the load Redis shares the 2 cores with the worker, the gateway and
 * the load generator, so that figure includes its waits for a core; the direct one is the
 * script's own cost. Both sit next to the load's end-to-end p50 and throughput.
 */
import Redis from "ioredis";
import { candidateDates } from "../../../src/storage/redis/live-state-store.ts";
import { RedisKeys } from "../../../src/storage/redis/keys.ts";
import { heartbeat, holdSlots, selectSlot } from "../../../src/lua/scripts.gen.ts";
import { addDays } from "../../../src/domain/time/zoned-time.ts";
import { adminCall, seedCatalog, tomorrow } from "../catalog.ts";
import { type CaseResult, runLoad } from "../harness.ts";
import type { BenchContext } from "../run.ts";

export const LIVE_SCALE_STEPS = [0, 1_000, 10_000, 50_000];
/** Holds (and as many markers) on the measured day at every step: what a heartbeat returns. */
export const MEASURED_DAY_ENTRIES = 10;

export interface LiveScaleRow {
  entries: number;
  op: "select" | "hold (spread)" | "heartbeat";
  /** Under the case's load (50 connections): Redis shares the 2 cores, so this includes waits. */
  redisUsPerCall: number;
  /** The script alone, DIRECT_CALLS calls pipelined straight to Redis: its own work per call. */
  serialRedisUsPerCall: number;
  calls: number;
  p50Ms: number;
  throughputRps: number;
}

type Slot = { start: string; staffId: string; state: string };
const json = { "Content-Type": "application/json" };

export async function liveScaleCase(
  ctx: BenchContext,
  redisUrl: string,
  prefix: string,
): Promise<LiveScaleRow[]> {
  // Markers must outlive the fill and the measurements of every step.
  const current = await fetch(`${ctx.url}/v1/admin/settings`, { headers: ctx.adminHeaders });
  const { viewingTtlS } = (await current.json()) as { viewingTtlS: number };
  await adminCall(ctx, "PUT", "/v1/admin/settings", { viewingTtlS: 300 });
  const redis = new Redis(redisUrl);
  try {
    const { serviceId, staffIds } = await seedCatalog(ctx, "Bench scale", 1, { durationMin: 30 });
    const staffId = staffIds[0] as string;
    const from = tomorrow();
    const to = addDays(from, 30);
    const res = await fetch(
      `${ctx.url}/v1/availability?serviceId=${serviceId}&staffId=${staffId}&from=${from}&to=${to}`,
    );
    const body = (await res.json()) as { days: { date: string; slots: Slot[] }[] };
    const slots = body.days.flatMap((d) => d.slots.map((s) => ({ ...s, date: d.date })));
    // The operations are measured on the first date with offered slots; the fill goes to the
    // other 30 dates (holds on every other slot, markers on the rest): "other entries".
    const measured = slots[0]?.date;
    const free = slots.filter((s) => s.date === measured);
    const others = slots.filter((s) => s.date !== measured);
    const filler = others.filter((_, i) => i % 2 === 0);
    const markers = others.filter((_, i) => i % 2 === 1);
    const keys = new RedisKeys(prefix);
    const liveKeys = keys.liveKeys(staffId);
    const offerKey = keys.offer(serviceId, staffId);
    await redis.script("LOAD", holdSlots.source);
    await redis.script("LOAD", selectSlot.source);
    await redis.script("LOAD", heartbeat.source);

    const rows: LiveScaleRow[] = [];
    let filled = 0;
    for (const target of LIVE_SCALE_STEPS) {
      filled = await fill(redis, {
        liveKeys,
        offerKey,
        filler,
        markers,
        from: filled,
        to: target,
      });
      // The measured day's own entries, the same at every step (they do not count as "other").
      await fill(redis, {
        liveKeys,
        offerKey,
        filler: free.filter((_, i) => i % 2 === 0).slice(0, MEASURED_DAY_ENTRIES),
        markers: free.filter((_, i) => i % 2 === 1).slice(0, MEASURED_DAY_ENTRIES),
        from: 0,
        to: 2 * MEASURED_DAY_ENTRIES,
        label: "day",
      });
      ctx.log(`live scale: ${filled} live entries on one staff member`);
      const clients = Array.from({ length: 200 }, (_, i) => `scale_${target}_${i}`);
      const pick = <T>(items: T[]) => items[Math.floor(Math.random() * items.length)] as T;
      const nowMs = Date.now();
      const dayMs = Date.parse(`${measured}T00:00:00Z`);
      /** DIRECT_CALLS calls of the operation's script with the API's keys and arguments. */
      const direct = async (op: LiveScaleRow["op"]) => {
        for (let i = 0; i < DIRECT_CALLS; i += 50) {
          const batch = redis.pipeline();
          for (let j = i; j < i + 50; j++) {
            const slot = pick(free);
            const startMs = Date.parse(slot.start);
            const offsetMin = offsetOf(slot.start);
            const dates = candidateDates({ startMs, offsetMin, localDate: slot.date });
            if (op === "heartbeat") {
              batch.evalsha(
                heartbeat.sha1,
                4,
                ...liveKeys,
                nowMs,
                `d${j}`,
                "1",
                dayMs - 14 * 3_600_000,
                dayMs + 36 * 3_600_000,
                dayMs,
              );
            } else if (op === "select") {
              batch.evalsha(
                selectSlot.sha1,
                5,
                ...liveKeys,
                offerKey,
                nowMs,
                pick(clients),
                startMs,
                offsetMin,
                ...dates,
              );
            } else {
              batch.evalsha(
                holdSlots.sha1,
                7,
                ...liveKeys,
                offerKey,
                `${prefix}bench:c`,
                `${prefix}bench:i`,
                nowMs,
                `D${target}x${j}`,
                "tok",
                `d${j}`,
                1,
                "",
                "1",
                startMs,
                offsetMin,
                ...dates,
                "",
              );
            }
          }
          await batch.exec();
        }
      };
      const measure = async (op: LiveScaleRow["op"], path: string, make: () => unknown) => {
        await redis.config("RESETSTAT");
        const result: CaseResult = await runLoad({
          name: `${op} @ ${target}`,
          url: ctx.url,
          connections: Math.min(ctx.connections, 50),
          durationS: Math.max(2, Math.round(ctx.durationS / 3)),
          requests: [
            {
              method: "POST",
              path,
              // One address per request, as from many users: the per-IP limits stay out of it.
              headers: { ...json, "CF-Connecting-IP": randomIp() },
              setupRequest: (req) => ({ ...req, body: JSON.stringify(make()) }),
            },
          ],
        });
        const line = await evalshaStats(redis);
        // Then the script alone, straight to Redis in pipelines: Redis's own work per call.
        await redis.config("RESETSTAT");
        await direct(op);
        const serial = await evalshaStats(redis);
        rows.push({
          entries: target,
          op,
          calls: Number(line?.[1] ?? 0),
          redisUsPerCall: Number(line?.[3] ?? Number.NaN),
          serialRedisUsPerCall: Number(serial?.[3] ?? Number.NaN),
          p50Ms: result.p50Ms,
          throughputRps: result.throughputRps,
        });
      };
      await measure("heartbeat", "/v1/heartbeat", () => ({
        clientId: pick(clients),
        staffId,
        date: pick(free).date,
      }));
      await measure("select", "/v1/slots/select", () => {
        const slot = pick(free);
        return { clientId: pick(clients), serviceId, staffId, start: slot.start };
      });
      await measure("hold (spread)", "/v1/holds", () => {
        const slot = pick(free);
        return {
          clientId: `${pick(clients)}_${Math.floor(Math.random() * 1e9)}`,
          serviceId,
          staffId,
          start: slot.start,
        };
      });
      // The holds measured above would count as entries of the next step: release them all.
      await redis.del(...liveKeys);
      filled = 0;
    }
    return rows;
  } finally {
    await adminCall(ctx, "PUT", "/v1/admin/settings", { viewingTtlS });
    redis.disconnect();
  }
}

/**
 * Writes live entries with the real scripts until there are `to`: first one hold per filler slot,
 * then viewing markers of distinct clients on the other slots (markers never block a hold).
 */
async function fill(
  redis: Redis,
  o: {
    liveKeys: string[];
    offerKey: string;
    filler: (Slot & { date: string })[];
    markers: (Slot & { date: string })[];
    from: number;
    to: number;
    /** Names the holds and markers apart from other fills'. */
    label?: string;
  },
): Promise<number> {
  const now = Date.now();
  const keys = [...o.liveKeys, o.offerKey];
  for (let i = o.from; i < o.to; i += 1000) {
    const batch = redis.pipeline();
    for (let j = i; j < Math.min(i + 1000, o.to); j++) {
      if (j < o.filler.length) {
        const slot = o.filler[j] as Slot & { date: string };
        const startMs = Date.parse(slot.start);
        const offsetMin = offsetOf(slot.start);
        const dates = candidateDates({ startMs, offsetMin, localDate: slot.date });
        const holdKey = `SCALE${o.label ?? ""}${String(j).padStart(11, "0")}`;
        batch.evalsha(
          holdSlots.sha1,
          keys.length,
          ...keys,
          now,
          holdKey,
          "tok",
          `c${o.label ?? ""}${j}`,
          1,
          "", // no presented token
          "0", // hold limits not counted
          startMs,
          offsetMin,
          ...dates,
        );
      } else {
        const marked = o.markers[j % o.markers.length] as Slot & { date: string };
        const markedMs = Date.parse(marked.start);
        const markedDates = candidateDates({
          startMs: markedMs,
          offsetMin: offsetOf(marked.start),
          localDate: marked.date,
        });
        batch.evalsha(
          selectSlot.sha1,
          keys.length,
          ...keys,
          now,
          `m${o.label ?? ""}${j}`,
          markedMs,
          offsetOf(marked.start),
          ...markedDates,
        );
      }
    }
    await batch.exec();
  }
  return o.to;
}

/** Script calls sent straight to Redis per operation and step, after its load (50 a pipeline). */
const DIRECT_CALLS = 500;

async function evalshaStats(redis: Redis) {
  const stats = await redis.info("commandstats");
  return /cmdstat_evalsha:calls=(\d+),usec=(\d+),usec_per_call=([\d.]+)/.exec(stats);
}

function randomIp(): string {
  return `10.${Math.floor(Math.random() * 256)}.${Math.floor(Math.random() * 256)}.${Math.floor(Math.random() * 254) + 1}`;
}

function offsetOf(iso: string): number {
  const match = /([+-])(\d\d):(\d\d)$/.exec(iso);
  if (!match) return 0;
  return (match[1] === "-" ? -1 : 1) * (Number(match[2]) * 60 + Number(match[3]));
}
