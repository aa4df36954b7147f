/**
 * The customer's language on the real stack: a booking's `locale` (or else its Accept-Language)
 * is stored with the appointment and writes its confirmation, reschedule and cancellation emails
 * in the outbox; the sign-in code email follows the code request's. An unsupported `locale` is a
 * 400 naming the field, and nothing is booked or sent.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { expectError } from "../../../test/drivers/api.ts";
import { type Harness, harness, rescheduleTo } from "../../../test/drivers/integrations.ts";
import {
  type LiveFixture,
  liveFixture,
  newClientId,
} from "../../../test/fixtures/live-fixtures.ts";
import { insertAppointment, withDb } from "../../../test/stack/db-direct.ts";
import { uniqueId } from "../../../test/stack/stack-env.ts";

let h: Harness;
let live: LiveFixture;

beforeAll(async () => {
  h = harness();
  live = await liveFixture(h);
});

interface Stored {
  subject: string;
  body: string;
  html: string;
  kind: string;
}

/** The outbox rows written to one address, oldest first. */
function outbox(email: string): Promise<Stored[]> {
  return withDb(async (conn) => {
    const [rows] = await conn.query(
      "SELECT subject, body, html, kind FROM outbox_emails WHERE to_email = ? ORDER BY created_at, id",
      [email],
    );
    return rows as Stored[];
  });
}

function storedLocale(id: string): Promise<string | null> {
  return withDb(async (conn) => {
    const [rows] = await conn.query("SELECT locale FROM appointments WHERE id = ?", [id]);
    return (rows as { locale: string | null }[])[0]?.locale ?? null;
  });
}

async function holdAt(hhmm: string) {
  const start = await live.start(hhmm);
  const res = await live.post("/v1/holds", {
    clientId: newClientId(),
    serviceId: live.serviceId,
    staffId: live.staffId,
    start,
  });
  expect(res.status, await res.clone().text()).toBe(201);
  const { holdId, holdToken } = (await res.json()) as { holdId: string; holdToken: string };
  return { holdId, holdToken };
}

function book(
  held: { holdId: string; holdToken: string },
  email: string,
  extra: { locale?: string; headers?: Record<string, string> } = {},
) {
  return h.request("/v1/appointments", {
    method: "POST",
    headers: {
      "Content-Type": "application/json",
      "Idempotency-Key": uniqueId("idem-"),
      ...extra.headers,
    },
    body: JSON.stringify({
      ...held,
      customer: { name: "Jörg <Test>", email },
      ...(extra.locale === undefined ? {} : { locale: extra.locale }),
    }),
  });
}

type Booked = {
  appointment: { id: string; start: string; locale: string };
  manageToken: string;
};

/** "Montag, 7. Dezember 2026": the appointment's local date, in German words. */
const germanDate = (start: string) =>
  new Intl.DateTimeFormat("de-DE", {
    timeZone: "UTC",
    weekday: "long",
    day: "numeric",
    month: "long",
    year: "numeric",
  }).format(new Date(`${start.slice(0, 10)}T12:00:00Z`));

const newEmail = () => `${uniqueId("loc")}@example.test`;

