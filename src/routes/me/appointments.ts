import { createRoute, z } from "@hono/zod-openapi";
import { myAppointments } from "../../domain/auth/my-appointments.ts";
import { errorResponses } from "../../errors/envelope.ts";
import { createRouter } from "../../http/router.ts";
import { SessionHeader, sessionTokenOf } from "../auth/schema.ts";
import { AppointmentSchema } from "../shared/appointment-schema.ts";
import { withCommonAnswers } from "../shared/common-answers.ts";

const Query = z.strictObject({
  when: z
    .enum(["upcoming", "past"])
    .default("upcoming")
    .openapi({ description: "Upcoming (from now) or past.", example: "upcoming" }),
  cursor: z
    .string()
    .max(200)
    .optional()
    .openapi({ description: "`nextCursor` of the previous page." }),
  limit: z.coerce.number().int().min(1).max(100).default(20).openapi({ example: 20 }),
});
const Page = z
  .object({ appointments: z.array(AppointmentSchema), nextCursor: z.string().nullable() })
  .openapi("MyAppointments");

const route = createRoute(
  withCommonAnswers(
    {
      method: "get",
      path: "/v1/me/appointments",
      operationId: "listMyAppointments",
      tags: ["Sign-in"],
      summary: "The signed-in customer's appointments",
      request: { headers: SessionHeader, query: Query },
      responses: {
        200: {
          description: "One page, oldest first.",
          content: { "application/json": { schema: Page } },
        },
        ...errorResponses("BAD_REQUEST", "UNAUTHORIZED"),
      },
    },
    { store: true },
  ),
);

export const myAppointmentsRoute = createRouter().openapi(route, async (c) => {
  const query = c.req.valid("query");
  const input = {
    sessionToken: sessionTokenOf(c.req.valid("header")),
    when: query.when,
    limit: query.limit,
    ...(query.cursor ? { cursor: query.cursor } : {}),
  };
  return c.json(Page.parse(await myAppointments({ ctx: c.var.ctx, input })), 200);
});
