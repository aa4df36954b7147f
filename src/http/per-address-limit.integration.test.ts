import { describe, expect, it } from "vitest";
import { workerApp as app, expectError } from "../../test/drivers/api.ts";
import { TEST_STACK, testBindings } from "../../test/stack/stack-env.ts";

/** A stand-in for the Workers rate-limiting binding that admits `budget` calls per key. */
function fakeLimiter(budget: number) {
  const seen = new Map<string, number>();
  return {
    keys: seen,
    limit: async ({ key }: { key: string }) => {
      seen.set(key, (seen.get(key) ?? 0) + 1);
      return { success: (seen.get(key) ?? 0) <= budget };
    },
  };
}

describe("the per-IP rate limit", () => {
  it("answers 429 RATE_LIMITED with Retry-After once an IP is over its budget", async () => {
    const limiter = fakeLimiter(2);
    const env = { ...testBindings("rl:"), PUBLIC_RATE_LIMITER: limiter };
    const call = () =>
      app.request("/v1/services", { headers: { "CF-Connecting-IP": "203.0.113.7" } }, env);
    expect((await call()).status).toBe(200);
    expect((await call()).status).toBe(200);
    const limited = await call();
    expect(limited.headers.get("Retry-After")).toBe("60");
    await expectError(limited, 429, "RATE_LIMITED");
  });

  it("keys on CF-Connecting-IP only, never on X-Forwarded-For", async () => {
    const limiter = fakeLimiter(100);
    const env = { ...testBindings("rl:"), PUBLIC_RATE_LIMITER: limiter };
    await app.request(
      "/v1/services",
      { headers: { "CF-Connecting-IP": "203.0.113.8", "X-Forwarded-For": "1.2.3.4" } },
      env,
    );
    await app.request("/v1/services", { headers: { "X-Forwarded-For": "5.6.7.8" } }, env);
    expect([...limiter.keys.keys()]).toEqual(["ip:203.0.113.8", "ip:unknown"]);
  });

  it("counts every address of one IPv6 /64 as one client", async () => {
    const limiter = fakeLimiter(2);
    const env = { ...testBindings("rl:"), PUBLIC_RATE_LIMITER: limiter };
    const call = (ip: string) =>
      app.request("/v1/services", { headers: { "CF-Connecting-IP": ip } }, env);
    expect((await call("2001:db8:5:6::1")).status).toBe(200);
    expect((await call("2001:db8:5:6:aaaa::2")).status).toBe(200);
    await expectError(await call("2001:db8:5:6:ffff:ffff:ffff:ffff"), 429, "RATE_LIMITED");
    expect((await call("2001:db8:5:7::1")).status).toBe(200);
  });

  it("counts admin and debug calls too, in a budget of their own", async () => {
    const limiter = fakeLimiter(1);
    const env = { ...testBindings("rl:"), PUBLIC_RATE_LIMITER: limiter };
    const ip = "203.0.113.9";
    const admin = (path: string) =>
      app.request(
        path,
        { headers: { Authorization: `Bearer ${TEST_STACK.adminToken}`, "CF-Connecting-IP": ip } },
        env,
      );
    expect(
      (await app.request("/v1/services", { headers: { "CF-Connecting-IP": ip } }, env)).status,
    ).toBe(200);
    expect((await admin("/v1/admin/settings")).status).toBe(200);
    await expectError(await admin("/v1/admin/settings"), 429, "RATE_LIMITED");
    await expectError(await admin("/v1/debug/metrics"), 429, "RATE_LIMITED");
    // Without a token as well: the limit runs first, so a flood of guesses is throttled too.
    await expectError(
      await app.request("/v1/admin/settings", { headers: { "CF-Connecting-IP": ip } }, env),
      429,
      "RATE_LIMITED",
    );
    expect(Object.fromEntries(limiter.keys)).toEqual({ [`ip:${ip}`]: 1, [`admin:${ip}`]: 4 });
  });
});
