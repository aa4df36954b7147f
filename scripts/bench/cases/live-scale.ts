/**
 * "Live scale": how the cost of select, hold and heartbeat grows with one staff member's other
 * live entries. One staff member is filled with 0, 1 000, 10 000 and 50 000 live entries (a hold
 * on every slot still free on 15 of the other 30 days, the rest long-lived viewing markers of
 * distinct clients on the other 15 days), written by the real Lua scripts, every reply checked
 * and the count read back before and after each step; select, hold and heartbeat run on the
 * remaining day. The measured day holds the same small set at every step (MEASURED_DAY_ENTRIES
 * holds and as many markers), and the heartbeat runs first, so that what its answer contains
 * stays the same while the other entries grow. At each step every operation runs alone for a short load through the
 * API, then its script runs DIRECT_CALLS times straight to Redis (pipelined, with the API's keys
 * and arguments); Redis's own `INFO commandstats` (after `CONFIG RESETSTAT`) gives its µs per
 * script call for both. Under the load Redis shares the 2 cores with the worker, the gateway and
 * the load generator, so that figure includes its waits for a core; the direct one is the
 * script's own cost. Both sit next to the load's end-to-end p50 and throughput, and that next to
 * the one-Redis-call baseline route loaded the same way just before it.
 */
import type autocannon from "autocannon";
import Redis, { type ChainableCommander } from "ioredis";
import { candidateDates } from "../../../src/domain/live/stored-offer.ts";
import { addDays } from "../../../src/domain/time/zoned-time.ts";
import { heartbeat, holdSlots, selectSlot } from "../../../src/lua/scripts.gen.ts";
import { RedisKeys } from "../../../src/storage/redis/keys.ts";
import { adminCall, seedCatalog, tomorrow } from "../catalog.ts";
import { type CaseResult, runLoad } from "../harness.ts";
import type { BenchContext } from "../run.ts";

export const LIVE_SCALE_STEPS = [0, 1_000, 10_000, 50_000];
/**
 * Holds on the morning of the measured day (and as many markers in its afternoon) at every step:
 * what a heartbeat returns.
 */