describe("the booking's language", () => {
  it('`locale: "de"` in the body: the appointment keeps de and its confirmation is German', async () => {
    const email = newEmail();
    const res = await book(await holdAt("09:00"), email, { locale: "de" });
    expect(res.status, await res.clone().text()).toBe(201);
    const booked = (await res.json()) as Booked;
    expect(booked.appointment.locale).toBe("de");
    expect(await storedLocale(booked.appointment.id)).toBe("de");
    await h.settle();
    const [confirmation, ...more] = await outbox(email);
    expect(more).toEqual([]);
    expect(confirmation?.kind).toBe("confirmation");
    expect(confirmation?.subject).toMatch(/^Buchung bestätigt: .+ bei .+$/);
    expect(confirmation?.body.split("\n")[0]).toBe("Ihre Buchung ist bestätigt");
    expect(confirmation?.body).toContain("Hallo Jörg <Test>,");
    expect(confirmation?.body).toContain(`Datum: ${germanDate(booked.appointment.start)}`);
    expect(confirmation?.body).toContain("Uhrzeit: 09:00–");
    expect(confirmation?.html).toContain('<html lang="de"');
    expect(confirmation?.html).toContain("Hallo Jörg &lt;Test&gt;,");
    expect(confirmation?.html).toContain(">Zum Kalender hinzufügen</a>");
  });

  it("Accept-Language: de-DE and no body locale: German", async () => {
    const email = newEmail();
    const res = await book(await holdAt("09:30"), email, {
      headers: { "Accept-Language": "de-DE,de;q=0.9,en;q=0.8" },
    });
    expect(res.status, await res.clone().text()).toBe(201);
    expect(((await res.json()) as Booked).appointment.locale).toBe("de");
    await h.settle();
    const [confirmation] = await outbox(email);
    expect(confirmation?.subject).toMatch(/^Buchung bestätigt: /);
    expect(confirmation?.html).toContain('<html lang="de"');
  });

  it("the body's locale wins over Accept-Language", async () => {
    const email = newEmail();
    const res = await book(await holdAt("10:00"), email, {
      locale: "fr",
      headers: { "Accept-Language": "de" },
    });
    expect(res.status).toBe(201);
    await h.settle();
    expect((await outbox(email))[0]?.subject).toMatch(/^Réservation confirmée\u00a0: /);
  });

  it("neither: the business default (en), stored as such", async () => {
    const email = newEmail();
    const res = await book(await holdAt("10:30"), email, {
      headers: { "Accept-Language": "pt-BR, ja;q=0.5" },
    });
    expect(res.status).toBe(201);
    const booked = (await res.json()) as Booked;
    expect(booked.appointment.locale).toBe("en");
    expect(await storedLocale(booked.appointment.id)).toBe("en");
    await h.settle();
    expect((await outbox(email))[0]?.subject).toMatch(/^Booking confirmed: /);
  });

  it("an unsupported locale is a 400 naming the field: nothing booked, nothing sent", async () => {
    const email = newEmail();
    const res = await book(await holdAt("11:00"), email, { locale: "it" });
    await expectError(res, 400, "BAD_REQUEST", "body.locale");
    await h.settle();
    expect(await outbox(email)).toEqual([]);
  });

  it("a reschedule and a cancel keep the customer's language", async () => {
    const email = newEmail();
    const res = await book(await holdAt("11:30"), email, { locale: "es" });
    const booked = (await res.json()) as Booked;
    const moved = await rescheduleTo(
      h,
      live,
      { id: booked.appointment.id, manageToken: booked.manageToken },
      "14:00",
    );
    const cancel = await h.request(`/v1/appointments/${moved.id}/cancel`, {
      method: "POST",
      headers: { "X-Manage-Token": booked.manageToken },
    });
    expect(cancel.status, await cancel.clone().text()).toBe(200);
    await h.settle();
    expect(await storedLocale(moved.id)).toBe("es");
    // The harness's clock stands still: the three rows share a timestamp, so sort by kind.
    const sent = (await outbox(email)).map((e) => [e.kind, e.subject.split(":")[0]]).sort();
    expect(sent).toEqual([
      ["cancellation", "Cita cancelada"],
      ["confirmation", "Reserva confirmada"],
      ["reschedule", "Cita cambiada"],
    ]);
  });
});

describe("appointments booked before the language was stored", () => {
  it("read as the business's defaultLocale (en here)", async () => {
    const startMs = Date.parse(await live.start("15:00"));
    const id = await insertAppointment({
      staffId: live.staffId,
      serviceId: live.serviceId,
      startMs,
      endMs: startMs + 30 * 60_000,
    });
    expect(await storedLocale(id)).toBeNull();
    const res = await h.admin("POST", `/v1/admin/appointments/${id}/cancel`);
    expect(res.status, await res.clone().text()).toBe(200);
    expect(((await res.json()) as { locale: string }).locale).toBe("en");
  });
});

describe("the sign-in code's language", () => {
  let ip = 0;
  const requestCode = (body: Record<string, unknown>, headers: Record<string, string> = {}) =>
    h.request("/v1/auth/otp", {
      method: "POST",
      headers: {
        "Content-Type": "application/json",
        "CF-Connecting-IP": `10.88.0.${++ip}`,
        ...headers,
      },
      body: JSON.stringify(body),
    });

  it('`locale: "fr"`: the code email is French, the code in its subject', async () => {
    const email = newEmail();
    expect((await requestCode({ email, locale: "fr" })).status).toBe(202);
    await h.settle();
    const [message] = await outbox(email);
    expect(message?.subject).toMatch(/^Votre code de connexion\u00a0: \d{6}$/);
    expect(message?.body).toContain("Il fonctionne une seule fois, pendant 10 minutes.");
    expect(message?.body).toContain(message?.subject.slice(-6));
    expect(message?.html).toContain('<html lang="fr"');
  });

  it("Accept-Language: es-MX without a body locale: Spanish", async () => {
    const email = newEmail();
    expect((await requestCode({ email }, { "Accept-Language": "es-MX" })).status).toBe(202);
    await h.settle();
    expect((await outbox(email))[0]?.subject).toMatch(/^Tu código de acceso: \d{6}$/);
  });

  it("an unsupported locale is a 400 naming the field, and no code is sent", async () => {
    const email = newEmail();
    await expectError(
      await requestCode({ email, locale: "de-DE" }),
      400,
      "BAD_REQUEST",
      "body.locale",
    );
    await h.settle();
    expect(await outbox(email)).toEqual([]);
  });
});
