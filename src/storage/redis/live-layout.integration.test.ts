/**
 * The live-state layout on a real Redis (lua/lib/live.lua): entries indexed by start cell and
 * expiry bucket, so each script reads only what can overlap what it asks about. These cases sit
 * on the layout's edges: UTC day buckets (midnight, buffers, 24-hour services, zones far from
 * UTC across DST), expiry inside buckets, the one-marker rule across dates, multi-slot holds over
 * two days. Time is passed as nowMs.
 */
import { afterAll, describe, expect, it } from "vitest";
import { directRedis } from "../../../test/stack/redis-direct.ts";
import { testBindings, uniqueId } from "../../../test/stack/stack-env.ts";
import { offerDays } from "../../domain/live/offers.ts";
import { newHoldKey } from "../../domain/live/tokens.ts";
import type { OfferMeta } from "../../domain/live/types.ts";
import { addDays, wallTimeToInstant } from "../../domain/time/zoned-time.ts";
import { createRedisClient } from "./client.ts";
import { RedisKeys } from "./keys.ts";
import { RedisLiveStateStore } from "./live-state-store.ts";

const bindings = testBindings(`${uniqueId("ly")}:`);
const keys = new RedisKeys(bindings.REDIS_KEY_PREFIX ?? "");
const store = new RedisLiveStateStore(
  createRedisClient({
    url: bindings.UPSTASH_REDIS_REST_URL ?? "",
    token: bindings.UPSTASH_REDIS_REST_TOKEN ?? "",
    timeoutMs: 15_000,
  }),
  keys,
);
const direct = directRedis();
afterAll(() => direct.quit());

const MIN = 60_000;
const S = 1000;
const BASE_META: OfferMeta = {
  durationMin: 30,
  bufferBeforeMin: 0,
  bufferAfterMin: 0,
  holdTtlS: 600,
  viewingTtlS: 10,
  holdExtensionCapS: 1800,
  minNoticeMin: 0,
  maxHeldSlotsPerClient: 4,
  maxHeldSlotsPerIp: 20,
};

/** A staff member in `zone`; every 15-minute start of the given local dates is offered. */
function staff(zone: string, dates: string[]) {
  const staffId = uniqueId("stf_");
  const days = dates.map((date) => {
    const from = wallTimeToInstant(date, 0, zone, "start");
    const to = wallTimeToInstant(addDays(date, 1), 0, zone, "start");
    const slots = [];
    for (let t = from; t < to; t += 15 * MIN)
      slots.push({ staffId, state: "available", startMs: t });
    return { date, slots };
  });
  const offsetMin = (ms: number) => {
    const wall = new Date(ms).toLocaleString("sv-SE", { timeZone: zone }).replace(" ", "T");
    return Math.round((Date.parse(`${wall}Z`) - ms) / MIN);
  };
  const slotOf = (startMs: number) => ({ startMs, offsetMin: offsetMin(startMs) });
  /** Publishes the offer of a service with `meta` (as availability does) at `nowMs`. */
  const publish = async (serviceId: string, meta: OfferMeta, nowMs: number) => {
    await store.overlay({
      serviceId,
      meta,
      staff: [{ staffId, days: offerDays(days as never, staffId, zone) }],
      clientTag: null,
      nowMs,
    });
  };
  const hold = (serviceId: string, tag: string, starts: number[], nowMs: number) =>
    store.hold({
      serviceId,
      staffId,
      clientTag: tag,
      holdKey: newHoldKey(),
      tokenHash: uniqueId("tok"),
      presentedTokenHash: null,
      slots: starts.map(slotOf),
      nowMs,
    });
  const heartbeat = (tag: string, date: string, nowMs: number) =>
    store.heartbeat({
      staffId,
      clientTag: tag,
      keepViewing: true,
      fromMs: wallTimeToInstant(date, 0, zone, "start"),
      toMs: wallTimeToInstant(addDays(date, 1), 0, zone, "start"),
      localDate: date,
      nowMs,
    });
  return { staffId, publish, hold, heartbeat, slotOf };
}

