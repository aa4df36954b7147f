import { describe, expect, it } from "vitest";
import { expectError, testApi } from "../../../../test/drivers/api.ts";
import { appOpenApi } from "../../../../test/drivers/openapi-check.ts";
import { FixedClock } from "../../../../test/fixtures/fakes.ts";
import { TEST_STACK, uniqueId } from "../../../../test/stack/stack-env.ts";
import { isAdminPath } from "../../../http/admin-auth.ts";
import { SCOPES, type Scope, scopeOf } from "../../../http/admin-scopes.ts";

const api = testApi();
const owner = { Authorization: `Bearer ${TEST_STACK.adminToken}` };

type CreatedKey = { id: string; prefix: string; key: string; scopes: string[] };

async function createKey(
  scopes: string[],
  extra: Record<string, unknown> = {},
  as: Record<string, string> = owner,
  target = api,
): Promise<CreatedKey> {
  const res = await target.request("/v1/admin/api-keys", {
    method: "POST",
    headers: { ...as, "Content-Type": "application/json" },
    body: JSON.stringify({ name: uniqueId("key"), scopes, ...extra }),
  });
  expect(res.status, await res.clone().text()).toBe(201);
  return (await res.json()) as CreatedKey;
}

const bearer = (key: CreatedKey) => ({ Authorization: `Bearer ${key.key}` });

/** Every admin and debug operation of the served document, with its declared scope. */
async function adminOperations(): Promise<{ method: string; path: string; scope: Scope }[]> {
  const doc = (await appOpenApi()).doc as unknown as {
    paths: Record<string, Record<string, { "x-required-scopes"?: Scope[] }>>;
  };
  return Object.entries(doc.paths)
    .filter(([path]) => isAdminPath(path))
    .flatMap(([path, item]) =>
      Object.entries(item).map(([method, op]) => ({
        method: method.toUpperCase(),
        path,
        scope: op["x-required-scopes"]?.[0] as Scope,
      })),
    );
}

/**
 * A request to the operation that gets past its credential check but changes nothing: ids that
 * do not exist, and a body (a JSON string) that no operation's schema accepts.
 */
function probe(method: string, path: string, headers: Record<string, string>) {
  const concrete = path
    .replaceAll("{date}", "2030-01-07")
    .replaceAll("{id}", path.includes("/api-keys/") ? "0000000000000000" : "svc_doesnotexist00");
  const body = method === "GET" || method === "DELETE" ? undefined : JSON.stringify("nothing");
  return api.request(concrete, {
    method,
    headers: { ...headers, ...(body ? { "Content-Type": "application/json" } : {}) },
    ...(body ? { body } : {}),
  });
}

describe("API keys: every admin operation enforces the scope its document declares", async () => {
  const operations = await adminOperations();
  const keys = new Map<string, CreatedKey>();
  const keyFor = async (scope: Scope) => {
    let key = keys.get(scope);
    if (!key) {
      key = await createKey([scope]);
      keys.set(scope, key);
    }
    return key;
  };

  it("every admin operation declares exactly one scope", () => {
    expect(operations.filter((op) => op.scope === undefined)).toEqual([]);
    for (const op of operations) expect(op.scope).toBe(scopeOf(op.method, op.path));
  });

  it.each(operations.map((op) => [op.method, op.path, op.scope] as const))(
    "%s %s: its scope (%s) passes, another scope is 403, none is 401",
    async (method, path, scope) => {
      const allowed = await probe(method, path, bearer(await keyFor(scope)));
      expect([401, 403], `${method} ${path} with ${scope}`).not.toContain(allowed.status);

      const other: Scope = scope === "ops" ? "catalog:read" : "ops";
      const refused = await probe(method, path, bearer(await keyFor(other)));
      await expectError(refused, 403, "FORBIDDEN", "header.authorization:");

      await expectError(await probe(method, path, {}), 401, "UNAUTHORIZED");
    },
  );
});

