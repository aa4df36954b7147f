/**
 * GET /v1/live against the real Redis through the Upstash gateway: every change the API makes is
 * pushed with the version the heartbeat gives, expiries are pushed without a request, resume,
 * the per-address limit, and no subscription outlives its client. (Redis outages: see
 * src/storage/failover/live-push-failover.integration.test.ts.)
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Api, expectError, testApi } from "../../../test/drivers/api.ts";
import { countRoundTrips } from "../../../test/drivers/round-trips.ts";
import { readSse, type SseEvent, type SseReader } from "../../../test/drivers/sse.ts";
import { FixedClock } from "../../../test/fixtures/fakes.ts";
import {
  type LiveFixture,
  liveFixture,
  newClientId,
} from "../../../test/fixtures/live-fixtures.ts";
import { directRedis, liveChannel, offerKey } from "../../../test/stack/redis-direct.ts";
import { uniqueId } from "../../../test/stack/stack-env.ts";

type Body = {
  serverTime: string;
  storage: string;
  version: string;
  slots?: { start: string; end: string; state: string; mine: boolean }[];
};
type Hold = { holdId: string; holdToken: string };

const api = testApi();
const redis = directRedis();
const prefix = api.bindings.REDIS_KEY_PREFIX ?? "";
const customer = { name: "Lea Push", email: "lea.push@example.com" };
let live: LiveFixture;
const open: SseReader[] = [];

beforeAll(async () => {
  live = await liveFixture(api);
});

afterAll(async () => {
  for (const stream of open) await stream.close();
  redis.disconnect();
});

/** A stream of `target`'s date: the client id in X-Client-Id (null: none), or `query.ticket`. */
async function stream(
  clientId: string | null,
  headers: Record<string, string> = {},
  target: LiveFixture = live,
  query: Record<string, string> = {},
): Promise<{ res: Response; sse: SseReader }> {
  const params = new URLSearchParams({ staffId: target.staffId, date: target.date, ...query });
  const res = await api.request(`/v1/live?${params}`, {
    headers: { ...(clientId === null ? {} : { "X-Client-Id": clientId }), ...headers },
  });
  if (res.status !== 200) return { res, sse: null as unknown as SseReader };
  const sse = readSse(res);
  open.push(sse);
  return { res, sse };
}

/** A ticket for `clientId` to watch `staffId` on `date` (POST /v1/live/tickets). */
async function ticket(
  clientId: string,
  body: Record<string, unknown> = { staffId: live.staffId, date: live.date },
  target: Api = api,
): Promise<{ ticket: string; expiresAt: string }> {
  const res = await ticketRequest(clientId, body, target);
  expect(res.status, await res.clone().text()).toBe(201);
  return (await res.json()) as { ticket: string; expiresAt: string };
}

