/**
 * Sign-in hardening, through the API:
 * - (a) at most 10 failed verifications per email in any rolling 24 h, across codes; past the
 *   cap even the right code answers 429 with Retry-After;
 * - (b) every address of one IPv6 /64 counts as one client for the per-IP limits;
 * - (f) the per-email code limit (3 per rolling 10 minutes) is exact whichever store answers:
 *   Redis up, Redis down, both at once, and under concurrency.
 */
import { describe, expect, it } from "vitest";
import { type Api, expectError, testApi } from "../../../test/drivers/api.ts";
import { FixedClock } from "../../../test/fixtures/fakes.ts";
import { withDb } from "../../../test/stack/db-direct.ts";
import { uniqueId } from "../../../test/stack/stack-env.ts";

const HOUR_MS = 3_600_000;
const clock = new FixedClock(Date.now());
const prefix = `${uniqueId("si")}:`;
const up: Api = testApi({ REDIS_KEY_PREFIX: prefix }, clock);
/** The same deployment in an isolate that cannot reach Redis: limits run on the MySQL fallback. */
const down: Api = testApi(
  {
    REDIS_KEY_PREFIX: prefix,
    UPSTASH_REDIS_REST_URL: "http://127.0.0.1:9",
    REDIS_COOLDOWN_MS: "600000",
  },
  clock,
);

const newEmail = () => `${uniqueId("sh")}@example.test`;
let ipSeq = 0;
/** A fresh IPv4 address per call, so that only the limit under test can refuse. */
const ip = () => `10.66.${Math.floor(++ipSeq / 250) % 250}.${ipSeq % 250}`;

function post(api: Api, path: string, body: unknown, address = ip()) {
  return api.request(path, {
    method: "POST",
    headers: { "Content-Type": "application/json", "CF-Connecting-IP": address },
    body: JSON.stringify(body),
  });
}

async function latestCode(email: string): Promise<string> {
  return withDb(async (conn) => {
    const [rows] = await conn.query(
      "SELECT subject FROM outbox_emails WHERE to_email = ? AND kind = 'sign-in-code' ORDER BY created_at DESC, id DESC LIMIT 1",
      [email],
    );
    return String((rows as { subject: string }[])[0]?.subject ?? "").slice(-6);
  });
}

async function codesIssued(email: string): Promise<number> {
  return withDb(async (conn) => {
    const [rows] = await conn.query("SELECT COUNT(*) AS n FROM auth_codes WHERE email = ?", [
      email,
    ]);
    return Number((rows as { n: number }[])[0]?.n);
  });
}

/** A six-digit guess that is surely not `code`. */
const wrongFor = (code: string) => String((Number(code) + 1) % 1_000_000).padStart(6, "0");

describe("(a) failed verifications per email", () => {
  it("after 10 failures in 24 h across codes, even the right code is 429 with Retry-After, until the oldest failure is 24 h old", async () => {
    const email = newEmail();
    const started = clock.nowMs();
    for (let round = 0; round < 2; round++) {
      clock.advance(HOUR_MS);
      expect((await post(up, "/v1/auth/otp", { email })).status).toBe(202);
      const wrong = wrongFor(await latestCode(email));
      for (let i = 0; i < 5; i++) {
        await expectError(
          await post(up, "/v1/auth/verify", { email, code: wrong }),
          401,
          "UNAUTHORIZED",
        );
      }
    }
    clock.advance(HOUR_MS);
    expect((await post(up, "/v1/auth/otp", { email })).status).toBe(202);
    const locked = await post(up, "/v1/auth/verify", { email, code: await latestCode(email) });
    await expectError(locked, 429, "RATE_LIMITED", "body.email:");
    // The first failure was at started + 1 h: the window frees a place 24 h after it.
    const firstFailure = started + HOUR_MS;
    expect(Number(locked.headers.get("Retry-After"))).toBe(
      Math.ceil((firstFailure + 24 * HOUR_MS - clock.nowMs()) / 1000),
    );
    // The lock-out holds on the fallback too (it is counted in MySQL).
    await expectError(
      await post(down, "/v1/auth/verify", { email, code: await latestCode(email) }),
      429,
      "RATE_LIMITED",
    );
    clock.advance(firstFailure + 24 * HOUR_MS - clock.nowMs());
    expect((await post(up, "/v1/auth/otp", { email })).status).toBe(202);
    const res = await post(up, "/v1/auth/verify", { email, code: await latestCode(email) });
    expect(res.status, await res.clone().text()).toBe(200);
  });

  it("counts concurrent wrong guesses exactly: with 9 failures recorded, of 5 wrong guesses at once exactly 1 is a 401 and 4 are 429", async () => {
    const email = newEmail();
    clock.advance(HOUR_MS);
    for (const count of [5, 4]) {
      expect((await post(up, "/v1/auth/otp", { email })).status).toBe(202);
      const wrong = wrongFor(await latestCode(email));
      for (let i = 0; i < count; i++) await post(up, "/v1/auth/verify", { email, code: wrong });
    }
    expect((await post(up, "/v1/auth/otp", { email })).status).toBe(202);
    const wrong = wrongFor(await latestCode(email));
    const answers = await Promise.all(
      Array.from({ length: 5 }, (_, i) =>
        post(i % 2 ? down : up, "/v1/auth/verify", { email, code: wrong }),
      ),
    );
    expect(answers.map((r) => r.status).sort()).toEqual([401, 429, 429, 429, 429]);
  });
});

