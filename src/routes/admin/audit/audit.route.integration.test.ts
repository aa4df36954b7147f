import { describe, expect, it } from "vitest";
import { expectError, testApi } from "../../../../test/drivers/api.ts";
import { appOpenApi } from "../../../../test/drivers/openapi-check.ts";
import {
  createTestService,
  createTestStaff,
  upcomingMonday,
} from "../../../../test/fixtures/catalog-fixtures.ts";
import { insertAppointmentWithCells } from "../../../../test/stack/db-direct.ts";
import { TEST_STACK, uniqueId } from "../../../../test/stack/stack-env.ts";
import { createTestAccount } from "../../../../test/fixtures/account-fixtures.ts";
import { isAdminPath } from "../../../http/admin-auth.ts";
import { SCOPES } from "../../../http/admin-scopes.ts";

const api = testApi();
const ADDRESS = "203.0.113.77";

type Entry = {
  id: string;
  at: string;
  actor: string;
  operation: string;
  method: string;
  path: string;
  targetId: string | null;
  change: unknown;
  status: number;
  address: string;
  requestId: string;
};

async function createKey(scopes: string[]): Promise<{ id: string; key: string }> {
  const res = await api.admin("POST", "/v1/admin/api-keys", { name: uniqueId("k"), scopes });
  expect(res.status).toBe(201);
  return (await res.json()) as { id: string; key: string };
}

