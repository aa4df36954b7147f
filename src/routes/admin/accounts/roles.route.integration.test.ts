/**
 * What each role may do, on the real stack: the matrix over every admin operation of the served
 * document (like the API keys' in src/routes/admin/api-keys/), and a staff account's isolation
 * to its own staff member.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { expectError, testApi } from "../../../../test/drivers/api.ts";
import { appOpenApi } from "../../../../test/drivers/openapi-check.ts";
import {
  bearer,
  createTestAccount,
  type Role,
  signInAccount,
} from "../../../../test/fixtures/account-fixtures.ts";
import { createTestService, createTestStaff } from "../../../../test/fixtures/catalog-fixtures.ts";
import { insertAppointment } from "../../../../test/stack/db-direct.ts";
import { isAdminPath } from "../../../http/admin-auth.ts";
import { ROLE_SCOPES, roleAllows, SCOPES, STAFF_OPERATIONS } from "../../../http/admin-scopes.ts";

const api = testApi();
const HOUR_MS = 3_600_000;

let serviceId: string;
let ownStaffId: string;
let otherStaffId: string;
const sessions = new Map<Role, { token: string; accountId: string }>();

beforeAll(async () => {
  serviceId = (await createTestService(api, { bufferAfterMin: 0 })).id;
  ownStaffId = (await createTestStaff(api, { serviceIds: [serviceId], timeZone: "UTC" })).id;
  otherStaffId = (await createTestStaff(api, { serviceIds: [serviceId], timeZone: "UTC" })).id;
  for (const role of ["owner", "manager", "staff"] as const) {
    const account = await createTestAccount(api, role, role === "staff" ? ownStaffId : null);
    sessions.set(role, { token: await signInAccount(api, account.email), accountId: account.id });
  }
});

const tokenOf = (role: Role) => sessions.get(role)?.token ?? "";

/** Every admin and debug operation of the served document. */
async function adminOperations(): Promise<{ method: string; path: string }[]> {
  const doc = (await appOpenApi()).doc as unknown as { paths: Record<string, object> };
  return Object.entries(doc.paths)
    .filter(([path]) => isAdminPath(path))
    .flatMap(([path, item]) =>
      Object.keys(item).map((method) => ({ method: method.toUpperCase(), path })),
    );
}

/** A request that gets past the credential check but changes nothing (as the API keys' matrix). */
function probe(method: string, path: string, token: string) {
  const concrete = path
    .replaceAll("{date}", "2030-01-07")
    .replaceAll("{id}", path.includes("/api-keys/") ? "0000000000000000" : "svc_doesnotexist00");
  const body = method === "GET" || method === "DELETE" ? undefined : JSON.stringify("nothing");
  return api.request(concrete, {
    method,
    headers: { ...bearer(token), ...(body ? { "Content-Type": "application/json" } : {}) },
    ...(body ? { body } : {}),
  });
}

describe("roles: one map, next to the scopes", () => {
  it("owner holds every scope; manager all but accounts, keys and webhooks; staff four", () => {
    expect(ROLE_SCOPES.owner).toBe("all");
    expect([...(ROLE_SCOPES.manager as string[])].sort()).toEqual(
      SCOPES.filter((s) => !["accounts:manage", "keys:manage", "webhooks:manage"].includes(s))
        .slice()
        .sort(),
    );
    expect(ROLE_SCOPES.staff).toEqual([
      "appointments:read",
      "appointments:write",
      "catalog:read",
      "schedules:write",
    ]);
  });
});

describe("roles: every admin operation answers each role as the role map says", async () => {
  const operations = await adminOperations();

  it("the staff operations all exist", () => {
    const keys = operations.map((op) => `${op.method} ${op.path}`);
    expect(Object.keys(STAFF_OPERATIONS).filter((key) => !keys.includes(key))).toEqual([]);
  });

  it.each(operations.map((op) => [op.method, op.path] as const))("%s %s", async (method, path) => {
    for (const role of ["owner", "manager", "staff"] as const) {
      const res = await probe(method, path, tokenOf(role));
      if (roleAllows(role, method, path)) {
        expect([401, 403], `${role}: ${method} ${path}`).not.toContain(res.status);
      } else {
        expect(res.status, `${role}: ${method} ${path}`).toBe(403);
        await expectError(res, 403, "FORBIDDEN", "header.authorization:");
      }
    }
  });
});

