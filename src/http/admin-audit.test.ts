import { describe, expect, it, vi } from "vitest";
import { testApp } from "../../test/drivers/api.ts";
import { fakeServices, resolveFake } from "../../test/fixtures/fakes.ts";
import { TEST_STACK } from "../../test/stack/stack-env.ts";
import type { AuditEntry } from "../domain/ports.ts";
import { redact } from "./admin-audit.ts";

describe("redact", () => {
  it("replaces every secret-named field, at any depth, and keeps the rest", () => {
    expect(
      redact({
        name: "Front desk",
        secret: "whsec_x",
        nested: [{ apiKey: "k", token: "t", password: "p", key: "x", keep: 1 }],
        Authorization: "Bearer y",
      }),
    ).toEqual({
      name: "Front desk",
      secret: "[redacted]",
      nested: [
        {
          apiKey: "[redacted]",
          token: "[redacted]",
          password: "[redacted]",
          key: "[redacted]",
          keep: 1,
        },
      ],
      Authorization: "[redacted]",
    });
  });

  it("cuts a body nested deeper than any real request at a fixed depth, without a stack overflow", () => {
    let deep: unknown = "bottom";
    for (let i = 0; i < 20_000; i++) deep = [deep];
    let kept = redact(deep);
    let depth = 0;
    while (Array.isArray(kept)) {
      kept = kept[0];
      depth++;
    }
    expect({ depth, kept }).toEqual({ depth: 32, kept: "[too deep]" });
    expect(redact({ a: { b: [{ token: "t" }] } })).toEqual({ a: { b: [{ token: "[redacted]" }] } });
  });

  it("drops a URL's credentials and query, and leaves a plain URL as it is", () => {
    expect(redact("https://u:p@hooks.example.com/in?token=s")).toBe(
      "https://hooks.example.com/in?[redacted]",
    );
    expect(redact("https://u:p@hooks.example.com/in")).toBe("https://hooks.example.com/in");
    expect(redact("https://hooks.example.com/in")).toBe("https://hooks.example.com/in");
    expect(redact(null)).toBe(null);
  });
});

describe("the audit of an admin write", () => {
  const staffId = "stf_5n2k8q1w7d3f9h4m6p0r";
  const send = (app: ReturnType<typeof testApp>) =>
    app.request(`/v1/admin/staff/${staffId}/calendar-key`, {
      method: "DELETE",
      headers: {
        Authorization: `Bearer ${TEST_STACK.adminToken}`,
        "CF-Connecting-IP": "203.0.113.5",
        "X-Request-Id": "req-audit-1",
      },
    });
  const calendarKeys = {
    put: async () => true,
    delete: async () => true,
    find: async () => null,
  };

  it("records who, what, on which target, from where, under which request id", async () => {
    const entries: AuditEntry[] = [];
    const audit = {
      record: async (entry: AuditEntry) => void entries.push(entry),
      list: async () => [],
    };
    const app = testApp(resolveFake(fakeServices({ calendarKeys, audit })));
    expect((await send(app)).status).toBe(204);
    expect(entries).toEqual([
      {
        id: expect.stringMatching(/^aud_/),
        atMs: expect.any(Number),
        actor: "admin-token",
        operation: "adminDeleteCalendarKey",
        method: "DELETE",
        path: `/v1/admin/staff/${staffId}/calendar-key`,
        targetId: staffId,
        change: null,
        status: 204,
        address: "203.0.113.5",
        requestId: "req-audit-1",
      },
    ]);
  });

  it("a failed audit write keeps the answer and logs the whole entry at error level", async () => {
    const audit = {
      record: async () => {
        throw new Error("database down");
      },
      list: async () => [],
    };
    const app = testApp(resolveFake(fakeServices({ calendarKeys, audit })));
    const errors = vi.spyOn(console, "error").mockImplementation(() => undefined);
    try {
      expect((await send(app)).status).toBe(204);
      const lines = errors.mock.calls.map((call) => String(call[0]));
      const line = lines.find((text) => text.includes("audit entry not written"));
      expect(JSON.parse(line ?? "{}")).toMatchObject({
        level: "error",
        error: "database down",
        entry: { operation: "adminDeleteCalendarKey", targetId: staffId, actor: "admin-token" },
      });
    } finally {
      errors.mockRestore();
    }
  });
});
