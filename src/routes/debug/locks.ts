import { createRoute, z } from "@hono/zod-openapi";
import { listLocks } from "../../domain/live/list-locks.ts";
import { errorResponses } from "../../errors/envelope.ts";
import { createRouter } from "../../http/router.ts";
import { withCommonAnswers } from "../shared/common-answers.ts";
import { AdminSecurity, LocalDate, StaffId } from "../shared/schemas.ts";

const LocksQuery = z.strictObject({
  cursor: z
    .string()
    .regex(/^\d{1,20}$/, "must be the cursor of the previous page")
    .default("0")
    .openapi({ description: "From the previous page; `0` starts.", example: "0" }),
  staffId: StaffId.optional(),
  date: LocalDate.optional(),
});

const LocksResponse = z
  .object({
    cursor: z.string().openapi({ description: "Pass to get the next page; `0` when done." }),
    done: z.boolean(),
    entries: z.array(
      z.object({
        staffId: z.string(),
        kind: z.enum(["held", "viewing", "booked"]),
        id: z.string().openapi({ description: "Hold id, client tag (markers) or appointment id." }),
        start: z.string().openapi({ format: "date-time" }),
        end: z.string().openapi({ format: "date-time" }),
        expiresAt: z.string().openapi({ format: "date-time" }),
        remainingMs: z.number().int(),
      }),
    ),
  })
  .openapi("Locks");

const route = createRoute(
  withCommonAnswers(
    {
      method: "get",
      path: "/v1/debug/locks",
      operationId: "debugListLocks",
      tags: ["Debug"],
      summary: "Live holds and markers",
      description:
        "Walks the live state with SCAN and a cursor (never KEYS). A page may be empty while `done` is false.",
      security: AdminSecurity,
      request: { query: LocksQuery },
      responses: {
        200: {
          description: "One page.",
          content: { "application/json": { schema: LocksResponse } },
        },
        ...errorResponses("BAD_REQUEST", "UNAUTHORIZED"),
      },
    },
    { store: true },
  ),
);

export const locksRoute = createRouter().openapi(route, async (c) => {
  const query = c.req.valid("query");
  const input = {
    cursor: query.cursor,
    ...(query.staffId ? { staffId: query.staffId } : {}),
    ...(query.date ? { date: query.date } : {}),
  };
  return c.json(LocksResponse.parse(await listLocks({ ctx: c.var.ctx, input })), 200);
});
