import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import { describe, expect, it } from "vitest";
import { testBindings } from "../stack/stack-env.ts";
import { expectError, workerApp } from "./api.ts";
import {
  type CheckedDocument,
  checkedApp,
  checkedDocument,
  type OpenApiDocument,
  UndeclaredAnswerError,
} from "./openapi-check.ts";

/** A one-operation app whose handler answers whatever the test asks for, and its document. */
function tinyApp(answer: (c: { json: (b: unknown, s: number) => Response }) => Response) {
  const tiny = new OpenAPIHono();
  tiny.openapi(
    createRoute({
      method: "get",
      path: "/v1/things/{id}",
      request: { params: z.object({ id: z.string() }) },
      responses: {
        200: {
          description: "A thing.",
          headers: { "X-Request-Id": { required: true, schema: { type: "string" } } },
          content: {
            "application/json": {
              schema: z.object({ id: z.string(), count: z.number().int() }).strict(),
            },
          },
        },
        202: { description: "Accepted, no body." },
      },
    }),
    (c) => answer(c as never) as never,
  );
  const doc = tiny.getOpenAPI31Document({ openapi: "3.1.0", info: { title: "t", version: "1" } });
  const checked = checkedDocument(doc as unknown as OpenApiDocument);
  return checkedApp(tiny, async (): Promise<CheckedDocument> => checked);
}

const withId = (body: BodyInit | null, status: number, headers: Record<string, string> = {}) =>
  new Response(body, { status, headers: { "X-Request-Id": "r1", ...headers } });
const json = { "Content-Type": "application/json" };

describe("checkedApp: every answer is checked against the OpenAPI document", () => {
  it("passes a declared answer through unchanged, body still readable", async () => {
    const api = tinyApp(() => withId(JSON.stringify({ id: "a", count: 1 }), 200, json));
    const res = await api.request("/v1/things/a");
    expect(await res.json()).toEqual({ id: "a", count: 1 });
  });

  it("rejects a status the operation does not declare, naming it and the declared ones", async () => {
    const api = tinyApp(() => withId(JSON.stringify({ error: "x" }), 429, json));
    await expect(api.request("/v1/things/a")).rejects.toThrow(
      /GET \/v1\/things\/a answered 429, which \/openapi.json does not declare for GET \/v1\/things\/\{id\} \(declared: 200, 202\)/,
    );
  });

  it("rejects a body that does not match the schema of its status", async () => {
    const api = tinyApp(() => withId(JSON.stringify({ id: "a", count: 1.5, extra: 1 }), 200, json));
    const error = await api.request("/v1/things/a").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UndeclaredAnswerError);
    expect(String(error)).toContain("/count must be integer");
    expect(String(error)).toContain("must NOT have additional properties (extra)");
  });

  it("rejects an answer without a required header", async () => {
    const api = tinyApp(
      () => new Response(JSON.stringify({ id: "a", count: 1 }), { status: 200, headers: json }),
    );
    await expect(api.request("/v1/things/a")).rejects.toThrow(
      "without the required header X-Request-Id",
    );
  });

  it("rejects an undeclared content type and a body where none is declared", async () => {
    const text = tinyApp(() => withId("a", 200, { "Content-Type": "text/plain" }));
    await expect(text.request("/v1/things/a")).rejects.toThrow(/Content-Type "text\/plain"/);
    const body = tinyApp(() => withId("surprise", 202));
    await expect(body.request("/v1/things/a")).rejects.toThrow(
      "a body where the document declares none",
    );
  });

  it("fails an undeclared or undocumented event stream at once, without waiting for its end", async () => {
    const endless = () =>
      new Response(new ReadableStream({ start: () => {} }), {
        status: 200,
        headers: { "Content-Type": "text/event-stream", "X-Request-Id": "r1" },
      });
    await expect(tinyApp(endless).request("/v1/things/a")).rejects.toThrow(/Content-Type/);
    await expect(tinyApp(endless).request("/v1/live")).rejects.toThrow(/not the error envelope/);
  });

  it("requires the error envelope from a /v1 path with no operation", async () => {
    const api = tinyApp(() => withId(null, 202));
    await expect(api.request("/v1/nothing")).rejects.toThrow(/no operation in \/openapi.json/);
  });
});

/** A stand-in for the Workers rate-limiting binding that refuses every call. */
const exhausted = { limit: async () => ({ success: false }) };

describe("answers the document once left undeclared", () => {
  it("GET /v1/availability over the per-IP limit answers a declared 429 RATE_LIMITED with Retry-After", async () => {
    const env = { ...testBindings("oa:"), PUBLIC_RATE_LIMITER: exhausted };
    const res = await workerApp.request(
      "/v1/availability?serviceId=svc_1&from=2030-01-07&to=2030-01-07",
      {},
      env,
    );
    expect(res.headers.get("Retry-After")).toBe("60");
    await expectError(res, 429, "RATE_LIMITED");
  });
});