export const MEASURED_DAY_ENTRIES = 5;

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
  /** The one-Redis-call baseline route, loaded the same way just before this operation. */
  baselineRps: number;
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
    // other 30 dates (holds on the first 15, markers of distinct clients on the last 15, so that
    // no marker meets a hold): "other entries".
    const measured = slots[0]?.date;
    const free = slots.filter((s) => s.date === measured);
    const otherDates = [...new Set(slots.map((s) => s.date))].filter((d) => d !== measured);
    const holdDates = new Set(otherDates.slice(0, Math.ceil(otherDates.length / 2)));
    const others = slots.filter((s) => s.date !== measured);
    const holdSlotsOfOthers = others.filter((s) => holdDates.has(s.date));
    const markerSlotsOfOthers = others.filter((s) => !holdDates.has(s.date));
    const keys = new RedisKeys(prefix);
    const liveKeys = keys.liveKeys(staffId);
    const offerKey = keys.offer(serviceId, staffId);
    await redis.script("LOAD", holdSlots.source);
    await redis.script("LOAD", selectSlot.source);
    await redis.script("LOAD", heartbeat.source);

    const rows: LiveScaleRow[] = [];
    for (const target of LIVE_SCALE_STEPS) {
      const holds = await fill(redis, {
        liveKeys,
        offerKey,
        holdSlots: holdSlotsOfOthers,
        markerSlots: markerSlotsOfOthers,
        entries: target,
        label: `o${target}`,
      });
      // The measured day's own entries, the same at every step (they do not count as "other").
      await fill(redis, {
        liveKeys,
        offerKey,
        holdSlots: free.slice(0, Math.ceil(free.length / 2)),
        markerSlots: free.slice(Math.ceil(free.length / 2)),
        entries: 2 * MEASURED_DAY_ENTRIES,
        holds: MEASURED_DAY_ENTRIES,
        label: "day",
      });
      const entries = await liveEntries(redis, liveKeys);
      if (entries !== target + 2 * MEASURED_DAY_ENTRIES)
        throw new Error(
          `live scale: ${entries} live entries, expected ${target} + the measured day's`,
        );
      ctx.log(`live scale: ${target} other live entries on one staff member (${holds} holds)`);
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
            const dates = candidateDates({ startMs });
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
                ...dates,
              );
            } else {
              // KEYS as lua/hold_slots.lua names them: the live keys, the offer, the two holder
              // counters, the released-hold, undone-attempt and creator keys of this hold.
              batch.evalsha(
                holdSlots.sha1,
                10,
                ...liveKeys,
                offerKey,
                `${prefix}bench:c`,
                `${prefix}bench:i`,
                `${prefix}bench:released:D${target}x${j}`,
                `${prefix}bench:undone:none`,
                `${prefix}bench:creator:D${target}x${j}`,
                nowMs,
                `D${target}x${j}`,
                "tok",
                `d${j}`,
                1,
                "",
                "1",
                startMs,
                ...dates,
                "", // not a reschedule
                "", // no attempt of a request
                "0",
              );
            }
          }
          await batch.exec();
        }
      };
      // Every load of this step, the baseline's too: the same connections and length, after a
      // 1 s warm-up that is not counted (the first second of a load measures its ramp-up).
      const load = async (name: string, request: autocannon.Request) => {
        const options = {
          url: ctx.url,
          connections: Math.min(ctx.connections, 50),
          requests: [request],
        };
        await runLoad({ ...options, name: `${name} (warm-up)`, durationS: 1 });
        return runLoad({ ...options, name, durationS: Math.max(2, Math.round(ctx.durationS / 2)) });
      };
      const measure = async (op: LiveScaleRow["op"], path: string, make: () => unknown) => {
        // The baseline right before each operation: the machine drifts between loads.
        const baseline = await load(`one Redis call before ${op} @ ${target}`, {
          method: "GET",
          path: "/v1/debug/redis-ping",
          headers: ctx.adminHeaders,
        });
        await redis.config("RESETSTAT");
        const result: CaseResult = await load(`${op} @ ${target}`, {
          method: "POST",
          path,
          // One address per request, as from many users: the per-IP limits stay out of it.
          headers: { ...json, "CF-Connecting-IP": randomIp() },
          setupRequest: (req) => ({ ...req, body: JSON.stringify(make()) }),
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
          baselineRps: baseline.throughputRps,
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
      // Every entry lived through the measurements (the markers too: nothing lapsed meanwhile).
      const left = await liveEntries(redis, liveKeys);
      if (left < target + 2 * MEASURED_DAY_ENTRIES)
        throw new Error(`live scale: ${left} live entries left after the step at ${target}`);
      // The holds measured above would count as entries of the next step: release them all.
      await redis.del(...liveKeys);
    }
    return rows;
  } finally {
    await adminCall(ctx, "PUT", "/v1/admin/settings", { viewingTtlS });
    redis.disconnect();
  }
}

/**
 * Writes `entries` live entries with the real scripts and checks every reply: first holds (one
 * per slot of `holdSlots` that is still free, in order, up to `holds`), then viewing markers of
 * distinct clients, spread over the slots of `markerSlots` that accept one (a marker is refused
 * on a slot another client holds; markers never refuse one another). Throws when the slots cannot
 * take them: a step that claims N entries has N. Returns the number of holds written.
 */
