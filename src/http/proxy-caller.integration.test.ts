import { describe, expect, it } from "vitest";
import { workerApp as app, expectError } from "../../test/drivers/api.ts";
import { TEST_STACK, testBindings, uniqueId } from "../../test/stack/stack-env.ts";

/**
 * A stand-in for the Workers rate-limiting binding that admits `budget` calls per key. `keys`
 * holds the public ones (the admin calls that create keys are counted apart, as `admin:`).
 */
function fakeLimiter(budget: number) {
  const seen = new Map<string, number>();
  return {
    keys: seen,
    limit: async ({ key }: { key: string }) => {
      if (key.startsWith("admin:")) return { success: true };
      seen.set(key, (seen.get(key) ?? 0) + 1);
      return { success: (seen.get(key) ?? 0) <= budget };
    },
  };
}

async function createKey(env: object, scopes: string[]): Promise<{ id: string; key: string }> {
  const res = await app.request(
    "/v1/admin/api-keys",
    {
      method: "POST",
      headers: {
        Authorization: `Bearer ${TEST_STACK.adminToken}`,
        "Content-Type": "application/json",
      },
      body: JSON.stringify({ name: uniqueId("proxy"), scopes }),
    },
    env,
  );
  expect(res.status).toBe(201);
  return (await res.json()) as { id: string; key: string };
}

const PROXY_ADDRESS = "198.51.100.20";

describe("a proxy key names the customer's address", () => {
  it("moves the per-address limit to X-Customer-IP, and counts the key in its own budget", async () => {
    const publicLimiter = fakeLimiter(2);
    const proxyLimiter = fakeLimiter(5);
    const env = {
      ...testBindings("px:"),
      PUBLIC_RATE_LIMITER: publicLimiter,
      PROXY_RATE_LIMITER: proxyLimiter,
    };
    const proxy = await createKey(env, ["proxy"]);
    const call = (customer: string) =>
      app.request(
        "/v1/services",
        {
          headers: {
            "CF-Connecting-IP": PROXY_ADDRESS,
            "X-Api-Key": proxy.key,
            "X-Customer-IP": customer,
          },
        },
        env,
      );
    expect((await call("203.0.113.1")).status).toBe(200);
    expect((await call("203.0.113.1")).status).toBe(200);
    await expectError(await call("203.0.113.1"), 429, "RATE_LIMITED");
    // Another customer behind the same proxy has a budget of its own; IPv6 counts per /64.
    expect((await call("203.0.113.2")).status).toBe(200);
    expect((await call("2001:db8:1:2::5")).status).toBe(200);
    // Over the key's own budget (5), every customer is refused.
    await expectError(await call("203.0.113.3"), 429, "RATE_LIMITED");
    expect(Object.fromEntries(publicLimiter.keys)).toEqual({
      "ip:203.0.113.1": 3,
      "ip:203.0.113.2": 1,
      "ip:2001:db8:1:2::/64": 1,
    });
    expect(Object.fromEntries(proxyLimiter.keys)).toEqual({ [`proxy:${proxy.id}`]: 6 });
  });

  it("is ignored without a valid proxy key: none, without `proxy`, revoked, unknown, malformed", async () => {
    const publicLimiter = fakeLimiter(100);
    const env = { ...testBindings("px:"), PUBLIC_RATE_LIMITER: publicLimiter };
    const other = await createKey(env, ["catalog:read"]);
    const revoked = await createKey(env, ["proxy"]);
    const revoke = await app.request(
      `/v1/admin/api-keys/${revoked.id}`,
      { method: "DELETE", headers: { Authorization: `Bearer ${TEST_STACK.adminToken}` } },
      env,
    );
    expect(revoke.status).toBe(200);
    const unknown = `ae_live_${"0".repeat(16)}_${"A".repeat(43)}`;
    for (const key of [undefined, other.key, revoked.key, unknown, "not-a-key"]) {
      const res = await app.request(
        "/v1/services",
        {
          headers: {
            "CF-Connecting-IP": PROXY_ADDRESS,
            "X-Customer-IP": "203.0.113.50",
            ...(key ? { "X-Api-Key": key } : {}),
          },
        },
        env,
      );
      expect(res.status).toBe(200);
    }
    expect(Object.fromEntries(publicLimiter.keys)).toEqual({ [`ip:${PROXY_ADDRESS}`]: 5 });
  });

  it.each(["not-an-ip", "999.1.1.1", "1.2.3", ""])(
    "a proxy key with X-Customer-IP %j is 400 naming the header",
    async (customer) => {
      const env = testBindings("px:");
      const proxy = await createKey(env, ["proxy"]);
      const res = await app.request(
        "/v1/services",
        { headers: { "X-Api-Key": proxy.key, "X-Customer-IP": customer } },
        env,
      );
      await expectError(res, 400, "BAD_REQUEST", "header.x-customer-ip:");
    },
  );

  it("a browser may not send the proxy headers: the CORS preflight does not allow them", async () => {
    const env = testBindings("px:");
    const res = await app.request(
      "/v1/services",
      {
        method: "OPTIONS",
        headers: {
          Origin: "https://app.example",
          "Access-Control-Request-Method": "GET",
          "Access-Control-Request-Headers": "x-customer-ip, x-api-key",
        },
      },
      env,
    );
    const allowed = (res.headers.get("Access-Control-Allow-Headers") ?? "").toLowerCase();
    expect(allowed).toContain("authorization");
    expect(allowed).not.toContain("x-customer-ip");
    expect(allowed).not.toContain("x-api-key");
  });
});
