/**
 * One contract, two stores: every case runs against the Redis store (the Lua scripts) and the
 * MySQL fallback with the same inputs and the same expected answers, which proves the fallback
 * answers as Redis does. Each test makes its own staff and service ids (the test database is
 * shared and persistent). Time is passed as nowMs, a few days ahead (so no clean-up job sees the
 * rows as expired); nothing sleeps.
 */
import { Client } from "@planetscale/database";
import { describe, expect, it } from "vitest";
import { testBindings, uniqueId } from "../../test/stack/stack-env.ts";
import type { AvailabilityDay } from "../domain/availability/types.ts";
import { formatHoldId } from "../domain/live/hold-id.ts";
import { offerDays } from "../domain/live/offers.ts";
import { slotRef } from "../domain/live/select-slot.ts";
import { OFFER_TTL_MS } from "../domain/live/stored-offer.ts";
import { clientTag, newHoldKey } from "../domain/live/tokens.ts";
import {
  CELL_MS,
  type HolderTags,
  type HoldOutcome,
  type LiveEntryDump,
  type OfferMeta,
} from "../domain/live/types.ts";
import type { ExactLimiter, LiveStateStore } from "../domain/ports.ts";
import { MysqlFallbackLimiter } from "./fallback/fallback-limiter.ts";
import { MysqlFallbackLiveStateStore } from "./fallback/fallback-live-state-store.ts";
import { createRedisClient } from "./redis/client.ts";
import { RedisExactLimiter } from "./redis/exact-limiter.ts";
import { RedisKeys } from "./redis/keys.ts";
import { RedisLiveStateStore } from "./redis/live-state-store.ts";
import { FunnelStats } from "./stats/funnel-stats.ts";

const bindings = testBindings(`${uniqueId("r")}:`);
const redis = createRedisClient({
  url: bindings.UPSTASH_REDIS_REST_URL ?? "",
  token: bindings.UPSTASH_REDIS_REST_TOKEN ?? "",
  timeoutMs: 15_000,
});
const keys = new RedisKeys(bindings.REDIS_KEY_PREFIX ?? "");
const db = new Client({ url: bindings.DATABASE_URL ?? "" });

const STORES: [string, LiveStateStore][] = [
  ["redis", new RedisLiveStateStore(redis, keys)],
  ["mysql fallback", new MysqlFallbackLiveStateStore(db, keys.prefix)],
];
/** The funnel's counters of both stores, as GET /v1/admin/stats reads them. */
const funnel = new FunnelStats(redis, keys, db, keys.prefix);
const LIMITERS: [string, ExactLimiter][] = [
  ["redis", new RedisExactLimiter(redis, keys)],
  ["mysql fallback", new MysqlFallbackLimiter(db, keys.prefix)],
];

const DAY = new Date(Date.now() + 3 * 86_400_000).toISOString().slice(0, 10);
const at = (hhmm: string) => Date.parse(`${DAY}T${hhmm}:00Z`);
const NOW = at("06:00");
const S = 1000;
const META: OfferMeta = {
  durationMin: 30,
  bufferBeforeMin: 0,
  bufferAfterMin: 0,
  holdTtlS: 600,
  viewingTtlS: 10,
  holdExtensionCapS: 1800,
  minNoticeMin: 60,
  maxHeldSlotsPerClient: 4,
  maxHeldSlotsPerIp: 20,
};
/** Offered: every 15 minutes from 07:00 to 17:45 (so 18:00 is not); notice ends at 07:00. */
const OFFERED = Array.from({ length: 44 }, (_, i) => at("07:00") + i * 15 * 60_000);

const slot = (hhmm: string) => ({ startMs: at(hhmm), offsetMin: 0 });
const cells = (hhmm: string) => ({
  cellStart: at(hhmm) / CELL_MS,
  cellEnd: (at(hhmm) + 30 * 60_000) / CELL_MS,
});
const granted = (hhmm: string) => ({
  endMs: at(hhmm) + 30 * 60_000,
  ...cells(hhmm),
  offsetMin: 0,
  endOffsetMin: 0,
});

function offer(staffId: string) {
  const day = {
    date: DAY,
    slots: OFFERED.map((startMs) => ({
      staffId,
      state: "available",
      startMs,
      endMs: startMs + 30 * 60_000,
    })),
  };
  return offerDays([day] as unknown as AvailabilityDay[], staffId, "UTC");
}

/** A fresh staff member and service with the offer published, and short-hand calls on them. */
async function fixture(store: LiveStateStore) {
  const staffId = uniqueId("stf_");
  const serviceId = uniqueId("svc_");
  await store.overlay({
    serviceId,
    meta: META,
    staff: [{ staffId, days: offer(staffId) }],
    clientTag: null,
    nowMs: NOW,
  });
  const hold = (
    tag: string,
    starts: string[],
    o: { nowMs?: number; holdKey?: string; tokenHash?: string; presented?: string } = {},
  ) =>
    store.hold({
      serviceId,
      staffId,
      clientTag: tag,
      holdKey: o.holdKey ?? newHoldKey(),
      tokenHash: o.tokenHash ?? uniqueId("tok"),
      presentedTokenHash: o.presented ?? null,
      slots: starts.map(slot),
      nowMs: o.nowMs ?? NOW,
    });
  const select = (tag: string, start: string, nowMs = NOW) =>
    store.select({ serviceId, staffId, clientTag: tag, slot: slot(start), nowMs });
  const begin = (
    o: {
      holdKey?: string;
      tokenHash?: string;
      holders?: HolderTags | null;
      clientTag?: string;
      idempotency?: { keyHash: string; bodyHash: string } | null;
      nowMs?: number;
    },
    starts: string[],
  ) => {
    const appointmentIds = starts.map(() => uniqueId("apt_"));
    return {
      appointmentIds,
      outcome: store.beginBooking({
        staffId,
        holdKey: o.holdKey ?? newHoldKey(),
        tokenHash: o.tokenHash ?? uniqueId("tok"),
        holders: o.holders ?? null,
        clientTag: o.clientTag ?? "nobody",
        idempotency: o.idempotency ?? null,
        slots: starts.map((s, i) => ({
          startMs: at(s),
          endMs: at(s) + 30 * 60_000,
          ...cells(s),
          offsetMin: 0,
          appointmentId: appointmentIds[i] ?? "",
        })),
        nowMs: o.nowMs ?? NOW,
      }),
    };
  };
  /** Every unexpired entry of this staff member, walking the scan to the end, sorted. */
  const dump = async (nowMs = NOW) => {
    const entries: LiveEntryDump[] = [];
    let cursor = "0";
    do {
      const page = await store.scan({ cursor, staffId, nowMs });
      entries.push(...page.entries);
      cursor = page.cursor;
    } while (cursor !== "0");
    return entries.sort((a, b) => a.startMs - b.startMs || a.id.localeCompare(b.id));
  };
  return { staffId, serviceId, hold, select, begin, dump };
}

const newTag = () => clientTag(uniqueId("client"));
/** The holders a hold token names for a client (its address tag is irrelevant here). */
const holdersOf = (tag: string): HolderTags => ({ client: tag, ip: tag });

function ok(outcome: HoldOutcome) {
  if (outcome.kind !== "ok" && outcome.kind !== "existing")
    throw new Error(`expected a granted hold, got ${JSON.stringify(outcome)}`);
  return outcome;
}

const byCell = <T extends { cellStart: number; kind: string }>(a: T, b: T) =>
  a.cellStart - b.cellStart || a.kind.localeCompare(b.kind);

