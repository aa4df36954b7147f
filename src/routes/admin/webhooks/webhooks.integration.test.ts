/**
 * Webhooks end to end on the real stack: a real local receiver verifies every delivery with the
 * `standardwebhooks` library; the outbox row is written with the booking, the first attempt goes
 * out after the response (waitUntil), the Cron Trigger retries with backoff, overlapping cron runs
 * never deliver one event twice, and 3 days of failures disable the endpoint.
 *
 * Endpoints live in the shared test database: every test deletes its own, counts only the events
 * of its own appointments (bookings of other test files may reach an endpoint meanwhile), and
 * runs the cron's delivery pass over its own events only.
 */
import { Webhook } from "standardwebhooks";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { expectError } from "../../../../test/drivers/api.ts";
import {
  bookAt,
  gate,
  harness,
  type Received,
  type Receiver,
  startReceiver,
  whenReceived,
} from "../../../../test/drivers/integrations.ts";
import { type LiveFixture, liveFixture } from "../../../../test/fixtures/live-fixtures.ts";
import { LEASE_MS, RETRY_WINDOW_MS } from "../../../domain/outbox/drain-outbox.ts";
import { WEBHOOK_EVENT_TYPES } from "../../../domain/webhooks/types.ts";

const h = harness();
let live: LiveFixture;
const cleanup: (() => Promise<unknown>)[] = [];

type Created = { webhook: { id: string; active: boolean }; secret: string };
type Attempt = { eventId: string; attempt: number; statusCode: number | null; eventType: string };
type Payload = { type: string; timestamp: string; data: { appointment: { id: string } } };

async function createEndpoint(url: string, events = ["appointment.created"]): Promise<Created> {
  const res = await h.admin("POST", "/v1/admin/webhooks", { url, events });
  expect(res.status, await res.clone().text()).toBe(201);
  const created = (await res.json()) as Created;
  cleanup.push(() => h.admin("DELETE", `/v1/admin/webhooks/${created.webhook.id}`));
  return created;
}

async function attempts(endpointId: string): Promise<Attempt[]> {
  const res = await h.admin("GET", `/v1/admin/webhooks/${endpointId}/deliveries?limit=500`);
  expect(res.status).toBe(200);
  return ((await res.json()) as { deliveries: Attempt[] }).deliveries;
}

/** The appointment id a delivery is about (null for a body that is not an event). */
function appointmentOf(body: string): string | null {
  try {
    return (JSON.parse(body) as Payload).data.appointment.id;
  } catch {
    return null;
  }
}

/** Verifies one received request with the standardwebhooks library; throws if it does not verify. */
function verify(secret: string, request: Received): Payload {
  return new Webhook(secret).verify(request.body, {
    "webhook-id": String(request.headers["webhook-id"]),
    "webhook-timestamp": String(request.headers["webhook-timestamp"]),
    "webhook-signature": String(request.headers["webhook-signature"]),
  }) as Payload;
}

const mine = (receiver: Receiver, ids: string[]) =>
  receiver.received.filter((r) => ids.includes(appointmentOf(r.body) ?? ""));

beforeAll(async () => {
  live = await liveFixture(h);
});

// Each test's endpoints go when it ends: an event reaches every active endpoint subscribed to it.
afterEach(async () => {
  for (const undo of cleanup.splice(0).reverse()) await undo();
});

