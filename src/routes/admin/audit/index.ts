import { createRoute, z } from "@hono/zod-openapi";
import { base64url, fromBase64url } from "../../../domain/crypto.ts";
import type { AuditEntry } from "../../../domain/ports.ts";
import { ApiError } from "../../../errors/api-error.ts";
import { errorResponses } from "../../../errors/envelope.ts";
import { createRouter } from "../../../http/router.ts";
import { withCommonAnswers } from "../../shared/common-answers.ts";
import { AdminSecurity, DateTime, LocalDate, PageQuery } from "../../shared/schemas.ts";

/** Days here are UTC days, as in GET /v1/admin/appointments: one range for everyone. */
const UtcDay = (description: string, example: string) =>
  LocalDate.optional().openapi({ description, example });

const Token = (description: string, example: string) =>
  z
    .string()
    .regex(/^[\x21-\x7e]{1,100}$/, "must be 1–100 visible ASCII characters")
    .optional()
    .openapi({ description, example });

export const AuditQuery = z.strictObject({
  actor: Token("Only entries of this actor: `admin-token` or `key:<id>`.", "admin-token"),
  operation: Token("Only entries of this operation id.", "adminCancelAppointment"),
  targetId: Token("Only entries on this target.", "apt_5n2k8q1w7d3f9h4m6p0r"),
  from: UtcDay("Entries made on or after this UTC day.", "2026-12-01"),
  to: UtcDay("Entries made before this UTC day (exclusive).", "2026-12-08"),
  ...PageQuery,
});

const AuditEntrySchema = z
  .object({
    id: z.string().openapi({ example: "aud_5n2k8q1w7d3f9h4m6p0r" }),
    at: DateTime("When the change was made."),
    actor: z.string().openapi({
      description: "`admin-token` (the owner) or `key:<id>` (an API key).",
      example: "key:k7f3a9b2e41d8m0p",
    }),
    operation: z.string().openapi({ example: "adminCancelAppointment" }),
    method: z.string().openapi({ example: "POST" }),
    path: z.string().openapi({ example: "/v1/admin/appointments/apt_5n2k8q1w7d3f9h4m6p0r/cancel" }),
    targetId: z.string().nullable().openapi({ description: "What it changed, when it has an id." }),
    change: z.unknown().openapi({
      description: "The request body, every secret redacted (`[redacted]`); null without a body.",
    }),
    status: z.number().int().openapi({ description: "The answer's status.", example: 200 }),
    address: z.string().openapi({ description: "The caller's address.", example: "203.0.113.7" }),
    requestId: z.string().openapi({ description: "The request's X-Request-Id." }),
  })
  .openapi("AuditEntry");

const AuditPage = z
  .object({
    entries: z.array(AuditEntrySchema).openapi({ description: "Newest first." }),
    nextCursor: z.string().nullable().openapi({
      description: "Pass as `cursor` for the next page; null on the last page.",
    }),
  })
  .openapi("AuditPage");

/** The cursor is opaque to clients: base64url of `${atMs}:${id}` of a page's last entry. */
function encodeCursor(entry: AuditEntry): string {
  return base64url(new TextEncoder().encode(`${entry.atMs}:${entry.id}`));
}

function decodeCursor(cursor: string): { atMs: number; id: string } {
  const bad = new ApiError("BAD_REQUEST", "query.cursor: must be a cursor from a previous page");
  if (!/^[A-Za-z0-9_-]{1,200}$/.test(cursor)) throw bad;
  let text: string;
  try {
    text = fromBase64url(cursor);
  } catch {
    throw bad;
  }
  const match = /^(\d{1,15}):(aud_[0-9a-z]{20})$/.exec(text);
  if (!match?.[1] || !match[2]) throw bad;
  return { atMs: Number(match[1]), id: match[2] };
}

const route = createRoute(
  withCommonAnswers(
    {
      method: "get",
      path: "/v1/admin/audit",
      operationId: "adminListAudit",
      tags: ["Admin: audit"],
      summary: "List the audit log",
      description:
        "Admin writes, newest first, filtered by actor, operation, target and time. Follow `nextCursor` until it is null.",
      security: AdminSecurity,
      request: { query: AuditQuery },
      responses: {
        200: {
          description: "One page.",
          content: { "application/json": { schema: AuditPage } },
        },
        ...errorResponses("BAD_REQUEST", "UNAUTHORIZED"),
      },
    },
    { store: true },
  ),
);

export const adminAuditRoutes = createRouter().openapi(route, async (c) => {
  const query = c.req.valid("query");
  const fromMs = query.from === undefined ? undefined : Date.parse(`${query.from}T00:00:00Z`);
  const toMs = query.to === undefined ? undefined : Date.parse(`${query.to}T00:00:00Z`);
  if (fromMs !== undefined && toMs !== undefined && toMs < fromMs) {
    throw new ApiError("BAD_REQUEST", "query.to: must not be before query.from");
  }
  const rows = await c.var.ctx.audit.list({
    ...(query.actor === undefined ? {} : { actor: query.actor }),
    ...(query.operation === undefined ? {} : { operation: query.operation }),
    ...(query.targetId === undefined ? {} : { targetId: query.targetId }),
    ...(fromMs === undefined ? {} : { fromMs }),
    ...(toMs === undefined ? {} : { toMs }),
    ...(query.cursor === undefined ? {} : { before: decodeCursor(query.cursor) }),
    limit: query.limit + 1,
  });
  const page = rows.slice(0, query.limit);
  const last = page.at(-1);
  const entries = page.map((entry) => ({
    id: entry.id,
    at: new Date(entry.atMs).toISOString(),
    actor: entry.actor,
    operation: entry.operation,
    method: entry.method,
    path: entry.path,
    targetId: entry.targetId,
    change: entry.change,
    status: entry.status,
    address: entry.address,
    requestId: entry.requestId,
  }));
  return c.json(
    AuditPage.parse({
      entries,
      nextCursor: rows.length > query.limit && last ? encodeCursor(last) : null,
    }),
    200,
  );
});