describe("API keys: life cycle", () => {
  it("is shown once, listed without its secret, and fails at once with 401 when revoked", async () => {
    const key = await createKey(["catalog:read"]);
    expect(key.key).toMatch(/^ae_live_[0-9a-z]{16}_[A-Za-z0-9_-]{43}$/);
    expect(key.prefix).toBe(`ae_live_${key.id}`);
    expect(key.key.startsWith(`${key.prefix}_`)).toBe(true);

    const listed = await api.admin("GET", "/v1/admin/api-keys");
    const body = (await listed.json()) as { apiKeys: Record<string, unknown>[] };
    const mine = body.apiKeys.find((k) => k.id === key.id);
    expect(mine).toEqual({
      id: key.id,
      prefix: key.prefix,
      name: expect.any(String),
      scopes: ["catalog:read"],
      createdAt: expect.stringMatching(/Z$/),
      createdBy: "admin-token",
      expiresAt: null,
      revokedAt: null,
    });
    expect(JSON.stringify(body)).not.toContain(key.key.slice(key.prefix.length + 1));

    const read = () => api.request("/v1/admin/services", { headers: bearer(key) });
    expect((await read()).status).toBe(200);
    const revoked = await api.admin("DELETE", `/v1/admin/api-keys/${key.id}`);
    expect(revoked.status).toBe(200);
    expect(((await revoked.json()) as { revokedAt: string | null }).revokedAt).toMatch(/Z$/);
    await expectError(await read(), 401, "UNAUTHORIZED", "header.authorization:");
    // Revoking again changes nothing.
    expect((await api.admin("DELETE", `/v1/admin/api-keys/${key.id}`)).status).toBe(200);
  });

  it("fails with 401 from the moment it expires", async () => {
    const clock = new FixedClock(Date.parse("2026-12-07T10:00:00Z"));
    const timed = testApi({}, clock);
    const key = await createKey(
      ["catalog:read"],
      { expiresAt: "2026-12-07T11:00:00Z" },
      owner,
      timed,
    );
    const read = () => timed.request("/v1/admin/services", { headers: bearer(key) });
    clock.current = Date.parse("2026-12-07T10:59:59.999Z");
    expect((await read()).status).toBe(200);
    clock.current = Date.parse("2026-12-07T11:00:00Z");
    await expectError(await read(), 401, "UNAUTHORIZED");
  });

  it("a wrong secret, an unknown id or a malformed key is 401", async () => {
    const key = await createKey(["catalog:read"]);
    const wrongSecret = `${key.prefix}_${"A".repeat(43)}`;
    for (const token of [wrongSecret, `ae_live_${"0".repeat(16)}_${"A".repeat(43)}`, "ae_live_x"]) {
      const res = await api.request("/v1/admin/services", {
        headers: { Authorization: `Bearer ${token}` },
      });
      await expectError(res, 401, "UNAUTHORIZED");
    }
  });

  it("a key grants only scopes it holds, and only the owner grants the owner's scopes", async () => {
    const manager = await createKey(["keys:manage", "catalog:read"]);
    expect((await createKey(["catalog:read"], {}, bearer(manager))).scopes).toEqual([
      "catalog:read",
    ]);
    for (const scopes of [["catalog:write"], ["keys:manage"], ["accounts:manage"]]) {
      const res = await api.request("/v1/admin/api-keys", {
        method: "POST",
        headers: { ...bearer(manager), "Content-Type": "application/json" },
        body: JSON.stringify({ name: "escalation", scopes }),
      });
      await expectError(res, 403, "FORBIDDEN", "body.scopes:");
    }
  });

  it.each([
    [{ scopes: ["catalog:read"] }, "body.name:"],
    [{ name: "x", scopes: [] }, "body.scopes:"],
    [{ name: "x", scopes: ["everything"] }, "body.scopes"],
    [{ name: "x", scopes: ["ops"], expiresAt: "tomorrow" }, "body.expiresAt:"],
    [{ name: "x", scopes: ["ops"], expiresAt: "2001-01-01T00:00:00Z" }, "body.expiresAt:"],
    [{ name: "x", scopes: ["ops"], extra: 1 }, "body"],
  ])("bad input %j is 400 naming %s, and creates nothing", async (body, field) => {
    const before = (
      (await (await api.admin("GET", "/v1/admin/api-keys")).json()) as {
        apiKeys: unknown[];
      }
    ).apiKeys.length;
    await expectError(
      await api.admin("POST", "/v1/admin/api-keys", body),
      400,
      "BAD_REQUEST",
      field,
    );
    const after = (
      (await (await api.admin("GET", "/v1/admin/api-keys")).json()) as {
        apiKeys: unknown[];
      }
    ).apiKeys.length;
    expect(after).toBe(before);
  });

  it("revoking an unknown key is 404; a malformed id is 400 naming it", async () => {
    await expectError(
      await api.admin("DELETE", "/v1/admin/api-keys/0000000000000000"),
      404,
      "NOT_FOUND",
      "param.id:",
    );
    await expectError(
      await api.admin("DELETE", "/v1/admin/api-keys/nope"),
      400,
      "BAD_REQUEST",
      "param.id:",
    );
  });

  it("every scope can be granted by the owner", async () => {
    expect((await createKey([...SCOPES])).scopes).toEqual([...SCOPES].sort());
  });
});