describe("webhook delivery", () => {
  it("signs each delivery per Standard Webhooks: a real receiver verifies it with the standardwebhooks library", async () => {
    const receiver = await startReceiver();
    cleanup.push(() => receiver.close());
    const { webhook, secret } = await createEndpoint(receiver.url);
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);

    const booked = await bookAt(h, live, "09:00");
    await h.settle(); // the first attempt, handed to waitUntil after the response

    const [delivery, ...more] = mine(receiver, [booked.appointment.id]);
    expect(more).toEqual([]);
    if (!delivery) throw new Error("nothing was delivered");
    const payload = verify(secret, delivery);
    expect(payload).toMatchObject({
      type: "appointment.created",
      data: { appointment: { id: booked.appointment.id, status: "confirmed" } },
    });
    expect(delivery.headers["webhook-id"]).toMatch(/^msg_/);
    expect(delivery.headers["webhook-signature"]).toMatch(/^v1,[A-Za-z0-9+/]+=*$/);
    // A tampered body or another secret does not verify.
    expect(() => verify(secret, { ...delivery, body: `${delivery.body} ` })).toThrow();
    const other = (await createEndpoint(receiver.url, ["appointment.cancelled"])).secret;
    expect(() => verify(other, delivery)).toThrow();

    const log = (await attempts(webhook.id)).filter(
      (a) => a.eventId === delivery.headers["webhook-id"],
    );
    expect(log).toEqual([
      expect.objectContaining({ attempt: 1, statusCode: 204, eventType: "appointment.created" }),
    ]);
  });

  it("a receiver that fails twice, then succeeds, gets exactly one success; the log shows 3 attempts", async () => {
    const failuresLeft = new Map<string, number>();
    const receiver = await startReceiver(({ headers }) => {
      const id = String(headers["webhook-id"]);
      const left = failuresLeft.get(id) ?? 2;
      failuresLeft.set(id, left - 1);
      return { status: left > 0 ? 503 : 200 };
    });
    cleanup.push(() => receiver.close());
    const { webhook, secret } = await createEndpoint(receiver.url);
    const booked = await bookAt(h, live, "10:00");
    await h.settle(); // attempt 1: 503
    const events = mine(receiver, [booked.appointment.id]).map((r) =>
      String(r.headers["webhook-id"]),
    );
    h.clock.advance(61_000); // past the first backoff (1 minute)
    await h.cron(events); // attempt 2: 503
    await h.cron(events); // not due yet (the second backoff is 2 minutes): nothing is sent
    h.clock.advance(121_000);
    await h.cron(events); // attempt 3: 200
    h.clock.advance(3_600_000);
    await h.cron(events); // delivered: never sent again

    const received = mine(receiver, [booked.appointment.id]);
    expect(received.map((r) => r.status)).toEqual([503, 503, 200]);
    // The same webhook-id on every attempt, each verifying; exactly one success.
    expect(new Set(received.map((r) => r.headers["webhook-id"])).size).toBe(1);
    for (const r of received) verify(secret, r);
    const eventId = String(received[0]?.headers["webhook-id"]);
    const log = (await attempts(webhook.id)).filter((a) => a.eventId === eventId);
    expect(log.map((a) => [a.attempt, a.statusCode])).toEqual([
      [3, 200],
      [2, 503],
      [1, 503],
    ]);
  });

  // Three bookings and three whole Cron Trigger runs (health, sync, cleanup, both outboxes) in
  // two isolates: under the full suite's load they have taken longer than the default 20 s.
  it("two overlapping cron runs (two isolates) never deliver one event twice", async () => {
    const firstSeen = new Set<string>();
    const inFlight = gate();
    const receiver = await startReceiver(({ headers }) => {
      const id = String(headers["webhook-id"]);
      if (!firstSeen.has(id)) {
        firstSeen.add(id);
        return { status: 500 }; // the first attempt fails, so the rows wait for the cron
      }
      return { status: 200, until: inFlight.promise }; // held open: the runs overlap
    });
    cleanup.push(() => receiver.close());
    await createEndpoint(receiver.url);
    const ids: string[] = [];
    for (const hhmm of ["13:00", "14:00", "15:00"])
      ids.push((await bookAt(h, live, hhmm)).appointment.id);
    await h.settle();
    expect(mine(receiver, ids).map((r) => r.status)).toEqual([500, 500, 500]);
    const events = mine(receiver, ids).map((r) => String(r.headers["webhook-id"]));

    const other = harness(); // a second isolate: its own services and clock, the same database
    // Past the first retry's wait (1 min) and past a first attempt's lease (2 min): on a loaded
    // machine a first attempt can fail to record its 500 (a store call timing out after the
    // receiver answered), and its row is then due only once the lease lapses. Run A must find
    // all three rows due, whichever way their first attempt ended.
    h.clock.advance(LEASE_MS + 1_000);
    other.clock.current = h.clock.current;
    // Run A is delivering the three events (the receiver holds its answers) ...
    const runA = h.cron(events);
    // At least six: another test file's whole Cron Trigger run (real clock, shared database) may
    // deliver a due row too, and two arrivals between checks must not be missed. A duplicate
    // still fails the assertion at the end.
    await whenReceived(receiver, (r) => mine(receiver, ids).length >= 6 && r.length > 0);
    // ... while overlapping runs, in the other isolate and this one, deliver none of them again.
    await Promise.all([other.cron(events), h.cron(events)]);
    inFlight.open();
    await runA;

    const successes = mine(receiver, ids).filter((r) => r.status === 200);
    expect(successes.map((r) => appointmentOf(r.body)).sort()).toEqual([...ids].sort());
  }, 60_000);

  it("after 3 days of failures the endpoint is disabled and says why", async () => {
    const receiver = await startReceiver(() => ({ status: 500 }));
    cleanup.push(() => receiver.close());
    const { webhook } = await createEndpoint(receiver.url);
    const booked = await bookAt(h, live, "16:00");
    await h.settle();
    const events = mine(receiver, [booked.appointment.id]).map((r) =>
      String(r.headers["webhook-id"]),
    );
    expect(events).toHaveLength(1);
    h.clock.advance(RETRY_WINDOW_MS);
    await h.cron(events); // the last attempt inside the window fails: the delivery is given up

    const res = await h.admin("GET", `/v1/admin/webhooks/${webhook.id}`);
    expect(res.status).toBe(200);
    const after = (await res.json()) as { webhook: { active: boolean; disabledReason: string } };
    expect(after.webhook.active).toBe(false);
    expect(after.webhook.disabledReason).toMatch(/failed for 3 days/);

    // Re-enabling clears the reason.
    const patched = await h.admin("PATCH", `/v1/admin/webhooks/${webhook.id}`, { active: true });
    expect(await patched.json()).toMatchObject({ webhook: { active: true, disabledReason: null } });
  });
});

