/**
 * The credentials of the API as OpenAPI security schemes, and the requirement of each operation,
 * derived from the credential headers and query parameters its request declares. Deriving it
 * means an operation that starts reading a credential cannot forget to declare it: the document
 * (and so /docs and every generated client) always says what an operation takes.
 */
import type { OpenAPIHono, RouteConfig } from "@hono/zod-openapi";

/** Every credential, by scheme name. The descriptions say what it is and how long it lives. */
export const SECURITY_SCHEMES = {
  holdToken: {
    type: "apiKey",
    in: "header",
    name: "X-Hold-Token",
    description:
      "The `holdToken` of POST /v1/holds: proves you hold the slot(s). Lives as long as the hold: the hold TTL (`holdTtlS`, 600 s by default), extended by PATCH up to `holdExtensionCapS`. POST /v1/appointments takes it in the body (`holdToken`).",
  },
  manageToken: {
    type: "apiKey",
    in: "header",
    name: "X-Manage-Token",
    description:
      "The `manageToken` of the booking's 201: lets the customer read, reschedule and cancel that appointment. Shown once (and in the confirmation email's links); valid for the appointment's whole life, and it follows the appointment through reschedules.",
  },
  manageTokenQuery: {
    type: "apiKey",
    in: "query",
    name: "token",
    description:
      "The manage token as `?token=`, for links that cannot send a header (the calendar file). The same token, valid as long as the header form.",
  },
  customerSession: {
    type: "http",
    scheme: "bearer",
    description:
      "`Authorization: Bearer <sessionToken>` from POST /v1/auth/verify (an emailed one-time code): the customer's appointments, all of them. Lives 24 h, or until DELETE /v1/auth/session.",
  },
  staffCalendarKey: {
    type: "apiKey",
    in: "query",
    name: "key",
    description:
      "A staff member's calendar feed key (`?key=`), created by an admin (POST /v1/admin/staff/{id}/calendar-key). Valid until the admin rotates or deletes it.",
  },
  adminToken: {
    type: "http",
    scheme: "bearer",
    description:
      "`Authorization: Bearer <credential>` for /v1/admin/ and /v1/debug/, one of three kinds: an API key (`ae_live_…`, POST /v1/admin/api-keys) holding the scope the operation lists (its `security` roles and `x-required-scopes`); a business account's session (`ae_bs_…`, POST /v1/admin/auth/verify), holding the scopes of the account's role (`owner`: all; `manager`: all but `accounts:manage`, `keys:manage`, `webhooks:manage`; `staff`: its own staff member's appointments, attendance, schedule and overrides, and the catalog's reads); or the deployment's ADMIN_TOKEN, the owner's break-glass credential holding every scope. An API key is valid until it expires or is revoked (at once); a business session 12 h, until POST /v1/admin/auth/logout or until its account is deactivated (at once); the ADMIN_TOKEN until the deployment's secret is changed. A customer's session is never accepted here, nor a business session on customer routes. A credential without the scope gets 403 `FORBIDDEN`.",
  },
} as const;

export type SchemeName = keyof typeof SECURITY_SCHEMES;

/** Adds every scheme to the document's `components.securitySchemes`. */
export function registerSecuritySchemes(app: Pick<OpenAPIHono, "openAPIRegistry">): void {
  for (const [name, scheme] of Object.entries(SECURITY_SCHEMES)) {
    app.openAPIRegistry.registerComponent("securitySchemes", name, scheme);
  }
}

/** The keys of a zod object schema given as a request part (none for anything else). */
function keysOf(part: unknown): string[] {
  const shape = (part as { shape?: Record<string, unknown> } | undefined)?.shape;
  return shape ? Object.keys(shape) : [];
}

/**
 * The schemes the request of `route` reads: its credential headers (lower-case, as routes
 * declare them) and credential query parameters. The admin token also arrives in
 * `Authorization`: on admin paths that header is the admin scheme, elsewhere a session.
 */
export function schemesRead(route: RouteConfig, admin: boolean): SchemeName[] {
  const headers = keysOf(route.request?.headers);
  const query = keysOf(route.request?.query);
  const schemes: SchemeName[] = [];
  if (admin) return ["adminToken"];
  if (headers.includes("x-hold-token")) schemes.push("holdToken");
  if (headers.includes("x-manage-token")) schemes.push("manageToken");
  if (query.includes("token")) schemes.push("manageTokenQuery");
  // Under /v1/admin/ (the business sign-in's sign-out) `Authorization` is a business session,
  // one of the admin scheme's credentials; elsewhere it is a customer's session.
  if (headers.includes("authorization")) {
    schemes.push(route.path.startsWith("/v1/admin/") ? "adminToken" : "customerSession");
  }
  if (query.includes("key")) schemes.push("staffCalendarKey");
  return schemes;
}

/**
 * The security requirement of an operation: any one of the schemes it reads (OpenAPI lists
 * alternatives), preceded by `{}` when the credential is optional (`anonymous`). Anonymous comes
 * first: a client generator that picks one requirement takes the first.
 */
export function securityOf(
  schemes: SchemeName[],
  anonymous: boolean,
  scope?: string,
): Record<string, string[]>[] {
  // OpenAPI 3.1 lets a requirement of any scheme list the roles it needs: the admin scope.
  const requirements = schemes.map((name) => ({
    [name]: name === "adminToken" && scope ? [scope] : ([] as string[]),
  }));
  return anonymous && schemes.length > 0 ? [{}, ...requirements] : requirements;
}