function ticketRequest(
  clientId: string | null,
  body: unknown,
  target: Api = api,
): Promise<Response> {
  return target.request("/v1/live/tickets", {
    method: "POST",
    headers: {
      "Content-Type": "application/json",
      ...(clientId === null ? {} : { "X-Client-Id": clientId }),
    },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
}

async function heartbeat(clientId: string, target: LiveFixture = live): Promise<Body> {
  const res = await target.post("/v1/heartbeat", {
    clientId,
    staffId: target.staffId,
    date: target.date,
  });
  expect(res.status).toBe(200);
  return (await res.json()) as Body;
}

/** The next `change`, checked against what the heartbeat answers now (the same client). */
async function expectChange(sse: SseReader, clientId: string): Promise<Body> {
  const [change] = (await sse.until("change")).filter((e) => e.event !== "comment");
  const body = JSON.parse((change as SseEvent).data) as Body;
  const beat = await heartbeat(clientId);
  expect(change?.id).toBe(beat.version);
  expect({ ...body, serverTime: "" }).toEqual({ ...beat, serverTime: "" });
  return body;
}

/** Changes until the one that carries what the heartbeat answers now (a call that changes twice). */
async function expectChanges(sse: SseReader, clientId: string): Promise<Body> {
  const beat = await heartbeat(clientId);
  for (;;) {
    const [change] = (await sse.until("change")).filter((e) => e.event !== "comment");
    if (change?.id !== beat.version) continue;
    const body = JSON.parse(change.data) as Body;
    expect({ ...body, serverTime: "" }).toEqual({ ...beat, serverTime: "" });
    return body;
  }
}

async function hold(start: string, extra: Record<string, unknown> = {}): Promise<Hold> {
  const res = await live.post("/v1/holds", {
    clientId: newClientId(),
    serviceId: live.serviceId,
    staffId: live.staffId,
    start,
    ...extra,
  });
  expect(res.status, await res.clone().text()).toBe(201);
  const { holdId, holdToken } = (await res.json()) as Hold;
  return { holdId, holdToken };
}

async function book(h: Hold): Promise<{ appointment: { id: string }; manageToken: string }> {
  const res = await api.request("/v1/appointments", {
    method: "POST",
    headers: { "Content-Type": "application/json", "Idempotency-Key": uniqueId("idem-") },
    body: JSON.stringify({ ...h, customer }),
  });
  expect(res.status, await res.clone().text()).toBe(201);
  return (await res.json()) as { appointment: { id: string }; manageToken: string };
}

async function subscribers(channel: string, expected: number): Promise<number> {
  let count = -1;
  for (let i = 0; i < 60; i++) {
    const [, n] = (await redis.pubsub("NUMSUB", channel)) as [string, number];
    count = Number(n);
    if (count === expected) break;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return count;
}

describe("GET /v1/live on the real Redis", () => {
  it("opens with a snapshot that is the heartbeat's answer, id = its version, as text/event-stream", async () => {
    const watcher = newClientId();
    await hold(await live.start("09:00"));
    const { res, sse } = await stream(watcher);
    expect(res.status).toBe(200);
    expect(res.headers.get("Content-Type")).toBe("text/event-stream; charset=utf-8");
    expect(res.headers.get("Set-Cookie")).toBeNull();
    const snapshot = await sse.next();
    const beat = await heartbeat(watcher);
    expect(snapshot?.event).toBe("snapshot");
    expect(snapshot?.id).toBe(beat.version);
    expect({ ...JSON.parse(snapshot?.data ?? "{}"), serverTime: "" }).toEqual({
      ...beat,
      serverTime: "",
    });
    expect(beat.slots?.length).toBe(1);
    await sse.close();
  });

  it("pushes a change for select, hold, release, book, reschedule and cancel, each with the version the heartbeat gives", async () => {
    const watcher = newClientId();
    const { sse } = await stream(watcher);
    expect((await sse.next())?.event).toBe("snapshot");

    const viewer = newClientId();
    const selected = await live.post("/v1/slots/select", {
      clientId: viewer,
      serviceId: live.serviceId,
      staffId: live.staffId,
      start: await live.start("10:00"),
    });
    expect(selected.status).toBe(200);
    let body = await expectChange(sse, watcher);
    expect(body.slots?.some((s) => s.state === "viewing")).toBe(true);

    const held = await hold(await live.start("11:00"));
    body = await expectChange(sse, watcher);
    expect(body.slots?.filter((s) => s.state === "held").length).toBeGreaterThan(0);

    const released = await api.request(`/v1/holds/${held.holdId}`, {
      method: "DELETE",
      headers: { "X-Hold-Token": held.holdToken },
    });
    expect(released.status).toBe(204);
    await expectChange(sse, watcher);

    const toBook = await hold(await live.start("15:30"));
    await expectChange(sse, watcher);
    const booked = await book(toBook);
    body = await expectChange(sse, watcher); // the hold becomes booked
    expect(body.slots?.some((s) => s.state === "booked" && s.start.includes("T15:30"))).toBe(true);

    const manage = { "Content-Type": "application/json", "X-Manage-Token": booked.manageToken };
    const target = await hold(await live.start("16:30"));
    await expectChange(sse, watcher);
    const moved = await api.request(`/v1/appointments/${booked.appointment.id}/reschedule`, {
      method: "POST",
      headers: manage,
      body: JSON.stringify(target),
    });
    expect(moved.status, await moved.clone().text()).toBe(200);
    body = await expectChanges(sse, watcher); // the new time is booked, the old one free
    expect(
      body.slots?.filter((s) => s.state === "booked").map((s) => s.start.slice(11, 16)),
    ).toEqual(["16:30"]);
    const newId = ((await moved.json()) as { appointment: { id: string } }).appointment.id;

    const cancelled = await api.request(`/v1/appointments/${newId}/cancel`, {
      method: "POST",
      headers: manage,
    });
    expect(cancelled.status).toBe(200);
    body = await expectChange(sse, watcher);
    expect(body.slots?.some((s) => s.state === "booked")).toBe(false);
    await sse.close();
  });

  it("pushes a marker's expiry without any request", async () => {
    const watcher = newClientId();
    const start = await live.start("14:00"); // publishes the offer; now its viewing TTL is 1 s
    const offer = offerKey(prefix, live.serviceId, live.staffId);
    const meta = String(await redis.hget(offer, "meta")).split("|");
    meta[4] = "1";
    await redis.hset(offer, "meta", meta.join("|"));
    const { sse } = await stream(watcher);
    expect((await sse.next())?.event).toBe("snapshot");
    const selected = await live.post("/v1/slots/select", {
      clientId: newClientId(),
      serviceId: live.serviceId,
      staffId: live.staffId,
      start,
    });
    expect(selected.status).toBe(200);
    const shown = await expectChange(sse, watcher);
    expect(shown.slots?.some((s) => s.start === start && s.state === "viewing")).toBe(true);
    const [lapsed] = (await sse.until("change", 4_000)).filter((e) => e.event === "change");
    const body = JSON.parse(lapsed?.data ?? "{}") as Body;
    expect(body.slots?.some((s) => s.start === start)).toBe(false);
    expect(lapsed?.id).toBe((await heartbeat(watcher)).version);
    await sse.close();
  });

  it("Last-Event-ID: no snapshot while that version is current, a snapshot when it is not", async () => {
    const watcher = newClientId();
    const first = await stream(watcher);
    const snapshot = await first.sse.next();
    await first.sse.close();
    const resumed = await stream(watcher, { "Last-Event-ID": snapshot?.id ?? "" });
    expect(resumed.res.status).toBe(200);
    expect(await resumed.sse.quietFor(300)).toBeNull();
    await hold(await live.start("15:00"));
    const [next] = (await resumed.sse.until("change")).filter((e) => e.event !== "comment");
    expect(next?.event).toBe("change");
    await resumed.sse.close();
    const stale = await stream(watcher, { "Last-Event-ID": snapshot?.id ?? "" });
    const again = await stale.sse.next();
    expect(again?.event).toBe("snapshot");
    expect(again?.id).not.toBe(snapshot?.id);
    await stale.sse.close();
  });

  it("at most 10 open streams per address (IPv6 by /64): the 11th is 429, a closed one frees a place", async () => {
    const watcher = newClientId();
    const base = `2001:db8:${Math.floor(Math.random() * 0xffff).toString(16)}:1`;
    const address = (i: number) => ({ "CF-Connecting-IP": `${base}::${i.toString(16)}` });
    const streams = [];
    for (let i = 0; i < 10; i++) {
      const opened = await stream(watcher, address(i + 1));
      expect(opened.res.status).toBe(200);
      expect((await opened.sse.next())?.event).toBe("snapshot");
      streams.push(opened);
    }
    // Refused before it subscribes: its only Redis call is the admission (no /subscribe/).
    const { result: refused, redisPaths } = await countRoundTrips(() =>
      stream(watcher, address(0xbeef)),
    );
    await expectError(refused.res, 429, "RATE_LIMITED");
    expect(redisPaths.filter((path) => path.startsWith("/subscribe/"))).toEqual([]);
    expect(Number(refused.res.headers.get("Retry-After"))).toBeGreaterThan(0);
    const elsewhere = await stream(watcher, { "CF-Connecting-IP": "198.51.100.77" });
    expect(elsewhere.res.status).toBe(200);
    await elsewhere.sse.close();
    await streams[0]?.sse.close();
    let reopened = await stream(watcher, address(0xbeef));
    for (let i = 0; i < 20 && reopened.res.status === 429; i++) {
      await reopened.res.arrayBuffer();
      await new Promise((resolve) => setTimeout(resolve, 50));
      reopened = await stream(watcher, address(0xbeef));
    }
    expect(reopened.res.status).toBe(200);
    for (const s of [...streams, reopened]) await s.sse.close();
  });

  it("a client that disconnects leaves no subscription behind (PUBSUB NUMSUB)", async () => {
    const own = await liveFixture(api);
    const channel = liveChannel(prefix, own.staffId, own.date);
    expect(await subscribers(channel, 0)).toBe(0);
    const streams = await Promise.all(
      Array.from({ length: 3 }, async () => {
        const s = await stream(newClientId(), {}, own);
        expect((await s.sse.next())?.event).toBe("snapshot");
        return s;
      }),
    );
    expect(await subscribers(channel, 3)).toBe(3);
    await streams[0]?.sse.close();
    expect(await subscribers(channel, 2)).toBe(2);
    await Promise.all(streams.map((s) => s.sse.close()));
    expect(await subscribers(channel, 0)).toBe(0);
  });

  it("refuses bad input with 400 naming the field", async () => {
    const q = (params: Record<string, string>, headers: Record<string, string> = {}) =>
      api.request(`/v1/live?${new URLSearchParams(params)}`, { headers });
    await expectError(
      await q({ staffId: live.staffId, date: "2026-02-30" }, { "X-Client-Id": newClientId() }),
      400,
      "BAD_REQUEST",
      "query.date:",
    );
    await expectError(
      await q({ staffId: live.staffId, date: live.date }, { "X-Client-Id": "x" }),
      400,
      "BAD_REQUEST",
      "header.x-client-id:",
    );
    await expectError(
      await q({ staffId: live.staffId, date: live.date, ticket: "x" }),
      400,
      "BAD_REQUEST",
      "query.ticket:",
    );
  });
});

describe("GET /v1/live: the client id never in the URL", () => {
  it("refuses a clientId in the URL with 400 saying what to do instead (X-Client-Id, or a ticket)", async () => {
    for (const clientId of [newClientId(), "x"]) {
      const res = await api.request(
        `/v1/live?${new URLSearchParams({ staffId: live.staffId, date: live.date, clientId })}`,
      );
      const body = (await res.clone().json()) as { error: { message: string } };
      await expectError(res, 400, "BAD_REQUEST", "query.clientId:");
      expect(body.error.message).toContain("X-Client-Id");
      expect(body.error.message).toContain("POST /v1/live/tickets");
    }
  });

  it("mine comes with the X-Client-Id header; without a client id the stream shows the same, never mine", async () => {
    const holder = newClientId();
    const start = await live.start("11:30");
    const res = await live.post("/v1/holds", {
      clientId: holder,
      serviceId: live.serviceId,
      staffId: live.staffId,
      start,
    });
    expect(res.status).toBe(201);
    const mineOf = async (clientId: string | null) => {
      const { res: opened, sse } = await stream(clientId);
      expect(opened.status).toBe(200);
      const body = JSON.parse((await sse.next())?.data ?? "{}") as Body;
      await sse.close();
      return body.slots?.find((s) => s.start === start)?.mine;
    };
    expect(await mineOf(holder)).toBe(true);
    expect(await mineOf(newClientId())).toBe(false);
    expect(await mineOf(null)).toBe(false);
  });

  it("a ticket opens one stream with its client's mine; it is refused on reuse, for another date or staff member, and with X-Client-Id too", async () => {
    const holder = newClientId();
    const start = await live.start("13:30");
    const held = await live.post("/v1/holds", {
      clientId: holder,
      serviceId: live.serviceId,
      staffId: live.staffId,
      start,
    });
    expect(held.status).toBe(201);

    const issued = await ticket(holder);
    expect(issued.ticket).not.toContain(holder);
    const expiresIn = Date.parse(issued.expiresAt) - Date.now();
    expect(expiresIn).toBeGreaterThan(50_000);
    expect(expiresIn).toBeLessThanOrEqual(60_000);
    const { res, sse } = await stream(null, {}, live, { ticket: issued.ticket });
    expect(res.status).toBe(200);
    const snapshot = JSON.parse((await sse.next())?.data ?? "{}") as Body;
    expect(snapshot.slots?.find((s) => s.start === start)?.mine).toBe(true);
    await sse.close();

    // Used once: refused after.
    const again = await stream(null, {}, live, { ticket: issued.ticket });
    await expectError(again.res, 400, "BAD_REQUEST", "query.ticket:");

    // Only for its staff member and date (and spent by the refusal: one use).
    const other = await liveFixture(api);
    const forMonday = await ticket(holder);
    const elsewhere = await stream(
      null,
      {},
      { ...live, date: nextDay(live.date) },
      {
        ticket: forMonday.ticket,
      },
    );
    await expectError(elsewhere.res, 400, "BAD_REQUEST", "query.ticket:");
    const afterRefusal = await stream(null, {}, live, { ticket: forMonday.ticket });
    await expectError(afterRefusal.res, 400, "BAD_REQUEST", "query.ticket:");
    const otherStaff = await stream(null, {}, other, { ticket: (await ticket(holder)).ticket });
    await expectError(otherStaff.res, 400, "BAD_REQUEST", "query.ticket:");

    // A client id, or a ticket: not both.
    const both = await stream(newClientId(), {}, live, { ticket: (await ticket(holder)).ticket });
    await expectError(both.res, 400, "BAD_REQUEST", "query.ticket:");
  });

  it("a ticket is refused 60 s after it was issued", async () => {
    const clock = new FixedClock(Date.now());
    const timed = testApi({}, clock);
    const target = await liveFixture(timed);
    const body = { staffId: target.staffId, date: target.date };
    const late = await ticket(newClientId(), body, timed);
    const inTime = await ticket(newClientId(), body, timed);
    clock.advance(59_999);
    const ok = await timed.request(
      `/v1/live?${new URLSearchParams({ ...body, ticket: inTime.ticket })}`,
    );
    expect(ok.status).toBe(200);
    await readSse(ok).close();
    clock.advance(1);
    const res = await timed.request(
      `/v1/live?${new URLSearchParams({ ...body, ticket: late.ticket })}`,
    );
    await expectError(res, 400, "BAD_REQUEST", "query.ticket:");
  });

  it("a ticket is not the client id, is stored only as a hash, and cannot hold anything", async () => {
    const holder = newClientId();
    const issued = await ticket(holder);
    const stored = await redis.keys(`${prefix}*`);
    expect(stored.some((key) => key.includes(issued.ticket))).toBe(false);
    for (const key of stored.filter((k) => k.includes("ticket"))) {
      const value = String(await redis.get(key));
      expect(value).not.toContain(holder);
      expect(value).not.toContain(issued.ticket);
    }
    const res = await live.post("/v1/holds", {
      clientId: issued.ticket,
      serviceId: live.serviceId,
      staffId: live.staffId,
      start: await live.start("13:00"),
    });
    await expectError(res, 400, "BAD_REQUEST", "body.clientId:");
  });
});

describe("POST /v1/live/tickets", () => {
  it("answers 201 with a ticket and its expiry (60 s)", async () => {
    const res = await ticketRequest(newClientId(), { staffId: live.staffId, date: live.date });
    expect(res.status).toBe(201);
    const body = (await res.json()) as { ticket: string; expiresAt: string };
    expect(body.ticket).toMatch(/^lt\.[A-Za-z0-9_-]{32}$/);
    expect(Date.parse(body.expiresAt)).toBeGreaterThan(Date.now());
  });

  it.each([
    [
      "no X-Client-Id",
      null,
      { staffId: "stf_abcdefgh", date: "2026-12-07" },
      "header.x-client-id:",
    ],
    [
      "a malformed X-Client-Id",
      "x",
      { staffId: "stf_abcdefgh", date: "2026-12-07" },
      "header.x-client-id:",
    ],
    ["no staffId", "client_abcdefgh", { date: "2026-12-07" }, "body.staffId:"],
    [
      "a malformed staffId",
      "client_abcdefgh",
      { staffId: "x", date: "2026-12-07" },
      "body.staffId:",
    ],
    ["no date", "client_abcdefgh", { staffId: "stf_abcdefgh" }, "body.date:"],
    [
      "an impossible date",
      "client_abcdefgh",
      { staffId: "stf_abcdefgh", date: "2026-02-30" },
      "body.date:",
    ],
    [
      "an unknown field",
      "client_abcdefgh",
      { staffId: "stf_abcdefgh", date: "2026-12-07", clientId: "client_abcdefgh" },
      "body:",
    ],
    ["a body that is not JSON", "client_abcdefgh", "{", "body"],
  ])("refuses %s with 400 naming the field", async (_label, clientId, body, field) => {
    await expectError(await ticketRequest(clientId, body), 400, "BAD_REQUEST", field);
  });
});

/** The local date after `date` (YYYY-MM-DD). */
function nextDay(date: string): string {
  return new Date(Date.parse(`${date}T12:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
}