describe.each(STORES)("live-state contract: %s", (_name, store) => {
  it("overlay publishes the offer and reports each staff member's live cells, mine for the asker", async () => {
    const f = await fixture(store);
    const [a, b] = [await newTag(), await newTag()];
    const other = uniqueId("stf_");
    expect((await f.select(a, "09:00")).kind).toBe("ok");
    expect((await f.hold(b, ["10:00"])).kind).toBe("ok");
    const overlay = (clientTagOf: string | null, nowMs = NOW) =>
      store.overlay({
        serviceId: f.serviceId,
        meta: META,
        staff: [
          { staffId: f.staffId, days: offer(f.staffId) },
          { staffId: other, days: offer(other) },
        ],
        clientTag: clientTagOf,
        nowMs,
      });
    const [mine, empty] = await overlay(a);
    expect(mine?.sort(byCell)).toEqual([
      { kind: "viewing", mine: true, ...cells("09:00") },
      { kind: "held", mine: false, ...cells("10:00") },
    ]);
    expect(empty).toEqual([]);
    const [anonymous] = await overlay(null);
    expect(anonymous?.every((c) => !c.mine)).toBe(true);
    // The marker lives 10 s; past it only the hold is reported.
    const [later] = await overlay(a, NOW + 11 * S);
    expect(later).toEqual([{ kind: "held", mine: false, ...cells("10:00") }]);
    // The overlay published the second staff member's offer too.
    const selected = await store.select({
      serviceId: f.serviceId,
      staffId: other,
      clientTag: a,
      slot: slot("10:00"),
      nowMs: NOW,
    });
    expect(selected).toEqual({
      kind: "ok",
      expiresAtMs: NOW + 10 * S,
      endMs: at("10:30"),
      offsetMin: 0,
      endOffsetMin: 0,
    });
  });

  it("select answers ok, held, booked and unavailable like select_slot.lua", async () => {
    const f = await fixture(store);
    const [a, b, c] = [await newTag(), await newTag(), await newTag()];
    expect(await f.select(a, "09:00")).toEqual({
      kind: "ok",
      expiresAtMs: NOW + 10 * S,
      endMs: at("09:30"),
      offsetMin: 0,
      endOffsetMin: 0,
    });
    expect((await f.hold(b, ["10:00"])).kind).toBe("ok");
    expect(await f.select(a, "10:15")).toEqual({ kind: "held", untilMs: NOW + 600 * S });
    // The holder's own hold does not block its own selection.
    expect((await f.select(b, "10:15")).kind).toBe("ok");
    expect((await f.begin({ clientTag: c }, ["11:00"]).outcome).kind).toBe("ok");
    expect(await f.select(a, "11:00")).toEqual({ kind: "booked", untilMs: NOW + OFFER_TTL_MS });
    expect(await f.select(a, "18:00")).toEqual({ kind: "unavailable", reason: "not-offered" });
    expect(await f.select(a, "06:30")).toEqual({ kind: "unavailable", reason: "notice" });
    // An offer older than 15 minutes no longer counts.
    expect(await f.select(a, "13:00", NOW + OFFER_TTL_MS)).toEqual({
      kind: "unavailable",
      reason: "not-offered",
    });
    const unpublished = await store.select({
      serviceId: uniqueId("svc_"),
      staffId: f.staffId,
      clientTag: a,
      slot: slot("09:00"),
      nowMs: NOW,
    });
    expect(unpublished).toEqual({ kind: "unavailable", reason: "not-offered" });
  });

  it("a hold is granted with its expiry and each slot's end and cells, in request order", async () => {
    const f = await fixture(store);
    const holdKey = newHoldKey();
    expect(await f.hold(await newTag(), ["14:00", "09:00"], { holdKey })).toEqual({
      kind: "ok",
      holdKey,
      expiresAtMs: NOW + 600 * S,
      capAtMs: NOW + 1800 * S,
      slots: [granted("14:00"), granted("09:00")],
    });
  });

  it("a multi-slot hold is all or nothing: one taken slot refuses it and claims none", async () => {
    const f = await fixture(store);
    const [a, b, c] = [await newTag(), await newTag(), await newTag()];
    expect((await f.hold(b, ["10:00"])).kind).toBe("ok");
    expect(await f.hold(a, ["09:00", "10:00"], { nowMs: NOW + 5 * S })).toEqual({
      kind: "held",
      untilMs: NOW + 600 * S,
    });
    expect((await f.hold(c, ["09:00"])).kind).toBe("ok");
  });

  it("refuses overlapping slots of one request, and names the first unavailable slot", async () => {
    const f = await fixture(store);
    const a = await newTag();
    expect(await f.hold(a, ["09:00", "09:15"])).toEqual({ kind: "overlap", first: 0, second: 1 });
    expect(await f.hold(a, ["09:00", "18:00"])).toEqual({
      kind: "unavailable",
      index: 1,
      reason: "not-offered",
    });
    expect(await f.hold(a, ["09:00", "06:30"])).toEqual({
      kind: "unavailable",
      index: 1,
      reason: "notice",
    });
    expect(await f.hold(a, ["09:00"], { nowMs: NOW + OFFER_TTL_MS })).toEqual({
      kind: "unavailable",
      index: 0,
      reason: "not-offered",
    });
    expect((await f.dump()).length).toBe(0);
  });

  it("the holder presenting its token for the same slots gets the same hold back, expiry and token kept", async () => {
    const f = await fixture(store);
    const a = await newTag();
    const first = ok(await f.hold(a, ["09:00", "10:00"], { tokenHash: "token-1" }));
    const again = await f.hold(a, ["10:00", "09:00"], {
      nowMs: NOW + 60 * S,
      tokenHash: "token-2",
      presented: "token-1",
    });
    expect(again).toEqual({
      kind: "existing",
      holdKey: first.holdKey,
      expiresAtMs: NOW + 600 * S,
      capAtMs: NOW + 1800 * S,
      slots: [granted("10:00"), granted("09:00")],
    });
    const extend = (tokenHash: string) =>
      store.extend({
        staffId: f.staffId,
        holdKey: first.holdKey,
        tokenHash,
        holders: holdersOf(a),
        nowMs: NOW + 120 * S,
      });
    expect(await extend("token-2")).toBeNull();
    expect(await extend("token-1")).toEqual({ expiresAtMs: NOW + 720 * S, capped: false });
  });

  it("the same client without the token, or with it for other slots, gets held", async () => {
    const f = await fixture(store);
    const a = await newTag();
    expect((await f.hold(a, ["09:00"], { tokenHash: "token-1" })).kind).toBe("ok");
    const held = { kind: "held", untilMs: NOW + 600 * S };
    // Without any token, the client's own hold is the one in the way: it is told so ("mine").
    expect(await f.hold(a, ["09:00"], { nowMs: NOW + S })).toEqual({ ...held, mine: true });
    expect(await f.hold(a, ["09:15"], { nowMs: NOW + S })).toEqual({ ...held, mine: true });
    // Another client's hold beside its own: not only its own is in the way.
    const b = await newTag();
    expect((await f.hold(b, ["11:00"], { nowMs: NOW + S })).kind).toBe("ok");
    expect(await f.hold(a, ["09:00", "11:00"], { nowMs: NOW + 2 * S })).toEqual({
      kind: "held",
      untilMs: NOW + 601 * S,
    });
    expect(await f.hold(a, ["09:00"], { nowMs: NOW + S, presented: "wrong" })).toEqual(held);
    expect(await f.hold(a, ["09:00", "10:00"], { nowMs: NOW + S, presented: "token-1" })).toEqual(
      held,
    );
    expect(await f.hold(a, ["09:15"], { nowMs: NOW + S, presented: "token-1" })).toEqual(held);
  });

  it("held answers the latest blocking hold's expiry; a booking outranks holds", async () => {
    const f = await fixture(store);
    const [a, b, c, e] = [await newTag(), await newTag(), await newTag(), await newTag()];
    expect((await f.hold(b, ["09:00"])).kind).toBe("ok");
    expect((await f.hold(c, ["09:30"], { nowMs: NOW + 60 * S })).kind).toBe("ok");
    expect(await f.hold(a, ["09:15"], { nowMs: NOW + 90 * S })).toEqual({
      kind: "held",
      untilMs: NOW + 660 * S,
    });
    expect((await f.begin({ clientTag: e }, ["11:00"]).outcome).kind).toBe("ok");
    expect((await f.hold(e, ["11:30"])).kind).toBe("ok");
    // As in hold_slots.lua, "booked" carries the latest blocking hold's expiry (0 if none).
    expect(await f.hold(a, ["11:15"])).toEqual({ kind: "booked", untilMs: NOW + 600 * S });
    expect(await f.hold(a, ["11:00"])).toEqual({ kind: "booked", untilMs: 0 });
  });

  it("an expired hold no longer blocks: its slot can be held again", async () => {
    const f = await fixture(store);
    const [a, b] = [await newTag(), await newTag()];
    expect((await f.hold(b, ["09:00"])).kind).toBe("ok");
    expect(await f.hold(a, ["09:00"], { nowMs: NOW + 600 * S - 1 })).toEqual({
      kind: "held",
      untilMs: NOW + 600 * S,
    });
    const again = ok(await f.hold(a, ["09:00", "10:00"], { nowMs: NOW + 600 * S }));
    expect(again.expiresAtMs).toBe(NOW + 1200 * S);
    expect((await f.dump(NOW + 600 * S)).map((e) => e.startMs)).toEqual([at("09:00"), at("10:00")]);
  });

  it("extend moves the expiry to now + TTL, never past the cap, never shorter, holder only", async () => {
    const f = await fixture(store);
    const [a, b] = [await newTag(), await newTag()];
    const hold = ok(await f.hold(a, ["09:00", "10:00"], { tokenHash: "tok-a" }));
    const extend = (nowMs: number, tokenHash = "tok-a") =>
      store.extend({
        staffId: f.staffId,
        holdKey: hold.holdKey,
        tokenHash,
        holders: holdersOf(a),
        nowMs,
      });
    expect(await extend(NOW + 60 * S, "tok-b")).toBeNull();
    expect(await extend(NOW + 300 * S)).toEqual({ expiresAtMs: NOW + 900 * S, capped: false });
    expect(await extend(NOW + 100 * S)).toEqual({ expiresAtMs: NOW + 900 * S, capped: false });
    // The extended hold still blocks after its first expiry.
    expect(await f.hold(b, ["10:00"], { nowMs: NOW + 700 * S })).toEqual({
      kind: "held",
      untilMs: NOW + 900 * S,
    });
    expect(await extend(NOW + 800 * S)).toEqual({ expiresAtMs: NOW + 1400 * S, capped: false });
    expect(await extend(NOW + 1300 * S)).toEqual({ expiresAtMs: NOW + 1800 * S, capped: true });
    expect(await extend(NOW + 1700 * S)).toEqual({ expiresAtMs: NOW + 1800 * S, capped: true });
    expect(await extend(NOW + 1800 * S)).toBeNull();
    expect(
      await store.extend({
        staffId: f.staffId,
        holdKey: newHoldKey(),
        tokenHash: "tok-a",
        holders: holdersOf(a),
        nowMs: NOW,
      }),
    ).toBeNull();
  });

  it("release frees exactly the holder's hold", async () => {
    const f = await fixture(store);
    const [a, b] = [await newTag(), await newTag()];
    const hold = ok(await f.hold(a, ["09:00", "10:00"], { tokenHash: "tok-a" }));
    const release = (tokenHash: string, nowMs = NOW + S) =>
      store.release({
        staffId: f.staffId,
        holdKey: hold.holdKey,
        tokenHash,
        holders: holdersOf(a),
        nowMs,
      });
    expect(await release("tok-b")).toBe(false);
    expect(await release("tok-a", NOW + 600 * S)).toBe(false);
    expect(await release("tok-a")).toBe(true);
    expect(await release("tok-a")).toBe(false);
    expect((await f.hold(b, ["10:00"], { nowMs: NOW + 2 * S })).kind).toBe("ok");
  });

  it("extend, release and beginBooking act on a hold only for the holders it was made for: its token hash with no holders (a token whose claim did not verify), or with another client's, is refused and leaves the hold as it was", async () => {
    const f = await fixture(store);
    const [a, b] = [await newTag(), await newTag()];
    const mine: HolderTags = { client: a, ip: await newTag() };
    const hold = ok(
      await store.hold({
        serviceId: f.serviceId,
        staffId: f.staffId,
        clientTag: a,
        holdKey: newHoldKey(),
        tokenHash: "tok-a",
        presentedTokenHash: null,
        holders: mine,
        slots: [slot("09:00"), slot("10:00")],
        nowMs: NOW,
      }),
    );
    const before = await f.dump();
    const call = (holders: HolderTags | null | undefined) => ({
      staffId: f.staffId,
      holdKey: hold.holdKey,
      tokenHash: "tok-a",
      holders,
      nowMs: NOW + 60 * S,
    });
    const strangers = [null, undefined, { client: b, ip: mine.ip }, { client: "", ip: mine.ip }];
    for (const holders of strangers) {
      const says = JSON.stringify(holders ?? null);
      expect(await store.extend(call(holders)), says).toBeNull();
      expect(await store.release(call(holders)), says).toBe(false);
      const begun = f.begin({ holdKey: hold.holdKey, tokenHash: "tok-a", holders }, ["09:00"]);
      expect(await begun.outcome, says).toEqual({ kind: "wrong-token" });
    }
    expect(await f.dump()).toEqual(before);
    // Its holders still hold its places: a fifth slot is over the client's limit of 4.
    const more = await store.hold({
      serviceId: f.serviceId,
      staffId: f.staffId,
      clientTag: a,
      holdKey: newHoldKey(),
      tokenHash: "tok-c",
      presentedTokenHash: null,
      holders: mine,
      slots: [slot("11:00"), slot("12:00"), slot("13:00")],
      nowMs: NOW + 60 * S,
    });
    expect(more).toEqual({ kind: "limit", holder: "client", untilMs: NOW + 600 * S });
    expect(await store.extend(call(mine))).toEqual({ expiresAtMs: NOW + 660 * S, capped: false });
    expect(await store.release(call(mine))).toBe(true);
  });

  it("a holder's places last exactly as long as its holds: kept by an extend, freed by a release and by a booking", async () => {
    const f = await fixture(store);
    const mine: HolderTags = { client: await newTag(), ip: await newTag() };
    const holdAt = (starts: string[], nowMs: number, tokenHash = uniqueId("tok")) =>
      store.hold({
        serviceId: f.serviceId,
        staffId: f.staffId,
        clientTag: mine.client,
        holdKey: newHoldKey(),
        tokenHash,
        presentedTokenHash: null,
        holders: mine,
        slots: starts.map(slot),
        nowMs,
      });
    const manage = (h: { holdKey: string }, tokenHash: string, nowMs: number) => ({
      staffId: f.staffId,
      holdKey: h.holdKey,
      tokenHash,
      holders: mine,
      nowMs,
    });
    const first = ok(await holdAt(["09:00", "10:00"], NOW, "tok-1"));
    ok(await holdAt(["11:00", "12:00"], NOW));
    expect(await holdAt(["13:00"], NOW)).toEqual({
      kind: "limit",
      holder: "client",
      untilMs: NOW + 600 * S,
    });
    expect(await store.extend(manage(first, "tok-1", NOW + 300 * S))).toEqual({
      expiresAtMs: NOW + 900 * S,
      capped: false,
    });
    // The second hold has ended; the first, extended, still takes two places.
    const later = NOW + 700 * S;
    const third = ok(await holdAt(["13:00", "14:00"], later, "tok-3"));
    expect(await holdAt(["15:00"], later)).toEqual({
      kind: "limit",
      holder: "client",
      untilMs: NOW + 900 * S,
    });
    expect(await store.release(manage(first, "tok-1", later))).toBe(true);
    ok(await holdAt(["15:00"], later));
    expect((await holdAt(["16:00", "17:00"], later)).kind).toBe("limit");
    const booked = f.begin(
      { holdKey: third.holdKey, tokenHash: "tok-3", holders: mine, nowMs: later },
      ["13:00", "14:00"],
    );
    expect((await booked.outcome).kind).toBe("ok");
    ok(await holdAt(["16:00", "17:00"], later));
  });

  it("a released hold's key holds nothing: hold answers released, whatever the slot's state, and the slot stays free for others", async () => {
    const f = await fixture(store);
    const [a, b] = [await newTag(), await newTag()];
    const holdKey = newHoldKey();
    ok(await f.hold(a, ["09:00", "10:00"], { holdKey, tokenHash: "tok-a" }));
    const release = {
      staffId: f.staffId,
      holdKey,
      tokenHash: "tok-a",
      holders: holdersOf(a),
      nowMs: NOW + S,
    };
    expect(await store.release(release)).toBe(true);
    const again = (nowMs: number, starts = ["09:00", "10:00"]) =>
      f.hold(a, starts, { holdKey, tokenHash: "tok-a", presented: "tok-a", nowMs });
    expect(await again(NOW + 2 * S)).toEqual({ kind: "released" });
    expect(await f.dump()).toEqual([]);
    // Another hold of the slot is granted; the key still answers released, not held.
    ok(await f.hold(b, ["10:00"], { nowMs: NOW + 3 * S }));
    expect(await again(NOW + 4 * S)).toEqual({ kind: "released" });
    expect(await again(NOW + 4 * S, ["13:00"])).toEqual({ kind: "released" });
  });

  it("of 20 repeats of a hold racing its release, none is granted anew: each gets the hold (before) or released (after)", async () => {
    const f = await fixture(store);
    const a = await newTag();
    const holdKey = newHoldKey();
    ok(await f.hold(a, ["09:00"], { holdKey, tokenHash: "tok-a" }));
    const release = store.release({
      staffId: f.staffId,
      holdKey,
      tokenHash: "tok-a",
      holders: holdersOf(a),
      nowMs: NOW + S,
    });
    const repeats = await Promise.all(
      Array.from({ length: 20 }, () =>
        f.hold(a, ["09:00"], { holdKey, tokenHash: "tok-a", presented: "tok-a", nowMs: NOW + S }),
      ),
    );
    expect(await release).toBe(true);
    const kinds = repeats.map((o) => o.kind);
    expect(kinds.filter((k) => k === "existing" || k === "released")).toHaveLength(20);
    expect(await f.dump()).toEqual([]);
  }, 60_000);

  describe("undoHold takes back a hold whose request was answered with an error", () => {
    /** A hold by `attempt`, counted for `holders`, and the undo of that attempt. */
    const attemptOn = (
      f: Awaited<ReturnType<typeof fixture>>,
      holders: HolderTags,
      o: { holdKey?: string; tokenHash?: string; keyed?: boolean; starts?: string[] } = {},
    ) => {
      const attempt = { id: newHoldKey(), keyed: o.keyed ?? false };
      const holdKey = o.holdKey ?? newHoldKey();
      const tokenHash = o.tokenHash ?? uniqueId("tok");
      return {
        attempt,
        hold: (nowMs = NOW) =>
          store.hold({
            serviceId: f.serviceId,
            staffId: f.staffId,
            clientTag: holders.client,
            holdKey,
            tokenHash,
            // A keyed retry presents the token its key derives; a first try finds nothing.
            presentedTokenHash: o.keyed ? tokenHash : null,
            holders,
            slots: (o.starts ?? ["09:00"]).map(slot),
            attempt,
            nowMs,
          }),
        undo: (nowMs = NOW + S) =>
          store.undoHold({ staffId: f.staffId, holdKey, tokenHash, attempt, holders, nowMs }),
      };
    };
    const holdersOfNew = async (): Promise<HolderTags> => ({
      client: await newTag(),
      ip: await newTag(),
    });

    it("removes exactly that attempt's hold and its places; a second undo answers gone; others hold the slot", async () => {
      const f = await fixture(store);
      const [a, b] = [await holdersOfNew(), await holdersOfNew()];
      const other = ok(await f.hold(b.client, ["11:00"]));
      const late = attemptOn(f, a, { starts: ["09:00", "10:00"] });
      ok(await late.hold());
      expect(await late.undo()).toBe("undone");
      expect(await late.undo()).toBe("gone");
      expect((await f.dump()).map((e) => e.id)).toEqual([formatHoldId(other.holdKey, f.staffId)]);
      // The slots are free for anyone, and the client's places were given back: 4 more fit.
      ok(await f.hold(b.client, ["09:00", "10:00"], { nowMs: NOW + 2 * S }));
      const four = attemptOn(f, a, { starts: ["13:00", "14:00", "15:00", "16:00"] });
      ok(await four.hold(NOW + 2 * S));
    });

    it("a hold call of the attempt that arrives after its undo holds nothing", async () => {
      const f = await fixture(store);
      const late = attemptOn(f, await holdersOfNew());
      expect(await late.undo(NOW)).toBe("gone");
      expect(await late.hold(NOW + S)).toEqual({ kind: "undone" });
      expect(await f.dump()).toEqual([]);
      ok(await f.hold(await newTag(), ["09:00"], { nowMs: NOW + 2 * S }));
    });

    it("never takes another attempt's hold: another token hash, or a hold the attempt only repeated", async () => {
      const f = await fixture(store);
      const a = await holdersOfNew();
      const holdKey = newHoldKey();
      const made = attemptOn(f, a, { holdKey, tokenHash: "tok-a" });
      ok(await made.hold());
      // Another attempt naming the same hold key with another token made nothing.
      expect(await attemptOn(f, a, { holdKey, tokenHash: "tok-b" }).undo()).toBe("gone");
      // The holder repeating its hold with its token (key-less: a hold key of its own).
      const repeat = {
        ...attemptOn(f, a),
        hold: () =>
          store.hold({
            serviceId: f.serviceId,
            staffId: f.staffId,
            clientTag: a.client,
            holdKey: newHoldKey(),
            tokenHash: uniqueId("tok"),
            presentedTokenHash: "tok-a",
            holders: a,
            slots: [slot("09:00")],
            attempt: { id: newHoldKey(), keyed: false },
            nowMs: NOW,
          }),
      };
      expect((await repeat.hold()).kind).toBe("existing");
      expect(await repeat.undo()).toBe("gone");
      expect(await f.dump()).toHaveLength(1);
    });

    it("keyed: the attempt that made the hold undoes it, unless a retry with the same key was handed it", async () => {
      const f = await fixture(store);
      const a = await holdersOfNew();
      // Undone before any retry: the key is not spent, a retry holds anew.
      const first = { holdKey: newHoldKey(), tokenHash: uniqueId("tok"), keyed: true };
      const lost = attemptOn(f, a, first);
      ok(await lost.hold());
      expect(await lost.undo()).toBe("undone");
      expect((await attemptOn(f, a, first).hold(NOW + 2 * S)).kind).toBe("ok");
      // Handed to a retry (told 200): the late attempt's undo keeps it, and so does any later one.
      const second = {
        holdKey: newHoldKey(),
        tokenHash: uniqueId("tok"),
        keyed: true,
        starts: ["11:00"],
      };
      const late = attemptOn(f, a, second);
      ok(await late.hold());
      const retry = attemptOn(f, a, second);
      expect((await retry.hold(NOW + S)).kind).toBe("existing");
      expect(await late.undo(NOW + 2 * S)).toBe("kept");
      expect(await retry.undo(NOW + 2 * S)).toBe("kept");
      expect((await f.dump()).map((e) => e.startMs)).toEqual([at("09:00"), at("11:00")]);
    });

    it("of an undo racing 20 keyed retries, either the undo wins (then retries hold anew or are held) or a retry was handed the hold and it stays", async () => {
      const f = await fixture(store);
      const a = await holdersOfNew();
      const same = { holdKey: newHoldKey(), tokenHash: uniqueId("tok"), keyed: true };
      const late = attemptOn(f, a, same);
      ok(await late.hold());
      const [undo, ...retries] = await Promise.all([
        late.undo(),
        ...Array.from({ length: 20 }, () => attemptOn(f, a, same).hold(NOW + S)),
      ]);
      const kinds = retries.map((o) => o.kind);
      expect(kinds.every((k) => k === "ok" || k === "existing")).toBe(true);
      // Whoever was told "granted" holds it: the hold is there, once.
      expect(await f.dump()).toHaveLength(1);
      if (undo === "kept") expect(kinds).not.toContain("ok");
      // Undone first: the first retry after it held anew, the later ones were handed that hold.
      else expect([undo, kinds.filter((k) => k === "ok").length]).toEqual(["undone", 1]);
    }, 60_000);
  });

  it("heartbeat keeps or drops the caller's marker and returns the entries in the window", async () => {
    const f = await fixture(store);
    const [a, b] = [await newTag(), await newTag()];
    expect((await f.select(a, "09:00")).kind).toBe("ok");
    expect((await f.hold(b, ["10:00"])).kind).toBe("ok");
    const heartbeat = (keepViewing: boolean, nowMs: number, from = "08:00", to = "12:00") =>
      store.heartbeat({
        staffId: f.staffId,
        clientTag: a,
        keepViewing,
        fromMs: at(from),
        toMs: at(to),
        nowMs,
      });
    const entry = (kind: string, mine: boolean, start: string, expiresAtMs: number) => ({
      kind,
      mine,
      startMs: at(start),
      endMs: at(start) + 30 * 60_000,
      offsetMin: 0,
      expiresAtMs,
    });
    const sorted = async (p: ReturnType<typeof heartbeat>) =>
      (await p).sort((x, y) => x.startMs - y.startMs);
    expect(await sorted(heartbeat(true, NOW + 5 * S))).toEqual([
      entry("viewing", true, "09:00", NOW + 15 * S),
      entry("held", false, "10:00", NOW + 600 * S),
    ]);
    // The window keeps entries that overlap it: [09:30, 10:00) touches neither.
    expect(await heartbeat(true, NOW + 6 * S, "09:30", "10:00")).toEqual([]);
    expect(await heartbeat(true, NOW + 7 * S, "10:29", "11:00")).toEqual([
      entry("held", false, "10:00", NOW + 600 * S),
    ]);
    // Kept alive at +7 s, the marker lives to +17 s.
    expect(await sorted(heartbeat(true, NOW + 16 * S))).toEqual([
      entry("viewing", true, "09:00", NOW + 26 * S),
      entry("held", false, "10:00", NOW + 600 * S),
    ]);
    expect(await heartbeat(false, NOW + 17 * S)).toEqual([
      entry("held", false, "10:00", NOW + 600 * S),
    ]);
    expect(await heartbeat(true, NOW + 18 * S)).toEqual([
      entry("held", false, "10:00", NOW + 600 * S),
    ]);
    // An expired marker is not revived by a heartbeat.
    expect((await f.select(a, "09:00", NOW + 20 * S)).kind).toBe("ok");
    expect(await heartbeat(true, NOW + 31 * S)).toEqual([
      entry("held", false, "10:00", NOW + 600 * S),
    ]);
  });

  it("beginBooking turns the caller's hold into booked entries and returns it to restore", async () => {
    const f = await fixture(store);
    const [a, b] = [await newTag(), await newTag()];
    const hold = ok(await f.hold(a, ["09:00", "10:00"], { tokenHash: "tok-a" }));
    const held = await f.dump();
    const { appointmentIds, outcome } = f.begin(
      {
        holdKey: hold.holdKey,
        tokenHash: "tok-a",
        holders: holdersOf(a),
        clientTag: b,
        nowMs: NOW + 60 * S,
      },
      ["09:00", "10:00"],
    );
    const begun = await outcome;
    if (begun.kind !== "ok") throw new Error(JSON.stringify(begun));
    expect(begun.ownHold).toBe(true);
    expect(begun.restore.filter((_, i) => i % 2 === 0)).toEqual([
      `h:${hold.holdKey}:0`,
      `h:${hold.holdKey}:1`,
    ]);
    const bookedUntil = NOW + 60 * S + OFFER_TTL_MS;
    expect(await f.dump()).toEqual(
      ["09:00", "10:00"].map((s, i) => ({
        staffId: f.staffId,
        kind: "booked",
        id: appointmentIds[i],
        startMs: at(s),
        endMs: at(s) + 30 * 60_000,
        offsetMin: 0,
        expiresAtMs: bookedUntil,
      })),
    );
    // The booked entries carry the hold's client tag: they are the holder's.
    expect((await f.select(a, "10:00", NOW + 61 * S)).kind).toBe("ok");
    expect(await f.select(b, "10:00", NOW + 61 * S)).toEqual({
      kind: "booked",
      untilMs: bookedUntil,
    });
    expect(held.map((e) => e.id)).toEqual([
      formatHoldId(hold.holdKey, f.staffId),
      formatHoldId(hold.holdKey, f.staffId),
    ]);
  });

  it("a reschedule holds and books over its own appointment's booked entry only, and only with its private offer", async () => {
    const f = await fixture(store);
    const [a, b] = [await newTag(), await newTag()];
    const bookAt = async (start: string, ignoreBookedId: string | null = null) => {
      const { appointmentIds, outcome } = f.begin({ clientTag: a }, [start]);
      return { id: appointmentIds[0] ?? "", outcome: await outcome, ignoreBookedId };
    };
    const moved = await bookAt("13:00");
    const other = await bookAt("15:00");
    expect([moved.outcome.kind, other.outcome.kind]).toEqual(["ok", "ok"]);
    const bookedUntil = NOW + OFFER_TTL_MS;
    const reschedule = { appointmentId: moved.id, offerTag: uniqueId("tag") };
    const holdFor = (start: string, r: typeof reschedule | null) =>
      store.hold({
        serviceId: f.serviceId,
        staffId: f.staffId,
        clientTag: b,
        holdKey: newHoldKey(),
        tokenHash: uniqueId("tok"),
        presentedTokenHash: null,
        slots: [slot(start)],
        reschedule: r,
        nowMs: NOW,
      });
    expect(await holdFor("13:15", null)).toMatchObject({ kind: "booked" });
    // Nobody published this reschedule's offer yet: its private scope offers nothing.
    expect(await holdFor("13:15", reschedule)).toMatchObject({
      kind: "unavailable",
      reason: "not-offered",
    });
    const seen = await store.overlay({
      serviceId: f.serviceId,
      meta: META,
      staff: [{ staffId: f.staffId, days: offer(f.staffId) }],
      clientTag: null,
      reschedule,
      nowMs: NOW,
    });
    // The moved appointment's own booked entry is left out; the other booking is not.
    expect(seen[0]?.map((c) => [c.kind, c.cellStart])).toEqual([
      ["booked", cells("15:00").cellStart],
    ]);
    ok(await holdFor("13:15", reschedule));
    expect(await holdFor("15:15", reschedule)).toMatchObject({ kind: "booked" });
    // Others still find the shared offer's booked time taken (by the reschedule's hold now).
    expect((await holdFor("13:00", null)).kind).toMatch(/^(booked|held)$/);

    // beginBooking of a reschedule passes over the moved appointment's entry, not another's.
    const moved2 = await bookAt("11:00");
    const { outcome: refused } = f.begin({ clientTag: a }, ["11:15"]);
    expect(await refused).toEqual({ kind: "booked", untilMs: bookedUntil, ownHold: false });
    const begun = await store.beginBooking({
      staffId: f.staffId,
      holdKey: newHoldKey(),
      tokenHash: "t",
      clientTag: a,
      idempotency: null,
      slots: [
        {
          startMs: at("11:15"),
          endMs: at("11:45"),
          ...cells("11:15"),
          offsetMin: 0,
          appointmentId: uniqueId("apt_"),
        },
      ],
      ignoreBookedId: moved2.id,
      nowMs: NOW,
    });
    expect(begun.kind).toBe("ok");
  });

  it("beginBooking refuses a wrong token, another's hold, a booking, and a claimed key", async () => {
    const f = await fixture(store);
    const [a, b] = [await newTag(), await newTag()];
    const mine = ok(await f.hold(a, ["09:00"], { tokenHash: "tok-a" }));
    const theirs = ok(await f.hold(b, ["10:00"]));
    expect(await f.begin({ holdKey: mine.holdKey, tokenHash: "tok-x" }, ["09:00"]).outcome).toEqual(
      { kind: "wrong-token" },
    );
    expect(
      await f.begin({ holdKey: mine.holdKey, tokenHash: "tok-a", holders: holdersOf(a) }, [
        "09:00",
        "10:00",
      ]).outcome,
    ).toEqual({ kind: "held", untilMs: theirs.expiresAtMs, ownHold: true });
    // Nothing changed: the refused attempt left the hold in place.
    expect((await f.dump()).map((e) => e.kind)).toEqual(["held", "held"]);
    expect((await f.begin({}, ["11:00"]).outcome).kind).toBe("ok");
    expect(await f.begin({}, ["11:15"]).outcome).toEqual({
      kind: "booked",
      untilMs: NOW + OFFER_TTL_MS,
      ownHold: false,
    });

    const key = { keyHash: uniqueId("key").padEnd(64, "0"), bodyHash: "b".repeat(64) };
    expect((await f.begin({ idempotency: key }, ["13:00"]).outcome).kind).toBe("ok");
    expect(await f.begin({ idempotency: key }, ["14:00"]).outcome).toEqual({
      kind: "idempotency-seen",
    });
    const otherBody = { ...key, bodyHash: "c".repeat(64) };
    expect(await f.begin({ idempotency: otherBody }, ["14:00"]).outcome).toEqual({
      kind: "idempotency-conflict",
    });
    // A refused booking does not claim the key.
    const fresh = { keyHash: uniqueId("key").padEnd(64, "0"), bodyHash: "d".repeat(64) };
    expect((await f.begin({ idempotency: fresh }, ["11:00"]).outcome).kind).toBe("booked");
    expect((await f.begin({ idempotency: fresh }, ["16:00"]).outcome).kind).toBe("ok");
  });

  it("counts the funnel in the call itself; an aborted booking and an undone hold take their count back", async () => {
    const f = await fixture(store);
    const a = await newTag();
    const counts = async () =>
      (await funnel.read({ dates: [DAY], staffId: f.staffId })).days[0]?.counts;
    expect((await f.select(a, "08:00")).kind).toBe("ok");
    const hold = ok(await f.hold(a, ["09:00", "10:00"], { tokenHash: "tok-f" }));
    const { appointmentIds, outcome } = f.begin(
      { holdKey: hold.holdKey, tokenHash: "tok-f", holders: holdersOf(a) },
      ["09:00", "10:00"],
    );
    const begun = await outcome;
    if (begun.kind !== "ok") throw new Error(JSON.stringify(begun));
    expect(await counts()).toMatchObject({ selections: 1, holdsCreated: 1, holdsBooked: 1 });
    await store.abortBooking({
      staffId: f.staffId,
      idempotencyKeyHash: null,
      appointmentIds,
      restore: begun.restore,
      nowMs: NOW,
    });
    expect(await counts()).toMatchObject({ holdsCreated: 1, holdsBooked: 0 });

    // A hold nobody was told about, undone: never created.
    const attempt = { id: newHoldKey(), keyed: false };
    const undoneKey = newHoldKey();
    ok(
      await store.hold({
        serviceId: f.serviceId,
        staffId: f.staffId,
        clientTag: a,
        holdKey: undoneKey,
        tokenHash: "tok-u",
        presentedTokenHash: null,
        holders: holdersOf(a),
        slots: [slot("12:00")],
        attempt,
        nowMs: NOW,
      }),
    );
    expect(await counts()).toMatchObject({ holdsCreated: 2 });
    const undo = { staffId: f.staffId, holdKey: undoneKey, tokenHash: "tok-u", attempt };
    expect(await store.undoHold({ ...undo, holders: holdersOf(a), nowMs: NOW + S })).toBe("undone");
    expect(
      await store.release({
        staffId: f.staffId,
        holdKey: hold.holdKey,
        tokenHash: "tok-f",
        holders: holdersOf(a),
        nowMs: NOW + S,
      }),
    ).toBe(true);
    expect(await counts()).toEqual({
      selections: 1,
      holdsCreated: 1,
      holdsBooked: 0,
      holdsReleased: 1,
      holdsExpired: 0,
      bookings: 0,
      cancellations: 0,
      reschedules: 0,
    });
  });

  it("abortBooking restores the hold exactly and frees the booked cells and the key", async () => {
    const f = await fixture(store);
    const [a, b] = [await newTag(), await newTag()];
    const hold = ok(await f.hold(a, ["09:00", "10:00"], { tokenHash: "tok-a" }));
    const before = await f.dump();
    const key = { keyHash: uniqueId("key").padEnd(64, "0"), bodyHash: "b".repeat(64) };
    const { appointmentIds, outcome } = f.begin(
      { holdKey: hold.holdKey, tokenHash: "tok-a", holders: holdersOf(a), idempotency: key },
      ["09:00", "10:00"],
    );
    const begun = await outcome;
    if (begun.kind !== "ok") throw new Error(JSON.stringify(begun));
    await store.abortBooking({
      staffId: f.staffId,
      idempotencyKeyHash: key.keyHash,
      appointmentIds,
      restore: begun.restore,
      nowMs: NOW,
    });
    expect(await f.dump()).toEqual(before);
    expect(await f.hold(b, ["10:00"])).toEqual({ kind: "held", untilMs: hold.expiresAtMs });
    expect(
      await store.extend({
        staffId: f.staffId,
        holdKey: hold.holdKey,
        tokenHash: "tok-a",
        holders: holdersOf(a),
        nowMs: NOW + 60 * S,
      }),
    ).toEqual({ expiresAtMs: NOW + 660 * S, capped: false });
    const otherBody = { ...key, bodyHash: "c".repeat(64) };
    expect((await f.begin({ idempotency: otherBody }, ["13:00"]).outcome).kind).toBe("ok");
  });

  it("clearBooked removes booked entries so the slot can be held again", async () => {
    const f = await fixture(store);
    const { appointmentIds, outcome } = f.begin({}, ["09:00"]);
    expect((await outcome).kind).toBe("ok");
    expect((await f.hold(await newTag(), ["09:00"])).kind).toBe("booked");
    await store.clearBooked({ staffId: f.staffId, appointmentIds, nowMs: NOW });
    expect(await f.dump()).toEqual([]);
    expect((await f.hold(await newTag(), ["09:00"])).kind).toBe("ok");
  });

  it("scan lists unexpired holds, markers and bookings with their ids, to the end of the walk", async () => {
    const f = await fixture(store);
    const [a, b] = [await newTag(), await newTag()];
    const hold = ok(await f.hold(a, ["10:00"]));
    expect((await f.select(b, "09:00")).kind).toBe("ok");
    const { appointmentIds, outcome } = f.begin({}, ["11:00"]);
    expect((await outcome).kind).toBe("ok");
    const entry = (kind: string, id: string | undefined, start: string, expiresAtMs: number) => ({
      staffId: f.staffId,
      kind,
      id,
      startMs: at(start),
      endMs: at(start) + 30 * 60_000,
      offsetMin: 0,
      expiresAtMs,
    });
    expect(await f.dump()).toEqual([
      entry("viewing", b, "09:00", NOW + 10 * S),
      entry("held", formatHoldId(hold.holdKey, f.staffId), "10:00", NOW + 600 * S),
      entry("booked", appointmentIds[0], "11:00", NOW + OFFER_TTL_MS),
    ]);
    // Walking every staff member's entries (no filter) reaches this one's too.
    const seen: LiveEntryDump[] = [];
    let cursor = "0";
    let pages = 0;
    do {
      const page = await store.scan({ cursor, nowMs: NOW });
      seen.push(...page.entries.filter((e) => e.staffId === f.staffId));
      cursor = page.cursor;
      pages++;
    } while (cursor !== "0" && pages < 10_000);
    expect(seen).toHaveLength(3);
    expect((await f.dump(NOW + 11 * S)).map((e) => e.kind)).toEqual(["held", "booked"]);
  });

  it("a live-stream ticket is taken once, only before its expiry; of 20 parallel takes exactly one gets it", async () => {
    const ticket = {
      staffId: uniqueId("stf_"),
      date: DAY,
      clientTag: await newTag(),
      expiresAtMs: NOW + 60 * S,
    };
    const put = async () => {
      const ticketHash = uniqueId("tkh");
      await store.putTicket({ ticketHash, ticket, nowMs: NOW });
      return ticketHash;
    };
    const once = await put();
    expect(await store.takeTicket({ ticketHash: once, nowMs: NOW + 59 * S })).toEqual(ticket);
    expect(await store.takeTicket({ ticketHash: once, nowMs: NOW + 59 * S })).toBeNull();
    const late = await put();
    expect(await store.takeTicket({ ticketHash: late, nowMs: NOW + 60 * S })).toBeNull();
    expect(await store.takeTicket({ ticketHash: late, nowMs: NOW })).toBeNull(); // spent by the late take
    expect(await store.takeTicket({ ticketHash: uniqueId("tkh"), nowMs: NOW })).toBeNull();
    const raced = await put();
    const takes = await Promise.all(
      Array.from({ length: 20 }, () => store.takeTicket({ ticketHash: raced, nowMs: NOW })),
    );
    expect(takes.filter((t) => t !== null)).toEqual([ticket]);
  });

  it("of 50 parallel holds of one slot by 50 clients exactly one is granted, 49 are held", async () => {
    const f = await fixture(store);
    const tags = await Promise.all(Array.from({ length: 50 }, newTag));
    const outcomes = await Promise.all(tags.map((tag) => f.hold(tag, ["09:00"])));
    const winners = outcomes.filter((o) => o.kind === "ok");
    expect(winners).toHaveLength(1);
    expect(outcomes.filter((o) => o.kind === "held")).toHaveLength(49);
    const until = winners[0]?.expiresAtMs;
    expect(outcomes.every((o) => o.kind === "ok" || ("untilMs" in o && o.untilMs === until))).toBe(
      true,
    );
    expect(await f.dump()).toHaveLength(1);
  }, 60_000);

  it("of 30 parallel holds of a slot whose hold has just expired exactly one is granted", async () => {
    const f = await fixture(store);
    expect((await f.hold(await newTag(), ["09:00"])).kind).toBe("ok");
    const later = NOW + 600 * S;
    const tags = await Promise.all(Array.from({ length: 30 }, newTag));
    const outcomes = await Promise.all(tags.map((tag) => f.hold(tag, ["09:00"], { nowMs: later })));
    expect(outcomes.filter((o) => o.kind === "ok")).toHaveLength(1);
    expect(outcomes.filter((o) => o.kind === "held")).toHaveLength(29);
  }, 60_000);

  it("of 20 parallel two-slot holds, each overlapping the next, no two granted share a cell", async () => {
    const f = await fixture(store);
    const start = (i: number) =>
      new Date(at("07:00") + i * 30 * 60_000).toISOString().slice(11, 16);
    const tags = await Promise.all(Array.from({ length: 20 }, newTag));
    const outcomes = await Promise.all(tags.map((tag, i) => f.hold(tag, [start(i), start(i + 1)])));
    expect(outcomes.every((o) => o.kind === "ok" || o.kind === "held")).toBe(true);
    const won = outcomes.flatMap((o, i) => (o.kind === "ok" ? [i] : []));
    expect(won.length).toBeGreaterThan(0);
    // Granted holds are pairwise disjoint: hold i and i + 1 share a slot, so no two are adjacent.
    for (const [k, i] of won.entries()) expect(i - (won[k - 1] ?? -2)).toBeGreaterThan(1);
    // Every refused hold overlaps a granted one (nothing was refused for nothing).
    outcomes.forEach((o, i) => {
      if (o.kind === "held") expect(won.some((w) => Math.abs(w - i) === 1)).toBe(true);
    });
    // And the store holds exactly the granted slots, each cell once.
    const entries = await f.dump();
    expect(entries.map((e) => e.startMs)).toEqual(
      won.flatMap((i) => [at(start(i)), at(start(i + 1))]).sort((x, y) => x - y),
    );
    const taken = entries.flatMap((e) => {
      const list: number[] = [];
      for (let c = e.startMs; c < e.endMs; c += CELL_MS) list.push(c);
      return list;
    });
    expect(new Set(taken).size).toBe(taken.length);
  }, 60_000);
  describe("hold and select answer in the staff member's offset, however the caller wrote the slot", () => {
    /** Publishes `starts` (one-hour slots) as offered on `date` in `zone`, at `nowMs`. */
    async function offered(zone: string, date: string, starts: string[], nowMs: number) {
      const staffId = uniqueId("stf_");
      const serviceId = uniqueId("svc_");
      const slots = starts.map((start) => {
        const startMs = Date.parse(start);
        return { staffId, state: "available", startMs, endMs: startMs + 3_600_000 };
      });
      const days = offerDays([{ date, slots }] as unknown as AvailabilityDay[], staffId, zone);
      const meta = { ...META, durationMin: 60, minNoticeMin: 0 };
      await store.overlay({ serviceId, meta, staff: [{ staffId, days }], clientTag: null, nowMs });
      return { staffId, serviceId };
    }

    // Europe/Berlin on 2027-10-31: at 01:00Z the clocks go from 03:00 CEST (+02:00) back to
    // 02:00 CET (+01:00), so 02:30 happens twice and a slot may start in one offset and end in
    // the other.
    const NIGHT = Date.parse("2027-10-30T20:00:00Z");
    const BERLIN = [
      // [the slot as the staff member's offset writes it, other ways a caller may write it, end]
      [
        "2027-10-31T01:30:00+02:00",
        "2027-10-30T23:30:00Z",
        "2027-10-30T18:30:00-05:00",
        "2027-10-31T02:30:00+02:00",
      ],
      [
        "2027-10-31T02:30:00+02:00",
        "2027-10-31T00:30:00Z",
        "2027-10-31T14:30:00+14:00",
        "2027-10-31T02:30:00+01:00",
      ],
      [
        "2027-10-31T02:30:00+01:00",
        "2027-10-31T01:30:00Z",
        "2027-10-30T15:30:00-10:00",
        "2027-10-31T03:30:00+01:00",
      ],
      [
        "2027-10-31T09:00:00+01:00",
        "2027-10-31T08:00:00Z",
        "2027-10-31T22:00:00+14:00",
        "2027-10-31T10:00:00+01:00",
      ],
    ] as const;
    const offsetOf = (text: string) => (text.endsWith("+02:00") ? 120 : 60);

    it("on a date whose offset changes: each slot's start and end in the offset of its own instant", async () => {
      const f = await offered(
        "Europe/Berlin",
        "2027-10-31",
        BERLIN.map(([start]) => start),
        NIGHT,
      );
      for (const [own, ...written] of BERLIN) {
        const end = written[2];
        for (const start of [own, written[0], written[1]]) {
          const tag = await newTag();
          const tokenHash = uniqueId("tok");
          const slot = slotRef(start, "start");
          const selected = await store.select({ ...f, clientTag: tag, slot, nowMs: NIGHT });
          expect(selected, start).toEqual({
            kind: "ok",
            expiresAtMs: NIGHT + 10 * S,
            endMs: Date.parse(end),
            offsetMin: offsetOf(own),
            endOffsetMin: offsetOf(end),
          });
          const held = ok(
            await store.hold({
              ...f,
              clientTag: tag,
              holdKey: newHoldKey(),
              tokenHash,
              presentedTokenHash: null,
              holders: holdersOf(tag),
              slots: [slot],
              nowMs: NIGHT,
            }),
          );
          expect(
            held.slots.map(({ offsetMin, endOffsetMin }) => [offsetMin, endOffsetMin]),
          ).toEqual([[offsetOf(own), offsetOf(end)]]);
          // The entries are filed in the staff member's offset (the date a live stream shows).
          const entries: LiveEntryDump[] = [];
          let cursor = "0";
          do {
            const page = await store.scan({ cursor, staffId: f.staffId, nowMs: NIGHT });
            entries.push(...page.entries);
            cursor = page.cursor;
          } while (cursor !== "0");
          const here = entries.filter(
            (e) => e.startMs === slot.startMs && (e.kind === "held" || e.id === tag),
          );
          expect(here.map((e) => [e.kind, e.offsetMin]).sort()).toEqual([
            ["held", offsetOf(own)],
            ["viewing", offsetOf(own)],
          ]);
          const released = await store.release({
            staffId: f.staffId,
            holdKey: held.holdKey,
            tokenHash,
            holders: holdersOf(tag),
            nowMs: NIGHT,
          });
          expect(released).toBe(true);
        }
      }
    });

    it("an offer date without its offsets (as the previous version writes it) offers nothing", async () => {
      const f = await fixture(store);
      const tag = await newTag();
      if (store instanceof RedisLiveStateStore)
        await redis.hdel(keys.offer(f.serviceId, f.staffId), `o:${DAY}`);
      else
        await db.execute(
          "DELETE FROM fallback_offers WHERE service_id = ? AND staff_id = ? AND field = ?",
          [f.serviceId, f.staffId, `o:${DAY}`],
        );
      expect(await f.select(tag, "09:00")).toEqual({ kind: "unavailable", reason: "not-offered" });
      expect(await f.hold(tag, ["09:00"])).toEqual({
        kind: "unavailable",
        index: 0,
        reason: "not-offered",
      });
      // The date field itself keeps the form the previous version reads.
      const value =
        store instanceof RedisLiveStateStore
          ? await redis.hget<string>(keys.offer(f.serviceId, f.staffId), DAY)
          : String(
              (
                await db.execute(
                  "SELECT value FROM fallback_offers WHERE service_id = ? AND staff_id = ? AND field = ?",
                  [f.serviceId, f.staffId, DAY],
                )
              ).rows[0]?.value,
            );
      expect(String(value)).toMatch(/^\d+\|\d+\|[0-9a-f]*$/);
    });

    it("a slot written 26 hours from the staff member's offset still finds its offer date", async () => {
      // 23:00 on 2027-11-01 at -12:00 is 11:00Z on 11-02 and 01:00 on 11-03 at +14:00.
      const nowMs = Date.parse("2027-11-01T12:00:00Z");
      const f = await offered("Etc/GMT+12", "2027-11-01", ["2027-11-01T23:00:00-12:00"], nowMs);
      const slot = slotRef("2027-11-03T01:00:00+14:00", "start");
      expect(await store.select({ ...f, clientTag: await newTag(), slot, nowMs })).toEqual({
        kind: "ok",
        expiresAtMs: nowMs + 10 * S,
        endMs: Date.parse("2027-11-02T12:00:00Z"),
        offsetMin: -720,
        endOffsetMin: -720,
      });
    });
  });
});

