import { describe, expect, it } from "vitest";
import { expectError, testApi } from "../../../../test/drivers/api.ts";
import {
  bearer,
  createTestAccount,
  latestSignInCode,
  newAccountEmail,
  postJson,
  signInAccount,
  signInEmailsTo,
} from "../../../../test/fixtures/account-fixtures.ts";
import { createTestService, createTestStaff } from "../../../../test/fixtures/catalog-fixtures.ts";
import { FixedClock } from "../../../../test/fixtures/fakes.ts";
import { withDb } from "../../../../test/stack/db-direct.ts";
import { uniqueId } from "../../../../test/stack/stack-env.ts";

const api = testApi();

type Account = {
  id: string;
  email: string;
  name: string;
  role: string;
  staffId: string | null;
  createdAt: string;
  createdBy: string;
  updatedAt: string;
  deactivatedAt: string | null;
};

const listServices = (token: string) =>
  api.request("/v1/admin/services", { headers: bearer(token) });

/** A customer session from the customers' own sign-in. */
async function customerSession(email: string): Promise<string> {
  expect((await postJson(api, "/v1/auth/otp", { email })).status).toBe(202);
  const res = await postJson(api, "/v1/auth/verify", {
    email,
    code: await latestSignInCode(email),
  });
  expect(res.status).toBe(200);
  return ((await res.json()) as { sessionToken: string }).sessionToken;
}

describe("business accounts: management", () => {
  it("creates, lists, changes the role of and deactivates an account", async () => {
    const email = newAccountEmail();
    const created = await api.admin("POST", "/v1/admin/accounts", {
      email: `  ${email.toUpperCase()} `.trim(),
      name: "Lea Brandt",
      role: "manager",
    });
    expect(created.status).toBe(201);
    const account = (await created.json()) as Account;
    expect(account).toEqual({
      id: expect.stringMatching(/^acc_[0-9a-z]{20}$/),
      email,
      name: "Lea Brandt",
      role: "manager",
      staffId: null,
      createdAt: expect.stringMatching(/Z$/),
      createdBy: "admin-token",
      updatedAt: account.createdAt,
      deactivatedAt: null,
    });

    const listed = (await (await api.admin("GET", "/v1/admin/accounts")).json()) as {
      accounts: Account[];
    };
    expect(listed.accounts.find((a) => a.id === account.id)).toEqual(account);

    const renamed = await api.admin("PATCH", `/v1/admin/accounts/${account.id}`, {
      name: "Lea B.",
      role: "owner",
    });
    expect(renamed.status).toBe(200);
    expect(await renamed.json()).toMatchObject({ name: "Lea B.", role: "owner", staffId: null });

    const gone = await api.admin("DELETE", `/v1/admin/accounts/${account.id}`);
    expect(gone.status).toBe(200);
    const deactivated = (await gone.json()) as Account;
    expect(deactivated.deactivatedAt).toMatch(/Z$/);
    // Again: no change, the same answer.
    const again = await api.admin("DELETE", `/v1/admin/accounts/${account.id}`);
    expect(((await again.json()) as Account).deactivatedAt).toBe(deactivated.deactivatedAt);
    await expectError(
      await api.admin("PATCH", `/v1/admin/accounts/${account.id}`, { role: "staff" }),
      409,
      "CONFLICT",
      "param.id:",
    );
  });

  it("refuses bad input with 400 naming the field, and writes nothing", async () => {
    const service = await createTestService(api);
    const staff = await createTestStaff(api, { serviceIds: [service.id] });
    const email = newAccountEmail();
    const cases: [Record<string, unknown>, string][] = [
      [{ email: "not-an-email", name: "A", role: "owner" }, "body.email"],
      [{ email, name: "", role: "owner" }, "body.name"],
      [{ email, name: "A", role: "admin" }, "body.role"],
      [{ email, name: "A", role: "staff" }, "body.staffId: a staff account needs"],
      [{ email, name: "A", role: "manager", staffId: staff.id }, "body.staffId: only a staff"],
      [
        { email, name: "A", role: "staff", staffId: "stf_doesnotexist0000" },
        "body.staffId: no staff",
      ],
      [{ email, name: "A", role: "owner", extra: 1 }, "body"],
    ];
    for (const [body, field] of cases) {
      await expectError(
        await api.admin("POST", "/v1/admin/accounts", body),
        400,
        "BAD_REQUEST",
        field,
      );
    }
    const listed = (await (await api.admin("GET", "/v1/admin/accounts")).json()) as {
      accounts: Account[];
    };
    expect(listed.accounts.filter((a) => a.email === email)).toEqual([]);
    await expectError(
      await api.admin("PATCH", "/v1/admin/accounts/acc_doesnotexist00000", { name: "X" }),
      404,
      "NOT_FOUND",
      "param.id:",
    );
    await expectError(
      await api.admin("PATCH", "/v1/admin/accounts/nope", { name: "X" }),
      400,
      "BAD_REQUEST",
      "param.id",
    );
  });

  it("keeps emails unique: of two concurrent creates for one email, exactly one wins", async () => {
    const email = newAccountEmail();
    const body = { email, name: "Twin", role: "manager" };
    const answers = await Promise.all([
      api.admin("POST", "/v1/admin/accounts", body),
      api.admin("POST", "/v1/admin/accounts", body),
    ]);
    expect(answers.map((r) => r.status).sort()).toEqual([201, 409]);
  });

  it("is the owner's: a manager session gets 403, an owner session may create", async () => {
    const manager = await createTestAccount(api, "manager");
    const token = await signInAccount(api, manager.email);
    await expectError(
      await api.request("/v1/admin/accounts", { headers: bearer(token) }),
      403,
      "FORBIDDEN",
      "header.authorization:",
    );
    const owner = await createTestAccount(api, "owner");
    const ownerToken = await signInAccount(api, owner.email);
    const made = await api.request("/v1/admin/accounts", {
      method: "POST",
      headers: { ...bearer(ownerToken), "Content-Type": "application/json" },
      body: JSON.stringify({ email: newAccountEmail(), name: "By owner", role: "manager" }),
    });
    expect(made.status).toBe(201);
    expect(((await made.json()) as Account).createdBy).toBe(`account:${owner.id}`);
  });
});

