import { describe, expect, it } from "vitest";
import { startPlanetscaleGateway } from "../../../scripts/gateways/planetscale-gateway.ts";
import { startUpstashGateway } from "../../../scripts/gateways/upstash-gateway.ts";
import { expectError, testApi } from "../../../test/drivers/api.ts";
import { FixedClock } from "../../../test/fixtures/fakes.ts";
import { liveFixture, newClientId } from "../../../test/fixtures/live-fixtures.ts";
import { withDb } from "../../../test/stack/db-direct.ts";
import { TEST_STACK, uniqueId } from "../../../test/stack/stack-env.ts";

const clock = new FixedClock(Date.now());
const api = testApi({}, clock);
const post = (path: string, body: unknown, headers: Record<string, string> = {}) => {
  clock.advance(1_000); // one email's codes and outbox rows never share a timestamp
  return api.request(path, {
    method: "POST",
    headers: { "Content-Type": "application/json", ...headers },
    body: JSON.stringify(body),
  });
};
const newEmail = () => `${uniqueId("c")}@example.test`;
const ip = () => `10.9.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}`;

/** The latest sign-in code emailed to `email`, read from the outbox. */
async function latestCode(email: string): Promise<string> {
  return withDb(async (conn) => {
    const [rows] = await conn.query(
      "SELECT subject FROM outbox_emails WHERE to_email = ? AND kind = 'sign-in-code' ORDER BY created_at DESC, id DESC LIMIT 1",
      [email],
    );
    const subject = String((rows as { subject: string }[])[0]?.subject ?? "");
    return subject.slice(-6);
  });
}

async function signIn(email: string): Promise<string> {
  expect((await post("/v1/auth/otp", { email }, { "CF-Connecting-IP": ip() })).status).toBe(202);
  const res = await post(
    "/v1/auth/verify",
    { email, code: await latestCode(email) },
    { "CF-Connecting-IP": ip() },
  );
  expect(res.status).toBe(200);
  return ((await res.json()) as { sessionToken: string }).sessionToken;
}

describe("sign-in codes", () => {
  it("answers 202 for any email, known or not, and emails a 6-digit code", async () => {
    const email = newEmail();
    const res = await post("/v1/auth/otp", { email }, { "CF-Connecting-IP": ip() });
    expect(res.status).toBe(202);
    expect(await latestCode(email)).toMatch(/^\d{6}$/);
  });

  it("allows exactly 3 codes per email in any rolling 10 minutes, across a fixed-window boundary", async () => {
    const email = newEmail();
    const t0 = clock.nowMs();
    for (const at of [0, 4 * 60_000, 9 * 60_000]) {
      clock.current = t0 + at;
      expect((await post("/v1/auth/otp", { email }, { "CF-Connecting-IP": ip() })).status).toBe(
        202,
      );
    }
    clock.current = t0 + 9 * 60_000 + 59_000; // a fixed 5- or 10-minute window would have reset by now
    const fourth = await post("/v1/auth/otp", { email }, { "CF-Connecting-IP": ip() });
    expect(fourth.headers.get("Retry-After")).toBe("1");
    await expectError(fourth, 429, "RATE_LIMITED");
    clock.current = t0 + 10 * 60_000 + 1;
    expect((await post("/v1/auth/otp", { email }, { "CF-Connecting-IP": ip() })).status).toBe(202);
  });

  it("limits by CF-Connecting-IP only: a spoofed X-Forwarded-For changes nothing", async () => {
    const address = ip();
    for (let i = 0; i < 10; i++) {
      const res = await post(
        "/v1/auth/otp",
        { email: newEmail() },
        { "CF-Connecting-IP": address, "X-Forwarded-For": ip() },
      );
      expect(res.status).toBe(202);
    }
    await expectError(
      await post(
        "/v1/auth/otp",
        { email: newEmail() },
        { "CF-Connecting-IP": address, "X-Forwarded-For": ip() },
      ),
      429,
      "RATE_LIMITED",
    );
  });

  it("a code works once; 5 wrong attempts kill it; it expires after 10 minutes", async () => {
    const email = newEmail();
    const verify = (code: string) =>
      post("/v1/auth/verify", { email, code }, { "CF-Connecting-IP": ip() });
    await post("/v1/auth/otp", { email }, { "CF-Connecting-IP": ip() });
    const code = await latestCode(email);
    const wrong = code === "000000" ? "000001" : "000000";
    for (let i = 0; i < 5; i++)
      await expectError(
        await verify(wrong),
        401,
        "UNAUTHORIZED",
        "body.code: wrong or expired code",
      );
    await expectError(await verify(code), 401, "UNAUTHORIZED", "body.code: wrong or expired code");

    await post("/v1/auth/otp", { email }, { "CF-Connecting-IP": ip() });
    const fresh = await latestCode(email);
    expect((await verify(fresh)).status).toBe(200);
    await expectError(await verify(fresh), 401, "UNAUTHORIZED");

    await post("/v1/auth/otp", { email }, { "CF-Connecting-IP": ip() });
    const late = await latestCode(email);
    clock.advance(10 * 60_000);
    await expectError(await verify(late), 401, "UNAUTHORIZED");
  });

  it("keeps the limit exact on the MySQL fallback while Redis hangs: the 4th code in 10 minutes is 429", async () => {
    const hung = await startUpstashGateway({
      port: 0,
      redisUrl: TEST_STACK.redisUrl,
      token: TEST_STACK.upstashToken,
    });
    hung.setFault("hang");
    try {
      const down = testApi({ UPSTASH_REDIS_REST_URL: hung.url, REDIS_TIMEOUT_MS: "200" });
      const email = newEmail();
      const otp = () =>
        down.request("/v1/auth/otp", {
          method: "POST",
          headers: { "Content-Type": "application/json", "CF-Connecting-IP": ip() },
          body: JSON.stringify({ email }),
        });
      for (let i = 0; i < 3; i++) expect((await otp()).status).toBe(202);
      await expectError(await otp(), 429, "RATE_LIMITED");
      expect(await latestCode(email)).toMatch(/^\d{6}$/);
    } finally {
      await hung.close();
    }
  });

  it("refuses to send codes when neither Redis nor MySQL can count them (503), never failing open", async () => {
    const hung = await startUpstashGateway({
      port: 0,
      redisUrl: TEST_STACK.redisUrl,
      token: TEST_STACK.upstashToken,
    });
    const mysqlDown = await startPlanetscaleGateway({
      port: 0,
      mysqlUrl: TEST_STACK.mysqlUrl,
      username: TEST_STACK.planetscaleUsername,
      password: TEST_STACK.planetscalePassword,
    });
    hung.setFault("hang");
    mysqlDown.setFault("refuse");
    try {
      const down = testApi({
        UPSTASH_REDIS_REST_URL: hung.url,
        REDIS_TIMEOUT_MS: "200",
        DATABASE_URL: `http://${TEST_STACK.planetscaleUsername}:${TEST_STACK.planetscalePassword}@127.0.0.1:${mysqlDown.port}`,
      });
      const email = newEmail();
      const res = await down.request("/v1/auth/otp", {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ email }),
      });
      await expectError(res, 503, "STORE_UNAVAILABLE");
      expect(await latestCode(email)).toBe("");
    } finally {
      await hung.close();
      await mysqlDown.close();
    }
  });
});

