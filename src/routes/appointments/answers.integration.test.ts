/**
 * Intake answers on the real stack: a booking's `answers` are checked against the service's
 * questions inside the booking transaction, stored with each question as it was asked, and shown
 * by the admin API, webhooks and the customer's own read, never by emails or the staff feed.
 */
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectError } from "../../../test/drivers/api.ts";
import { harness, type Receiver, startReceiver } from "../../../test/drivers/integrations.ts";
import {
  hostileKey,
  hostileNumber,
  hostileShape,
  hostileString,
} from "../../../test/hostile/hostile-values.ts";
import { countRoundTrips } from "../../../test/drivers/round-trips.ts";
import {
  type LiveFixture,
  liveFixture,
  newClientId,
} from "../../../test/fixtures/live-fixtures.ts";
import { withDb } from "../../../test/stack/db-direct.ts";
import { uniqueId } from "../../../test/stack/stack-env.ts";

const h = harness();
let live: LiveFixture;
let plain: LiveFixture;
let receiver: Receiver;
let webhookId = "";

const SECRET_ALLERGY = "Allergic to peanuts (private)";
const QUESTIONS = [
  {
    id: "allergies",
    kind: "textarea",
    label: { en: "Any allergies?", de: "Allergien?" },
    required: true,
    maxLength: 300,
  },
  {
    id: "length",
    kind: "choice",
    label: { en: "Hair length" },
    required: false,
    options: [
      { value: "short", label: { en: "Short" } },
      { value: "long", label: { en: "Long", de: "Lang" } },
    ],
  },
  { id: "consent", kind: "boolean", label: { en: "I agree to the terms" }, required: true },
  { id: "age", kind: "number", label: { en: "Age" }, required: false, min: 0, max: 120 },
];
const GOOD = { allergies: SECRET_ALLERGY, length: "long", consent: true, age: 34 };
const STORED = [
  { id: "allergies", kind: "textarea", label: QUESTIONS[0]?.label, value: SECRET_ALLERGY },
  {
    id: "length",
    kind: "choice",
    label: { en: "Hair length" },
    value: "long",
    options: [{ value: "long", label: { en: "Long", de: "Lang" } }],
  },
  { id: "consent", kind: "boolean", label: { en: "I agree to the terms" }, value: true },
  { id: "age", kind: "number", label: { en: "Age" }, value: 34 },
];

type Hold = { holdId: string; holdToken: string };
type Booked = {
  appointment: { id: string; answers: unknown[] };
  manageToken: string;
};

async function hold(target: LiveFixture, hhmm: string): Promise<Hold> {
  const res = await target.post("/v1/holds", {
    clientId: newClientId(),
    serviceId: target.serviceId,
    staffId: target.staffId,
    start: await target.start(hhmm),
  });
  expect(res.status, await res.clone().text()).toBe(201);
  const { holdId, holdToken } = (await res.json()) as Hold;
  return { holdId, holdToken };
}

function book(held: Hold, answers: unknown, key = uniqueId("idem-"), email = "mia@example.test") {
  return h.request("/v1/appointments", {
    method: "POST",
    headers: { "Content-Type": "application/json", "Idempotency-Key": key },
    body: JSON.stringify({
      ...held,
      customer: { name: "Mia Weber", email },
      ...(answers === undefined ? {} : { answers }),
    }),
  });
}

async function rowsOf(staffId: string): Promise<{ n: number; answers: string | null }[]> {
  return withDb(async (conn) => {
    const [rows] = await conn.query(
      "SELECT COUNT(*) AS n, MAX(answers) AS answers FROM appointments WHERE staff_id = ?",
      [staffId],
    );
    return (rows as { n: number; answers: string | null }[]).map((r) => ({
      n: Number(r.n),
      answers: r.answers,
    }));
  });
}

beforeAll(async () => {
  live = await liveFixture(h, { durationMin: 30, bufferAfterMin: 0, questions: QUESTIONS });
  plain = await liveFixture(h, { durationMin: 30, bufferAfterMin: 0 });
  receiver = await startReceiver();
  const res = await h.admin("POST", "/v1/admin/webhooks", {
    url: receiver.url,
    events: ["appointment.created"],
  });
  expect(res.status).toBe(201);
  webhookId = ((await res.json()) as { webhook: { id: string } }).webhook.id;
});

afterAll(async () => {
  await h.admin("DELETE", `/v1/admin/webhooks/${webhookId}`);
  await receiver.close();
});

