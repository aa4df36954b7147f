/**
 * The audit entry of every admin write whose change is in MySQL commits with the change, or
 * neither does. A trigger on the test database refuses the entries of requests whose id starts
 * with FAULT (a fault only this file's requests carry): each write then fails and its rows are as
 * they were; the same write with an ordinary request id changes the rows and leaves one entry, so
 * each probe is shown to see the change it guards. Writes outside MySQL (the Redis sync, a test
 * delivery) keep their answer and only log the lost entry.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { testApi } from "../../../../test/drivers/api.ts";
import { createTestAccount } from "../../../../test/fixtures/account-fixtures.ts";
import { createTestService, createTestStaff } from "../../../../test/fixtures/catalog-fixtures.ts";
import { insertAppointmentWithCells, withDb } from "../../../../test/stack/db-direct.ts";
import { TEST_STACK, uniqueId } from "../../../../test/stack/stack-env.ts";

const api = testApi();
const FAULT = "auditfault";
const TRIGGER = "audit_log_refuses_faults";

/** One admin write on fresh rows, and the rows it changes (read straight from MySQL). */
type Case = {
  method: string;
  path: string;
  body?: unknown;
  probe: [sql: string, params: unknown[]];
  /** Removes what the successful run created in rows other tests read (closures). */
  cleanUp?: () => Promise<void>;
};

async function probe([sql, params]: Case["probe"]): Promise<unknown> {
  return withDb(async (conn) => (await conn.query(sql, params))[0]);
}

async function call(write: Case, requestId: string): Promise<Response> {
  return api.request(write.path, {
    method: write.method,
    headers: {
      Authorization: `Bearer ${TEST_STACK.adminToken}`,
      "X-Request-Id": requestId,
      ...(write.body === undefined ? {} : { "Content-Type": "application/json" }),
    },
    ...(write.body === undefined ? {} : { body: JSON.stringify(write.body) }),
  });
}

async function entriesOf(requestId: string): Promise<unknown[]> {
  return probe(["SELECT id FROM audit_log WHERE request_id = ?", [requestId]]) as Promise<
    unknown[]
  >;
}

async function webhook(): Promise<string> {
  const res = await api.admin("POST", "/v1/admin/webhooks", {
    url: `http://127.0.0.1:9/${uniqueId("hook")}`,
    events: ["appointment.created"],
    active: false,
  });
  return ((await res.json()) as { webhook: { id: string } }).webhook.id;
}

async function staffMember(): Promise<string> {
  const service = await createTestService(api);
  return (await createTestStaff(api, { serviceIds: [service.id], timeZone: "UTC" })).id;
}

async function appointment(startMs: number): Promise<string> {
  const service = await createTestService(api);
  const staff = await createTestStaff(api, { serviceIds: [service.id], timeZone: "UTC" });
  return insertAppointmentWithCells({
    staffId: staff.id,
    serviceId: service.id,
    startMs,
    endMs: startMs + 3_600_000,
  });
}

/**
 * Every admin write whose change is in MySQL but two: the settings (one shared row that other
 * test files write meanwhile, so its probe could not be trusted; it takes the same
 * `auditedStatement` as the closures) and the admin reschedule (its move's transaction carries
 * the entry as the cancel's does).
 */