describe("business accounts: sign-in", () => {
  it("answers an unknown or deactivated email exactly like a known one, and emails neither", async () => {
    const known = await createTestAccount(api, "manager");
    const gone = await createTestAccount(api, "manager");
    await api.admin("DELETE", `/v1/admin/accounts/${gone.id}`);
    const unknown = newAccountEmail();
    const answers = [];
    for (const email of [known.email, gone.email, unknown]) {
      const res = await postJson(api, "/v1/admin/auth/otp", { email });
      answers.push({ status: res.status, body: await res.json() });
    }
    expect(answers[1]).toEqual(answers[0]);
    expect(answers[2]).toEqual(answers[0]);
    expect(answers[0]?.status).toBe(202);
    expect(await signInEmailsTo(known.email)).toBe(1);
    expect(await signInEmailsTo(gone.email)).toBe(0);
    expect(await signInEmailsTo(unknown)).toBe(0);
    // The per-email limit counts them all the same: the 4th request in 10 minutes is 429 for each.
    for (const email of [known.email, unknown]) {
      await postJson(api, "/v1/admin/auth/otp", { email });
      await postJson(api, "/v1/admin/auth/otp", { email });
      await expectError(await postJson(api, "/v1/admin/auth/otp", { email }), 429, "RATE_LIMITED");
    }
    // A guessed code for an address without an account is the same 401 as a wrong one.
    await expectError(
      await postJson(api, "/v1/admin/auth/verify", { email: unknown, code: "123456" }),
      401,
      "UNAUTHORIZED",
      "body.code:",
    );
  });

  it("issues a session that works on admin routes and ends at sign-out", async () => {
    const account = await createTestAccount(api, "manager");
    expect((await postJson(api, "/v1/admin/auth/otp", { email: account.email })).status).toBe(202);
    const verified = await postJson(api, "/v1/admin/auth/verify", {
      email: account.email,
      code: await latestSignInCode(account.email),
    });
    expect(verified.status).toBe(200);
    const session = (await verified.json()) as {
      sessionToken: string;
      expiresAt: string;
      account: Record<string, unknown>;
    };
    expect(session.sessionToken).toMatch(/^ae_bs_[A-Za-z0-9_-]{43}$/);
    expect(Date.parse(session.expiresAt) - Date.now()).toBeGreaterThan(11.9 * 3_600_000);
    expect(Date.parse(session.expiresAt) - Date.now()).toBeLessThanOrEqual(12 * 3_600_000);
    expect(session.account).toEqual({
      id: account.id,
      email: account.email,
      name: "Test manager",
      role: "manager",
      staffId: null,
    });
    expect((await listServices(session.sessionToken)).status).toBe(200);
    const out = await api.request("/v1/admin/auth/logout", {
      method: "POST",
      headers: bearer(session.sessionToken),
    });
    expect(out.status).toBe(204);
    await expectError(await listServices(session.sessionToken), 401, "UNAUTHORIZED");
    await expectError(
      await api.request("/v1/admin/auth/logout", {
        method: "POST",
        headers: bearer(session.sessionToken),
      }),
      401,
      "UNAUTHORIZED",
      "header.authorization:",
    );
  });

  it("expires after 12 hours", async () => {
    const clock = new FixedClock(Date.now());
    const timed = testApi({}, clock);
    const account = await createTestAccount(timed, "manager");
    const token = await signInAccount(timed, account.email);
    const read = () => timed.request("/v1/admin/services", { headers: bearer(token) });
    clock.advance(12 * 3_600_000 - 1);
    expect((await read()).status).toBe(200);
    clock.advance(1);
    await expectError(await read(), 401, "UNAUTHORIZED");
  });

  it("a deactivated account's session is 401 on its very next request, and it cannot sign in", async () => {
    const account = await createTestAccount(api, "manager");
    const token = await signInAccount(api, account.email);
    expect((await listServices(token)).status).toBe(200);
    // A code sent before the deactivation opens nothing after it.
    expect((await postJson(api, "/v1/admin/auth/otp", { email: account.email })).status).toBe(202);
    const code = await latestSignInCode(account.email);
    expect((await api.admin("DELETE", `/v1/admin/accounts/${account.id}`)).status).toBe(200);
    await expectError(await listServices(token), 401, "UNAUTHORIZED", "header.authorization:");
    await expectError(
      await postJson(api, "/v1/admin/auth/verify", { email: account.email, code }),
      401,
      "UNAUTHORIZED",
      "body.code:",
    );
  });

  it("a role change applies from the session's next request", async () => {
    const account = await createTestAccount(api, "manager");
    const token = await signInAccount(api, account.email);
    const audit = () => api.request("/v1/admin/audit?limit=1", { headers: bearer(token) });
    expect((await audit()).status).toBe(200);
    const staff = await createTestStaff(api, {
      serviceIds: [(await createTestService(api)).id],
    });
    const demoted = await api.admin("PATCH", `/v1/admin/accounts/${account.id}`, {
      role: "staff",
      staffId: staff.id,
    });
    expect(demoted.status).toBe(200);
    expect(await demoted.json()).toMatchObject({ role: "staff", staffId: staff.id });
    await expectError(await audit(), 403, "FORBIDDEN", "header.authorization:");
    // Leaving staff drops the link.
    const promoted = await api.admin("PATCH", `/v1/admin/accounts/${account.id}`, {
      role: "manager",
    });
    expect(await promoted.json()).toMatchObject({ role: "manager", staffId: null });
  });

  it("refuses bad input with 400 naming the field", async () => {
    await expectError(
      await postJson(api, "/v1/admin/auth/otp", { email: "x" }),
      400,
      "BAD_REQUEST",
      "body.email",
    );
    await expectError(
      await postJson(api, "/v1/admin/auth/verify", { email: newAccountEmail(), code: "12ab56" }),
      400,
      "BAD_REQUEST",
      "body.code",
    );
    await expectError(
      await postJson(api, "/v1/admin/auth/otp", {}),
      400,
      "BAD_REQUEST",
      "body.email",
    );
  });
});

