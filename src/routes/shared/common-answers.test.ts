import { createRoute, z } from "@hono/zod-openapi";
import { describe, expect, it } from "vitest";
import { appOpenApi } from "../../../test/drivers/openapi-check.ts";
import { errorResponses } from "../../errors/envelope.ts";
import { isAdminPath } from "../../http/admin-auth.ts";
import { scopeOf } from "../../http/admin-scopes.ts";
import { isRateLimited } from "../../http/per-address-limit.ts";
import { withCommonAnswers } from "./common-answers.ts";

type Header = { required?: boolean };
type Ref = { $ref: string };
type Response = {
  headers?: Record<string, Header>;
  content?: Record<string, { schema: { properties: { error: Ref | { oneOf: Ref[] } } } }>;
};
type Operation = {
  operationId?: string;
  summary?: string;
  security?: Record<string, string[]>[];
  requestBody?: unknown;
  responses: Record<string, Response>;
  "x-required-scopes"?: string[];
};

const schemas = (
  (await appOpenApi()).doc as unknown as {
    components: { schemas: Record<string, { properties: { code: { enum: string[] } } }> };
  }
).components.schemas;

/** The codes an error answer declares: one error object per code, by reference. */
const codesOf = (response: Response | undefined) => {
  const error = response?.content?.["application/json"]?.schema.properties.error;
  if (!error) return [];
  const refs = "oneOf" in error ? error.oneOf : [error];
  return refs.map((ref) => schemas[ref.$ref.split("/").pop() ?? ""]?.properties.code.enum[0]);
};

async function operations(): Promise<[string, string, Operation][]> {
  const doc = (await appOpenApi()).doc as unknown as {
    paths: Record<string, Record<string, Operation>>;
  };
  return Object.entries(doc.paths).flatMap(([path, item]) =>
    Object.entries(item).map(([method, op]): [string, string, Operation] => [method, path, op]),
  );
}

/**
 * What the middleware of app.ts answers, checked on the served document for every operation, so
 * that a route added without `withCommonAnswers` (or with the wrong traits) fails `npm test`.
 */
describe("every operation of /openapi.json declares the answers its middleware can give", async () => {
  const ops = await operations();

  it("covers the whole API", () => {
    expect(ops.length).toBeGreaterThan(50);
  });

  it("has no nullable named schema that null cannot match (`.nullable()` of a named zod schema)", async () => {
    const broken: string[] = [];
    const walk = (node: unknown, at: string) => {
      if (typeof node !== "object" || node === null) return;
      const allOf = (node as { allOf?: { $ref?: string; type?: unknown }[] }).allOf;
      const [ref, rest] = allOf ?? [];
      if (ref?.$ref && Array.isArray(rest?.type) && rest.type.includes("null")) broken.push(at);
      for (const [key, child] of Object.entries(node)) walk(child, `${at}/${key}`);
    };
    walk((await appOpenApi()).doc, "#");
    expect(broken).toEqual([]);
  });

  it.each(ops)("%s %s", (method, path, op) => {
    expect(op.operationId, "operationId").toMatch(/^[a-z][A-Za-z]+$/);
    expect(op.summary, "summary").toBeTruthy();
    for (const [status, response] of Object.entries(op.responses)) {
      expect(response.headers?.["X-Request-Id"]?.required, `${status} X-Request-Id`).toBe(true);
    }
    expect(codesOf(op.responses["500"])).toEqual(["INTERNAL", "BAD_ENVIRONMENT"]);
    expect(codesOf(op.responses["503"])).toContain("OVERLOADED");
    expect(op.responses["503"]?.headers?.["Retry-After"], "503 Retry-After").toBeDefined();
    const admin = isAdminPath(path);
    if (admin) {
      const scope = scopeOf(method, path);
      expect(op.security).toEqual([{ adminToken: scope ? [scope] : [] }]);
      expect(op["x-required-scopes"]).toEqual(scope ? [scope] : []);
      expect(codesOf(op.responses["403"])).toContain("FORBIDDEN");
    } else if (path === "/v1/admin/auth/logout") {
      // The business sign-out takes the business session, one of the admin scheme's credentials.
      expect(op.security).toEqual([{ adminToken: [] }]);
    } else expect(JSON.stringify(op.security)).not.toContain("adminToken");
    if (admin) {
      expect(codesOf(op.responses["401"])).toContain("UNAUTHORIZED");
      expect(op.responses["401"]?.headers?.["WWW-Authenticate"]?.required).toBe(true);
    }
    if (isRateLimited(path)) {
      expect(codesOf(op.responses["429"])).toContain("RATE_LIMITED");
      expect(op.responses["429"]?.headers?.["Retry-After"]?.required, "429 Retry-After").toBe(true);
    } else {
      expect(codesOf(op.responses["429"])).not.toContain("RATE_LIMITED");
    }
    if (method !== "get") expect(codesOf(op.responses["413"])).toEqual(["PAYLOAD_TOO_LARGE"]);
    if (op.requestBody) {
      expect(codesOf(op.responses["415"])).toEqual(["UNSUPPORTED_MEDIA_TYPE"]);
      expect(codesOf(op.responses["400"])).toContain("BAD_REQUEST");
    }
  });
});

describe("withCommonAnswers", () => {
  const base = {
    method: "post" as const,
    path: "/v1/holds",
    request: {
      body: { required: true, content: { "application/json": { schema: z.object({}) } } },
    },
  };

  it("merges the route's own errors with the shared ones by status", () => {
    const route = withCommonAnswers(
      {
        ...base,
        responses: {
          201: { description: "Held." },
          ...errorResponses("SLOT_HELD", "HOLD_LIMIT", "STORE_UNAVAILABLE"),
        },
      },
      { store: true },
    );
    const responses = createRoute(route).responses as unknown as Record<string, Response>;
    expect(Object.keys(responses)).toEqual([
      "201",
      "400",
      "409",
      "413",
      "415",
      "429",
      "500",
      "503",
    ]);
    expect(responses["201"]?.headers?.["X-Request-Id"]?.required).toBe(true);
    // Both 429 codes carry Retry-After, so it is required; of the 503 codes only OVERLOADED does.
    expect(responses["429"]?.headers?.["Retry-After"]?.required).toBe(true);
    expect(responses["503"]?.headers?.["Retry-After"]?.required).toBe(false);
    expect((route as { security?: unknown }).security).toEqual([]);
  });

  it("refuses an error answer not made by errorResponses, and a security that contradicts what it reads", () => {
    expect(() =>
      withCommonAnswers(
        { ...base, responses: { 201: { description: "x" }, 409: { description: "hand-made" } } },
        { store: true },
      ),
    ).toThrow("declare 409 with errorResponses");
    expect(() =>
      withCommonAnswers(
        { ...base, security: [{ adminToken: [] }], responses: { 201: { description: "x" } } },
        { store: true },
      ),
    ).toThrow("post /v1/holds: its security does not match what it reads");
  });
});