/** One admin call with its own request id, from ADDRESS, as `token`. */
async function call(token: string, method: string, path: string, body?: unknown) {
  const requestId = uniqueId("req");
  const res = await api.request(path, {
    method,
    headers: {
      Authorization: `Bearer ${token}`,
      "CF-Connecting-IP": ADDRESS,
      "X-Request-Id": requestId,
      ...(body === undefined ? {} : { "Content-Type": "application/json" }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { res, requestId };
}

async function entriesOf(query: string): Promise<{ entries: Entry[]; nextCursor: string | null }> {
  const res = await api.admin("GET", `/v1/admin/audit?${query}`);
  expect(res.status, await res.clone().text()).toBe(200);
  return (await res.json()) as { entries: Entry[]; nextCursor: string | null };
}

/**
 * The entries of one request. `operation` narrows the page for the shared `admin-token` actor:
 * other test files write hundreds of its entries at once, and one page is the newest 200.
 */
async function entryFor(actor: string, requestId: string, operation?: string): Promise<Entry[]> {
  const only = operation ? `&operation=${encodeURIComponent(operation)}` : "";
  const { entries } = await entriesOf(`actor=${encodeURIComponent(actor)}${only}&limit=200`);
  return entries.filter((entry) => entry.requestId === requestId);
}

// Webhook endpoints are created inactive: the shared test database's bookings must not queue
// deliveries to them for other tests' cron runs.
type Write = { method: string; path: string; body?: unknown; targetId: string | null };

/**
 * A minimal successful call of every admin write. Keyed like src/http/admin-scopes.ts; the first
 * test checks that this list covers every non-GET admin operation of the document, so a new
 * write operation fails here until it is listed.
 */
async function writes(): Promise<Record<string, () => Promise<Write>>> {
  const service = await createTestService(api);
  const staff = await createTestStaff(api, { serviceIds: [service.id], timeZone: "UTC" });
  const monday = upcomingMonday(14);
  const at = (hour: number) => Date.parse(`${monday}T${String(hour).padStart(2, "0")}:00:00Z`);
  const appointment = (hour: number) =>
    insertAppointmentWithCells({
      staffId: staff.id,
      serviceId: service.id,
      startMs: at(hour),
      endMs: at(hour) + 3_600_000,
    });
  const webhook = async () => {
    const res = await api.admin("POST", "/v1/admin/webhooks", {
      url: "http://127.0.0.1:9/hook",
      events: ["appointment.created"],
      active: false,
    });
    return ((await res.json()) as { webhook: { id: string } }).webhook.id;
  };
  const closure = async () => {
    const res = await api.admin("POST", "/v1/admin/closures", {
      startDate: "2031-01-01",
      endDate: "2031-01-01",
    });
    return ((await res.json()) as { id: string }).id;
  };
  return {
    "POST /v1/admin/services": async () => ({
      method: "POST",
      path: "/v1/admin/services",
      body: { name: "Audited", durationMin: 30, price: { amountMinor: 100, currency: "EUR" } },
      targetId: null,
    }),
    "PATCH /v1/admin/services/{id}": async () => ({
      method: "PATCH",
      path: `/v1/admin/services/${service.id}`,
      body: { name: "Renamed" },
      targetId: service.id,
    }),
    "DELETE /v1/admin/services/{id}": async () => {
      const { id } = await createTestService(api);
      return { method: "DELETE", path: `/v1/admin/services/${id}`, targetId: id };
    },
    "POST /v1/admin/staff": async () => ({
      method: "POST",
      path: "/v1/admin/staff",
      body: { name: "Audited", email: "a@example.test", serviceIds: [service.id], timeZone: null },
      targetId: null,
    }),
    "PATCH /v1/admin/staff/{id}": async () => ({
      method: "PATCH",
      path: `/v1/admin/staff/${staff.id}`,
      body: { name: "Renamed" },
      targetId: staff.id,
    }),
    "DELETE /v1/admin/staff/{id}": async () => {
      const { id } = await createTestStaff(api, { serviceIds: [service.id] });
      return { method: "DELETE", path: `/v1/admin/staff/${id}`, targetId: id };
    },
    "POST /v1/admin/staff/{id}/calendar-key": async () => ({
      method: "POST",
      path: `/v1/admin/staff/${staff.id}/calendar-key`,
      targetId: staff.id,
    }),
    "DELETE /v1/admin/staff/{id}/calendar-key": async () => {
      await api.admin("POST", `/v1/admin/staff/${staff.id}/calendar-key`);
      return {
        method: "DELETE",
        path: `/v1/admin/staff/${staff.id}/calendar-key`,
        targetId: staff.id,
      };
    },
    "PUT /v1/admin/staff/{id}/schedule": async () => ({
      method: "PUT",
      path: `/v1/admin/staff/${staff.id}/schedule`,
      body: { weekly: { monday: [{ start: "09:00", end: "17:00" }] } },
      targetId: staff.id,
    }),
    "PUT /v1/admin/staff/{id}/overrides/{date}": async () => ({
      method: "PUT",
      path: `/v1/admin/staff/${staff.id}/overrides/2031-02-03`,
      body: { intervals: [] },
      targetId: staff.id,
    }),
    "DELETE /v1/admin/staff/{id}/overrides/{date}": async () => {
      await api.admin("PUT", `/v1/admin/staff/${staff.id}/overrides/2031-02-04`, { intervals: [] });
      return {
        method: "DELETE",
        path: `/v1/admin/staff/${staff.id}/overrides/2031-02-04`,
        targetId: staff.id,
      };
    },
    "POST /v1/admin/closures": async () => ({
      method: "POST",
      path: "/v1/admin/closures",
      body: { startDate: "2031-03-01", endDate: "2031-03-02", reason: "Audit" },
      targetId: null,
    }),
    "DELETE /v1/admin/closures/{id}": async () => {
      const id = await closure();
      return { method: "DELETE", path: `/v1/admin/closures/${id}`, targetId: id };
    },
    // An empty patch changes nothing, so the shared settings of parallel tests stay as they are.
    "PUT /v1/admin/settings": async () => ({
      method: "PUT",
      path: "/v1/admin/settings",
      body: {},
      targetId: null,
    }),
    "POST /v1/admin/appointments/{id}/cancel": async () => {
      const id = await appointment(9);
      return { method: "POST", path: `/v1/admin/appointments/${id}/cancel`, targetId: id };
    },
    "POST /v1/admin/appointments/{id}/reschedule": async () => {
      const id = await appointment(11);
      return {
        method: "POST",
        path: `/v1/admin/appointments/${id}/reschedule`,
        body: { start: `${monday}T14:00:00Z` },
        targetId: id,
      };
    },
    "POST /v1/admin/appointments/{id}/attendance": async () => {
      // Attendance is marked after the start: an appointment that began three hours ago.
      const startMs = Math.floor((Date.now() - 3 * 3_600_000) / 300_000) * 300_000;
      const id = await insertAppointmentWithCells({
        staffId: staff.id,
        serviceId: service.id,
        startMs,
        endMs: startMs + 3_600_000,
      });
      return {
        method: "POST",
        path: `/v1/admin/appointments/${id}/attendance`,
        body: { status: "attended" },
        targetId: id,
      };
    },
    "POST /v1/admin/sync": async () => ({ method: "POST", path: "/v1/admin/sync", targetId: null }),
    "POST /v1/admin/webhooks": async () => ({
      method: "POST",
      path: "/v1/admin/webhooks",
      body: {
        url: "https://hooks.example.com/in?token=s3cret",
        events: ["appointment.created"],
        active: false,
      },
      targetId: null,
    }),
    "PATCH /v1/admin/webhooks/{id}": async () => {
      const id = await webhook();
      return {
        method: "PATCH",
        path: `/v1/admin/webhooks/${id}`,
        body: { active: false },
        targetId: id,
      };
    },
    "DELETE /v1/admin/webhooks/{id}": async () => {
      const id = await webhook();
      return { method: "DELETE", path: `/v1/admin/webhooks/${id}`, targetId: id };
    },
    "POST /v1/admin/webhooks/{id}/rotate-secret": async () => {
      const id = await webhook();
      return { method: "POST", path: `/v1/admin/webhooks/${id}/rotate-secret`, targetId: id };
    },
    "POST /v1/admin/webhooks/{id}/test": async () => {
      const id = await webhook();
      return { method: "POST", path: `/v1/admin/webhooks/${id}/test`, targetId: id };
    },
    "POST /v1/admin/api-keys": async () => ({
      method: "POST",
      path: "/v1/admin/api-keys",
      body: { name: "Audited key", scopes: ["catalog:read"] },
      targetId: null,
    }),
    "DELETE /v1/admin/api-keys/{id}": async () => {
      const { id } = await createKey(["catalog:read"]);
      return { method: "DELETE", path: `/v1/admin/api-keys/${id}`, targetId: id };
    },
    "POST /v1/admin/accounts": async () => ({
      method: "POST",
      path: "/v1/admin/accounts",
      body: { email: `${uniqueId("audit")}@salon.example`, name: "Audited", role: "manager" },
      targetId: null,
    }),
    "PATCH /v1/admin/accounts/{id}": async () => {
      const { id } = await createTestAccount(api, "manager");
      return {
        method: "PATCH",
        path: `/v1/admin/accounts/${id}`,
        body: { name: "Renamed" },
        targetId: id,
      };
    },
    "DELETE /v1/admin/accounts/{id}": async () => {
      const { id } = await createTestAccount(api, "manager");
      return { method: "DELETE", path: `/v1/admin/accounts/${id}`, targetId: id };
    },
  };
}

describe("audit log: every admin write records an entry", async () => {
  const table = await writes();
  const doc = (await appOpenApi()).doc as unknown as {
    paths: Record<string, Record<string, { operationId: string }>>;
  };
  const operationIds = new Map<string, string>();
  for (const [path, item] of Object.entries(doc.paths)) {
    // The business sign-in is not an admin write: it needs no credential and is not recorded.
    if (!path.startsWith("/v1/admin/") || !isAdminPath(path)) continue;
    for (const [method, op] of Object.entries(item)) {
      if (method !== "get") operationIds.set(`${method.toUpperCase()} ${path}`, op.operationId);
    }
  }
  // Every scope but the owner's: the writer is a key, so that its actor is its id.
  const writer = await createKey(
    SCOPES.filter((s) => s !== "accounts:manage" && s !== "keys:manage"),
  );
  const keyWriter = await createKey(["keys:manage", "catalog:read"]);
  const accountWriter = await createKey(["accounts:manage"]);

  it("the table covers every non-GET admin operation of the document", () => {
    expect([...operationIds.keys()].sort()).toEqual(Object.keys(table).sort());
  });

  it.each(Object.keys(table))("%s", async (key) => {
    const write = await (table[key] as () => Promise<Write>)();
    const caller = key.includes("/api-keys")
      ? keyWriter
      : key.includes("/accounts")
        ? accountWriter
        : writer;
    const { res, requestId } = await call(caller.key, write.method, write.path, write.body);
    expect(res.status, await res.clone().text()).toBeLessThan(300);
    const answer = (await res.json().catch(() => null)) as Record<string, unknown> | null;
    const created =
      (answer?.id as string | undefined) ??
      (answer?.webhook as { id?: string } | undefined)?.id ??
      null;
    const entries = await entryFor(`key:${caller.id}`, requestId);
    expect(entries).toEqual([
      {
        id: expect.stringMatching(/^aud_[0-9a-z]{20}$/),
        at: expect.stringMatching(/Z$/),
        actor: `key:${caller.id}`,
        operation: operationIds.get(key),
        method: write.method,
        path: write.path,
        targetId: write.targetId ?? created,
        change: write.body === undefined ? null : expect.anything(),
        status: res.status,
        address: ADDRESS,
        requestId,
      },
    ]);
    // Never a secret: not the key nor the webhook secret the answer showed.
    const text = JSON.stringify(entries);
    for (const secret of [caller.key, answer?.key, answer?.secret]) {
      if (typeof secret === "string") expect(text).not.toContain(secret);
    }
  });
});

describe("audit log: what is recorded and how it is listed", () => {
  it("redacts secrets: a URL's query", async () => {
    const writer = await createKey(["webhooks:manage"]);
    const { res, requestId } = await call(writer.key, "POST", "/v1/admin/webhooks", {
      url: "https://hooks.example.com/in?token=s3cret",
      events: ["appointment.created"],
      active: false,
    });
    expect(res.status).toBe(201);
    const [entry] = await entryFor(`key:${writer.id}`, requestId);
    expect(entry?.change).toEqual({
      url: "https://hooks.example.com/in?[redacted]",
      events: ["appointment.created"],
      active: false,
    });
  });

  it("records the ADMIN_TOKEN as admin-token; a refused or replayed write records nothing", async () => {
    const body = { startDate: "2031-04-01", endDate: "2031-04-01" };
    const first = await call(TEST_STACK.adminToken, "POST", "/v1/admin/closures", body);
    expect(first.res.status).toBe(201);
    expect(
      (await entryFor("admin-token", first.requestId, "adminCreateClosure")).map(
        (e) => e.operation,
      ),
    ).toEqual(["adminCreateClosure"]);
    const refused = await call(TEST_STACK.adminToken, "POST", "/v1/admin/closures", {
      startDate: "nope",
      endDate: "2031-04-01",
    });
    await expectError(refused.res, 400, "BAD_REQUEST", "body.startDate:");
    expect(await entryFor("admin-token", refused.requestId, "adminCreateClosure")).toEqual([]);

    const key = uniqueId("idem");
    const send = (requestId: string) =>
      api.request("/v1/admin/closures", {
        method: "POST",
        headers: {
          Authorization: `Bearer ${TEST_STACK.adminToken}`,
          "Content-Type": "application/json",
          "Idempotency-Key": key,
          "X-Request-Id": requestId,
        },
        body: JSON.stringify(body),
      });
    const [a, b] = [uniqueId("req"), uniqueId("req")];
    expect((await send(a)).status).toBe(201);
    expect((await send(b)).status).toBe(201);
    expect((await entryFor("admin-token", a, "adminCreateClosure")).length).toBe(1);
    expect(await entryFor("admin-token", b, "adminCreateClosure")).toEqual([]);
  });

  it("filters by actor, operation and target, and pages newest first with a cursor", async () => {
    const writer = await createKey(["schedules:write"]);
    const ids: string[] = [];
    for (const day of ["05", "06", "07"]) {
      const { res } = await call(writer.key, "POST", "/v1/admin/closures", {
        startDate: `2031-05-${day}`,
        endDate: `2031-05-${day}`,
      });
      ids.push(((await res.json()) as { id: string }).id);
    }
    const actor = `actor=${encodeURIComponent(`key:${writer.id}`)}`;
    const first = await entriesOf(`${actor}&operation=adminCreateClosure&limit=2`);
    expect(first.entries.map((e) => e.targetId)).toEqual([ids[2], ids[1]]);
    expect(first.nextCursor).not.toBeNull();
    const second = await entriesOf(`${actor}&limit=2&cursor=${first.nextCursor}`);
    expect(second.entries.map((e) => e.targetId)).toEqual([ids[0]]);
    expect(second.nextCursor).toBeNull();
    const byTarget = await entriesOf(`targetId=${ids[1]}`);
    expect(byTarget.entries.map((e) => e.actor)).toEqual([`key:${writer.id}`]);
    const today = new Date().toISOString().slice(0, 10);
    expect((await entriesOf(`${actor}&from=${today}`)).entries.length).toBe(3);
    expect((await entriesOf(`${actor}&to=${today}`)).entries.length).toBe(0);
  });

  it.each([
    ["limit=0", "query.limit:"],
    ["cursor=%21%21", "query.cursor:"],
    ["cursor=bm9wZQ", "query.cursor:"],
    ["from=2026-13-01", "query.from:"],
    ["from=2026-12-08&to=2026-12-01", "query.to:"],
    ["actor=", "query.actor:"],
    ["extra=1", "query"],
  ])("?%s is 400 naming %s", async (query, field) => {
    await expectError(
      await api.admin("GET", `/v1/admin/audit?${query}`),
      400,
      "BAD_REQUEST",
      field,
    );
  });
});