/** A UTC date a few days ahead, and an instant on it. */
const DAY = new Date(Date.now() + 3 * 86_400_000).toISOString().slice(0, 10);
const NEXT = addDays(DAY, 1);
const utc = (date: string, hhmm: string) => Date.parse(`${date}T${hhmm}:00Z`);
const NOW = utc(DAY, "06:00");

describe("live layout: overlap across UTC day buckets", () => {
  it("a hold crossing UTC midnight blocks a slot after midnight, and the other way round", async () => {
    const s = staff("UTC", [DAY, NEXT]);
    const svc = uniqueId("svc_");
    await s.publish(svc, BASE_META, NOW);
    expect(await s.hold(svc, "a", [utc(DAY, "23:45")], NOW)).toMatchObject({ kind: "ok" });
    expect(await s.hold(svc, "b", [utc(NEXT, "00:00")], NOW)).toMatchObject({ kind: "held" });
    expect(await s.hold(svc, "c", [utc(NEXT, "00:15")], NOW)).toMatchObject({ kind: "ok" });
    // And backwards: a slot before midnight meets a hold that starts after it.
    const t = staff("UTC", [DAY, NEXT]);
    await t.publish(svc, BASE_META, NOW);
    expect(await t.hold(svc, "a", [utc(NEXT, "00:00")], NOW)).toMatchObject({ kind: "ok" });
    expect(await t.hold(svc, "b", [utc(DAY, "23:45")], NOW)).toMatchObject({ kind: "held" });
  });

  it("buffers that cross midnight block across it, both after and before", async () => {
    const s = staff("UTC", [DAY, NEXT]);
    const after = uniqueId("svc_");
    const before = uniqueId("svc_");
    await s.publish(after, { ...BASE_META, bufferAfterMin: 30 }, NOW);
    await s.publish(before, { ...BASE_META, bufferBeforeMin: 30 }, NOW);
    // 23:15–23:45 plus 30 minutes after: occupies until 00:15.
    expect(await s.hold(after, "a", [utc(DAY, "23:15")], NOW)).toMatchObject({ kind: "ok" });
    expect(await s.hold(after, "b", [utc(NEXT, "00:00")], NOW)).toMatchObject({ kind: "held" });
    // 00:45–01:15 with 30 minutes before: occupies from 00:15, which the next one leaves free.
    expect(await s.hold(before, "c", [utc(NEXT, "00:45")], NOW)).toMatchObject({ kind: "ok" });
    expect(await s.hold(before, "d", [utc(NEXT, "00:30")], NOW)).toMatchObject({ kind: "held" });
  });

  it("a 24-hour service blocks the whole next day's morning of its staff member", async () => {
    const s = staff("UTC", [DAY, NEXT]);
    const day = uniqueId("svc_");
    const short = uniqueId("svc_");
    await s.publish(day, { ...BASE_META, durationMin: 1440 }, NOW);
    await s.publish(short, BASE_META, NOW);
    // Another entry first, so the longest span grows from 6 cells to 288 on the way.
    expect(await s.hold(short, "x", [utc(DAY, "08:00")], NOW)).toMatchObject({ kind: "ok" });
    expect(await s.hold(day, "a", [utc(DAY, "12:00")], NOW)).toMatchObject({ kind: "ok" });
    expect(await s.hold(short, "b", [utc(NEXT, "11:30")], NOW)).toMatchObject({ kind: "held" });
    expect(await s.hold(short, "c", [utc(NEXT, "12:00")], NOW)).toMatchObject({ kind: "ok" });
    expect(await s.hold(short, "d", [utc(DAY, "11:30")], NOW)).toMatchObject({ kind: "ok" });
  });

  it("America/Los_Angeles fall-back day: both 01:30s are held apart and shown with their offsets", async () => {
    const date = "2030-11-03"; // PDT → PST at 02:00 local
    const s = staff("America/Los_Angeles", [date]);
    const svc = uniqueId("svc_");
    const now = utc("2030-11-02", "12:00");
    await s.publish(svc, BASE_META, now);
    const first = utc(date, "08:30"); // 01:30 PDT
    const second = utc(date, "09:30"); // 01:30 PST
    expect(await s.hold(svc, "a", [first], now)).toMatchObject({ kind: "ok" });
    expect(await s.hold(svc, "b", [second], now)).toMatchObject({ kind: "ok" });
    expect(await s.hold(svc, "c", [first + 15 * MIN], now)).toMatchObject({ kind: "held" });
    const seen = await s.heartbeat("a", date, now);
    expect(seen.map((e) => [e.startMs, e.offsetMin, e.mine]).sort()).toEqual(
      [
        [first, -420, true],
        [second, -480, false],
      ].sort(),
    );
  });

  it("Pacific/Auckland spring-forward day: one local date spans two UTC days, and heartbeat sees both", async () => {
    const date = "2030-09-29"; // NZST (+12) → NZDT (+13) at 02:00 local
    const s = staff("Pacific/Auckland", [date]);
    const svc = uniqueId("svc_");
    const now = utc("2030-09-28", "06:00");
    await s.publish(svc, BASE_META, now);
    const morning = wallTimeToInstant(date, 9 * 60, "Pacific/Auckland", "start"); // previous UTC day
    const afternoon = wallTimeToInstant(date, 15 * 60, "Pacific/Auckland", "start");
    expect(new Date(morning).toISOString().slice(0, 10)).toBe("2030-09-28");
    expect(new Date(afternoon).toISOString().slice(0, 10)).toBe("2030-09-29");
    expect(await s.hold(svc, "a", [morning], now)).toMatchObject({ kind: "ok" });
    expect(await s.hold(svc, "b", [afternoon], now)).toMatchObject({ kind: "ok" });
    const seen = await s.heartbeat("z", date, now);
    expect(seen.map((e) => [e.startMs, e.offsetMin]).sort()).toEqual(
      [
        [morning, 780],
        [afternoon, 780],
      ].sort(),
    );
    // A slot before the change keeps its own offset.
    const early = wallTimeToInstant(date, 60, "Pacific/Auckland", "start");
    expect(await s.hold(svc, "c", [early], now)).toMatchObject({ kind: "ok" });
    const withEarly = await s.heartbeat("z", date, now);
    expect(withEarly.find((e) => e.startMs === early)?.offsetMin).toBe(720);
  });
});

