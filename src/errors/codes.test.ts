import { describe, expect, it } from "vitest";
import { fakeServices, resolveFake } from "../../test/fixtures/fakes.ts";
// biome-ignore lint/style/noRestrictedImports: adds undocumented routes (/boom, /bug) to throw errors from; it checks the document itself.
import { createApp } from "../app.ts";
import { DomainError } from "../domain/errors.ts";
import { ApiError } from "./api-error.ts";
import { ERROR_CODE_NAMES, ERROR_CODES, type ErrorCode, statusOf } from "./codes.ts";
import { errorResponses } from "./envelope.ts";

const CONTRACT_STATUSES: Record<string, number> = {
  BAD_REQUEST: 400,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  SLOT_HELD: 409,
  SLOT_UNAVAILABLE: 409,
  IDEMPOTENCY_CONFLICT: 409,
  HOLD_EXPIRED: 410,
  RATE_LIMITED: 429,
  HOLD_LIMIT: 429,
  STORE_UNAVAILABLE: 503,
  INTERNAL: 500,
};

describe("the error code table", () => {
  it("answers every code of the product contract (docs/spec.md) with its status", () => {
    for (const [code, status] of Object.entries(CONTRACT_STATUSES)) {
      expect(ERROR_CODES[code as keyof typeof ERROR_CODES]?.status, code).toBe(status);
    }
  });

  it("is what ApiError carries", () => {
    for (const code of ERROR_CODE_NAMES) {
      expect(new ApiError(code, "x").status).toBe(statusOf(code));
    }
  });

  it("documents each code under its own status in errorResponses", () => {
    const responses = errorResponses(...ERROR_CODE_NAMES) as Record<
      number,
      { description: string }
    >;
    for (const code of ERROR_CODE_NAMES) {
      expect(responses[statusOf(code)]?.description).toContain(`\`${code}\``);
    }
  });

  it("agrees with the OpenAPI document: every documented error status is a union of the error objects of codes of that status", async () => {
    const app = createApp(resolveFake(fakeServices()));
    type Ref = { $ref: string };
    type ErrorSchema = { properties?: { error: Ref | { oneOf: Ref[] } } };
    const doc = (await (await app.request("/openapi.json")).json()) as {
      paths: Record<
        string,
        Record<
          string,
          { responses: Record<string, { content?: Record<string, { schema: ErrorSchema }> }> }
        >
      >;
      components: {
        schemas: Record<string, ErrorSchema & { properties: { code?: { enum: string[] } } }>;
      };
    };
    /** The codes of an `error` member: one error object (a component) per code. */
    const codesOf = (error: Ref | { oneOf: Ref[] } | undefined) =>
      (error === undefined ? [] : "oneOf" in error ? error.oneOf : [error]).map(
        (ref) => doc.components.schemas[ref.$ref.split("/").pop() ?? ""]?.properties.code?.enum[0],
      );
    expect(codesOf(doc.components.schemas.Error?.properties?.error)).toEqual(ERROR_CODE_NAMES);
    let documented = 0;
    for (const operations of Object.values(doc.paths)) {
      for (const operation of Object.values(operations)) {
        for (const [status, response] of Object.entries(operation.responses)) {
          if (Number(status) < 400) continue;
          documented++;
          const schema = response.content?.["application/json"]?.schema;
          const codes = codesOf(schema?.properties?.error);
          expect(codes.length, status).toBeGreaterThan(0);
          for (const code of codes) expect(statusOf(code as ErrorCode), code).toBe(Number(status));
        }
      }
    }
    expect(documented).toBeGreaterThan(0);
  });

  it("turns a DomainError into its envelope and status, with Retry-After when given", async () => {
    const app = createApp(resolveFake(fakeServices()));
    app.get("/boom", () => {
      throw new DomainError("RATE_LIMITED", "slow down", {
        retryAfterSeconds: 7,
        details: { limit: 3 },
      });
    });
    const res = await app.request("/boom");
    expect(res.status).toBe(429);
    expect(res.headers.get("Retry-After")).toBe("7");
    const body = (await res.json()) as { error: Record<string, unknown> };
    expect(body.error).toEqual({
      code: "RATE_LIMITED",
      message: "slow down",
      requestId: res.headers.get("X-Request-Id"),
      details: { limit: 3 },
    });
  });

  it("turns a bug into a 500 INTERNAL without the stack or the internal message", async () => {
    const app = createApp(resolveFake(fakeServices()));
    app.get("/bug", () => {
      throw new Error("secret internal detail at line 42");
    });
    const errors: unknown[] = [];
    const original = console.error;
    console.error = (line: unknown) => errors.push(line);
    try {
      const res = await app.request("/bug");
      expect(res.status).toBe(500);
      const text = await res.text();
      expect(text).not.toContain("secret internal detail");
      expect(text).not.toContain("at ");
      expect(JSON.parse(text).error.code).toBe("INTERNAL");
      expect(String(errors[0])).toContain("secret internal detail");
    } finally {
      console.error = original;
    }
  });
});