async function fill(
  redis: Redis,
  o: {
    liveKeys: string[];
    offerKey: string;
    holdSlots: (Slot & { date: string })[];
    markerSlots: (Slot & { date: string })[];
    entries: number;
    /** At most this many holds (default: as many as the hold slots take). */
    holds?: number;
    /** Names this fill's holds and clients apart from other fills'. */
    label: string;
  },
): Promise<number> {
  const now = Date.now();
  const keys = [...o.liveKeys, o.offerKey];
  const args = (slot: Slot & { date: string }): [number, ...string[]] => {
    const startMs = Date.parse(slot.start);
    return [startMs, ...candidateDates({ startMs })];
  };
  const accepted = async (calls: ((batch: ChainableCommander) => void)[]) => {
    const batch = redis.pipeline();
    for (const call of calls) call(batch);
    const replies = (await batch.exec()) ?? [];
    return replies.map(([error, reply]) => {
      if (error) throw error;
      return (reply as unknown[])[0] === "ok";
    });
  };

  const wanted = Math.min(o.entries, o.holds ?? o.entries);
  let holds = 0;
  // Never more attempts at once than holds still wanted, so no chunk overshoots.
  for (let i = 0; i < o.holdSlots.length && holds < wanted; ) {
    const chunk = o.holdSlots.slice(i, i + Math.min(200, wanted - holds));
    const from = i;
    i += chunk.length;
    const oks = await accepted(
      chunk.map((slot, k) => (batch) => {
        const holdKey = `SCALE${o.label}${String(from + k).padStart(11, "0")}`;
        const [startMs, ...dates] = args(slot);
        // KEYS: the live keys, the offer, the two holder counters (unused: limits not counted),
        // the released-hold, undone-attempt and creator keys of this hold.
        batch.evalsha(
          holdSlots.sha1,
          keys.length + 5,
          ...keys,
          `${o.liveKeys[0]}:c`,
          `${o.liveKeys[0]}:i`,
          `${o.liveKeys[0]}:released:${holdKey}`,
          `${o.liveKeys[0]}:undone:none`,
          `${o.liveKeys[0]}:creator:${holdKey}`,
          now,
          holdKey,
          "tok",
          `c${o.label}${from + k}`,
          1,
          "", // no presented token
          "0", // hold limits not counted
          startMs,
          ...dates,
          "", // not a reschedule
          "", // no attempt of a request
          "0",
        );
      }),
    );
    holds += oks.filter(Boolean).length;
  }
  const markers = o.entries - holds;
  // Marker slots that accept a marker, found by the first markers themselves.
  const open: (Slot & { date: string })[] = [];
  let written = 0;
  for (let i = 0; i < o.markerSlots.length && written < markers; i += 200) {
    const chunk = o.markerSlots.slice(i, i + Math.min(200, markers - written));
    const oks = await accepted(
      chunk.map((slot, k) => (batch) => {
        batch.evalsha(
          selectSlot.sha1,
          keys.length,
          ...keys,
          now,
          `m${o.label}p${i + k}`,
          ...args(slot),
        );
      }),
    );
    for (const [k, ok] of oks.entries()) if (ok) open.push(chunk[k] as Slot & { date: string });
    written += oks.filter(Boolean).length;
  }
  if (written < markers && open.length === 0)
    throw new Error(`live scale: no slot takes a marker (${o.label})`);
  for (let i = written; i < markers; i += 1000) {
    const count = Math.min(1000, markers - i);
    const oks = await accepted(
      Array.from({ length: count }, (_, k) => (batch: ChainableCommander) => {
        const slot = open[(i + k) % open.length] as Slot & { date: string };
        batch.evalsha(
          selectSlot.sha1,
          keys.length,
          ...keys,
          now,
          `m${o.label}${i + k}`,
          ...args(slot),
        );
      }),
    );
    if (!oks.every(Boolean)) throw new Error(`live scale: a marker was refused (${o.label})`);
  }
  return holds;
}

/** The live entries of a staff member: its holds and bookings, and its markers. */
async function liveEntries(redis: Redis, liveKeys: string[]): Promise<number> {
  const [, blockers, markers] = liveKeys;
  return (await redis.zcard(blockers as string)) + (await redis.zcard(markers as string));
}

/** Script calls sent straight to Redis per operation and step, after its load (50 a pipeline):
 * enough for a steady figure (500 gave ±40 % between runs at ~30 µs a call). */
const DIRECT_CALLS = 5_000;

async function evalshaStats(redis: Redis) {
  const stats = await redis.info("commandstats");
  return /cmdstat_evalsha:calls=(\d+),usec=(\d+),usec_per_call=([\d.]+)/.exec(stats);
}

function randomIp(): string {
  return `10.${Math.floor(Math.random() * 256)}.${Math.floor(Math.random() * 256)}.${Math.floor(Math.random() * 254) + 1}`;
}
