/**
 * GET /v1/admin/live on the real stack: holds and bookings reach the business's stream for the
 * right staff member and date, resume, a staff account's isolation, the credential's own limit of
 * open streams, bad input, a failover under an open stream, and the fallback (snapshot from
 * MySQL, then `mode: poll`).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectError, testApi } from "../../../../test/drivers/api.ts";
import { countRoundTrips } from "../../../../test/drivers/round-trips.ts";
import { readSse, type SseEvent, type SseReader } from "../../../../test/drivers/sse.ts";
import {
  bearer,
  createTestAccount,
  signInAccount,
} from "../../../../test/fixtures/account-fixtures.ts";
import {
  createTestService,
  createTestStaff,
  upcomingMonday,
} from "../../../../test/fixtures/catalog-fixtures.ts";
import {
  type LiveFixture,
  liveFixture,
  newClientId,
} from "../../../../test/fixtures/live-fixtures.ts";
import {
  type FaultGateways,
  isolateOver,
  startFaultGateways,
} from "../../../../test/stack/fault-gateways.ts";
import { TEST_STACK, uniqueId } from "../../../../test/stack/stack-env.ts";
import { ADMIN_STREAMS_PER_CREDENTIAL } from "../../../domain/live/admin-live.ts";
import { addDays } from "../../../domain/time/zoned-time.ts";
import { AdminLiveBodySchema } from "./schema.ts";

type Day = {
  staffId: string;
  date: string;
  version: string;
  slots: { start: string; end: string; state: string }[];
};
type Body = { serverTime: string; storage: string; version: string; days: Day[] };

const api = testApi();
const owner = bearer(TEST_STACK.adminToken);
const open: SseReader[] = [];
let a: LiveFixture;
let b: LiveFixture;

beforeAll(async () => {
  a = await liveFixture(api);
  b = await liveFixture(api);
});

afterAll(async () => {
  for (const stream of open) await stream.close();
});

function request(query: Record<string, string>, headers: Record<string, string> = owner) {
  return api.request(`/v1/admin/live?${new URLSearchParams(query)}`, { headers });
}

async function stream(
  query: Record<string, string>,
  headers: Record<string, string> = owner,
): Promise<SseReader> {
  const res = await request(query, headers);
  // Reading the body of a 200 would wait for the stream's end.
  if (res.status !== 200) expect(res.status, await res.text()).toBe(200);
  expect(res.headers.get("Content-Type")).toBe("text/event-stream; charset=utf-8");
  const sse = readSse(res);
  open.push(sse);
  return sse;
}

/** The next event that is not a ping; the data of `snapshot` and `change` is the declared schema. */
async function nextEvent(sse: SseReader, timeoutMs = 8_000): Promise<SseEvent | null> {
  for (;;) {
    const event = await sse.next(timeoutMs);
    if (event?.event === "snapshot" || event?.event === "change")
      AdminLiveBodySchema.strict().parse(JSON.parse(event.data));
    if (event?.event !== "comment") return event;
  }
}

async function expectSnapshot(sse: SseReader): Promise<{ id: string; body: Body }> {
  const event = await nextEvent(sse);
  expect(event?.event).toBe("snapshot");
  return { id: event?.id ?? "", body: JSON.parse(event?.data ?? "{}") as Body };
}

/** Changes until one whose days satisfy `done`. */
async function changeUntil(sse: SseReader, done: (days: Day[]) => boolean): Promise<Body> {
  for (;;) {
    const event = await nextEvent(sse);
    expect(event?.event).toBe("change");
    const body = JSON.parse(event?.data ?? "{}") as Body;
    expect(event?.id).toBe(body.version);
    if (done(body.days)) return body;
  }
}

async function hold(target: LiveFixture, hhmm: string) {
  const res = await target.post("/v1/holds", {
    clientId: newClientId(),
    serviceId: target.serviceId,
    staffId: target.staffId,
    start: await target.start(hhmm),
  });
  expect(res.status, await res.clone().text()).toBe(201);
  const { holdId, holdToken } = (await res.json()) as { holdId: string; holdToken: string };
  return { holdId, holdToken };
}