describe("live layout: expiry through the index", () => {
  it("expired entries leave the hash and the indexes once their bucket is due, and live ones stay", async () => {
    const s = staff("UTC", [DAY]);
    const svc = uniqueId("svc_");
    await s.publish(svc, BASE_META, NOW);
    expect(await s.hold(svc, "a", [utc(DAY, "10:00")], NOW)).toMatchObject({ kind: "ok" });
    expect(await s.hold(svc, "b", [utc(DAY, "14:00")], NOW + 300 * S)).toMatchObject({
      kind: "ok",
    });
    const [blk, , exp] = keys.liveIndexes(s.staffId);
    const live = keys.live(s.staffId);
    // Every key carries a TTL, so an abandoned staff member's keys vanish by themselves.
    for (const key of [live, blk, exp]) expect(await direct.pttl(key)).toBeGreaterThan(0);

    // a has expired, b lives: the bucket is not due, so a goes when a script meets it.
    await s.publish(svc, BASE_META, NOW + 601 * S);
    expect(await s.hold(svc, "c", [utc(DAY, "10:00")], NOW + 601 * S)).toMatchObject({
      kind: "ok",
    });
    expect(await direct.zcard(blk)).toBe(2); // b and c
    // Both past their expiry: the next call of any script sweeps the bucket whole.
    await s.heartbeat("z", NEXT, NOW + 1300 * S);
    expect(await direct.zcard(blk)).toBe(0);
    expect(await direct.hkeys(live)).toEqual(["~"]);
    expect(await direct.zcard(exp)).toBe(0);

    // The emptied sets are gone; a write that creates them again gives them their TTL.
    const later = NOW + 1300 * S;
    await s.publish(svc, BASE_META, later);
    expect(await s.hold(svc, "d", [utc(DAY, "16:00")], later)).toMatchObject({ kind: "ok" });
    for (const key of [live, blk, exp]) expect(await direct.pttl(key)).toBeGreaterThan(0);
  });

  it("the keys outlive every entry: a hold's TTL reaches its extension cap", async () => {
    const s = staff("UTC", [DAY]);
    const svc = uniqueId("svc_");
    const now = Date.now(); // PTTL is measured against Redis's clock
    await s.publish(svc, { ...BASE_META, holdTtlS: 60, holdExtensionCapS: 7200 }, now);
    expect(await s.hold(svc, "a", [utc(DAY, "10:00")], now)).toMatchObject({ kind: "ok" });
    await store.select({
      serviceId: svc,
      staffId: s.staffId,
      clientTag: "m",
      slot: s.slotOf(utc(DAY, "12:00")),
      nowMs: now,
    });
    const capLeft = now + 7200 * S - Date.now();
    for (const key of [keys.live(s.staffId), ...keys.liveIndexes(s.staffId)])
      expect(await direct.pttl(key)).toBeGreaterThanOrEqual(capLeft);
  });

  it("an extended hold raises its bucket's expiry, so the sweep never takes a live hold", async () => {
    const s = staff("UTC", [DAY]);
    const svc = uniqueId("svc_");
    await s.publish(svc, BASE_META, NOW);
    const tokenHash = uniqueId("tok");
    const holdKey = newHoldKey();
    await store.hold({
      serviceId: svc,
      staffId: s.staffId,
      clientTag: "a",
      holdKey,
      tokenHash,
      presentedTokenHash: null,
      slots: [s.slotOf(utc(DAY, "10:00"))],
      nowMs: NOW,
    });
    const extended = await store.extend({
      staffId: s.staffId,
      holdKey,
      tokenHash,
      holders: { client: "a", ip: "a" },
      nowMs: NOW + 500 * S,
    });
    expect(extended).toEqual({ expiresAtMs: NOW + 1100 * S, capped: false });
    await s.heartbeat("z", DAY, NOW + 700 * S); // past the first expiry: nothing is swept
    expect(await s.hold(svc, "b", [utc(DAY, "10:00")], NOW + 700 * S)).toEqual({
      kind: "held",
      untilMs: NOW + 1100 * S,
    });
  });
});