const cases: Record<string, () => Promise<Case>> = {
  "POST /v1/admin/services": async () => {
    const name = uniqueId("svc");
    return {
      method: "POST",
      path: "/v1/admin/services",
      body: { name, durationMin: 30, price: { amountMinor: 100, currency: "EUR" } },
      probe: ["SELECT id FROM services WHERE name = ?", [name]],
    };
  },
  "PATCH /v1/admin/services/{id}": async () => {
    const { id } = await createTestService(api);
    return {
      method: "PATCH",
      path: `/v1/admin/services/${id}`,
      body: { name: uniqueId("renamed") },
      probe: ["SELECT name FROM services WHERE id = ?", [id]],
    };
  },
  "DELETE /v1/admin/services/{id}": async () => {
    const { id } = await createTestService(api);
    return {
      method: "DELETE",
      path: `/v1/admin/services/${id}`,
      probe: ["SELECT id FROM services WHERE id = ?", [id]],
    };
  },
  "POST /v1/admin/staff": async () => {
    const name = uniqueId("stf");
    return {
      method: "POST",
      path: "/v1/admin/staff",
      body: { name, email: "a@example.test", serviceIds: [], timeZone: null },
      probe: ["SELECT id FROM staff WHERE name = ?", [name]],
    };
  },
  "PATCH /v1/admin/staff/{id}": async () => {
    const id = await staffMember();
    return {
      method: "PATCH",
      path: `/v1/admin/staff/${id}`,
      body: { name: uniqueId("renamed") },
      probe: ["SELECT name FROM staff WHERE id = ?", [id]],
    };
  },
  "DELETE /v1/admin/staff/{id}": async () => {
    const id = await staffMember();
    return {
      method: "DELETE",
      path: `/v1/admin/staff/${id}`,
      probe: ["SELECT id FROM staff WHERE id = ?", [id]],
    };
  },
  "POST /v1/admin/staff/{id}/calendar-key": async () => {
    const id = await staffMember();
    return {
      method: "POST",
      path: `/v1/admin/staff/${id}/calendar-key`,
      probe: ["SELECT key_hash FROM staff_calendar_keys WHERE staff_id = ?", [id]],
    };
  },
  "DELETE /v1/admin/staff/{id}/calendar-key": async () => {
    const id = await staffMember();
    expect((await api.admin("POST", `/v1/admin/staff/${id}/calendar-key`)).status).toBe(201);
    return {
      method: "DELETE",
      path: `/v1/admin/staff/${id}/calendar-key`,
      probe: ["SELECT key_hash FROM staff_calendar_keys WHERE staff_id = ?", [id]],
    };
  },
  "PUT /v1/admin/staff/{id}/schedule": async () => {
    const id = await staffMember();
    return {
      method: "PUT",
      path: `/v1/admin/staff/${id}/schedule`,
      body: { weekly: { sunday: [{ start: "10:00", end: "11:00" }] } },
      probe: ["SELECT weekly FROM staff_schedules WHERE staff_id = ?", [id]],
    };
  },
  "PUT /v1/admin/staff/{id}/overrides/{date}": async () => {
    const id = await staffMember();
    return {
      method: "PUT",
      path: `/v1/admin/staff/${id}/overrides/2033-05-02`,
      body: { intervals: [] },
      probe: ["SELECT intervals FROM staff_overrides WHERE staff_id = ?", [id]],
    };
  },
  "DELETE /v1/admin/staff/{id}/overrides/{date}": async () => {
    const id = await staffMember();
    const put = await api.admin("PUT", `/v1/admin/staff/${id}/overrides/2033-05-03`, {
      intervals: [],
    });
    expect(put.status).toBe(200);
    return {
      method: "DELETE",
      path: `/v1/admin/staff/${id}/overrides/2033-05-03`,
      probe: ["SELECT intervals FROM staff_overrides WHERE staff_id = ?", [id]],
    };
  },
  "POST /v1/admin/closures": async () => {
    const reason = uniqueId("closure");
    const rows = ["SELECT id FROM closures WHERE reason = ?", [reason]] as Case["probe"];
    return {
      method: "POST",
      path: "/v1/admin/closures",
      body: { startDate: "2033-06-01", endDate: "2033-06-01", reason },
      probe: rows,
      cleanUp: async () => {
        for (const { id } of (await probe(rows)) as { id: string }[]) {
          await api.admin("DELETE", `/v1/admin/closures/${id}`);
        }
      },
    };
  },
  "DELETE /v1/admin/closures/{id}": async () => {
    const res = await api.admin("POST", "/v1/admin/closures", {
      startDate: "2033-06-02",
      endDate: "2033-06-02",
    });
    const { id } = (await res.json()) as { id: string };
    return {
      method: "DELETE",
      path: `/v1/admin/closures/${id}`,
      probe: ["SELECT id FROM closures WHERE id = ?", [id]],
      cleanUp: async () => void (await api.admin("DELETE", `/v1/admin/closures/${id}`)),
    };
  },
  "POST /v1/admin/appointments/{id}/attendance": async () => {
    const id = await appointment(Math.floor((Date.now() - 3 * 3_600_000) / 300_000) * 300_000);
    return {
      method: "POST",
      path: `/v1/admin/appointments/${id}/attendance`,
      body: { status: "attended" },
      probe: ["SELECT status FROM appointments WHERE id = ?", [id]],
    };
  },
  "POST /v1/admin/appointments/{id}/cancel": async () => {
    const id = await appointment(Date.parse("2033-07-04T10:00:00Z"));
    return {
      method: "POST",
      path: `/v1/admin/appointments/${id}/cancel`,
      probe: ["SELECT status FROM appointments WHERE id = ?", [id]],
    };
  },
  "POST /v1/admin/webhooks": async () => {
    const url = `http://127.0.0.1:9/${uniqueId("hook")}`;
    return {
      method: "POST",
      path: "/v1/admin/webhooks",
      body: { url, events: ["appointment.created"], active: false },
      probe: ["SELECT id FROM webhook_endpoints WHERE url = ?", [url]],
    };
  },
  "PATCH /v1/admin/webhooks/{id}": async () => {
    const id = await webhook();
    return {
      method: "PATCH",
      path: `/v1/admin/webhooks/${id}`,
      body: { url: `http://127.0.0.1:9/${uniqueId("moved")}` },
      probe: ["SELECT url FROM webhook_endpoints WHERE id = ?", [id]],
    };
  },
  "DELETE /v1/admin/webhooks/{id}": async () => {
    const id = await webhook();
    return {
      method: "DELETE",
      path: `/v1/admin/webhooks/${id}`,
      probe: ["SELECT id FROM webhook_endpoints WHERE id = ?", [id]],
    };
  },
  "POST /v1/admin/webhooks/{id}/rotate-secret": async () => {
    const id = await webhook();
    return {
      method: "POST",
      path: `/v1/admin/webhooks/${id}/rotate-secret`,
      probe: ["SELECT secret FROM webhook_endpoints WHERE id = ?", [id]],
    };
  },
  "POST /v1/admin/api-keys": async () => {
    const name = uniqueId("key");
    return {
      method: "POST",
      path: "/v1/admin/api-keys",
      body: { name, scopes: ["catalog:read"] },
      probe: ["SELECT id FROM api_keys WHERE name = ?", [name]],
    };
  },
  "DELETE /v1/admin/api-keys/{id}": async () => {
    const res = await api.admin("POST", "/v1/admin/api-keys", {
      name: uniqueId("key"),
      scopes: ["catalog:read"],
    });
    const { id } = (await res.json()) as { id: string };
    return {
      method: "DELETE",
      path: `/v1/admin/api-keys/${id}`,
      probe: ["SELECT revoked_at FROM api_keys WHERE id = ?", [id]],
    };
  },
  "POST /v1/admin/accounts": async () => {
    const email = `${uniqueId("audit")}@salon.example`;
    return {
      method: "POST",
      path: "/v1/admin/accounts",
      body: { email, name: "Audited", role: "manager" },
      probe: ["SELECT id FROM accounts WHERE email = ?", [email]],
    };
  },
  "PATCH /v1/admin/accounts/{id}": async () => {
    const { id } = await createTestAccount(api, "manager");
    return {
      method: "PATCH",
      path: `/v1/admin/accounts/${id}`,
      body: { name: uniqueId("renamed") },
      probe: ["SELECT name FROM accounts WHERE id = ?", [id]],
    };
  },
  "DELETE /v1/admin/accounts/{id}": async () => {
    const { id } = await createTestAccount(api, "manager");
    return {
      method: "DELETE",
      path: `/v1/admin/accounts/${id}`,
      probe: ["SELECT deactivated_at FROM accounts WHERE id = ?", [id]],
    };
  },
};