describe("POST /v1/admin/webhooks/{id}/test", () => {
  it("sends one signed test event that the receiver verifies, and answers what it said; nothing is logged or retried", async () => {
    // The receiver checks the signed timestamp against its own clock (earlier tests moved ours).
    h.clock.current = Date.now();
    let status = 204;
    const receiver = await startReceiver(() => ({ status }));
    cleanup.push(() => receiver.close());
    const { webhook, secret } = await createEndpoint(receiver.url);
    const sent = await h.admin("POST", `/v1/admin/webhooks/${webhook.id}/test`);
    expect(sent.status, await sent.clone().text()).toBe(200);
    const answer = (await sent.json()) as { eventId: string; delivered: boolean };
    expect(answer).toEqual({
      eventId: expect.stringMatching(/^msg_/),
      delivered: true,
      statusCode: 204,
      error: null,
    });
    const tests = receiver.received.filter((r) => r.headers["webhook-id"] === answer.eventId);
    expect(tests).toHaveLength(1);
    const payload = verify(secret, tests[0] as Received) as unknown as {
      type: string;
      timestamp: string;
      data: { webhookId: string };
    };
    expect(payload).toEqual({
      type: "webhook.test",
      timestamp: expect.any(String),
      data: { webhookId: webhook.id },
    });
    status = 500;
    const failed = await h.admin("POST", `/v1/admin/webhooks/${webhook.id}/test`);
    expect(await failed.json()).toMatchObject({
      delivered: false,
      statusCode: 500,
      error: "the receiver answered 500",
    });
    await h.settle();
    expect(await attempts(webhook.id)).toEqual([]);
    await expectError(
      await h.admin("POST", "/v1/admin/webhooks/whk_nosuchendpoint00000/test"),
      404,
      "NOT_FOUND",
    );
  });
});

