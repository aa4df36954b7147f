/**
 * The real ids the hostile-input suite's baselines use, so that a 2xx is possible on every route:
 * a service and staff member with offered slots, throwaway ones for the DELETE routes, holds, two
 * bookings, a closure far in the future and two signed-in sessions. Every row it writes carries
 * the run's marker, like the rows the suite's requests write.
 */
import { createTestAccount, signInAccount } from "../fixtures/account-fixtures.ts";
import { expect } from "vitest";
import type { Api } from "../drivers/api.ts";
import { createTestService, createTestStaff } from "../fixtures/catalog-fixtures.ts";
import { liveFixture, newClientId } from "../fixtures/live-fixtures.ts";
import { withDb } from "../stack/db-direct.ts";

export type Hold = { holdId: string; holdToken: string };

/**
 * The live service asks one question of every kind (two required), so that the booking's
 * `answers` are checked against a real schema and each mutation of them must be refused.
 */
export const HOSTILE_QUESTIONS = [
  { id: "note", kind: "text", label: { en: "Note" }, required: true, maxLength: 40 },
  { id: "details", kind: "textarea", label: { en: "Details", de: "Details" } },
  {
    id: "length",
    kind: "choice",
    label: { en: "Length" },
    options: [
      { value: "short", label: { en: "Short" } },
      { value: "long", label: { en: "Long" } },
    ],
  },
  {
    id: "extras",
    kind: "multichoice",
    label: { en: "Extras" },
    options: [
      { value: "wash", label: { en: "Wash" } },
      { value: "dry", label: { en: "Dry" } },
    ],
    max: 2,
  },
  { id: "consent", kind: "boolean", label: { en: "I agree" }, required: true },
  { id: "mobile", kind: "phone", label: { en: "Mobile" } },
  { id: "age", kind: "number", label: { en: "Age" }, min: 0, max: 120 },
];

/** Valid answers to HOSTILE_QUESTIONS (the baseline booking's). */
export const HOSTILE_ANSWERS = {
  note: "Hello",
  details: "Two\nlines",
  length: "long",
  extras: ["wash"],
  consent: true,
  mobile: "+49 30 1234567",
  age: 30,
};

export interface HostileFixture {
  /** The run's marker, in every name, note and email the suite sends. */
  run: string;
  /** The live flow's service and staff member: holds, bookings, availability. */
  serviceId: string;
  staffId: string;
  /** Rows the admin catalog routes change, so that their changes never break the live flow. */
  adminServiceId: string;
  adminStaffId: string;
  /** Throwaway rows for DELETE /v1/admin/services/{id} and /v1/admin/staff/{id}. */
  victimServiceId: string;
  victimStaffId: string;
  /** The Monday with offered slots, and a later one for date overrides. */
  date: string;
  overrideDate: string;
  closureId: string;
  clientId: string;
  /** A free slot for POST /v1/holds and /v1/slots/select. */
  holdStart: string;
  bookHold: Hold;
  rescheduleHold: Hold;
  extendHold: Hold;
  appointmentId: string;
  manageToken: string;
  /** Separate bookings for the cancel routes, so that rescheduling still has one to move. */
  cancelAppointmentId: string;
  cancelManageToken: string;
  adminAppointmentId: string;
  adminCancelAppointmentId: string;
  adminRescheduleStart: string;
  sessionToken: string;
  logoutToken: string;
  /** Business accounts: one to change (PATCH), one to deactivate (DELETE), one to sign out. */
  adminAccountId: string;
  victimAccountId: string;
  businessLogoutToken: string;
}