describe("business accounts: realms", () => {
  it("a business session is never a customer session, and a customer session never a business one", async () => {
    const email = newAccountEmail();
    const created = await api.admin("POST", "/v1/admin/accounts", {
      email,
      name: "Both realms",
      role: "owner",
    });
    expect(created.status).toBe(201);
    // The same address signs in on both sides: two codes, two sessions.
    const business = await signInAccount(api, email);
    const customer = await customerSession(email);

    // The customer's session on the admin API: 401, before any store read.
    await expectError(await listServices(customer), 401, "UNAUTHORIZED", "header.authorization:");
    // The business session on the customer's routes: 401.
    await expectError(
      await api.request("/v1/me/appointments", { headers: bearer(business) }),
      401,
      "UNAUTHORIZED",
    );
    expect((await api.request("/v1/me/appointments", { headers: bearer(customer) })).status).toBe(
      200,
    );
    expect((await listServices(business)).status).toBe(200);
    // Neither sign-out ends the other realm's session.
    await expectError(
      await api.request("/v1/auth/session", { method: "DELETE", headers: bearer(business) }),
      401,
      "UNAUTHORIZED",
    );
    await expectError(
      await api.request("/v1/admin/auth/logout", { method: "POST", headers: bearer(customer) }),
      401,
      "UNAUTHORIZED",
    );
    // A customer code does not open the business realm, nor the other way round.
    expect((await postJson(api, "/v1/auth/otp", { email })).status).toBe(202);
    const customerCode = await latestSignInCode(email);
    await expectError(
      await postJson(api, "/v1/admin/auth/verify", { email, code: customerCode }),
      401,
      "UNAUTHORIZED",
    );
    // The sessions live in their own tables.
    await withDb(async (conn) => {
      const [rows] = await conn.query("SELECT COUNT(*) AS n FROM sessions WHERE email = ?", [
        email,
      ]);
      expect(Number((rows as { n: number }[])[0]?.n)).toBe(1);
    });
  });
});

describe("business accounts: audit", () => {
  it("records the account as the actor of its writes", async () => {
    const manager = await createTestAccount(api, "manager");
    const token = await signInAccount(api, manager.email);
    const requestId = uniqueId("req");
    const res = await api.request("/v1/admin/services", {
      method: "POST",
      headers: { ...bearer(token), "Content-Type": "application/json", "X-Request-Id": requestId },
      body: JSON.stringify({
        name: "Audited by an account",
        durationMin: 30,
        bufferAfterMin: 0,
        price: { amountMinor: 100, currency: "EUR" },
      }),
    });
    expect(res.status).toBe(201);
    const { id } = (await res.json()) as { id: string };
    const audit = await api.admin(
      "GET",
      `/v1/admin/audit?actor=${encodeURIComponent(`account:${manager.id}`)}`,
    );
    const { entries } = (await audit.json()) as {
      entries: { actor: string; operation: string; targetId: string; requestId: string }[];
    };
    expect(entries.map((e) => [e.actor, e.operation, e.targetId, e.requestId])).toEqual([
      [`account:${manager.id}`, "adminCreateService", id, requestId],
    ]);
  });
});