describe("/v1/admin/webhooks", () => {
  it("an endpoint can subscribe to every event there is, on create and on update", async () => {
    const every = [...WEBHOOK_EVENT_TYPES];
    const created = await createEndpoint("http://127.0.0.1:9/hook", every);
    expect(created.webhook).toMatchObject({ events: every });
    const id = created.webhook.id;
    const read = await h.admin("GET", `/v1/admin/webhooks/${id}`);
    expect(await read.json()).toMatchObject({ webhook: { events: every } });
    const patched = await h.admin("PATCH", `/v1/admin/webhooks/${id}`, {
      events: [...every].reverse(),
    });
    expect(patched.status, await patched.clone().text()).toBe(200);
    expect(await patched.json()).toMatchObject({ webhook: { events: [...every].reverse() } });
  });

  it("creates, lists, reads, updates, rotates the secret of and deletes an endpoint", async () => {
    const created = await createEndpoint("http://127.0.0.1:9/hook", ["appointment.created"]);
    const id = created.webhook.id;
    expect(created.webhook).toMatchObject({
      url: "http://127.0.0.1:9/hook",
      events: ["appointment.created"],
      active: true,
      disabledReason: null,
    });
    const listed = (await (await h.admin("GET", "/v1/admin/webhooks")).json()) as {
      webhooks: { id: string }[];
    };
    expect(listed.webhooks.map((w) => w.id)).toContain(id);
    expect(JSON.stringify(listed)).not.toContain(created.secret);

    const patched = await h.admin("PATCH", `/v1/admin/webhooks/${id}`, {
      events: ["appointment.cancelled", "appointment.rescheduled"],
      active: false,
    });
    expect(await patched.json()).toMatchObject({
      webhook: { id, events: ["appointment.cancelled", "appointment.rescheduled"], active: false },
    });

    const rotated = await h.admin("POST", `/v1/admin/webhooks/${id}/rotate-secret`);
    expect(rotated.status).toBe(200);
    const { secret } = (await rotated.json()) as { secret: string };
    expect(secret).toMatch(/^whsec_/);
    expect(secret).not.toBe(created.secret);

    expect((await h.admin("DELETE", `/v1/admin/webhooks/${id}`)).status).toBe(204);
    await expectError(await h.admin("GET", `/v1/admin/webhooks/${id}`), 404, "NOT_FOUND", "id:");
    await expectError(
      await h.admin("GET", `/v1/admin/webhooks/${id}/deliveries`),
      404,
      "NOT_FOUND",
      "id:",
    );
  });

  it.each([
    ["a private address", "http://10.0.0.7/hook"],
    ["http to a public host", "http://hooks.example.com/hook"],
    ["the cloud metadata address", "http://169.254.169.254/latest/meta-data"],
    ["an internal name", "https://metadata.google.internal/"],
    ["an unknown event", null],
  ])("refuses %s with 400 naming the field", async (_label, url) => {
    const body =
      url === null
        ? { url: "https://hooks.example.com/x", events: ["appointment.deleted"] }
        : { url, events: ["appointment.created"] };
    const res = await h.admin("POST", "/v1/admin/webhooks", body);
    await expectError(res, 400, "BAD_REQUEST", url === null ? "body.events" : "body.url:");
  });

  it("in production refuses http and loopback, private, link-local, metadata and wildcard-DNS hosts in any spelling", async () => {
    const prod = harness({
      ENVIRONMENT: "production",
      PUBLIC_BASE_URL: "https://book.example",
      TOKEN_SECRET: "webhook-test-token-secret-0123456789abcdef",
    });
    for (const url of [
      "http://127.0.0.1:8080/hook",
      "https://127.0.0.1/hook",
      "https://localhost/hook",
      "https://[::1]/hook",
      "https://[::ffff:10.0.0.1]/hook",
      "https://192.168.1.20/hook",
      "https://169.254.169.254/hook",
      "https://2130706433/hook",
      "https://metadata.google.internal./computeMetadata/v1/",
      "https://localhost./hook",
      "https://169.254.169.254.nip.io/hook",
      "https://[::ffff:0:a9fe:a9fe]/hook",
      "https://[::ffff:0:7f00:1]/hook",
      "https://[64:ff9b:1::a9fe:a9fe]/hook",
      "https://[100::1]/hook",
      "https://[2001:10::1]/hook",
    ]) {
      const res = await prod.admin("POST", "/v1/admin/webhooks", {
        url,
        events: ["appointment.created"],
      });
      await expectError(res, 400, "BAD_REQUEST", "body.url:");
    }
  });

  it("answers 401 without the admin token", async () => {
    await expectError(await h.request("/v1/admin/webhooks"), 401, "UNAUTHORIZED");
  });
});