describe("(b) IPv6 /64 grouping", () => {
  it("counts every address of one /64 as one client for the per-IP code limit (10 per 10 minutes)", async () => {
    clock.advance(HOUR_MS);
    const net = `2001:db8:${(ipSeq++ % 0xffff).toString(16)}:7`;
    for (let i = 1; i <= 10; i++) {
      expect(
        (await post(up, "/v1/auth/otp", { email: newEmail() }, `${net}::${i.toString(16)}`)).status,
      ).toBe(202);
    }
    await expectError(
      await post(up, "/v1/auth/otp", { email: newEmail() }, `${net}:ffff:1:2:3`),
      429,
      "RATE_LIMITED",
    );
    // The neighbouring /64 is another client.
    expect(
      (await post(up, "/v1/auth/otp", { email: newEmail() }, `${net.slice(0, -1)}8::1`)).status,
    ).toBe(202);
  });
});

describe("(f) the per-email code limit holds whichever store answers", () => {
  it("with Redis up: the fourth code within 10 minutes is 429 with Retry-After", async () => {
    const email = newEmail();
    clock.advance(HOUR_MS);
    for (let i = 0; i < 3; i++) {
      expect((await post(up, "/v1/auth/otp", { email })).status).toBe(202);
      clock.advance(1_000);
    }
    const fourth = await post(up, "/v1/auth/otp", { email });
    await expectError(fourth, 429, "RATE_LIMITED");
    expect(Number(fourth.headers.get("Retry-After"))).toBe(600 - 3);
    expect(await codesIssued(email)).toBe(3);
  });

  it("across a failover: codes issued with Redis up count while Redis is down, and back", async () => {
    const email = newEmail();
    clock.advance(HOUR_MS);
    expect((await post(up, "/v1/auth/otp", { email })).status).toBe(202);
    expect((await post(up, "/v1/auth/otp", { email })).status).toBe(202);
    expect((await post(down, "/v1/auth/otp", { email })).status).toBe(202);
    await expectError(await post(down, "/v1/auth/otp", { email }), 429, "RATE_LIMITED");
    await expectError(await post(up, "/v1/auth/otp", { email }), 429, "RATE_LIMITED");
    expect(await codesIssued(email)).toBe(3);
    clock.advance(10 * 60_000);
    expect((await post(down, "/v1/auth/otp", { email })).status).toBe(202);
  });

  it("exactly 3 of 12 concurrent requests, half with Redis up and half with it down, get a code", async () => {
    const email = newEmail();
    clock.advance(HOUR_MS);
    const answers = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        post(i % 2 === 0 ? up : down, "/v1/auth/otp", { email }),
      ),
    );
    const statuses = answers.map((r) => r.status).sort();
    expect(statuses).toEqual([202, 202, 202, ...Array.from({ length: 9 }, () => 429)]);
    expect(await codesIssued(email)).toBe(3);
  });
});