describe("the fallback's rows are the Redis hash byte for byte", () => {
  it("the same calls leave the same fields and values, and cells that match the entries", async () => {
    const staffId = uniqueId("stf_");
    const serviceId = uniqueId("svc_");
    const [a, b] = [await newTag(), await newTag()];
    const holdKey = newHoldKey();
    const appointmentId = uniqueId("apt_");
    for (const [, store] of STORES) {
      await store.overlay({
        serviceId,
        meta: META,
        staff: [{ staffId, days: offer(staffId) }],
        clientTag: a,
        nowMs: NOW,
      });
      await store.select({ serviceId, staffId, clientTag: a, slot: slot("09:00"), nowMs: NOW });
      const hold = {
        serviceId,
        staffId,
        clientTag: b,
        holdKey,
        tokenHash: "tok",
        presentedTokenHash: null,
        nowMs: NOW,
      };
      await store.hold({ ...hold, slots: [slot("11:00"), slot("10:00")] });
      await store.extend({
        staffId,
        holdKey,
        tokenHash: "tok",
        holders: holdersOf(b),
        nowMs: NOW + 60 * S,
      });
      await store.beginBooking({
        staffId,
        holdKey: newHoldKey(),
        tokenHash: "none",
        clientTag: a,
        idempotency: null,
        slots: [
          {
            startMs: at("13:00"),
            endMs: at("13:30"),
            ...cells("13:00"),
            offsetMin: 60,
            appointmentId,
          },
        ],
        nowMs: NOW,
      });
      await store.heartbeat({
        staffId,
        clientTag: a,
        keepViewing: true,
        fromMs: at("00:00"),
        toMs: at("23:00"),
        nowMs: NOW + 5 * S,
      });
    }
    // HGETALL without deserialization is a flat [field, value, …] list.
    const sorted = (flat: unknown) =>
      Array.from({ length: (flat as string[]).length / 2 }, (_, i) =>
        (flat as string[]).slice(2 * i, 2 * i + 2).map(String),
      ).sort();
    const rowsOf = async (sql: string) =>
      ((await db.execute(sql, [staffId])).rows as Record<string, unknown>[])
        .map((r) => [String(r.field), String(r.value)])
        .sort();
    const live = await rowsOf(
      `SELECT field, value FROM fallback_live WHERE staff_id = ? AND scope = '${keys.prefix}'`,
    );
    // Redis keeps a value without what its indexes hold (lua/lib/live.lua); rebuilt with the start
    // cell from the index, it is byte for byte the fallback's row (the exchange format).
    const starts = new Map<string, number>();
    for (const index of keys.liveIndexes(staffId).slice(0, 2)) {
      const flat = (await redis.zrange(index, 0, -1, { withScores: true })) as unknown[];
      for (let i = 0; i < flat.length; i += 2) starts.set(String(flat[i]), Number(flat[i + 1]));
    }
    const exchange = ([field, value]: string[]) => {
      const v = String(value).split("|");
      const cs = starts.get(String(field)) ?? Number.NaN;
      const startMin = cs * 5 + Number(v[1]);
      const parts = [cs, cs + Number(v[0]), startMin, startMin + Number(v[2]), v[3], v[4], v[5]];
      if (String(field).startsWith("h:")) parts.push(v[6], Number(v[4]) + Number(v[7]), v[8], v[9]);
      if (String(field).startsWith("v:")) parts.push(v[6]);
      return [String(field), parts.join("|")];
    };
    const inRedis = sorted(await redis.hgetall(keys.live(staffId)))
      .filter(([field]) => field !== "~")
      .map(exchange)
      .sort();
    expect(live).toEqual(inRedis);
    expect(live).toHaveLength(4);
    const offers = await rowsOf(
      `SELECT field, value FROM fallback_offers WHERE staff_id = ? AND scope = '${keys.prefix}'`,
    );
    expect(offers).toEqual(sorted(await redis.hgetall(keys.offer(serviceId, staffId))));

    // The filter columns repeat the value; the cells are exactly the holds' and booking's.
    const { rows } = await db.execute(
      "SELECT field, value, kind, client_tag, cell_start, cell_end, start_ms, end_ms, expires_at_ms FROM fallback_live WHERE staff_id = ?",
      [staffId],
    );
    const expectedCells: string[] = [];
    for (const r of rows as Record<string, unknown>[]) {
      const v = String(r.value).split("|");
      expect(
        [r.kind, r.client_tag, r.cell_start, r.cell_end, r.start_ms, r.end_ms, r.expires_at_ms].map(
          String,
        ),
      ).toEqual([
        String(r.field)[0],
        v[6],
        v[0],
        v[1],
        String(Number(v[2]) * 60_000),
        String(Number(v[3]) * 60_000),
        v[5],
      ]);
      const field = String(r.field);
      if (field.startsWith("v:")) continue;
      for (let c = Number(v[0]); c < Number(v[1]); c++)
        expectedCells.push([c, field.slice(0, field.lastIndexOf(":")), v[6], v[5]].join("|"));
    }
    const cellRows = await db.execute(
      "SELECT cell, owner, client_tag, expires_at_ms FROM fallback_cells WHERE staff_id = ?",
      [staffId],
    );
    expect(
      (cellRows.rows as Record<string, unknown>[])
        .map((r) => [r.cell, r.owner, r.client_tag, r.expires_at_ms].map(String).join("|"))
        .sort(),
    ).toEqual(expectedCells.sort());
    expect(expectedCells).toHaveLength(18);
  });
});

