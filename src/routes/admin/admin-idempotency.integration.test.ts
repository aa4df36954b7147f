/**
 * The admin API's POSTs take an optional Idempotency-Key: a retried create (its answer lost)
 * answers the first answer and creates nothing more.
 */
import { describe, expect, it } from "vitest";
import { expectError, testApi } from "../../../test/drivers/api.ts";
import { withDb } from "../../../test/stack/db-direct.ts";
import { TEST_STACK, uniqueId } from "../../../test/stack/stack-env.ts";

const api = testApi();

function post(path: string, body: unknown, key?: string) {
  return api.request(path, {
    method: "POST",
    headers: {
      Authorization: `Bearer ${TEST_STACK.adminToken}`,
      "Content-Type": "application/json",
      ...(key ? { "Idempotency-Key": key } : {}),
    },
    body: JSON.stringify(body),
  });
}

const servicesNamed = (name: string) =>
  withDb(async (conn) => {
    const [rows] = await conn.query("SELECT id FROM services WHERE name = ?", [name]);
    return (rows as { id: string }[]).length;
  });

describe("admin creates with an Idempotency-Key", () => {
  it("a retried POST /v1/admin/services answers the first 201 and makes no second service", async () => {
    const name = uniqueId("Retried cut ");
    const body = { name, durationMin: 30, price: { amountMinor: 1000, currency: "EUR" } };
    const key = uniqueId("k");
    const first = await post("/v1/admin/services", body, key);
    expect(first.status, await first.clone().text()).toBe(201);
    const text = await first.text();
    const retries = await Promise.all([1, 2, 3].map(() => post("/v1/admin/services", body, key)));
    for (const retry of retries) {
      expect(retry.status).toBe(201);
      expect(await retry.text()).toBe(text);
    }
    expect(await servicesNamed(name)).toBe(1);
    // Another body under the same key: refused, nothing created.
    await expectError(
      await post("/v1/admin/services", { ...body, durationMin: 45 }, key),
      409,
      "IDEMPOTENCY_CONFLICT",
      "header.idempotency-key:",
    );
    expect(await servicesNamed(name)).toBe(1);
    // Without a key, or with a new one, a POST creates (as before).
    expect((await post("/v1/admin/services", body, uniqueId("k"))).status).toBe(201);
    expect(await servicesNamed(name)).toBe(2);
  });

  it("of 10 concurrent POSTs with one key exactly one creates; the others answer it or say it is in flight", async () => {
    for (let round = 0; round < 20; round++) {
      const name = uniqueId("Raced cut ");
      const body = { name, durationMin: 30, price: { amountMinor: 1000, currency: "EUR" } };
      const key = uniqueId("k");
      const answers = await Promise.all(
        Array.from({ length: 10 }, () => post("/v1/admin/services", body, key)),
      );
      expect(await servicesNamed(name)).toBe(1);
      const ids = new Set<string>();
      for (const answer of answers) {
        if (answer.status === 201) ids.add(((await answer.json()) as { id: string }).id);
        else
          await expectError(
            answer,
            409,
            "IDEMPOTENCY_CONFLICT",
            "header.idempotency-key: a request",
          );
      }
      expect(ids.size).toBe(1);
    }
  }, 120_000);

  it("staff, closures and webhooks: a retry answers the same row", async () => {
    const cases: [string, unknown][] = [
      ["/v1/admin/staff", { name: "Kept Once", email: "once@example.test", serviceIds: [] }],
      [
        "/v1/admin/closures",
        { startDate: "2031-01-02", endDate: "2031-01-02", reason: uniqueId("c") },
      ],
      ["/v1/admin/webhooks", { url: "http://127.0.0.1:9/hook", events: ["appointment.created"] }],
    ];
    for (const [path, body] of cases) {
      const key = uniqueId("k");
      const first = await post(path, body, key);
      expect(first.status, `${path} ${await first.clone().text()}`).toBe(201);
      const again = await post(path, body, key);
      expect(again.status).toBe(201);
      expect(await again.text()).toBe(await first.text());
    }
  });
});
