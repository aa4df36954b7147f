import { beforeAll, describe, expect, it } from "vitest";
import { type Api, expectError, testApi } from "../../../test/drivers/api.ts";
import { countRoundTrips } from "../../../test/drivers/round-trips.ts";
import {
  createTestService,
  createTestStaff,
  upcomingMonday,
} from "../../../test/fixtures/catalog-fixtures.ts";
import { FixedClock } from "../../../test/fixtures/fakes.ts";
import { liveFixture } from "../../../test/fixtures/live-fixtures.ts";
import { uniqueId } from "../../../test/stack/stack-env.ts";

type Slot = { start: string; end: string; staffId: string; state: string; mine?: boolean };
type HoldBody = {
  holdId: string;
  holdToken: string;
  expiresAt: string;
  slots: { start: string; end: string }[];
};

const clock = new FixedClock(Date.now());
const api: Api = testApi({}, clock);
const monday = upcomingMonday();
let service: { id: string };
let shortService: { id: string };
let staff: { id: string };

/** Loads availability (which publishes the offer that holds are checked against). */
async function slotsFor(serviceId: string, clientId?: string): Promise<Slot[]> {
  const query = new URLSearchParams({ serviceId, staffId: staff.id, from: monday, to: monday });
  const headers: Record<string, string> = clientId ? { "X-Client-Id": clientId } : {};
  const res = await api.request(`/v1/availability?${query}`, { headers });
  expect(res.status).toBe(200);
  return ((await res.json()) as { days: { slots: Slot[] }[] }).days[0]?.slots ?? [];
}

const at = (hhmm: string, slots: Slot[]) => {
  const slot = slots.find((s) => s.start.slice(11, 16) === hhmm);
  if (!slot) throw new Error(`no slot at ${hhmm}`);
  return slot.start;
};

function post(path: string, body: unknown) {
  return api.request(path, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(body),
  });
}

const hold = (clientId: string, start: string, serviceId = service.id) =>
  post("/v1/holds", { clientId, serviceId, staffId: staff.id, start });
const withToken = (method: string, holdId: string, token: string) =>
  api.request(`/v1/holds/${holdId}`, { method, headers: { "X-Hold-Token": token } });
const client = () => uniqueId("client_");

beforeAll(async () => {
  service = await createTestService(api, { durationMin: 60, bufferAfterMin: 15 });
  shortService = await createTestService(api, { durationMin: 30, bufferAfterMin: 0 });
  staff = await createTestStaff(api, { serviceIds: [service.id, shortService.id] });
});

