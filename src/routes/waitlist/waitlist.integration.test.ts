import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildServices } from "../../compose.ts";
import { runWaitlistPass } from "../../domain/waitlist/cron-pass.ts";
import { expectError } from "../../../test/drivers/api.ts";
import { type Booked, bookAt, harness } from "../../../test/drivers/integrations.ts";
import { createTestService, createTestStaff } from "../../../test/fixtures/catalog-fixtures.ts";
import { type LiveFixture, liveFixture } from "../../../test/fixtures/live-fixtures.ts";
import { withDb } from "../../../test/stack/db-direct.ts";
import { uniqueId } from "../../../test/stack/stack-env.ts";

const redisUp = harness();
/** The isolate the helpers below talk to: Redis up, or (one block) an isolate on the fallback. */
let h = redisUp;
const ip = () => `10.77.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}`;
const send = (method: string, path: string, body?: unknown) => {
  h.clock.advance(1_000); // one email's rows never share a timestamp
  return h.request(path, {
    method,
    headers: { "Content-Type": "application/json", "CF-Connecting-IP": ip() },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
};
const newEmail = () => `${uniqueId("w")}@example.test`;

/** One staff member who works 09:00–10:00 on the test Monday: one 60-minute slot, booked. */
async function fullDay(): Promise<LiveFixture & { booked: Booked }> {
  const { id: serviceId } = await createTestService(h, { durationMin: 60, bufferAfterMin: 0 });
  const { id: staffId } = await createTestStaff(h, {
    serviceIds: [serviceId],
    weekly: { monday: [{ start: "09:00", end: "10:00" }] },
  });
  const base = await liveFixture(h, { durationMin: 60, bufferAfterMin: 0 });
  const live: LiveFixture = {
    ...base,
    serviceId,
    staffId,
    slots: async () => {
      const query = new URLSearchParams({ serviceId, staffId, from: base.date, to: base.date });
      const res = await h.request(`/v1/availability?${query}`);
      expect(res.status).toBe(200);
      return ((await res.json()) as { days: { slots: never[] }[] }).days[0]?.slots ?? [];
    },
    start: async (hhmm) => {
      const slots = (await live.slots()) as { start: string }[];
      const slot = slots.find((s) => s.start.slice(11, 16) === hhmm);
      if (!slot) throw new Error(`no offered slot at ${hhmm}`);
      return slot.start;
    },
  };
  const booked = await bookAt(h, live, "09:00");
  return { ...live, booked };
}

async function latestCode(entryId: string): Promise<string> {
  return withDb(async (conn) => {
    const [rows] = await conn.query(
      "SELECT o.subject FROM outbox_emails o JOIN waitlist_entries e ON e.email = o.to_email WHERE e.id = ? AND o.kind = 'waitlist-code' ORDER BY o.created_at DESC, o.id DESC LIMIT 1",
      [entryId],
    );
    return String((rows as { subject: string }[])[0]?.subject ?? "").slice(-6);
  });
}

interface Joined {
  entry: { id: string; status: string; date: string; from: string | null; to: string | null };
  token: string;
}

async function join(live: LiveFixture, email = newEmail(), extra: Record<string, unknown> = {}) {
  const res = await send("POST", "/v1/waitlist", {
    serviceId: live.serviceId,
    staffId: live.staffId,
    date: live.date,
    email,
    name: "Mia Weber",
    ...extra,
  });
  expect(res.status, await res.clone().text()).toBe(201);
  return (await res.json()) as Joined;
}

async function joinAndConfirm(live: LiveFixture, email = newEmail()) {
  const joined = await join(live, email);
  const res = await send("POST", `/v1/waitlist/${joined.entry.id}/confirm`, {
    code: await latestCode(joined.entry.id),
  });
  expect(res.status, await res.clone().text()).toBe(200);
  expect(((await res.json()) as Joined).entry.status).toBe("waiting");
  return { ...joined, email };
}

describe("joining the waitlist", () => {
  it("joins a full date pending its emailed code, and the code confirms it", async () => {
    const live = await fullDay();
    const joined = await join(live, newEmail(), { from: "08:00", to: "12:00", locale: "de" });
    expect(joined.entry).toMatchObject({
      status: "pending",
      date: live.date,
      from: "08:00",
      to: "12:00",
    });
    expect(joined.token).toMatch(/^[A-Za-z0-9_-]{20,64}$/);
    const code = await latestCode(joined.entry.id);
    expect(code).toMatch(/^\d{6}$/);
    const res = await send("POST", `/v1/waitlist/${joined.entry.id}/confirm`, { code });
    expect(res.status).toBe(200);
    expect(((await res.json()) as Joined).entry.status).toBe("waiting");
    // The code is spent: again is 401, and the entry stays waiting.
    await expectError(
      await send("POST", `/v1/waitlist/${joined.entry.id}/confirm`, { code }),
      401,
      "UNAUTHORIZED",
      "body.code:",
    );
  });

  it("refuses a wrong code (401 naming body.code) and keeps the entry pending", async () => {
    const live = await fullDay();
    const joined = await join(live);
    const right = await latestCode(joined.entry.id);
    const wrong = right === "000000" ? "000001" : "000000";
    await expectError(
      await send("POST", `/v1/waitlist/${joined.entry.id}/confirm`, { code: wrong }),
      401,
      "UNAUTHORIZED",
      "body.code:",
    );
    const status = await withDb(async (conn) => {
      const [rows] = await conn.query("SELECT status FROM waitlist_entries WHERE id = ?", [
        joined.entry.id,
      ]);
      return (rows as { status: string }[])[0]?.status;
    });
    expect(status).toBe("pending");
  });

  it("a waitlist code never signs anyone in", async () => {
    const live = await fullDay();
    const email = newEmail();
    const joined = await join(live, email);
    const res = await send("POST", "/v1/auth/verify", {
      email,
      code: await latestCode(joined.entry.id),
    });
    await expectError(res, 401, "UNAUTHORIZED", "body.code:");
  });

  it("allows at most 3 active entries per email", async () => {
    const live = await fullDay();
    const email = newEmail();
    await joinAndConfirm(live, email);
    await join(live, email);
    await join(live, email);
    const fourth = await send("POST", "/v1/waitlist", {
      serviceId: live.serviceId,
      staffId: null,
      date: live.date,
      email,
      name: "Mia",
    });
    await expectError(fourth, 409, "CONFLICT", "body.email:");
    const count = await withDb(async (conn) => {
      const [rows] = await conn.query(
        "SELECT COUNT(*) AS n FROM waitlist_entries WHERE email = ?",
        [email],
      );
      return Number((rows as { n: number }[])[0]?.n);
    });
    expect(count).toBe(3);
  });

  it("refuses a date that has free time in the window (409 naming body.date)", async () => {
    const live = await liveFixture(h, { durationMin: 30, bufferAfterMin: 0 });
    const res = await send("POST", "/v1/waitlist", {
      serviceId: live.serviceId,
      staffId: live.staffId,
      date: live.date,
      email: newEmail(),
      name: "Mia",
    });
    await expectError(res, 409, "CONFLICT", "body.date:");
  });

  it("accepts a window without free time on a day that has some elsewhere", async () => {
    const live = await fullDay();
    // The only slot is 09:00 (booked); a window of 14:00–16:00 has none free either.
    const joined = await join(live, newEmail(), { from: "14:00", to: "16:00" });
    expect(joined.entry.status).toBe("pending");
  });

  it.each([
    ["a missing service", { serviceId: undefined }, "body.serviceId"],
    ["a malformed date", { date: "2026-13-40" }, "body.date"],
    ["a malformed from", { from: "25:00" }, "body.from"],
    ["to before from", { from: "12:00", to: "09:00" }, "body.to"],
    ["a malformed email", { email: "nope" }, "body.email"],
    ["an empty name", { name: " " }, "body.name"],
    ["an unknown locale", { locale: "xx" }, "body.locale"],
    ["an unknown field", { extra: 1 }, "body"],
  ])("answers 400 naming the field for %s", async (_name, patch, field) => {
    const live = await fullDay();
    const res = await send("POST", "/v1/waitlist", {
      serviceId: live.serviceId,
      staffId: live.staffId,
      date: live.date,
      email: newEmail(),
      name: "Mia",
      ...patch,
    });
    await expectError(res, 400, "BAD_REQUEST", field);
  });

  it("answers 404 for an unknown service or staff member", async () => {
    const live = await fullDay();
    const base = { date: live.date, email: newEmail(), name: "Mia" };
    await expectError(
      await send("POST", "/v1/waitlist", {
        ...base,
        serviceId: "svc_unknown0000",
        staffId: null,
      }),
      404,
      "NOT_FOUND",
      "body.serviceId:",
    );
    await expectError(
      await send("POST", "/v1/waitlist", {
        ...base,
        serviceId: live.serviceId,
        staffId: "stf_unknown0000",
      }),
      404,
      "NOT_FOUND",
      "body.staffId:",
    );
  });
});

describe("leaving the waitlist", () => {
  it("leaves with the entry's token; a wrong token is 404; again is the same 200", async () => {
    const live = await fullDay();
    const joined = await joinAndConfirm(live);
    const wrong = `${joined.token.slice(0, -2)}xx`;
    await expectError(
      await send("DELETE", `/v1/waitlist/${joined.entry.id}?token=${wrong}`),
      404,
      "NOT_FOUND",
      "id:",
    );
    for (let i = 0; i < 2; i++) {
      const res = await send("DELETE", `/v1/waitlist/${joined.entry.id}?token=${joined.token}`);
      expect(res.status).toBe(200);
      expect(((await res.json()) as Joined).entry.status).toBe("left");
    }
  });

  it("answers 400 naming query.token without a token", async () => {
    await expectError(
      await send("DELETE", "/v1/waitlist/wtl_00000000000000000000"),
      400,
      "BAD_REQUEST",
      "query.token",
    );
  });
});

interface OfferLink {
  id: string;
  holdId: string;
  holdToken: string;
  token: string;
}

/** The offer emails to `email`, newest first, with the booking link's parts. */
async function offersTo(email: string): Promise<OfferLink[]> {
  const bodies = await withDb(async (conn) => {
    const [rows] = await conn.query(
      "SELECT body FROM outbox_emails WHERE to_email = ? AND kind = 'waitlist-offer' ORDER BY created_at DESC, id DESC",
      [email],
    );
    return (rows as { body: string }[]).map((r) => r.body);
  });
  return bodies.map((body) => {
    const match =
      /\/waitlist\?id=([^&\s]+)&action=book&hold=([^&\s]+)&htoken=([^&\s]+)&token=([^&\s]+)/.exec(
        body,
      );
    if (!match) throw new Error(`no booking link in ${body}`);
    const [, id = "", holdId = "", holdToken = "", token = ""] = match.map((part) =>
      decodeURIComponent(part),
    );
    return { id, holdId, holdToken, token };
  });
}

async function cancel(booked: Booked): Promise<void> {
  const res = await h.request(`/v1/appointments/${booked.appointment.id}/cancel`, {
    method: "POST",
    headers: { "X-Manage-Token": booked.manageToken },
  });
  expect(res.status, await res.clone().text()).toBe(200);
}

async function slotState(live: LiveFixture & { booked: Booked }): Promise<string | undefined> {
  const slots = (await live.slots()) as { start: string; state: string }[];
  return slots.find((s) => s.start === live.booked.appointment.start)?.state;
}

describe("an offer when a booking is cancelled", () => {
  it("holds the time for the first person waiting, who books it with the link; nobody else ever sees it free", async () => {
    const live = await fullDay();
    const first = await joinAndConfirm(live);
    const second = await joinAndConfirm(live);
    const third = await joinAndConfirm(live);
    expect(await slotState(live)).toBe("booked");

    await cancel(live.booked);

    const [offer, ...more] = await offersTo(first.email);
    expect(more).toEqual([]);
    expect(offer?.id).toBe(first.entry.id);
    expect(await offersTo(second.email)).toEqual([]);
    expect(await offersTo(third.email)).toEqual([]);
    // The hold lasts the offer's TTL (900 s by default), not the ordinary hold TTL.
    const lifeMs = await withDb(async (conn) => {
      const [rows] = await conn.query(
        "SELECT TIMESTAMPDIFF(MICROSECOND, created_at, expires_at) / 1000 AS ms FROM waitlist_offers WHERE entry_id = ?",
        [first.entry.id],
      );
      return Number((rows as { ms: string }[])[0]?.ms);
    });
    expect(lifeMs).toBe(900_000);

    // Someone else: availability shows the time held, and a hold is refused.
    expect(await slotState(live)).toBe("held");
    const attempt = await live.post("/v1/holds", {
      clientId: uniqueId("client_"),
      serviceId: live.serviceId,
      staffId: live.staffId,
      start: live.booked.appointment.start,
    });
    await expectError(attempt, 409, "SLOT_HELD");

    const book = () =>
      send("POST", `/v1/waitlist/${first.entry.id}/book`, {
        token: offer?.token,
        holdId: offer?.holdId,
        holdToken: offer?.holdToken,
      });
    const res = await book();
    expect(res.status, await res.clone().text()).toBe(201);
    const booking = (await res.json()) as {
      appointment: { start: string; customer: { email: string } };
    };
    expect(booking.appointment.start).toBe(live.booked.appointment.start);
    expect(booking.appointment.customer.email).toBe(first.email);
    // A second click answers the same booking.
    const again = await book();
    expect(again.status).toBe(201);
    expect(await slotState(live)).toBe("booked");
    const statuses = await withDb(async (conn) => {
      const [rows] = await conn.query(
        "SELECT id, status FROM waitlist_entries WHERE id IN (?, ?) ORDER BY id",
        [first.entry.id, second.entry.id],
      );
      return Object.fromEntries(
        (rows as { id: string; status: string }[]).map((r) => [r.id, r.status]),
      );
    });
    expect(statuses).toEqual({ [first.entry.id]: "booked", [second.entry.id]: "waiting" });
  });

  it("refuses the link without the entry's token, or with another entry's", async () => {
    const live = await fullDay();
    const first = await joinAndConfirm(live);
    const second = await joinAndConfirm(live);
    await cancel(live.booked);
    const [offer] = await offersTo(first.email);
    const res = await send("POST", `/v1/waitlist/${second.entry.id}/book`, {
      token: second.token,
      holdId: offer?.holdId,
      holdToken: offer?.holdToken,
    });
    await expectError(res, 404, "NOT_FOUND", "body.holdId:");
    const wrongToken = await send("POST", `/v1/waitlist/${first.entry.id}/book`, {
      token: second.token,
      holdId: offer?.holdId,
      holdToken: offer?.holdToken,
    });
    await expectError(wrongToken, 404, "NOT_FOUND", "id:");
  });

  it("an admin cancel offers the time too", async () => {
    const live = await fullDay();
    const first = await joinAndConfirm(live);
    const res = await h.admin(
      "POST",
      `/v1/admin/appointments/${live.booked.appointment.id}/cancel`,
    );
    expect(res.status, await res.clone().text()).toBe(200);
    expect((await offersTo(first.email)).length).toBe(1);
    expect(await slotState(live)).toBe("held");
  });

  it("a reschedule away offers the old time the same way", async () => {
    const live = await fullDay();
    const first = await joinAndConfirm(live);
    const second = await joinAndConfirm(live);
    // An admin move to 14:00 (outside the working hours: an admin override) frees 09:00.
    const start = live.booked.appointment.start.replace("T09:00", "T14:00");
    const res = await h.admin(
      "POST",
      `/v1/admin/appointments/${live.booked.appointment.id}/reschedule`,
      { start },
    );
    expect(res.status, await res.clone().text()).toBe(200);
    expect((await offersTo(first.email)).length).toBe(1);
    expect((await offersTo(second.email)).length).toBe(0);
    expect(await slotState(live)).toBe("held");
  });

  it("a cancel with nobody waiting leaves the time free", async () => {
    const live = await fullDay();
    await cancel(live.booked);
    expect(await slotState(live)).toBe("available");
  });
});

describe("lapsed offers and expiry (the cron pass)", () => {
  const OFFER_TTL_MS = 900_000;

  it("an offer nobody booked goes to the next person at the cron run after its hold lapsed", async () => {
    const live = await fullDay();
    const first = await joinAndConfirm(live);
    const second = await joinAndConfirm(live);
    await cancel(live.booked);
    expect((await offersTo(first.email)).length).toBe(1);
    // Before the lapse, a cron run changes nothing.
    // (The pass sees every test's entries in the shared database: only this test's count here.)
    const mine = (offers: { entryId: string }[]) =>
      offers.filter((o) => o.entryId === first.entry.id || o.entryId === second.entry.id);
    expect(mine((await runWaitlistPass(h.services.ctx)).offers)).toEqual([]);
    h.clock.advance(OFFER_TTL_MS + 1_000);
    // Until the next run anyone may take the time.
    expect(await slotState(live)).toBe("available");
    expect(mine((await runWaitlistPass(h.services.ctx)).offers)).toEqual([
      { entryId: second.entry.id, holdId: expect.any(String) },
    ]);
    expect((await offersTo(first.email)).length).toBe(1);
    const [offer] = await offersTo(second.email);
    expect(offer?.id).toBe(second.entry.id);
    expect(await slotState(live)).toBe("held");
    // The first person's lapsed link books nothing while the second holds the time.
    const [lapsed] = await offersTo(first.email);
    const late = await send("POST", `/v1/waitlist/${first.entry.id}/book`, {
      token: lapsed?.token,
      holdId: lapsed?.holdId,
      holdToken: lapsed?.holdToken,
    });
    expect([409, 410]).toContain(late.status);
    const res = await send("POST", `/v1/waitlist/${second.entry.id}/book`, {
      token: offer?.token,
      holdId: offer?.holdId,
      holdToken: offer?.holdToken,
    });
    expect(res.status, await res.clone().text()).toBe(201);
  });

  it("two cron runs at once (two isolates) make exactly one offer", async () => {
    const live = await fullDay();
    const first = await joinAndConfirm(live);
    const second = await joinAndConfirm(live);
    const third = await joinAndConfirm(live);
    await cancel(live.booked);
    h.clock.advance(OFFER_TTL_MS + 1_000);
    const other = buildServices(h.bindings, h.clock);
    const runs = await Promise.all([
      runWaitlistPass(h.services.ctx),
      runWaitlistPass(other.ctx),
      runWaitlistPass(h.services.ctx),
    ]);
    const ids = [first.entry.id, second.entry.id, third.entry.id];
    expect(runs.flatMap((run) => run.offers).filter((o) => ids.includes(o.entryId))).toEqual([
      { entryId: second.entry.id, holdId: expect.any(String) },
    ]);
    expect((await offersTo(first.email)).length).toBe(1);
    expect((await offersTo(second.email)).length).toBe(1);
    expect((await offersTo(third.email)).length).toBe(0);
    const offered = await withDb(async (conn) => {
      const [rows] = await conn.query(
        "SELECT COUNT(*) AS n FROM waitlist_offers WHERE entry_id IN (?, ?, ?) AND state = 'offered'",
        [first.entry.id, second.entry.id, third.entry.id],
      );
      return Number((rows as { n: number }[])[0]?.n);
    });
    expect(offered).toBe(2);
  });

  it("entries expire at the end of their date and stop counting against the email", async () => {
    const live = await fullDay();
    const email = newEmail();
    const waiting = await joinAndConfirm(live, email);
    await join(live, email);
    await join(live, email);
    const expiresAtMs = await withDb(async (conn) => {
      const [rows] = await conn.query(
        "SELECT DATE_FORMAT(expires_at, '%Y-%m-%dT%H:%i:%sZ') AS expires_at FROM waitlist_entries WHERE id = ?",
        [waiting.entry.id],
      );
      return Date.parse(String((rows as { expires_at: string }[])[0]?.expires_at));
    });
    // The end of the Monday in Berlin (the test business's zone).
    expect(new Date(expiresAtMs).toISOString()).toBe(
      new Date(Date.parse(`${live.date}T00:00:00+01:00`) + 86_400_000).toISOString(),
    );
    h.clock.current = expiresAtMs;
    expect((await runWaitlistPass(h.services.ctx)).expired).toBeGreaterThanOrEqual(3);
    const statuses = await withDb(async (conn) => {
      const [rows] = await conn.query("SELECT status FROM waitlist_entries WHERE email = ?", [
        email,
      ]);
      return (rows as { status: string }[]).map((r) => r.status);
    });
    expect(statuses).toEqual(["expired", "expired", "expired"]);
    const leave = await send("DELETE", `/v1/waitlist/${waiting.entry.id}?token=${waiting.token}`);
    await expectError(leave, 409, "CONFLICT", "id: the entry is expired");
  });
});

describe("with Redis down (the MySQL fallback store)", () => {
  beforeAll(() => {
    // Refused at once, and the cool-down outlasts the block: every live call goes to MySQL.
    h = harness({ UPSTASH_REDIS_REST_URL: "http://127.0.0.1:9", REDIS_COOLDOWN_MS: "600000" });
  });
  afterAll(() => {
    h = redisUp;
  });

  it("a cancel offers the time to the first person waiting; nobody else can hold it; the link books it", async () => {
    const live = await fullDay();
    const first = await joinAndConfirm(live);
    const second = await joinAndConfirm(live);
    await cancel(live.booked);
    const [offer] = await offersTo(first.email);
    expect(offer?.id).toBe(first.entry.id);
    expect(await offersTo(second.email)).toEqual([]);
    expect(await slotState(live)).toBe("held");
    const attempt = await live.post("/v1/holds", {
      clientId: uniqueId("client_"),
      serviceId: live.serviceId,
      staffId: live.staffId,
      start: live.booked.appointment.start,
    });
    await expectError(attempt, 409, "SLOT_HELD");
    const res = await send("POST", `/v1/waitlist/${first.entry.id}/book`, {
      token: offer?.token,
      holdId: offer?.holdId,
      holdToken: offer?.holdToken,
    });
    expect(res.status, await res.clone().text()).toBe(201);
  });
});

describe("an offer across a failover (two isolates of one deployment, one without Redis)", () => {
  afterAll(() => {
    h = redisUp;
  });

  it("a cancel on the fallback soon after a booking through Redis offers the time at once; the isolate on Redis cannot give it away, before or after the failback sync; it books once and no second offer is made", async () => {
    // A deployment of its own, on a fresh clock: earlier tests moved redisUp's past the date.
    const up = harness();
    const down = harness({
      UPSTASH_REDIS_REST_URL: "http://127.0.0.1:9",
      REDIS_COOLDOWN_MS: "600000",
      REDIS_KEY_PREFIX: String(up.bindings.REDIS_KEY_PREFIX),
    });
    down.clock.current = up.clock.current;
    h = up;
    const live = await fullDay();
    const first = await joinAndConfirm(live);
    const second = await joinAndConfirm(live);
    const someoneElse = () =>
      live.post("/v1/holds", {
        clientId: uniqueId("client_"),
        serviceId: live.serviceId,
        staffId: live.staffId,
        start: live.booked.appointment.start,
      });
    const cronPasses = () =>
      Promise.all([runWaitlistPass(up.services.ctx), runWaitlistPass(down.services.ctx)]);

    // The cancel reaches the isolate that lost Redis: the offer's hold is made in the fallback.
    h = down;
    await cancel(live.booked);
    const [offer, ...more] = await offersTo(first.email);
    expect(more).toEqual([]);
    expect(offer?.id).toBe(first.entry.id);

    // The isolate on Redis cannot hand the time to anyone else (the booking store arbitrates),
    // and cron passes in both isolates at once offer it to nobody else.
    h = up;
    expect((await someoneElse()).status).toBe(409);
    await cronPasses();
    expect(await offersTo(second.email)).toEqual([]);

    // The failback sync runs; whatever it copies, the time still has one holder.
    const sync = await up.admin("POST", "/v1/admin/sync");
    expect(sync.status, await sync.clone().text()).toBe(200);
    const after = await someoneElse();
    expect(after.status, await after.clone().text()).toBe(409);

    // The link books it, once (through the isolate that made the offer).
    h = down;
    const res = await send("POST", `/v1/waitlist/${first.entry.id}/book`, {
      token: offer?.token,
      holdId: offer?.holdId,
      holdToken: offer?.holdToken,
    });
    expect(res.status, await res.clone().text()).toBe(201);
    const booking = (await res.json()) as { appointment: { start: string } };
    expect(booking.appointment.start).toBe(live.booked.appointment.start);
    await cronPasses();
    expect(await offersTo(second.email)).toEqual([]);
    expect(await offersTo(first.email)).toHaveLength(1);
  });
});