describe("live layout: a heartbeat reads its date only", () => {
  it("returns the entries starting on the local date, not the neighbours' in the window", async () => {
    const zone = "America/Los_Angeles"; // UTC-8: the local date ends at 08:00 UTC the next day
    const s = staff(zone, [DAY, NEXT]);
    const svc = uniqueId("svc_");
    const now = utc(DAY, "00:00");
    await s.publish(svc, BASE_META, now);
    const late = wallTimeToInstant(DAY, 23 * 60, zone, "start");
    const early = wallTimeToInstant(NEXT, 30, zone, "start");
    expect(await s.hold(svc, "a", [late], now)).toMatchObject({ kind: "ok" });
    expect(await s.hold(svc, "b", [early], now)).toMatchObject({ kind: "ok" });
    // A window wide enough for any zone, as the heartbeat route asks for.
    const wide = (date: string) =>
      store.heartbeat({
        staffId: s.staffId,
        clientTag: "z",
        keepViewing: true,
        fromMs: utc(date, "00:00") - 14 * 3_600_000,
        toMs: utc(date, "00:00") + 36 * 3_600_000,
        localDate: date,
        nowMs: now,
      });
    expect((await wide(DAY)).map((e) => e.startMs)).toEqual([late]);
    expect((await wide(NEXT)).map((e) => e.startMs)).toEqual([early]);
  });

  it("a head written before the offsets were kept still finds every entry, then learns them", async () => {
    const s = staff("Pacific/Auckland", [DAY]);
    const svc = uniqueId("svc_");
    const now = utc(DAY, "00:00") - 86_400_000;
    await s.publish(svc, BASE_META, now);
    const start = wallTimeToInstant(DAY, 10 * 60, "Pacific/Auckland", "start");
    expect(await s.hold(svc, "a", [start], now)).toMatchObject({ kind: "ok" });
    await direct.hset(keys.live(s.staffId), "~", "6"); // this round's first head: the span only
    expect((await s.heartbeat("z", DAY, now)).map((e) => e.startMs)).toEqual([start]);
    await store.select({
      serviceId: svc,
      staffId: s.staffId,
      clientTag: "m",
      slot: s.slotOf(start + 3_600_000),
      nowMs: now,
    });
    const head = (await direct.hget(keys.live(s.staffId), "~")) ?? "";
    expect(head.split("|").slice(2)).toEqual(["780", "780"]);
    expect((await s.heartbeat("z", DAY, now)).map((e) => e.startMs).sort()).toEqual([
      start,
      start + 3_600_000,
    ]);
  });
});

