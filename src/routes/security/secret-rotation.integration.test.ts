/**
 * Secrets, through the API: TOKEN_SECRET_PREVIOUS verifies hold tokens, the
 * manage tokens of idempotent replays and sign-in codes issued before a rotation, and never
 * signs anything; rotating ADMIN_TOKEN invalidates nothing when TOKEN_SECRET is set.
 *
 * Each "deployment" is a set of bindings over the same stores (same Redis key prefix), as a
 * redeploy with new secrets would be.
 */
import { describe, expect, it } from "vitest";
import { type Api, workerApp as app, expectError, testApi } from "../../../test/drivers/api.ts";
import { liveFixture, newClientId } from "../../../test/fixtures/live-fixtures.ts";
import { withDb } from "../../../test/stack/db-direct.ts";
import { testBindings, uniqueId } from "../../../test/stack/stack-env.ts";

const OLD = "token-secret-old-0123456789abcdef0123456789";
const NEW = "token-secret-new-0123456789abcdef0123456789";
const ADMIN_A = "admin-token-a-0123456789abcdef0123456789";
const ADMIN_B = "admin-token-b-0123456789abcdef0123456789";
const prefix = `${uniqueId("rot")}:`;

const deployment = (secrets: Record<string, string>): Api =>
  testApi({ REDIS_KEY_PREFIX: prefix, ...secrets });

const json = (api: Api, path: string, body: unknown, headers: Record<string, string> = {}) =>
  api.request(path, {
    method: "POST",
    headers: { "Content-Type": "application/json", ...headers },
    body: JSON.stringify(body),
  });

type Hold = { holdId: string; holdToken: string };

async function holdAt(api: Api, live: Awaited<ReturnType<typeof liveFixture>>, hhmm: string) {
  const res = await json(api, "/v1/holds", {
    clientId: newClientId(),
    serviceId: live.serviceId,
    staffId: live.staffId,
    start: await live.start(hhmm),
  });
  expect(res.status, await res.clone().text()).toBe(201);
  const { holdId, holdToken } = (await res.json()) as Hold;
  return { holdId, holdToken };
}

const book = (api: Api, hold: Hold, key = uniqueId("key-")) =>
  json(
    api,
    "/v1/appointments",
    { ...hold, customer: { name: "Rota Tion", email: "rotation@example.test" } },
    { "Idempotency-Key": key },
  );

async function latestCode(email: string): Promise<string> {
  return withDb(async (conn) => {
    const [rows] = await conn.query(
      "SELECT subject FROM outbox_emails WHERE to_email = ? AND kind = 'sign-in-code' ORDER BY created_at DESC, id DESC LIMIT 1",
      [email],
    );
    return String((rows as { subject: string }[])[0]?.subject ?? "").slice(-6);
  });
}

const ip = () => `10.44.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}`;

describe("rotating TOKEN_SECRET with TOKEN_SECRET_PREVIOUS", () => {
  it("accepts hold tokens, replayed manage tokens and sign-in codes issued under the previous secret", async () => {
    const before = deployment({ TOKEN_SECRET: OLD });
    const after = deployment({ TOKEN_SECRET: NEW, TOKEN_SECRET_PREVIOUS: OLD });
    const live = await liveFixture(before);
    const heldBefore = await holdAt(before, live, "09:00");
    const bookedBefore = await holdAt(before, live, "10:00");
    const key = uniqueId("key-");
    const first = await book(before, bookedBefore, key);
    expect(first.status).toBe(201);
    const email = `${uniqueId("rot")}@example.test`;
    expect(
      (await json(before, "/v1/auth/otp", { email }, { "CF-Connecting-IP": ip() })).status,
    ).toBe(202);

    // After the rotation: the old hold token still books.
    const booked = await book(after, heldBefore);
    expect(booked.status, await booked.clone().text()).toBe(201);
    // The idempotent replay answers the same 201, with the manage token issued before.
    const replay = await book(after, bookedBefore, key);
    expect(replay.status).toBe(201);
    const firstBody = (await first.json()) as { appointment: { id: string }; manageToken: string };
    expect(await replay.json()).toEqual(firstBody);
    const read = await after.request(`/v1/appointments/${firstBody.appointment.id}`, {
      headers: { "X-Manage-Token": firstBody.manageToken },
    });
    expect(read.status).toBe(200);
    // The code emailed before the rotation still signs in.
    const verify = await json(
      after,
      "/v1/auth/verify",
      { email, code: await latestCode(email) },
      { "CF-Connecting-IP": ip() },
    );
    expect(verify.status, await verify.clone().text()).toBe(200);
  });

  it("never signs with the previous secret, and forgets it once it is removed", async () => {
    const before = deployment({ TOKEN_SECRET: OLD });
    const during = deployment({ TOKEN_SECRET: NEW, TOKEN_SECRET_PREVIOUS: OLD });
    const done = deployment({ TOKEN_SECRET: NEW });
    const live = await liveFixture(before);
    // A token issued during the rotation is signed with the new secret: the old one refuses it.
    const heldDuring = await holdAt(during, live, "11:00");
    await expectError(await book(before, heldDuring), 404, "NOT_FOUND", "holdId:");
    expect((await book(done, heldDuring)).status).toBe(201);
    // Without TOKEN_SECRET_PREVIOUS, a token signed with the old secret is refused.
    const heldBefore = await holdAt(before, live, "13:00");
    await expectError(await book(done, heldBefore), 404, "NOT_FOUND", "holdId:");
  });
});

