/**
 * Sign-in codes and the outbox: codes go out right away (waitUntil), overlapping
 * delivery runs never send one email twice (leased outbox rows), and with real delivery
 * (MAILER_KIND=http) the admin outbox never shows a code. The HTTP email API is a real local
 * receiver; the stores are the real test stack.
 *
 * Delivery runs here are limited to this file's own rows (the `groups` of the drain): the test
 * database is shared with other test files, whose pending codes an unrestricted run would send.
 */
import { afterAll, describe, expect, it } from "vitest";
import {
  bookAt,
  gate,
  harness,
  type Receiver,
  startReceiver,
  whenReceived,
} from "../../../test/drivers/integrations.ts";
import { liveFixture } from "../../../test/fixtures/live-fixtures.ts";
import { withDb } from "../../../test/stack/db-direct.ts";
import { uniqueId } from "../../../test/stack/stack-env.ts";
import { deliverEmails } from "../../domain/outbox/deliver.ts";

const receivers: Receiver[] = [];
afterAll(async () => {
  for (const r of receivers) await r.close();
});

async function mailApi(respond?: Parameters<typeof startReceiver>[0]) {
  const receiver = await startReceiver(respond);
  receivers.push(receiver);
  const h = harness({
    MAILER_KIND: "http",
    MAILER_API_URL: receiver.url,
    MAILER_API_KEY: "test-mail-key",
  });
  return { receiver, h };
}

const newEmail = () => `${uniqueId("c")}@example.test`;
let ipCounter = 0;
const ip = () => `10.77.${Math.floor(ipCounter / 250)}.${ipCounter++ % 250}`;

async function requestCode(h: ReturnType<typeof harness>, email: string): Promise<void> {
  h.clock.advance(1_000);
  const res = await h.request("/v1/auth/otp", {
    method: "POST",
    headers: { "Content-Type": "application/json", "CF-Connecting-IP": ip() },
    body: JSON.stringify({ email }),
  });
  expect(res.status).toBe(202);
}

type Listed = { id: string; subject: string; body: string; html: string | null; sentAt: string };
async function listed(h: ReturnType<typeof harness>, email: string): Promise<Listed[]> {
  const res = await h.admin("GET", `/v1/admin/outbox?to=${encodeURIComponent(email)}&limit=500`);
  expect(res.status).toBe(200);
  return ((await res.json()) as { emails: Listed[] }).emails;
}

const sentTo = (receiver: Receiver, email: string) =>
  receiver.received.filter((r) => (JSON.parse(r.body) as { to: string }).to === email);

describe("sign-in code delivery", () => {
  it("sends the code right away, without waiting for the Cron Trigger", async () => {
    const { receiver, h } = await mailApi();
    const email = newEmail();
    await requestCode(h, email);
    await h.settle(); // the work the request handed to waitUntil; no cron runs in this test

    const [sent, ...more] = sentTo(receiver, email);
    expect(more).toEqual([]);
    const message = JSON.parse(sent?.body ?? "{}") as {
      subject: string;
      text: string;
      html: string;
    };
    expect(message.subject).toMatch(/^Your sign-in code: \d{6}$/);
    expect(message.text).toContain(message.subject.slice(-6));
    expect(message.html).toContain(message.subject.slice(-6));
    expect(sent?.headers.authorization).toBe("Bearer test-mail-key");
    expect((await listed(h, email))[0]?.sentAt).toEqual(expect.any(String));
  });

  it("two overlapping delivery runs (two isolates) send each pending email exactly once", async () => {
    const attempts = new Map<string, number>();
    const inFlight = gate();
    const { receiver, h } = await mailApi(({ body }) => {
      const to = (JSON.parse(body) as { to: string }).to;
      const n = (attempts.get(to) ?? 0) + 1;
      attempts.set(to, n);
      // The first attempt (right after the request) fails, so the rows wait for a retry; the
      // retries are held open until the test lets them finish.
      return n === 1 ? { status: 503 } : { status: 202, until: inFlight.promise };
    });
    const emails = [newEmail(), newEmail(), newEmail(), newEmail()];
    for (const email of emails) await requestCode(h, email);
    await h.settle();
    const ids = (await Promise.all(emails.map((e) => listed(h, e)))).flat().map((e) => e.id);
    expect(ids).toHaveLength(4);

    const other = harness(h.bindings);
    h.clock.advance(61_000);
    other.clock.current = h.clock.current;
    // Run A claims the 4 rows and is sending them (the receiver holds its answers) ...
    const runA = deliverEmails(h.services.ctx, ids);
    await whenReceived(receiver, (r) => r.filter((x) => x.status === 202).length === 4);
    // ... while runs B and C, in another isolate and this one, find nothing to send.
    const [runB, runC] = await Promise.all([
      deliverEmails(other.services.ctx, ids),
      deliverEmails(h.services.ctx, ids),
    ]);
    inFlight.open();
    expect(await runA).toMatchObject({ sent: 4, retried: 0, lost: 0 });
    expect([runB.sent, runC.sent]).toEqual([0, 0]);
    for (const email of emails)
      expect(sentTo(receiver, email).map((r) => r.status)).toEqual([503, 202]);
  });
});