describe("live layout: markers and multi-slot holds", () => {
  it("one marker per client and staff member: a selection on another date replaces it", async () => {
    const s = staff("UTC", [DAY, NEXT]);
    const svc = uniqueId("svc_");
    await s.publish(svc, BASE_META, NOW);
    const select = (start: number) =>
      store.select({
        serviceId: svc,
        staffId: s.staffId,
        clientTag: "a",
        slot: s.slotOf(start),
        nowMs: NOW,
      });
    expect(await select(utc(DAY, "10:00"))).toMatchObject({ kind: "ok" });
    expect(await select(utc(NEXT, "11:00"))).toMatchObject({ kind: "ok" });
    expect(await s.heartbeat("z", DAY, NOW)).toEqual([]);
    expect((await s.heartbeat("z", NEXT, NOW)).map((e) => [e.kind, e.startMs])).toEqual([
      ["viewing", utc(NEXT, "11:00")],
    ]);
    expect(await direct.zcard(keys.liveIndexes(s.staffId)[1])).toBe(1);
  });

  it("a multi-slot hold over two days is all or nothing, and blocks both days", async () => {
    const s = staff("UTC", [DAY, NEXT]);
    const svc = uniqueId("svc_");
    await s.publish(svc, BASE_META, NOW);
    expect(await s.hold(svc, "b", [utc(NEXT, "00:30")], NOW)).toMatchObject({ kind: "ok" });
    // One of its two slots is taken: nothing is held, so the other stays free.
    expect(await s.hold(svc, "a", [utc(DAY, "23:30"), utc(NEXT, "00:30")], NOW)).toMatchObject({
      kind: "held",
    });
    expect(await s.hold(svc, "c", [utc(DAY, "23:30")], NOW)).toMatchObject({ kind: "ok" });

    const t = staff("UTC", [DAY, NEXT]);
    await t.publish(svc, BASE_META, NOW);
    expect(await t.hold(svc, "a", [utc(DAY, "23:30"), utc(NEXT, "00:30")], NOW)).toMatchObject({
      kind: "ok",
    });
    expect(await t.hold(svc, "b", [utc(DAY, "23:30")], NOW)).toMatchObject({ kind: "held" });
    expect(await t.hold(svc, "b", [utc(NEXT, "00:30")], NOW)).toMatchObject({ kind: "held" });
    expect(await t.hold(svc, "b", [utc(NEXT, "00:00")], NOW)).toMatchObject({ kind: "ok" });
  });
});