/** Builds the fixture through the API (plus the outbox, for sign-in codes). */
export async function createHostileFixture(api: Api, run: string): Promise<HostileFixture> {
  const live = await liveFixture(api, {
    durationMin: 30,
    bufferAfterMin: 0,
    questions: HOSTILE_QUESTIONS,
  });
  const { id: adminServiceId } = await createTestService(api, { name: `${run} admin` });
  const { id: adminStaffId } = await createTestStaff(api, { serviceIds: [adminServiceId] });
  const { id: victimServiceId } = await createTestService(api, { name: `${run} victim` });
  const { id: victimStaffId } = await createTestStaff(api, { serviceIds: [victimServiceId] });
  const clientId = newClientId();
  const hold = async (hhmm: string): Promise<Hold> => {
    const res = await live.post("/v1/holds", {
      clientId: newClientId(),
      serviceId: live.serviceId,
      staffId: live.staffId,
      start: await live.start(hhmm),
    });
    expect(res.status, await res.clone().text()).toBe(201);
    const { holdId, holdToken } = (await res.json()) as Hold;
    return { holdId, holdToken };
  };
  const book = async (h: Hold) => {
    const res = await api.request("/v1/appointments", {
      method: "POST",
      headers: {
        "Content-Type": "application/json",
        "Idempotency-Key": `${run}-setup-${h.holdId}`,
      },
      body: JSON.stringify({
        ...h,
        customer: { name: `${run} setup`, email: `${run}.setup@example.test` },
        answers: HOSTILE_ANSWERS,
      }),
    });
    expect(res.status, await res.clone().text()).toBe(201);
    return (await res.json()) as { appointment: { id: string }; manageToken: string };
  };
  const booked = await book(await hold("09:30"));
  const adminBooked = await book(await hold("10:30"));
  const cancelBooked = await book(await hold("11:30"));
  const adminCancelBooked = await book(await hold("13:30"));
  const closure = await api.admin("POST", "/v1/admin/closures", {
    startDate: "2098-12-24",
    endDate: "2098-12-26",
    reason: `${run}:setup`,
  });
  expect(closure.status, await closure.clone().text()).toBe(201);
  const monday = new Date(`${live.date}T12:00:00Z`);
  monday.setUTCDate(monday.getUTCDate() + 7);
  return {
    run,
    serviceId: live.serviceId,
    staffId: live.staffId,
    adminServiceId,
    adminStaffId,
    victimServiceId,
    victimStaffId,
    date: live.date,
    overrideDate: monday.toISOString().slice(0, 10),
    closureId: ((await closure.json()) as { id: string }).id,
    clientId,
    holdStart: await live.start("14:00"),
    bookHold: await hold("09:00"),
    rescheduleHold: await hold("10:00"),
    extendHold: await hold("13:00"),
    appointmentId: booked.appointment.id,
    manageToken: booked.manageToken,
    cancelAppointmentId: cancelBooked.appointment.id,
    cancelManageToken: cancelBooked.manageToken,
    adminAppointmentId: adminBooked.appointment.id,
    adminCancelAppointmentId: adminCancelBooked.appointment.id,
    adminRescheduleStart: await live.start("11:00"),
    sessionToken: await signIn(api, `${run}.session@example.test`),
    logoutToken: await signIn(api, `${run}.logout@example.test`),
    adminAccountId: (await createTestAccount(api, "staff", adminStaffId)).id,
    victimAccountId: (await createTestAccount(api, "manager")).id,
    businessLogoutToken: await signInAccount(api, (await createTestAccount(api, "manager")).email),
  };
}

async function signIn(api: Api, email: string): Promise<string> {
  const post = (path: string, body: unknown) =>
    api.request(path, {
      method: "POST",
      headers: { "Content-Type": "application/json", "CF-Connecting-IP": randomIp() },
      body: JSON.stringify(body),
    });
  expect((await post("/v1/auth/otp", { email })).status).toBe(202);
  const code = await withDb(async (conn) => {
    const [rows] = await conn.query(
      "SELECT subject FROM outbox_emails WHERE to_email = ? AND kind = 'sign-in-code' ORDER BY created_at DESC, id DESC LIMIT 1",
      [email],
    );
    return String((rows as { subject: string }[])[0]?.subject ?? "").slice(-6);
  });
  const res = await post("/v1/auth/verify", { email, code });
  expect(res.status, await res.clone().text()).toBe(200);
  return ((await res.json()) as { sessionToken: string }).sessionToken;
}

const randomIp = () =>
  `10.77.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}`;
