/**
 * The last check before a request takes a place at the admission (src/runtime/admission.ts), after
 * the per-address limit, the admin token and the body size (app.ts):
 * - a body its operation cannot read is refused here with 415, as the operation's own
 *   media-type gate would refuse it once admitted;
 * - a request to a critical path is screened with its operation's own schemas (headers, path
 *   parameters, query, JSON body) and must carry one of the headers the operation declares (its
 *   credential, or its Idempotency-Key): only then may it take the critical reserve
 *   (`wellFormed`). One that fails is not refused here: it is admitted as an ordinary request,
 *   and its route answers the exact 400, 401 or 404 it always did.
 * Operations are found in the app's OpenAPI registry by the route Hono matched, so the screen
 * reads the same declarations the routes validate with, and nothing is kept twice.
 */
import type { OpenAPIHono, RouteConfig } from "@hono/zod-openapi";
import type { Context, MiddlewareHandler } from "hono";
import { HTTPException } from "hono/http-exception";
import { matchedRoutes } from "hono/route";
import { isCriticalPath } from "../runtime/admission.ts";
import type { AppEnv } from "./app-env.ts";

/** One operation of the document, as the screen needs it. */
interface Operation {
  /** Its path as Hono routes it ("/v1/holds/:holdId"). */
  routingPath: string;
  request: RouteConfig["request"];
  /** Every media type its body declares is JSON (the only kind the early 415 judges). */
  jsonBody: boolean;
}

/** A zod schema, as far as the screen uses one. */
interface Schema {
  safeParseAsync(value: unknown): Promise<{ success: boolean }>;
}

/** The operations of `app`, by "METHOD routing path"; read once, after every route is mounted. */
function indexOperations(app: OpenAPIHono<AppEnv>): Map<string, Operation> {
  const index = new Map<string, Operation>();
  for (const definition of app.openAPIRegistry.definitions) {
    if (definition.type !== "route") continue;
    const { method, path, request } = definition.route;
    // The same conversion @hono/zod-openapi routes with (`createRoute`'s getRoutingPath).
    const routingPath = path.replaceAll(/\/{(.+?)}/g, "/:$1");
    const types = Object.keys(request?.body?.content ?? {});
    const jsonBody = types.length > 0 && types.every(isJsonType);
    index.set(`${method.toUpperCase()} ${routingPath}`, { routingPath, request, jsonBody });
  }
  return index;
}

/** The operation Hono routed this request to (its last matched handler that is one). */
function operationOf(c: Context<AppEnv>, index: Map<string, Operation>): Operation | undefined {
  const routes = matchedRoutes(c);
  for (let i = routes.length - 1; i >= 0; i--) {
    const route = routes[i];
    const operation = route && index.get(`${route.method} ${route.path}`);
    if (operation) return operation;
  }
  return undefined;
}

/** The media type is JSON (`application/json`, `application/problem+json`; any parameters). */
function isJsonType(contentType: string): boolean {
  const essence = contentType.split(";")[0]?.trim().toLowerCase() ?? "";
  return /^application\/([a-z0-9.-]+\+)?json$/.test(essence);
}

/**
 * Whether the operation's own media-type gate would answer 415: a Content-Type that is not
 * JSON, or a body without any. Never stricter than that gate (it also refuses malformed
 * parameters of the type), so the early answer is one the operation would have given.
 */
async function unreadableBody(c: Context<AppEnv>): Promise<boolean> {
  const contentType = c.req.header("Content-Type");
  if (contentType !== undefined) return !isJsonType(contentType);
  if (c.req.raw.body === null) return false;
  // limitBody has bounded the body already; the bytes stay cached for the route.
  return (await c.req.arrayBuffer()).byteLength > 0;
}

function isSchema(value: unknown): value is Schema {
  return (
    typeof value === "object" &&
    value !== null &&
    typeof (value as Schema).safeParseAsync === "function"
  );
}

/** The request's path parameters by the operation's routing path (undefined when malformed). */
function paramsOf(routingPath: string, path: string): Record<string, string> | undefined {
  const names = routingPath.split("/");
  const values = path.split("/");
  const params: Record<string, string> = {};
  for (const [i, name] of names.entries()) {
    if (!name.startsWith(":")) continue;
    try {
      params[name.slice(1)] = decodeURIComponent(values[i] ?? "");
    } catch {
      return undefined;
    }
  }
  return params;
}

/** Its query as the validator sees it: one value per name, or the list of repeated ones. */
function queryOf(c: Context<AppEnv>): Record<string, string | string[]> {
  const entries = Object.entries(c.req.queries()).map(([name, values]) => [
    name,
    values.length === 1 ? (values[0] ?? "") : values,
  ]);
  return Object.fromEntries(entries);
}

/** The JSON body as the validator sees it ({} without a JSON type), or undefined if malformed. */
async function bodyOf(c: Context<AppEnv>): Promise<unknown> {
  if (!isJsonType(c.req.header("Content-Type") ?? "")) return {};
  try {
    return await c.req.json();
  } catch {
    return undefined;
  }
}

/**
 * The request carries one of the headers its operation declares, and passes every schema the
 * operation validates with. Several of those headers are each optional (a manage token or a
 * session), so the schemas alone would pass a request with neither.
 */
async function passesOwnChecks(c: Context<AppEnv>, operation: Operation): Promise<boolean> {
  const { request, routingPath } = operation;
  const headers = request?.headers;
  const declared =
    isSchema(headers) && "shape" in headers ? Object.keys(headers.shape as object) : [];
  if (declared.length > 0 && !declared.some((name) => c.req.header(name) !== undefined)) {
    return false;
  }
  const checks: [unknown, unknown][] = [];
  if (headers) checks.push([headers, c.req.header()]);
  if (request?.params) checks.push([request.params, paramsOf(routingPath, c.req.path)]);
  if (request?.query) checks.push([request.query, queryOf(c)]);
  const body = request?.body?.content?.["application/json"];
  if (body && "schema" in body) checks.push([body.schema, await bodyOf(c)]);
  for (const [schema, value] of checks) {
    if (value === undefined || !isSchema(schema)) return false;
    if (!(await schema.safeParseAsync(value)).success) return false;
  }
  return true;
}

/** The screen of `app` (its operations are read from its registry at the first request). */
export function screen(app: OpenAPIHono<AppEnv>): MiddlewareHandler<AppEnv> {
  let index: Map<string, Operation> | undefined;
  return async (c, next) => {
    index ??= indexOperations(app);
    const operation = operationOf(c, index);
    if (!operation) return next();
    if (operation.jsonBody && (await unreadableBody(c))) {
      // handleError turns it into the same 415 envelope the operation's gate would give.
      throw new HTTPException(415, { message: "Unsupported Media Type" });
    }
    if (isCriticalPath(c.req.method, c.req.path) && !c.req.path.startsWith("/v1/admin/")) {
      c.set("wellFormed", await passesOwnChecks(c, operation));
    }
    await next();
  };
}
