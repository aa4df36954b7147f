/**
 * GET /v1/live against the real Redis through the Upstash gateway: every change the API makes is
 * pushed with the version the heartbeat gives, expiries are pushed without a request, resume,
 * the per-address limit, and no subscription outlives its client. (Redis outages: see
 * src/storage/failover/live-push-failover.integration.test.ts.)
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectError, testApi } from "../../../test/api.ts";
import { type LiveFixture, liveFixture, newClientId } from "../../../test/live-fixtures.ts";
import { directRedis, liveChannel, offerKey } from "../../../test/redis-direct.ts";
import { countRoundTrips } from "../../../test/round-trips.ts";
import { readSse, type SseEvent, type SseReader } from "../../../test/sse.ts";
import { uniqueId } from "../../../test/stack-env.ts";

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

async function stream(
  clientId: string,
  headers: Record<string, string> = {},
  target: LiveFixture = live,
): Promise<{ res: Response; sse: SseReader }> {
  const query = new URLSearchParams({ staffId: target.staffId, date: target.date, clientId });
  const res = await api.request(`/v1/live?${query}`, { headers });
  if (res.status !== 200) return { res, sse: null as unknown as SseReader };
  const sse = readSse(res);
  open.push(sse);
  return { res, sse };
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
    const q = (params: Record<string, string>) =>
      api.request(`/v1/live?${new URLSearchParams(params)}`);
    await expectError(
      await q({ staffId: live.staffId, date: live.date }),
      400,
      "BAD_REQUEST",
      "query.clientId:",
    );
    await expectError(
      await q({ staffId: live.staffId, date: "2026-02-30", clientId: newClientId() }),
      400,
      "BAD_REQUEST",
      "query.date:",
    );
    await expectError(
      await q({ staffId: live.staffId, date: live.date, clientId: "x" }),
      400,
      "BAD_REQUEST",
      "query.clientId:",
    );
    const viaHeader = await api.request(
      `/v1/live?${new URLSearchParams({ staffId: live.staffId, date: live.date })}`,
      { headers: { "X-Client-Id": newClientId() } },
    );
    expect(viaHeader.status).toBe(200);
    const sse = readSse(viaHeader);
    expect((await sse.next())?.event).toBe("snapshot");
    await sse.close();
  });
});