describe("GET /v1/admin/live", () => {
  it("streams a hold, then the booking, on the staff member's date; nothing else moves", async () => {
    const next = addDays(a.date, 1);
    const sse = await stream({ from: a.date, to: next, staffId: a.staffId });
    const { id, body } = await expectSnapshot(sse);
    expect(body.storage).toBe("redis");
    expect(body.version).toBe(id);
    expect(body.days.map((d) => [d.staffId, d.date, d.slots])).toEqual([
      [a.staffId, a.date, []],
      [a.staffId, next, []],
    ]);

    const start = await a.start("10:00");
    const held = await hold(a, "10:00");
    const onHold = await changeUntil(sse, (days) => days.length > 0);
    expect(onHold.days).toEqual([
      {
        staffId: a.staffId,
        date: a.date,
        version: expect.any(String),
        slots: [{ start, end: expect.stringMatching(/T10:30:00/), state: "held" }],
      },
    ]);
    // No identity: the hold's id and token appear nowhere.
    expect(JSON.stringify(onHold)).not.toContain(held.holdId);

    const booked = await api.request("/v1/appointments", {
      method: "POST",
      headers: { "Content-Type": "application/json", "Idempotency-Key": uniqueId("idem-") },
      body: JSON.stringify({
        ...held,
        customer: { name: "Ada Admin", email: "ada.admin@example.com" },
      }),
    });
    expect(booked.status, await booked.clone().text()).toBe(201);
    const onBook = await changeUntil(sse, (days) =>
      days.some((d) => d.slots.some((s) => s.state === "booked")),
    );
    expect(onBook.days.map((d) => [d.staffId, d.date, d.slots.map((s) => s.state)])).toEqual([
      [a.staffId, a.date, ["booked"]],
    ]);
    await sse.close();
  });

  it("another staff member's stream does not see it; Last-Event-ID skips a current snapshot", async () => {
    await hold(a, "11:00");
    const first = await stream({ from: b.date, to: b.date, staffId: b.staffId });
    const { id, body } = await expectSnapshot(first);
    expect(body.days).toEqual([
      { staffId: b.staffId, date: b.date, version: expect.any(String), slots: [] },
    ]);
    await first.close();

    const resumed = await stream(
      { from: b.date, to: b.date, staffId: b.staffId },
      { ...owner, "Last-Event-ID": id },
    );
    expect(await resumed.quietFor(2_500)).toBeNull();
    await resumed.close();
    const stale = await stream(
      { from: b.date, to: b.date, staffId: b.staffId },
      { ...owner, "Last-Event-ID": "0-stale" },
    );
    expect((await expectSnapshot(stale)).id).toBe(id);
    await stale.close();
  });

  it("a read of a week costs one Redis call for one staff member, and idle reads send nothing", async () => {
    const sse = await stream({ from: b.date, to: addDays(b.date, 6), staffId: b.staffId });
    await expectSnapshot(sse);
    // The first periodic read comes ADMIN_READ_MS after the snapshot, the next one after it ends.
    const { redis, redisPaths } = await countRoundTrips(
      () => new Promise((resolve) => setTimeout(resolve, 3_000)),
    );
    expect({ redis, redisPaths }).toEqual({ redis: 1, redisPaths: ["/"] });
    expect(await sse.quietFor(100)).toBeNull();
    await sse.close();
  });

  it("a staff account streams its own staff member only; another's is 404", async () => {
    const account = await createTestAccount(api, "staff", b.staffId);
    const session = bearer(await signInAccount(api, account.email));
    const own = await stream({ from: b.date, to: b.date }, session);
    const { body } = await expectSnapshot(own);
    expect(body.days.map((d) => d.staffId)).toEqual([b.staffId]);
    await own.close();
    await expectError(
      await request({ from: a.date, to: a.date, staffId: a.staffId }, session),
      404,
      "NOT_FOUND",
      "query.staffId",
    );
  });

  it("a staff member that does not exist is 404", async () => {
    await expectError(
      await request({ from: a.date, to: a.date, staffId: "stf_doesnotexist00" }),
      404,
      "NOT_FOUND",
      "query.staffId",
    );
  });

  it("needs a credential: none is 401", async () => {
    await expectError(
      await request({ from: a.date, to: a.date, staffId: a.staffId }, {}),
      401,
      "UNAUTHORIZED",
      "header.authorization",
    );
  });

  it("refuses bad ranges naming the field", async () => {
    await expectError(
      await request({ from: a.date, to: addDays(a.date, -1), staffId: a.staffId }),
      400,
      "BAD_REQUEST",
      "query.to",
    );
    await expectError(
      await request({ from: a.date, to: addDays(a.date, 14), staffId: a.staffId }),
      400,
      "BAD_REQUEST",
      "query.to",
    );
    await expectError(
      await request({ from: "2026-13-01", to: a.date, staffId: a.staffId }),
      400,
      "BAD_REQUEST",
      "query.from",
    );
    // 14 days, counting both, is the widest.
    const widest = await stream({ from: a.date, to: addDays(a.date, 13), staffId: a.staffId });
    expect((await expectSnapshot(widest)).body.days).toHaveLength(14);
    await widest.close();
  });

  it(`keeps ${ADMIN_STREAMS_PER_CREDENTIAL} streams per credential, apart from other credentials`, async () => {
    const account = await createTestAccount(api, "manager");
    const session = bearer(await signInAccount(api, account.email));
    const query = { from: b.date, to: b.date, staffId: b.staffId };
    const streams: SseReader[] = [];
    for (let i = 0; i < ADMIN_STREAMS_PER_CREDENTIAL; i++) {
      const sse = await stream(query, session);
      await expectSnapshot(sse);
      streams.push(sse);
    }
    const refused = await request(query, session);
    await expectError(refused, 429, "RATE_LIMITED", "Too many business live streams");
    expect(Number(refused.headers.get("Retry-After"))).toBeGreaterThan(0);
    // Another credential is not affected.
    const other = await stream(query);
    await expectSnapshot(other);
    await other.close();
    // A closed stream gives its place back.
    await streams[0]?.close();
    await expect
      .poll(async () => (await request(query, session)).status, { timeout: 8_000 })
      .toBe(200);
    for (const sse of streams) await sse.close();
  });
});