describe("sessions", () => {
  it("lists the customer's own appointments and opens only their manage routes", async () => {
    const live = await liveFixture(api);
    const email = newEmail();
    const book = async (customerEmail: string, hhmm: string) => {
      const held = (await (
        await live.post("/v1/holds", {
          clientId: newClientId(),
          serviceId: live.serviceId,
          staffId: live.staffId,
          start: await live.start(hhmm),
        })
      ).json()) as { holdId: string; holdToken: string };
      const res = await post(
        "/v1/appointments",
        {
          holdId: held.holdId,
          holdToken: held.holdToken,
          customer: { name: "Robert'); DROP TABLE appointments;--", email: customerEmail },
        },
        { "Idempotency-Key": uniqueId("k") },
      );
      expect(res.status).toBe(201);
      return ((await res.json()) as { appointment: { id: string; customer: { name: string } } })
        .appointment;
    };
    const mine = await book(email, "09:00");
    const theirs = await book(newEmail(), "10:00");
    expect(mine.customer.name).toBe("Robert'); DROP TABLE appointments;--");
    const session = await signIn(email);
    const bearer = { Authorization: `Bearer ${session}` };

    const list = await api.request("/v1/me/appointments", { headers: bearer });
    expect(list.status).toBe(200);
    expect(
      ((await list.json()) as { appointments: { id: string }[] }).appointments.map((a) => a.id),
    ).toEqual([mine.id]);
    expect((await api.request(`/v1/appointments/${mine.id}`, { headers: bearer })).status).toBe(
      200,
    );
    await expectError(
      await api.request(`/v1/appointments/${theirs.id}`, { headers: bearer }),
      404,
      "NOT_FOUND",
    );
    await expectError(
      await api.request(`/v1/appointments/${theirs.id}/cancel`, {
        method: "POST",
        headers: bearer,
      }),
      404,
      "NOT_FOUND",
    );
  });

  it("refuses a missing, malformed, wrong, revoked or expired session with 401", async () => {
    const session = await signIn(newEmail());
    const me = (authorization?: string) =>
      api.request(
        "/v1/me/appointments",
        authorization ? { headers: { Authorization: authorization } } : {},
      );
    await expectError(await me(), 401, "UNAUTHORIZED", "header.authorization:");
    await expectError(await me("Basic abc"), 401, "UNAUTHORIZED");
    await expectError(await me(`Bearer ${"x".repeat(43)}`), 401, "UNAUTHORIZED");
    expect((await me(`Bearer ${session}`)).status).toBe(200);
    clock.advance(24 * 3_600_000);
    await expectError(await me(`Bearer ${session}`), 401, "UNAUTHORIZED");
    const second = await signIn(newEmail());
    expect(
      (
        await api.request("/v1/auth/session", {
          method: "DELETE",
          headers: { Authorization: `Bearer ${second}` },
        })
      ).status,
    ).toBe(204);
    await expectError(await me(`Bearer ${second}`), 401, "UNAUTHORIZED");
  });
});
