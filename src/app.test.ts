import { OpenApiGeneratorV31 } from "@asteasolutions/zod-to-openapi";
import { describe, expect, it, vi } from "vitest";
import { testApp } from "../test/drivers/api.ts";
import { appOpenApi } from "../test/drivers/openapi-check.ts";
import { fakeServices, resolveFake } from "../test/fixtures/fakes.ts";
import { testBindings } from "../test/stack/stack-env.ts";
import { resolveServices } from "./compose.ts";
import { DEFAULT_SETTINGS } from "./domain/settings/settings.ts";

const app = testApp(resolveFake(fakeServices()));

describe("the app shell", () => {
  it("gives every response an X-Request-Id, and echoes a well-formed incoming one", async () => {
    const generated = await app.request("/v1/health");
    expect(generated.headers.get("X-Request-Id")).toMatch(/^[0-9a-f-]{36}$/);
    const echoed = await app.request("/v1/health", { headers: { "X-Request-Id": "req-abc-123" } });
    expect(echoed.headers.get("X-Request-Id")).toBe("req-abc-123");
  });

  it("answers unknown routes with 404 NOT_FOUND in the envelope", async () => {
    const res = await app.request("/v1/nope", { headers: { "X-Request-Id": "r1" } });
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({
      error: { code: "NOT_FOUND", message: "No route for GET /v1/nope", requestId: "r1" },
    });
  });

  it("refuses bodies over 64 KB with 413 before any handler runs", async () => {
    const res = await app.request("/v1/health", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ pad: "x".repeat(70_000) }),
    });
    expect(res.status).toBe(413);
    const body = (await res.json()) as { error: { code: string; message: string } };
    expect(body.error).toMatchObject({
      code: "PAYLOAD_TOO_LARGE",
      message: "body: must be at most 65536 bytes",
    });
  });

  it("sets secure headers", async () => {
    const res = await app.request("/v1/health");
    expect(res.headers.get("X-Content-Type-Options")).toBe("nosniff");
    expect(res.headers.get("X-Frame-Options")).toBe("SAMEORIGIN");
    expect(res.headers.get("Strict-Transport-Security")).toContain("max-age=");
  });

  it("allows CORS only for configured origins", async () => {
    const allowed = await app.request("/v1/health", { headers: { Origin: "https://app.example" } });
    expect(allowed.headers.get("Access-Control-Allow-Origin")).toBe("https://app.example");
    const other = await app.request("/v1/health", { headers: { Origin: "https://evil.example" } });
    expect(other.headers.get("Access-Control-Allow-Origin")).toBeNull();
  });

  it("lets a browser on an allowed origin send every header an operation declares", async () => {
    const doc = (await (await app.request("/openapi.json")).json()) as {
      paths: Record<string, Record<string, { parameters?: { in: string; name: string }[] }>>;
    };
    const declared = new Set<string>();
    for (const operations of Object.values(doc.paths)) {
      for (const operation of Object.values(operations)) {
        for (const p of operation.parameters ?? []) {
          if (p.in === "header") declared.add(p.name.toLowerCase());
        }
      }
    }
    // The headers every client sends or may send, whichever operation declares them.
    for (const name of ["x-client-id", "x-hold-token", "x-manage-token", "idempotency-key"]) {
      expect(declared).toContain(name);
    }
    const wanted = [...declared, "content-type", "authorization", "x-request-id"];
    const preflight = await app.request("/v1/holds", {
      method: "OPTIONS",
      headers: {
        Origin: "https://app.example",
        "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": wanted.join(","),
      },
    });
    expect(preflight.status).toBe(204);
    const allowed = (preflight.headers.get("Access-Control-Allow-Headers") ?? "")
      .split(",")
      .map((name) => name.trim().toLowerCase());
    expect(wanted.filter((name) => !allowed.includes(name))).toEqual([]);
  });

  it("answers a misconfigured deployment with 500 BAD_ENVIRONMENT naming the variable", async () => {
    const real = testApp(resolveServices);
    const { ADMIN_TOKEN: _omit, ...bindings } = testBindings("env:");
    const res = await real.request("/v1/health", {}, bindings);
    expect(res.status).toBe(500);
    const body = (await res.json()) as {
      error: { code: string; message: string; details: { fields: string[] } };
    };
    expect(body.error.code).toBe("BAD_ENVIRONMENT");
    expect(body.error.message).toContain("ADMIN_TOKEN");
  });

  it("builds the OpenAPI document once per app (isolate), and serves the same bytes each time", async () => {
    await appOpenApi(); // the answer checker's own copy, built before counting
    const own = testApp(resolveFake(fakeServices()));
    const build = vi.spyOn(OpenApiGeneratorV31.prototype, "generateDocument");
    try {
      const first = await own.request("/openapi.json");
      const second = await own.request("/openapi.json");
      expect(first.status).toBe(200);
      expect(second.status).toBe(200);
      expect(second.headers.get("Content-Type")).toBe(first.headers.get("Content-Type"));
      expect(await second.text()).toBe(await first.text());
      expect(build).toHaveBeenCalledTimes(1);
    } finally {
      build.mockRestore();
    }
  });

  it("serves an OpenAPI 3.1 document that describes /v1/health", async () => {
    const res = await app.request("/openapi.json");
    expect(res.status).toBe(200);
    const doc = (await res.json()) as { openapi: string; paths: Record<string, unknown> };
    expect(doc.openapi).toBe("3.1.0");
    expect(Object.keys(doc.paths)).toContain("/v1/health");
  });

  it("serves the interactive reference page at /docs, pointing at /openapi.json assets", async () => {
    const res = await app.request("/docs");
    expect(res.status).toBe(200);
    expect(res.headers.get("Content-Type")).toContain("text/html");
    const html = await res.text();
    expect(html).toContain('<div id="swagger-ui">');
    expect(html).toContain("/docs/swagger-ui-bundle.js");
  });
});

describe("the availability summaries cache", () => {
  it("is not cleared by the business sign-in under /v1/admin/auth/, which anyone may call", async () => {
    const services = fakeServices({
      limiter: { take: async () => ({ ok: true }) },
      accounts: { findByEmail: async () => null } as never,
      auth: { createCode: async () => ({ issued: true }) } as never,
      catalog: { getSettings: async () => DEFAULT_SETTINGS } as never,
    });
    const clear = vi.fn();
    services.summaries = { clear } as never;
    const shell = testApp(resolveFake(services));
    const otp = await shell.request("/v1/admin/auth/otp", {
      method: "POST",
      headers: { "Content-Type": "application/json", "CF-Connecting-IP": "10.1.2.3" },
      body: JSON.stringify({ email: "anyone@salon.example" }),
    });
    expect(otp.status).toBe(202);
    expect(clear).not.toHaveBeenCalled();
  });
});