describe("roles: a staff account sees only its own staff member", () => {
  const staffGet = (path: string) => api.request(path, { headers: bearer(tokenOf("staff")) });
  const staffSend = (method: string, path: string, body: unknown) =>
    api.request(path, {
      method,
      headers: { ...bearer(tokenOf("staff")), "Content-Type": "application/json" },
      body: JSON.stringify(body),
    });

  it("lists its own appointments only, and 404 for another staff member's", async () => {
    const startMs = Date.now() - 2 * HOUR_MS;
    const own = await insertAppointment({
      staffId: ownStaffId,
      serviceId,
      startMs,
      endMs: startMs + HOUR_MS,
    });
    const other = await insertAppointment({
      staffId: otherStaffId,
      serviceId,
      startMs,
      endMs: startMs + HOUR_MS,
    });
    const day = new Date(startMs).toISOString().slice(0, 10);
    const next = new Date(startMs + 24 * HOUR_MS).toISOString().slice(0, 10);
    const range = `from=${day}&to=${next}&limit=200`;

    const listed = await staffGet(`/v1/admin/appointments?${range}`);
    expect(listed.status).toBe(200);
    const { appointments } = (await listed.json()) as {
      appointments: { id: string; staffId: string }[];
    };
    expect(appointments.map((a) => a.id)).toEqual([own]);
    // The owner sees both.
    const all = (await (
      await api.request(`/v1/admin/appointments?${range}`, { headers: bearer(tokenOf("owner")) })
    ).json()) as { appointments: { id: string }[] };
    expect(
      all.appointments
        .map((a) => a.id)
        .filter((id) => id === own || id === other)
        .sort(),
    ).toEqual([own, other].sort());

    const mine = await staffGet(`/v1/admin/appointments?${range}&staffId=${ownStaffId}`);
    expect(
      ((await mine.json()) as { appointments: { id: string }[] }).appointments.map((a) => a.id),
    ).toEqual([own]);
    await expectError(
      await staffGet(`/v1/admin/appointments?${range}&staffId=${otherStaffId}`),
      404,
      "NOT_FOUND",
      "query.staffId:",
    );

    expect((await staffGet(`/v1/admin/appointments/${own}`)).status).toBe(200);
    await expectError(
      await staffGet(`/v1/admin/appointments/${other}`),
      404,
      "NOT_FOUND",
      "param.id:",
    );

    // Attendance on its own appointment; another's is 404 and unchanged.
    const marked = await staffSend("POST", `/v1/admin/appointments/${own}/attendance`, {
      status: "attended",
    });
    expect(marked.status, await marked.clone().text()).toBe(200);
    expect(await marked.json()).toMatchObject({
      id: own,
      status: "attended",
      attendanceChangedBy: `account:${sessions.get("staff")?.accountId}`,
    });
    await expectError(
      await staffSend("POST", `/v1/admin/appointments/${other}/attendance`, { status: "no_show" }),
      404,
      "NOT_FOUND",
      "param.id:",
    );
    const untouched = await api.admin("GET", `/v1/admin/appointments/${other}`);
    expect(((await untouched.json()) as { status: string }).status).toBe("confirmed");

    // Cancel and reschedule are not the staff role's, even on its own appointment.
    await expectError(
      await staffSend("POST", `/v1/admin/appointments/${own}/cancel`, {}),
      403,
      "FORBIDDEN",
      "header.authorization:",
    );
    await expectError(
      await staffSend("POST", `/v1/admin/appointments/${own}/reschedule`, {
        start: new Date(startMs + 48 * HOUR_MS).toISOString(),
      }),
      403,
      "FORBIDDEN",
      "header.authorization:",
    );
  });

  it("reads and writes its own overrides only; another's schedule and overrides are 404", async () => {
    const date = new Date(Date.now() + 30 * 24 * HOUR_MS).toISOString().slice(0, 10);
    const override = { intervals: [{ start: "10:00", end: "12:00" }] };

    const put = await staffSend("PUT", `/v1/admin/staff/${ownStaffId}/overrides/${date}`, override);
    expect(put.status, await put.clone().text()).toBe(200);
    expect((await staffGet(`/v1/admin/staff/${ownStaffId}/overrides`)).status).toBe(200);
    expect((await staffGet(`/v1/admin/staff/${ownStaffId}/schedule`)).status).toBe(200);
    const removed = await api.request(`/v1/admin/staff/${ownStaffId}/overrides/${date}`, {
      method: "DELETE",
      headers: bearer(tokenOf("staff")),
    });
    expect(removed.status).toBeLessThan(300);

    await expectError(
      await staffSend("PUT", `/v1/admin/staff/${otherStaffId}/overrides/${date}`, override),
      404,
      "NOT_FOUND",
      "param.id:",
    );
    await expectError(
      await staffGet(`/v1/admin/staff/${otherStaffId}/overrides`),
      404,
      "NOT_FOUND",
    );
    await expectError(await staffGet(`/v1/admin/staff/${otherStaffId}/schedule`), 404, "NOT_FOUND");
    const others = await api.admin("GET", `/v1/admin/staff/${otherStaffId}/overrides`);
    expect(JSON.stringify(await others.json())).not.toContain(date);

    // The weekly schedule is the managers' to set.
    await expectError(
      await staffSend("PUT", `/v1/admin/staff/${ownStaffId}/schedule`, { weekly: {} }),
      403,
      "FORBIDDEN",
      "header.authorization:",
    );
  });
});
