import { describe, expect, it } from "vitest";
import { expectError, testApi } from "../../../../test/drivers/api.ts";
import {
  createTestService,
  createTestStaff,
  upcomingMonday,
} from "../../../../test/fixtures/catalog-fixtures.ts";
import { insertAppointmentWithCells } from "../../../../test/stack/db-direct.ts";
import { uniqueId } from "../../../../test/stack/stack-env.ts";

const api = testApi();

type Email = { id: string; to: string; subject: string; body: string; kind: string };
async function outbox(query = ""): Promise<Email[]> {
  const res = await api.admin("GET", `/v1/admin/outbox${query}`);
  expect(res.status).toBe(200);
  return ((await res.json()) as { emails: Email[] }).emails;
}

describe("GET /v1/admin/outbox", () => {
  it("lists the cancellation email an admin cancel queued, to the customer", async () => {
    const service = await createTestService(api);
    const staff = await createTestStaff(api, { serviceIds: [service.id], timeZone: "UTC" });
    const startMs = Date.parse(`${upcomingMonday(7)}T10:00:00Z`);
    const customerEmail = `${uniqueId("c")}@example.test`;
    const id = await insertAppointmentWithCells({
      staffId: staff.id,
      serviceId: service.id,
      startMs,
      endMs: startMs + 3_600_000,
      customerEmail,
    });
    expect((await api.admin("POST", `/v1/admin/appointments/${id}/cancel`)).status).toBe(200);

    // Filtered by recipient: the shared test database holds many other tests' emails.
    const pending = await outbox(
      `?pendingOnly=true&limit=500&to=${encodeURIComponent(customerEmail)}`,
    );
    const mine = pending.filter((email) => email.to === customerEmail);
    expect(mine).toEqual([
      {
        id: expect.stringMatching(/^eml_[0-9a-z]{20}$/),
        to: customerEmail,
        subject: expect.stringMatching(/^Appointment cancelled: /),
        body: expect.stringContaining("is cancelled"),
        html: expect.stringContaining("is cancelled"),
        attachments: [{ filename: "appointment.ics", contentType: "text/calendar; charset=utf-8" }],
        kind: "cancellation",
        createdAt: expect.stringMatching(/Z$/),
        sentAt: null,
      },
    ]);
    // Pending or not, it is listed; the default page is the newest 50.
    expect(
      (await outbox(`?limit=500&to=${encodeURIComponent(customerEmail)}`)).map((email) => email.id),
    ).toContain(mine[0]?.id);
  });

  it.each([
    ["a limit of 0", "?limit=0", "query.limit:"],
    ["a limit of 501", "?limit=501", "query.limit:"],
    ["a bad pendingOnly", "?pendingOnly=yes", "query.pendingOnly:"],
  ])("refuses %s with 400 naming the field", async (_label, query, message) => {
    await expectError(
      await api.admin("GET", `/v1/admin/outbox${query}`),
      400,
      "BAD_REQUEST",
      message,
    );
  });

  it("answers 401 without the admin token", async () => {
    await expectError(await api.request("/v1/admin/outbox"), 401, "UNAUTHORIZED");
  });
});
