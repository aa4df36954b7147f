/**
 * GET /v1/admin/appointments/{id}/messages on the real stack: a booking and its cancel list the
 * confirmation and cancellation emails and the webhook deliveries of that appointment only, in one
 * SQL statement, never a body or a payload; the outbox rows are written by the transactions'
 * existing INSERTs (no statement added); 404 for an unknown appointment and for a staff account
 * of another staff member.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectError } from "../../../../test/drivers/api.ts";
import {
  bookAt,
  harness,
  type Receiver,
  startReceiver,
} from "../../../../test/drivers/integrations.ts";
import { countRoundTrips } from "../../../../test/drivers/round-trips.ts";
import {
  bearer,
  createTestAccount,
  signInAccount,
} from "../../../../test/fixtures/account-fixtures.ts";
import { createTestStaff } from "../../../../test/fixtures/catalog-fixtures.ts";
import { type LiveFixture, liveFixture } from "../../../../test/fixtures/live-fixtures.ts";

const h = harness();
let receiver: Receiver;
let live: LiveFixture;
let webhookId: string;

beforeAll(async () => {
  receiver = await startReceiver();
  const res = await h.admin("POST", "/v1/admin/webhooks", {
    url: receiver.url,
    events: ["appointment.created", "appointment.cancelled"],
  });
  expect(res.status, await res.clone().text()).toBe(201);
  webhookId = ((await res.json()) as { webhook: { id: string } }).webhook.id;
  live = await liveFixture(h);
});

afterAll(async () => {
  if (webhookId) await h.admin("DELETE", `/v1/admin/webhooks/${webhookId}`);
  await receiver.close();
});

type Messages = {
  emails: Record<string, unknown>[];
  webhooks: Record<string, unknown>[];
};

const messagesOf = (id: string) => h.admin("GET", `/v1/admin/appointments/${id}/messages`);

/** The outbox INSERTs among a request's SQL statements: exactly one per table is the design. */
const outboxInserts = (statements: string[]) =>
  statements
    .filter((s) => /^\s*INSERT INTO (outbox_emails|webhook_deliveries)/.test(s))
    .map((s) => s.trim().split(/\s+/)[2]);

describe("GET /v1/admin/appointments/{id}/messages", () => {
  it("lists the confirmation and cancellation emails and the deliveries of that appointment only, without bodies", async () => {
    const booking = await countRoundTrips(() => bookAt(h, live, "09:00"));
    const booked = booking.result.appointment;
    expect(outboxInserts(booking.sqlStatements)).toEqual(["outbox_emails", "webhook_deliveries"]);
    const other = await bookAt(h, live, "11:00");
    await h.settle();
    // The harness's clock stands still: the cancel comes a second later, so "newest first" shows.
    h.clock.current += 1000;

    const cancel = await countRoundTrips(() =>
      h.admin("POST", `/v1/admin/appointments/${booked.id}/cancel`),
    );
    expect(cancel.result.status).toBe(200);
    expect(outboxInserts(cancel.sqlStatements)).toEqual(["outbox_emails", "webhook_deliveries"]);
    await h.settle();

    const read = await countRoundTrips(() => messagesOf(booked.id));
    expect(read.result.status).toBe(200);
    // One statement answers whether the appointment exists and both lists.
    expect(read.sql).toBe(1);
    const body = (await read.result.json()) as Messages;

    const iso = expect.stringMatching(/^\d{4}-\d{2}-\d{2}T[\d:.]+Z$/);
    // Without a mailer the outbox is the mailbox: emails stay pending, never attempted.
    expect(body.emails).toEqual([
      {
        id: expect.stringMatching(/^eml_/),
        kind: "cancellation",
        to: expect.stringMatching(/@example\.test$/),
        subject: expect.any(String),
        createdAt: iso,
        attempts: 0,
        sentAt: null,
        givenUpAt: null,
        lastError: null,
      },
      expect.objectContaining({ kind: "confirmation", attempts: 0, sentAt: null }),
    ]);
    const ours = body.webhooks.filter((w) => w.endpointId === webhookId);
    expect(ours).toEqual([
      {
        id: expect.stringMatching(new RegExp(`^msg_[0-9a-z]+:${webhookId}$`)),
        eventId: expect.stringMatching(/^msg_/),
        endpointId: webhookId,
        eventType: "appointment.cancelled",
        createdAt: iso,
        attempts: 1,
        sentAt: iso,
        givenUpAt: null,
        lastError: null,
      },
      expect.objectContaining({ eventType: "appointment.created", attempts: 1, sentAt: iso }),
    ]);
    // What the receiver got is what was listed: the deliveries are this appointment's.
    const eventIds = receiver.received
      .filter(
        (r) =>
          (JSON.parse(r.body) as { data: { appointment: { id: string } } }).data.appointment.id ===
          booked.id,
      )
      .map((r) => r.headers["webhook-id"]);
    expect(ours.map((w) => w.eventId).sort()).toEqual([...eventIds].sort());
    expect(JSON.stringify(body)).not.toMatch(/token=|"body"|"payload"|"html"/);

    const theOther = (await (await messagesOf(other.appointment.id)).json()) as Messages;
    expect(theOther.emails.map((e) => e.kind)).toEqual(["confirmation"]);
    expect(
      theOther.webhooks.filter((w) => w.endpointId === webhookId).map((w) => w.eventType),
    ).toEqual(["appointment.created"]);
  });

  it("answers 404 NOT_FOUND for an unknown appointment and 400 for a malformed id", async () => {
    await expectError(await messagesOf("apt_nosuchappointment"), 404, "NOT_FOUND", "id: no such");
    await expectError(await messagesOf("DROP%20TABLE"), 400, "BAD_REQUEST", "param.id:");
  });

  it("shows a staff account its own staff member's appointment and 404 for another's", async () => {
    const booked = (await bookAt(h, live, "13:00")).appointment;
    const mine = await createTestAccount(h, "staff", live.staffId);
    const mySession = bearer(await signInAccount(h, mine.email));
    const own = await h.request(`/v1/admin/appointments/${booked.id}/messages`, {
      headers: mySession,
    });
    expect(own.status, await own.clone().text()).toBe(200);
    expect(((await own.json()) as Messages).emails.map((e) => e.kind)).toEqual(["confirmation"]);

    const elsewhere = await createTestStaff(h, { serviceIds: [live.serviceId] });
    const theirs = await createTestAccount(h, "staff", elsewhere.id);
    const res = await h.request(`/v1/admin/appointments/${booked.id}/messages`, {
      headers: bearer(await signInAccount(h, theirs.email)),
    });
    await expectError(res, 404, "NOT_FOUND", "param.id: no appointment");
  });
});