beforeAll(async () => {
  await withDb(async (conn) => {
    await conn.query(`DROP TRIGGER IF EXISTS ${TRIGGER}`);
    await conn.query(
      `CREATE TRIGGER ${TRIGGER} BEFORE INSERT ON audit_log FOR EACH ROW
       IF NEW.request_id LIKE '${FAULT}%' THEN
         SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'audit entry refused by the test';
       END IF`,
    );
  });
});

afterAll(async () => {
  await withDb((conn) => conn.query(`DROP TRIGGER IF EXISTS ${TRIGGER}`));
});

describe("an admin write in MySQL and its audit entry commit together", () => {
  it.each(Object.keys(cases))("%s", async (key) => {
    const prepare = cases[key] as () => Promise<Case>;
    const refused = await prepare();
    const written = await prepare();
    try {
      const before = await probe(refused.probe);
      const faultId = uniqueId(FAULT);
      // The refused entry fails the request as a store fault would: its log line is expected.
      const errors = vi.spyOn(console, "error").mockImplementation(() => undefined);
      const failed = await call(refused, faultId).finally(() => errors.mockRestore());
      expect(failed.status, await failed.clone().text()).toBeGreaterThanOrEqual(500);
      expect(await probe(refused.probe)).toEqual(before);
      expect(await entriesOf(faultId)).toEqual([]);

      // The same write with an ordinary request id: the probe sees the change, and its one entry.
      const unchanged = await probe(written.probe);
      const requestId = uniqueId("req");
      const res = await call(written, requestId);
      expect(res.status, await res.clone().text()).toBeLessThan(300);
      expect(await probe(written.probe)).not.toEqual(unchanged);
      expect(await entriesOf(requestId)).toHaveLength(1);
    } finally {
      await written.cleanUp?.();
      await refused.cleanUp?.();
    }
  });
});

describe("a write outside MySQL keeps its answer when its entry cannot be written", () => {
  it("POST /v1/admin/sync answers 200 and logs the entry it lost", async () => {
    const errors = vi.spyOn(console, "error").mockImplementation(() => undefined);
    try {
      const requestId = uniqueId(FAULT);
      const res = await call(
        { method: "POST", path: "/v1/admin/sync", probe: ["", []] },
        requestId,
      );
      expect(res.status).toBe(200);
      expect(await entriesOf(requestId)).toEqual([]);
      const lost = errors.mock.calls
        .map(([line]) => JSON.parse(String(line)) as { msg: string; entry?: { requestId: string } })
        .filter((line) => line.msg === "audit entry not written");
      expect(lost.map((line) => line.entry?.requestId)).toEqual([requestId]);
    } finally {
      errors.mockRestore();
    }
  });
});