describe("GET /v1/admin/outbox and sign-in codes", () => {
  it("with MAILER_KIND=http never shows a code, pending or sent", async () => {
    const failing = await mailApi(() => ({ status: 500 }));
    const pendingEmail = newEmail();
    await requestCode(failing.h, pendingEmail);
    await failing.h.settle();
    const [pending] = await listed(failing.h, pendingEmail);
    const code = JSON.parse(sentTo(failing.receiver, pendingEmail)[0]?.body ?? "{}").subject.slice(
      -6,
    ) as string;
    expect(code).toMatch(/^\d{6}$/);
    expect(pending).toMatchObject({ subject: "Your sign-in code", sentAt: null, html: null });
    expect(pending?.body).toMatch(/^\(hidden/);
    expect(JSON.stringify(pending)).not.toContain(code);

    const working = await mailApi();
    const sentEmail = newEmail();
    await requestCode(working.h, sentEmail);
    await working.h.settle();
    const [sent] = await listed(working.h, sentEmail);
    expect(sent?.sentAt).toEqual(expect.any(String));
    // The code the receiver got (any six digits would also match random ids and emails).
    const sentCode = JSON.parse(sentTo(working.receiver, sentEmail)[0]?.body ?? "{}").subject.slice(
      -6,
    ) as string;
    expect(sentCode).toMatch(/^\d{6}$/);
    expect(sent?.body).toMatch(/^\(hidden/);
    expect(JSON.stringify(sent)).not.toContain(sentCode);
  });

  it("in development (MAILER_KIND=outbox) the outbox is the mailbox and shows the code", async () => {
    const h = harness();
    const email = newEmail();
    await requestCode(h, email);
    await h.settle();
    const [message] = await listed(h, email);
    expect(message?.subject).toMatch(/^Your sign-in code: \d{6}$/);
    expect(message?.body).toContain(message?.subject.slice(-6));
  });
});

describe("booking emails with MAILER_KIND=http", () => {
  it("the customer gets the manage link with its token right away; the outbox never shows or keeps the token", async () => {
    const { receiver, h } = await mailApi();
    const live = await liveFixture(h);
    const email = newEmail();
    const booked = await bookAt(h, live, "10:00", { name: "Mia", email });
    await h.settle();

    const [sent] = sentTo(receiver, email);
    const message = JSON.parse(sent?.body ?? "{}") as {
      text: string;
      html: string;
      attachments: { filename: string; content: string; content_type: string }[];
    };
    expect(message.text).toContain(`token=${encodeURIComponent(booked.manageToken)}`);
    expect(message.html).toContain(`token=${encodeURIComponent(booked.manageToken)}`);
    expect(message.attachments).toEqual([
      {
        filename: "appointment.ics",
        content: expect.any(String),
        content_type: "text/calendar; charset=utf-8",
      },
    ]);
    expect(atob(message.attachments[0]?.content ?? "")).toContain("BEGIN:VEVENT");

    const listing = JSON.stringify(await listed(h, email));
    expect(listing).toContain("token=(");
    expect(listing).not.toContain(booked.manageToken);
    const stored = await withDb(async (conn) => {
      const [rows] = await conn.query(
        "SELECT body, html, attachments FROM outbox_emails WHERE to_email = ?",
        [email],
      );
      return JSON.stringify(rows);
    });
    expect(stored).toContain("token=(sent)");
    expect(stored).not.toContain(booked.manageToken);
  });
});