describe("holds on the real Redis", () => {
  it("of 100 parallel holds on one slot exactly one wins; 99 get 409 SLOT_HELD with heldUntil", async () => {
    const start = at("09:00", await slotsFor(service.id));
    const responses = await Promise.all(Array.from({ length: 100 }, () => hold(client(), start)));
    const statuses = responses.map((r) => r.status);
    expect(statuses.filter((s) => s === 201)).toHaveLength(1);
    expect(statuses.filter((s) => s === 409)).toHaveLength(99);
    const loser = responses.find((r) => r.status === 409) as Response;
    const body = (await loser.json()) as {
      error: { code: string; details: { heldUntil: string } };
    };
    expect(body.error.code).toBe("SLOT_HELD");
    expect(Date.parse(body.error.details.heldUntil)).toBe(clock.nowMs() + 600_000);
  });

  // Times used below (staff works 09:00–12:00 and 13:00–17:00; the 100-way test holds 09:00–10:15):
  // 13:00–14:45 overlap test, 15:00–16:00 all-or-nothing test, 10:30 extend test, 16:00 expiry
  // test, 11:00 same-client test, 16:30 "mine" test. Moving the clock expires earlier holds.
  it("overlapping slots of different lengths conflict: a 60-minute hold at 13:00 blocks a 30-minute hold at 13:30", async () => {
    await slotsFor(shortService.id);
    expect((await hold(client(), at("13:00", await slotsFor(service.id)))).status).toBe(201);
    const short = await slotsFor(shortService.id);
    await expectError(
      await hold(client(), at("13:30", short), shortService.id),
      409,
      "SLOT_HELD",
      "body.start:",
    );
    // The 15-minute buffer after the 60-minute hold (14:00–14:15) blocks 14:00 too, but not 14:15.
    await expectError(await hold(client(), at("14:00", short), shortService.id), 409, "SLOT_HELD");
    expect((await hold(client(), at("14:15", short), shortService.id)).status).toBe(201);
  });

  it("holds several slots all or nothing: one taken slot leaves nothing behind", async () => {
    const slots = await slotsFor(shortService.id);
    const taken = at("15:00", slots);
    const free = at("15:30", slots);
    expect((await hold(client(), taken, shortService.id)).status).toBe(201);
    const both = await post("/v1/holds", {
      clientId: client(),
      slots: [
        { serviceId: shortService.id, staffId: staff.id, start: free },
        { serviceId: shortService.id, staffId: staff.id, start: taken },
      ],
    });
    await expectError(both, 409, "SLOT_HELD", "body.slots[0].start:");
    expect((await hold(client(), free, shortService.id)).status).toBe(201);
  });

  it("extend and release need the hold token; the holder can extend up to the cap and release", async () => {
    const res = await hold(client(), at("10:30", await slotsFor(shortService.id)), shortService.id);
    const created = (await res.json()) as HoldBody;
    const createdMs = clock.nowMs();
    await expectError(
      await withToken("PATCH", created.holdId, "x".repeat(43)),
      404,
      "NOT_FOUND",
      "holdId:",
    );
    await expectError(await withToken("DELETE", created.holdId, "x".repeat(43)), 404, "NOT_FOUND");
    clock.advance(9 * 60_000);
    const extended = await withToken("PATCH", created.holdId, created.holdToken);
    expect(await extended.json()).toEqual({
      holdId: created.holdId,
      expiresAt: new Date(createdMs + 19 * 60_000).toISOString(),
      capped: false,
    });
    clock.advance(9 * 60_000);
    const second = await withToken("PATCH", created.holdId, created.holdToken);
    expect(await second.json()).toEqual({
      holdId: created.holdId,
      expiresAt: new Date(createdMs + 28 * 60_000).toISOString(),
      capped: false,
    });
    clock.advance(9 * 60_000); // now + TTL would pass the 30-minute cap
    const capped = await withToken("PATCH", created.holdId, created.holdToken);
    expect(await capped.json()).toEqual({
      holdId: created.holdId,
      expiresAt: new Date(createdMs + 30 * 60_000).toISOString(),
      capped: true,
    });
    expect((await withToken("DELETE", created.holdId, created.holdToken)).status).toBe(204);
    await expectError(
      await withToken("DELETE", created.holdId, created.holdToken),
      404,
      "NOT_FOUND",
    );
  });

  it("a hold expires after its TTL: the slot can be held again, and the old token's extend answers 410 as booking does", async () => {
    const start = at("16:00", await slotsFor(shortService.id));
    const first = (await (await hold(client(), start, shortService.id)).json()) as HoldBody;
    clock.advance(600_001);
    await slotsFor(shortService.id);
    expect((await hold(client(), start, shortService.id)).status).toBe(201);
    await expectError(
      await withToken("PATCH", first.holdId, first.holdToken),
      410,
      "HOLD_EXPIRED",
      "holdId: the hold expired and the slot is no longer free",
    );
  });

  it("repeating a hold returns it only with its X-Hold-Token: the same clientId alone gets 409 and the holder's token keeps working", async () => {
    const me = client();
    const start = at("11:00", await slotsFor(shortService.id));
    const first = (await (await hold(me, start, shortService.id)).json()) as HoldBody;
    // Someone who learnt the clientId (it travels in requests) cannot take the hold over.
    await expectError(await hold(me, start, shortService.id), 409, "SLOT_HELD", "body.start:");
    expect((await withToken("PATCH", first.holdId, first.holdToken)).status).toBe(200);
    // The holder repeating its hold with the token gets the same hold and the same token.
    const again = await api.request("/v1/holds", {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-Hold-Token": first.holdToken },
      body: JSON.stringify({ clientId: me, serviceId: shortService.id, staffId: staff.id, start }),
    });
    expect(again.status).toBe(200);
    const second = (await again.json()) as HoldBody;
    expect(second).toMatchObject({ holdId: first.holdId, holdToken: first.holdToken });
    expect((await withToken("PATCH", first.holdId, first.holdToken)).status).toBe(200);
  });

  it("a hold whose answer was lost is repeated with the same Idempotency-Key: the same hold, a token that works; another key or another slot is not it", async () => {
    const me = client();
    const slots = await slotsFor(shortService.id);
    const start = at("14:00", slots);
    const keyed = (key: string, at: string, clientId = me) =>
      api.request("/v1/holds", {
        method: "POST",
        headers: { "Content-Type": "application/json", "Idempotency-Key": key },
        body: JSON.stringify({
          clientId,
          serviceId: shortService.id,
          staffId: staff.id,
          start: at,
        }),
      });
    const key = uniqueId("hold-key-");
    const lost = await keyed(key, start);
    expect(lost.status).toBe(201);
    const { holdId } = (await lost.json()) as HoldBody; // the client never sees this answer
    // The retry: the same hold, 200, and a token that extends, and books nothing else.
    const retry = await keyed(key, start);
    expect(retry.status, await retry.clone().text()).toBe(200);
    const again = (await retry.json()) as HoldBody;
    expect(again.holdId).toBe(holdId);
    expect((await withToken("PATCH", holdId, again.holdToken)).status).toBe(200);
    // Anyone without the key (even with the clientId) is refused; a guessed key is another hold.
    await expectError(await keyed(uniqueId("other-"), start), 409, "SLOT_HELD", "body.start:");
    await expectError(
      await keyed(uniqueId("other-"), start, client()),
      409,
      "SLOT_HELD",
      "body.start:",
    );
    // The same key for another slot is a new hold, not a move of this one.
    const elsewhere = await keyed(key, at("15:00", slots));
    expect(elsewhere.status).toBe(201);
    expect(((await elsewhere.json()) as HoldBody).holdId).not.toBe(holdId);
    expect((await withToken("PATCH", holdId, again.holdToken)).status).toBe(200);
  });

  it("only a whole, signed hold token is the holder's: a part of it, or an altered one, extends, releases, books and repeats nothing (404, or 409 like no token)", async () => {
    const own = await liveFixture(api);
    const me = client();
    const start = await own.start("10:00");
    const holdAt = (clientId: string, token?: string) =>
      api.request("/v1/holds", {
        method: "POST",
        headers: {
          "Content-Type": "application/json",
          ...(token ? { "X-Hold-Token": token } : {}),
        },
        body: JSON.stringify({ clientId, serviceId: own.serviceId, staffId: own.staffId, start }),
      });
    const held = await holdAt(me);
    expect(held.status).toBe(201);
    const { holdId, holdToken, expiresAt } = (await held.json()) as HoldBody;
    const book = (token: string) =>
      api.request("/v1/appointments", {
        method: "POST",
        headers: { "Content-Type": "application/json", "Idempotency-Key": uniqueId("idem-") },
        body: JSON.stringify({
          holdId,
          holdToken: token,
          customer: { name: "Mia Weber", email: "mia@example.com" },
        }),
      });
    for (const [what, token] of Object.entries(notWholeTokens(holdToken))) {
      const says = `a token ${what}`;
      const extended = await withToken("PATCH", holdId, token);
      expect(extended.status, says).toBe(404);
      await expectError(extended, 404, "NOT_FOUND", "holdId:");
      const released = await withToken("DELETE", holdId, token);
      expect(released.status, says).toBe(404);
      await expectError(released, 404, "NOT_FOUND", "holdId:");
      const booked = await book(token);
      expect(booked.status, says).toBe(404);
      await expectError(booked, 404, "NOT_FOUND", "holdId:");
      // Presented with a repeat of the hold, it is no token at all: refused like anyone's.
      const repeated = await holdAt(me, token);
      expect(repeated.status, says).toBe(409);
      await expectError(repeated, 409, "SLOT_HELD", "body.start:");
    }
    // The hold is untouched: still held until its first expiry, and the whole token still works.
    await expectError(await holdAt(client()), 409, "SLOT_HELD", "body.start:");
    const extended = await withToken("PATCH", holdId, holdToken);
    expect(((await extended.json()) as { expiresAt: string }).expiresAt).toBe(expiresAt);
    expect((await book(holdToken)).status).toBe(201);
  });

  it("a keyed hold repeated after its release answers 410 HOLD_EXPIRED and holds nothing: the key is spent, the slot stays free for others", async () => {
    const own = await liveFixture(api);
    const me = client();
    const start = await own.start("11:00");
    const keyed = (key: string, clientId = me) =>
      api.request("/v1/holds", {
        method: "POST",
        headers: { "Content-Type": "application/json", "Idempotency-Key": key },
        body: JSON.stringify({ clientId, serviceId: own.serviceId, staffId: own.staffId, start }),
      });
    const key = uniqueId("hold-key-");
    const first = await keyed(key);
    expect(first.status).toBe(201);
    const held = (await first.json()) as HoldBody;
    expect((await withToken("DELETE", held.holdId, held.holdToken)).status).toBe(204);
    const spent = "header.idempotency-key: the hold made with this key was released";
    await expectError(await keyed(key), 410, "HOLD_EXPIRED", spent);
    // It held nothing: someone else holds the slot at once; the key stays spent meanwhile.
    const theirs = await keyed(uniqueId("hold-key-"), client());
    expect(theirs.status).toBe(201);
    await expectError(await keyed(key), 410, "HOLD_EXPIRED", spent);
    const other = (await theirs.json()) as HoldBody;
    expect((await withToken("DELETE", other.holdId, other.holdToken)).status).toBe(204);
    await expectError(await keyed(key), 410, "HOLD_EXPIRED", spent);
    // A new key is a new hold, which books.
    const fresh = await keyed(uniqueId("hold-key-"));
    expect(fresh.status).toBe(201);
    const again = (await fresh.json()) as HoldBody;
    expect(again.holdId).not.toBe(held.holdId);
    const booked = await api.request("/v1/appointments", {
      method: "POST",
      headers: { "Content-Type": "application/json", "Idempotency-Key": uniqueId("idem-") },
      body: JSON.stringify({
        holdId: again.holdId,
        holdToken: again.holdToken,
        customer: { name: "Mia Weber", email: "mia@example.com" },
      }),
    });
    expect(booked.status).toBe(201);
  });

  it("a keyed hold repeated after it expired (not released) is held again and books", async () => {
    const own = await liveFixture(api);
    const start = await own.start("13:00");
    const key = uniqueId("hold-key-");
    const me = client();
    const keyed = () =>
      api.request("/v1/holds", {
        method: "POST",
        headers: { "Content-Type": "application/json", "Idempotency-Key": key },
        body: JSON.stringify({
          clientId: me,
          serviceId: own.serviceId,
          staffId: own.staffId,
          start,
        }),
      });
    const first = (await (await keyed()).json()) as HoldBody;
    const createdMs = clock.nowMs();
    try {
      clock.advance(600_001);
      await own.slots();
      const again = await keyed();
      expect(again.status).toBe(201);
      const held = (await again.json()) as HoldBody;
      expect(held.holdId).toBe(first.holdId);
      const booked = await api.request("/v1/appointments", {
        method: "POST",
        headers: { "Content-Type": "application/json", "Idempotency-Key": uniqueId("idem-") },
        body: JSON.stringify({
          holdId: held.holdId,
          holdToken: held.holdToken,
          customer: { name: "Mia Weber", email: "mia@example.com" },
        }),
      });
      expect(booked.status).toBe(201);
    } finally {
      clock.current = createdMs;
    }
  });

  it("a re-hold at the same start with another service is a new hold, refused while the first one covers it", async () => {
    // The review's repro: A holds 30 minutes at 09:00, then 60 minutes (+15 after) at 09:00. The
    // answer used to be 200 with the old end, after which B could hold 09:30 and A's booking of
    // the longer service would fail B's. Its own staff member, so nothing else is in the way.
    const other = await createTestStaff(api, { serviceIds: [service.id, shortService.id] });
    const slots = async (serviceId: string) => {
      const query = new URLSearchParams({ serviceId, staffId: other.id, from: monday, to: monday });
      const res = await api.request(`/v1/availability?${query}`);
      return ((await res.json()) as { days: { slots: Slot[] }[] }).days[0]?.slots ?? [];
    };
    const a = client();
    const start = at("09:00", await slots(shortService.id));
    const holdAt = (clientId: string, serviceId: string, when: string, token?: string) =>
      api.request("/v1/holds", {
        method: "POST",
        headers: {
          "Content-Type": "application/json",
          ...(token ? { "X-Hold-Token": token } : {}),
        },
        body: JSON.stringify({ clientId, serviceId, staffId: other.id, start: when }),
      });
    const short = (await (await holdAt(a, shortService.id, start)).json()) as HoldBody;
    expect(at("09:00", await slots(service.id))).toBe(start);
    await expectError(await holdAt(a, service.id, start, short.holdToken), 409, "SLOT_HELD");
    await expectError(await holdAt(a, service.id, start), 409, "SLOT_HELD");
    // Released, the longer service is held like any other hold, and then covers 09:30.
    expect((await withToken("DELETE", short.holdId, short.holdToken)).status).toBe(204);
    expect((await holdAt(a, service.id, start)).status).toBe(201);
    const half = at("09:00", await slots(shortService.id)).replace("09:00", "09:30");
    await expectError(await holdAt(client(), shortService.id, half), 409, "SLOT_HELD");
  });

  it("refuses a slot availability did not offer with 409 SLOT_UNAVAILABLE", async () => {
    const slots = await slotsFor(service.id);
    const offGrid = at("09:00", slots).replace("09:00", "09:05");
    const lunch = at("09:00", slots).replace("09:00", "12:00");
    await expectError(
      await hold(client(), offGrid),
      409,
      "SLOT_UNAVAILABLE",
      "body.start: it is not an offered slot",
    );
    await expectError(await hold(client(), lunch), 409, "SLOT_UNAVAILABLE", "body.start:");
  });

  it("availability shows other clients' holds as held and the caller's own as mine", async () => {
    const me = client();
    const start = at("16:30", await slotsFor(shortService.id));
    expect((await hold(me, start, shortService.id)).status).toBe(201);
    const mine = (await slotsFor(shortService.id, me)).find((s) => s.start === start);
    const theirs = (await slotsFor(shortService.id, client())).find((s) => s.start === start);
    expect(mine).toMatchObject({ state: "held", mine: true });
    expect(theirs?.state).toBe("held");
    expect(theirs?.mine).toBeUndefined();
  });

  it("select and heartbeat make one Redis round trip and no SQL; hold, extend and release one Redis round trip and one SQL write", async () => {
    const me = client();
    const start = at("09:00", await slotsFor(shortService.id));
    // Warm the script cache: the first call of a script on a fresh Redis costs EVALSHA + EVAL.
    await post("/v1/slots/select", {
      clientId: client(),
      serviceId: shortService.id,
      staffId: staff.id,
      start: at("16:00", await slotsFor(shortService.id)),
    });
    await post("/v1/heartbeat", { clientId: me, staffId: staff.id, date: monday });
    const select = await countRoundTrips(() =>
      post("/v1/slots/select", {
        clientId: me,
        serviceId: shortService.id,
        staffId: staff.id,
        start,
      }),
    );
    expect(select.result.status).toBe(200);
    const held = await countRoundTrips(() =>
      hold(me, at("09:30", [{ start: start.replace("09:00", "09:30") } as Slot]), shortService.id),
    );
    expect(held.result.status).toBe(201);
    const body = (await held.result.json()) as HoldBody;
    const extend = await countRoundTrips(() => withToken("PATCH", body.holdId, body.holdToken));
    const release = await countRoundTrips(() => withToken("DELETE", body.holdId, body.holdToken));
    const beat = await countRoundTrips(() =>
      post("/v1/heartbeat", { clientId: me, staffId: staff.id, date: monday }),
    );
    expect([extend.result.status, release.result.status, beat.result.status]).toEqual([
      200, 204, 200,
    ]);
    for (const counted of [select, beat])
      expect({ redis: counted.redis, sql: counted.sql }).toEqual({ redis: 1, sql: 0 });
    // The booking store arbitrates holds: their claim there is written (beside the script, for
    // a hold), moved (extend) and freed (release).
    for (const counted of [held, extend, release])
      expect({ redis: counted.redis, sql: counted.sql }).toEqual({ redis: 1, sql: 1 });
  });
});

/**
 * Every way a presented hold token can fall short of the whole token this server signed
 * (`<secret>.<claim>.<mac>`): the secret part alone matches the stored hash, so each must be
 * refused before any store is asked.
 */
function notWholeTokens(token: string): Record<string, string> {
  const [secret = "", claim = "", mac = ""] = token.split(".");
  const fields = JSON.parse(Buffer.from(claim, "base64url").toString()) as unknown[];
  // The claim names the holders the hold limits count: another client's tag there would free
  // the holder's own places.
  fields[5] = "AAAAAAAAAAA";
  const altered = Buffer.from(JSON.stringify(fields)).toString("base64url");
  return {
    "of its secret part alone": secret,
    "of its secret part and a dot": `${secret}.`,
    "without its signature": `${secret}.${claim}`,
    "with an empty signature": `${secret}.${claim}.`,
    "with another signature": `${secret}.${claim}.${"A".repeat(mac.length)}`,
    "with an altered claim": `${secret}.${altered}.${mac}`,
    "with a part added": `${token}.${mac}`,
  };
}