describe("GET /v1/admin/live on the fallback store", () => {
  let gateways: FaultGateways;
  beforeAll(async () => {
    gateways = await startFaultGateways();
  });
  afterAll(async () => {
    await gateways.close();
  });

  it("a stream open when Redis stops sends mode: poll at its next read, and ends", async () => {
    const isolate = isolateOver(gateways, `${uniqueId("al")}:`);
    const client = { bindings: {}, request: isolate.request, admin: isolate.admin };
    const { id: serviceId } = await createTestService(client, { bufferAfterMin: 0 });
    const { id: staffId } = await createTestStaff(client, { serviceIds: [serviceId] });
    const date = upcomingMonday();
    const res = await isolate.request(
      `/v1/admin/live?${new URLSearchParams({ from: date, to: date, staffId })}`,
      { headers: owner },
    );
    expect(res.status).toBe(200);
    const sse = readSse(res);
    open.push(sse);
    expect((await expectSnapshot(sse)).body.storage).toBe("redis");
    gateways.upstash.setFault("refuse");
    try {
      expect(await nextEvent(sse)).toEqual({ event: "mode", data: '{"mode":"poll"}' });
      expect(await nextEvent(sse)).toBeNull();
    } finally {
      gateways.upstash.setFault("none");
    }
  });

  it("answers one snapshot read from MySQL, then mode: poll, and ends", async () => {
    const isolate = isolateOver(gateways, `${uniqueId("al")}:`);
    const client = { bindings: {}, request: isolate.request, admin: isolate.admin };
    const { id: serviceId } = await createTestService(client, {
      durationMin: 30,
      bufferAfterMin: 0,
    });
    const { id: staffId } = await createTestStaff(client, { serviceIds: [serviceId] });
    const date = upcomingMonday();
    gateways.upstash.setFault("refuse");
    try {
      // The first request meets the outage and fails over; availability publishes the offer in MySQL.
      const query = new URLSearchParams({ serviceId, staffId, from: date, to: date });
      const avail = await isolate.request(`/v1/availability?${query}`);
      expect(avail.status).toBe(200);
      const slots = ((await avail.json()) as { days: { slots: { start: string }[] }[] }).days[0]
        ?.slots;
      const start = slots?.find((s) => s.start.slice(11, 16) === "09:30")?.start ?? "";
      const held = await isolate.json("POST", "/v1/holds", {
        clientId: newClientId(),
        serviceId,
        staffId,
        start,
      });
      expect(held.status, await held.clone().text()).toBe(201);

      const res = await isolate.request(
        `/v1/admin/live?${new URLSearchParams({ from: date, to: date, staffId })}`,
        { headers: owner },
      );
      expect(res.status).toBe(200);
      const sse = readSse(res);
      open.push(sse);
      const { body } = await expectSnapshot(sse);
      expect(body.storage).toBe("fallback");
      expect(body.days).toEqual([
        {
          staffId,
          date,
          version: expect.any(String),
          slots: [{ start, end: expect.stringMatching(/T10:00:00/), state: "held" }],
        },
      ]);
      expect(await nextEvent(sse)).toEqual({ event: "mode", data: '{"mode":"poll"}' });
      expect(await nextEvent(sse)).toBeNull();
    } finally {
      gateways.upstash.setFault("none");
    }
  });
});