describe.each(LIMITERS)("exact limiter contract: %s", (_name, limiter) => {
  const WINDOW = 60 * S;
  const take = (key: string | [string, number][], nowMs: number) =>
    limiter.take({
      keys:
        typeof key === "string"
          ? [{ key, limit: 3 }]
          : key.map(([k, limit]) => ({ key: k, limit })),
      windowMs: WINDOW,
      nowMs,
    });

  it("allows exactly 3 per rolling window and says when the oldest leaves it", async () => {
    const key = uniqueId("otp:email:");
    expect(await take(key, NOW)).toEqual({ ok: true });
    expect(await take(key, NOW + 10 * S)).toEqual({ ok: true });
    expect(await take(key, NOW + 20 * S)).toEqual({ ok: true });
    expect(await take(key, NOW + 30 * S)).toEqual({ ok: false, retryAfterMs: 30 * S });
    expect(await take(key, NOW + WINDOW - 1)).toEqual({ ok: false, retryAfterMs: 1 });
    expect(await take(key, NOW + WINDOW)).toEqual({ ok: true });
    expect(await take(key, NOW + WINDOW + 1)).toEqual({ ok: false, retryAfterMs: 10 * S - 1 });
  });

  it("is all or nothing over several keys; the wait is the longest of the full keys", async () => {
    const [email, ip] = [uniqueId("otp:email:"), uniqueId("otp:ip:")];
    expect(
      await take(
        [
          [email, 3],
          [ip, 1],
        ],
        NOW,
      ),
    ).toEqual({ ok: true });
    expect(
      await take(
        [
          [email, 3],
          [ip, 1],
        ],
        NOW + 10 * S,
      ),
    ).toEqual({
      ok: false,
      retryAfterMs: 50 * S,
    });
    // The refused take recorded nothing on the email key: two more fit, not one.
    expect(await take(email, NOW + 20 * S)).toEqual({ ok: true });
    expect(await take(email, NOW + 30 * S)).toEqual({ ok: true });
    expect(
      await take(
        [
          [email, 3],
          [ip, 5],
        ],
        NOW + 40 * S,
      ),
    ).toEqual({
      ok: false,
      retryAfterMs: 20 * S,
    });
    const late = uniqueId("otp:ip:");
    expect(await take([[late, 1]], NOW + 30 * S)).toEqual({ ok: true });
    expect(
      await take(
        [
          [email, 3],
          [late, 1],
        ],
        NOW + 40 * S,
      ),
    ).toEqual({
      ok: false,
      retryAfterMs: 50 * S,
    });
  });

  it("of 20 parallel takes with a limit of 3 exactly 3 are accepted", async () => {
    const key = uniqueId("otp:email:");
    const other = uniqueId("otp:ip:");
    const outcomes = await Promise.all(
      Array.from({ length: 20 }, () =>
        take(
          [
            [key, 3],
            [other, 100],
          ],
          NOW,
        ),
      ),
    );
    expect(outcomes.filter((o) => o.ok)).toHaveLength(3);
    expect(outcomes.filter((o) => !o.ok && o.retryAfterMs === WINDOW)).toHaveLength(17);
  }, 60_000);
});
