/**
 * The per-isolate catalog copy, through the real app and stores: a burst costs one SQL read, an
 * admin change through the same isolate shows at once, and one made elsewhere within the TTL.
 */
import { describe, expect, it } from "vitest";
import { testApi } from "../../../test/drivers/api.ts";
import { FixedClock } from "../../../test/fixtures/fakes.ts";
import { uniqueId } from "../../../test/stack/stack-env.ts";

type Listed = { services: { id: string; name: string }[] };

async function mysqlRoundTrips(api: ReturnType<typeof testApi>): Promise<number> {
  const res = await api.admin("GET", "/v1/debug/metrics");
  return ((await res.json()) as { roundTrips: { mysql: number } }).roundTrips.mysql;
}

async function listed(api: ReturnType<typeof testApi>): Promise<Listed["services"]> {
  const res = await api.request("/v1/services");
  expect(res.status).toBe(200);
  return ((await res.json()) as Listed).services;
}

const service = (name: string) => ({
  name,
  durationMin: 30,
  price: { amountMinor: 1000, currency: "EUR" },
});

describe("the public catalog cache", () => {
  it("serves a burst of 200 concurrent GET /v1/services with one SQL read", async () => {
    const api = testApi({}, new FixedClock(Date.now()));
    const before = await mysqlRoundTrips(api);
    const answers = await Promise.all(
      Array.from({ length: 200 }, () => api.request("/v1/services")),
    );
    expect(answers.map((r) => r.status)).toEqual(Array(200).fill(200));
    expect((await mysqlRoundTrips(api)) - before).toBe(1);
  });

  it("never hides an admin change made through the same isolate, even within the TTL", async () => {
    const api = testApi({ CATALOG_CACHE_TTL_MS: "60000" }, new FixedClock(Date.now()));
    await listed(api); // cached
    const name = uniqueId("svc-");
    const created = await api.admin("POST", "/v1/admin/services", service(name));
    const { id } = (await created.json()) as { id: string };
    expect((await listed(api)).map((s) => s.id)).toContain(id);
    const renamed = await api.admin("PATCH", `/v1/admin/services/${id}`, { name: `${name}-2` });
    expect(renamed.status).toBe(200);
    expect((await listed(api)).find((s) => s.id === id)?.name).toBe(`${name}-2`);
    await api.admin("PATCH", `/v1/admin/services/${id}`, { active: false });
    expect((await listed(api)).map((s) => s.id)).not.toContain(id);
  });

  it("shows a change made through another isolate once the TTL has passed, not before", async () => {
    const clock = new FixedClock(Date.now());
    const reader = testApi({ CATALOG_CACHE_TTL_MS: "5000" }, clock);
    const writer = testApi();
    await listed(reader);
    const created = await writer.admin("POST", "/v1/admin/services", service(uniqueId("svc-")));
    const { id } = (await created.json()) as { id: string };
    clock.advance(4_999);
    expect((await listed(reader)).map((s) => s.id)).not.toContain(id);
    clock.advance(1);
    expect((await listed(reader)).map((s) => s.id)).toContain(id);
  });
});