describe("intake answers at booking", () => {
  it("books with answers in the same statements as a booking without, and stores each with its question as asked", async () => {
    // The booking's statements, BEGIN to COMMIT: the first delivery attempt of the outbox
    // (handed to waitUntil) may start before the answer reaches the test.
    const transaction = async (run: () => Promise<Response>) => {
      await h.settle();
      const { result, sqlStatements } = await countRoundTrips(run);
      expect(result.status, await result.clone().text()).toBe(201);
      expect(sqlStatements[0]).toBe("BEGIN");
      return { result, statements: sqlStatements.slice(0, sqlStatements.indexOf("COMMIT") + 1) };
    };
    const plainHold = await hold(plain, "09:00");
    const baseline = await transaction(() => book(plainHold, undefined));
    const held = await hold(live, "09:00");
    const { result, statements } = await transaction(() => book(held, GOOD));
    const booked = (await result.json()) as Booked;
    expect(booked.appointment.answers).toEqual(STORED);
    // The answers ride on the booking's own catalog read and INSERT: no statement of their own.
    expect(statements.length).toBe(baseline.statements.length);
    expect(statements.length).toBe(9);
  });

  it.each([
    [
      "a missing required answer",
      { ...GOOD, allergies: undefined },
      "body.answers.allergies: required",
    ],
    [
      "a blank required text",
      { ...GOOD, allergies: "   " },
      "body.answers.allergies: required: must not be empty",
    ],
    [
      "an unknown question id",
      { ...GOOD, colour: "red" },
      "body.answers.colour: not a question of this service",
    ],
    [
      "an option that is not offered",
      { ...GOOD, length: "bald" },
      "body.answers.length: must be one of: short, long",
    ],
    [
      "a consent not given",
      { ...GOOD, consent: false },
      "body.answers.consent: required: must be true",
    ],
    ["a number out of range", { ...GOOD, age: 121 }, "body.answers.age: must be at most 120"],
    ["a string for a number", { ...GOOD, age: "34" }, "body.answers.age: must be a number"],
    [
      "too long a text",
      { ...GOOD, allergies: "x".repeat(301) },
      "body.answers.allergies: at most 300 characters",
    ],
    ["no answers at all", undefined, "body.answers.allergies: required"],
    ["answers that are not an object", ["peanuts"], "body.answers:"],
    ["a bad question id", { "Not A Slug": "x" }, "body.answers.Not A Slug:"],
  ])(
    "refuses %s with 400 naming the field, writes nothing, and the hold still books",
    async (_label, answers, message) => {
      const target = await liveFixture(h, {
        durationMin: 30,
        bufferAfterMin: 0,
        questions: QUESTIONS,
      });
      const held = await hold(target, "10:00");
      const key = uniqueId("idem-");
      await expectError(await book(held, answers, key), 400, "BAD_REQUEST", message);
      expect(await rowsOf(target.staffId)).toEqual([{ n: 0, answers: null }]);
      // Nothing was written and the hold was given back: the corrected request books it.
      const fixed = await book(held, GOOD, key);
      expect(fixed.status, await fixed.clone().text()).toBe(201);
      expect((await rowsOf(target.staffId))[0]?.n).toBe(1);
    },
  );

  it("shows the answers to the admin API, the customer's own read and the webhook; never to emails or the staff feed", async () => {
    const email = `${uniqueId("c")}@example.test`;
    const res = await book(await hold(live, "11:00"), GOOD, uniqueId("idem-"), email);
    expect(res.status).toBe(201);
    const booked = (await res.json()) as Booked;
    const id = booked.appointment.id;
    await h.settle();

    const adminGet = await h.admin("GET", `/v1/admin/appointments/${id}`);
    expect(((await adminGet.json()) as { answers: unknown }).answers).toEqual(STORED);
    const list = await h.admin("GET", `/v1/admin/appointments?staffId=${live.staffId}`);
    const page = (await list.json()) as { appointments: { id: string; answers: unknown }[] };
    expect(page.appointments.find((a) => a.id === id)?.answers).toEqual(STORED);
    const own = await h.request(`/v1/appointments/${id}`, {
      headers: { "X-Manage-Token": booked.manageToken },
    });
    expect(
      ((await own.json()) as { appointment: { answers: unknown } }).appointment.answers,
    ).toEqual(STORED);

    const delivery = receiver.received.find((r) => r.body.includes(id));
    if (!delivery) throw new Error("no webhook delivery for the booking");
    expect(JSON.parse(delivery.body).data.appointment.answers).toEqual(STORED);

    const emails = await h.admin("GET", `/v1/admin/outbox?to=${encodeURIComponent(email)}`);
    const outbox = (await emails.json()) as { emails: unknown[] };
    expect(outbox.emails).toHaveLength(1);
    const mail = JSON.stringify(outbox.emails);
    expect(mail).toContain(id);
    expect(mail).not.toContain("peanuts");
    expect(mail).not.toContain("Any allergies?");

    const key = await h.admin("POST", `/v1/admin/staff/${live.staffId}/calendar-key`);
    const { url } = (await key.json()) as { url: string };
    const feed = await (await h.request(new URL(url).pathname + new URL(url).search)).text();
    expect(feed).toContain(id);
    expect(feed).not.toContain("peanuts");
    expect(feed).not.toContain("allergies");
  });

  it("keeps the answers as asked after the question is edited or deleted, and a replay still answers the first booking", async () => {
    const target = await liveFixture(h, {
      durationMin: 30,
      bufferAfterMin: 0,
      questions: QUESTIONS,
    });
    const held = await hold(target, "13:00");
    const key = uniqueId("idem-");
    const first = await book(held, GOOD, key);
    expect(first.status).toBe(201);
    const firstBody = (await first.json()) as Booked;

    // Relabel one question, delete another, and add a new required one the old answers lack.
    const patch = await h.admin("PATCH", `/v1/admin/services/${target.serviceId}`, {
      questions: [
        { ...QUESTIONS[0], label: { en: "Allergies or intolerances?" } },
        { id: "consent", kind: "boolean", label: { en: "New terms" }, required: true },
        { id: "pet", kind: "text", label: { en: "Pet's name" }, required: true },
      ],
    });
    expect(patch.status, await patch.clone().text()).toBe(200);

    const read = await h.admin("GET", `/v1/admin/appointments/${firstBody.appointment.id}`);
    expect(((await read.json()) as { answers: unknown }).answers).toEqual(STORED);
    // The same key and body again: the first 201, although the answers no longer fit.
    const replay = await book(held, GOOD, key);
    expect(replay.status).toBe(201);
    expect(await replay.json()).toEqual(firstBody);
    // A new booking is checked against the questions as they are now.
    await expectError(
      await book(await hold(target, "14:00"), GOOD),
      400,
      "BAD_REQUEST",
      "body.answers.pet: required",
    );
  });

  it("hostile answers get a 201 or a 400 naming body.answers, never a 5xx, and a 400 writes nothing", async () => {
    const target = await liveFixture(h, {
      durationMin: 30,
      bufferAfterMin: 0,
      questions: QUESTIONS,
    });
    // Every half hour (30-minute appointments): each booking leaves the next start free.
    const starts = (await target.slots())
      .map((s) => s.start.slice(11, 16))
      .filter((hhmm) => hhmm.endsWith(":00") || hhmm.endsWith(":30"));
    let held = await hold(target, starts.shift() ?? "");
    const booked = new Set<string>();
    const value = fc.oneof(
      hostileString,
      hostileNumber,
      hostileShape,
      fc.boolean(),
      fc.array(fc.oneof(hostileString, fc.constantFrom("short", "long")), { maxLength: 4 }),
      fc.constantFrom("short", "long", SECRET_ALLERGY, true, 34),
    );
    const key = fc.oneof(fc.constantFrom(...QUESTIONS.map((q) => q.id)), hostileKey);
    const answers = fc.oneof(
      fc.dictionary(key, value, { maxKeys: 6 }),
      // Valid answers with one field broken, so the check is reached past the first question.
      fc
        .record({ field: key, broken: value })
        .map(({ field, broken }) => ({ ...GOOD, [field]: broken })),
      hostileShape,
    );
    await fc.assert(
      fc.asyncProperty(answers, async (given) => {
        const res = await book(held, given);
        const text = await res.text();
        expect(res.status, text).toBeLessThan(500);
        if (res.status === 201) {
          booked.add(JSON.parse(text).appointment.id);
          // A hold books once: the next 201 must come from a new hold.
          held = await hold(target, starts.shift() ?? "");
        } else {
          expect(res.status, text).toBe(400);
          expect(JSON.parse(text).error.message, text).toMatch(/^body(\.answers|:)/);
        }
        expect((await rowsOf(target.staffId))[0]?.n).toBe(booked.size);
      }),
      { numRuns: 60, seed: 20_261_207 },
    );
  });

  it("a reschedule keeps the answers as they were asked", async () => {
    const booked = (await (await book(await hold(live, "15:00"), GOOD)).json()) as Booked;
    const moved = await h.admin(
      "POST",
      `/v1/admin/appointments/${booked.appointment.id}/reschedule`,
      {
        start: await live.start("16:00"),
      },
    );
    expect(moved.status, await moved.clone().text()).toBe(200);
    expect(
      ((await moved.json()) as { appointment: { answers: unknown } }).appointment.answers,
    ).toEqual(STORED);
  });

  it("the answers change the Idempotency-Key's body: other answers with the same key are 409", async () => {
    const held = await hold(live, "10:00");
    const key = uniqueId("idem-");
    expect((await book(held, GOOD, key)).status).toBe(201);
    await expectError(
      await book(held, { ...GOOD, age: 35 }, key),
      409,
      "IDEMPOTENCY_CONFLICT",
      "header.idempotency-key:",
    );
  });
});