describe("rotating ADMIN_TOKEN", () => {
  it("invalidates no hold token, manage token or sign-in code when TOKEN_SECRET is set", async () => {
    const before = deployment({ TOKEN_SECRET: NEW, ADMIN_TOKEN: ADMIN_A });
    const after = deployment({ TOKEN_SECRET: NEW, ADMIN_TOKEN: ADMIN_B });
    const live = await liveFixture(deployment({ TOKEN_SECRET: NEW }));
    const held = await holdAt(before, live, "14:00");
    const email = `${uniqueId("adm")}@example.test`;
    expect(
      (await json(before, "/v1/auth/otp", { email }, { "CF-Connecting-IP": ip() })).status,
    ).toBe(202);
    const booked = await book(after, held);
    expect(booked.status, await booked.clone().text()).toBe(201);
    const { appointment, manageToken } = (await booked.json()) as {
      appointment: { id: string };
      manageToken: string;
    };
    const read = await before.request(`/v1/appointments/${appointment.id}`, {
      headers: { "X-Manage-Token": manageToken },
    });
    expect(read.status).toBe(200);
    const verify = await json(
      after,
      "/v1/auth/verify",
      { email, code: await latestCode(email) },
      { "CF-Connecting-IP": ip() },
    );
    expect(verify.status).toBe(200);
    // The admin token itself did change.
    expect(
      (
        await after.request("/v1/admin/settings", {
          headers: { Authorization: `Bearer ${ADMIN_A}` },
        })
      ).status,
    ).toBe(401);
  });
});

describe("TOKEN_SECRET in production", () => {
  it.each([
    ["missing", {}, "TOKEN_SECRET: is required when ENVIRONMENT is production"],
    [
      "equal to ADMIN_TOKEN",
      { TOKEN_SECRET: ADMIN_A },
      "TOKEN_SECRET: must differ from ADMIN_TOKEN",
    ],
  ])(
    "a production deployment with TOKEN_SECRET %s answers 500 BAD_ENVIRONMENT naming it",
    async (_label, extra, message) => {
      const bindings = testBindings(prefix, {
        ENVIRONMENT: "production",
        ADMIN_TOKEN: ADMIN_A,
        ...extra,
      });
      const res = await app.request("/v1/services", {}, bindings);
      expect(res.status).toBe(500);
      const body = (await res.json()) as { error: { code: string; message: string } };
      expect(body.error.code).toBe("BAD_ENVIRONMENT");
      expect(body.error.message).toContain(message);
      expect(body.error.message).not.toContain(ADMIN_A);
    },
  );

  it("a production deployment with its own TOKEN_SECRET serves requests", async () => {
    const bindings = testBindings(prefix, {
      ENVIRONMENT: "production",
      ADMIN_TOKEN: ADMIN_A,
      TOKEN_SECRET: NEW,
      PUBLIC_BASE_URL: "https://book.example",
    });
    expect((await app.request("/v1/services", {}, bindings)).status).toBe(200);
  });
});
