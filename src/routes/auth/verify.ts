import { createRoute, z } from "@hono/zod-openapi";
import { verifyCode } from "../../domain/auth/sign-in.ts";
import { errorResponses } from "../../errors/envelope.ts";
import { clientIpGroup } from "../../http/client-ip.ts";
import { createRouter } from "../../http/router.ts";
import { withCommonAnswers } from "../shared/common-answers.ts";
import { Email } from "./schema.ts";

const VerifyBody = z
  .strictObject({
    email: Email,
    code: z
      .string()
      .regex(/^\d{6}$/, "must be the 6-digit code")
      .openapi({ example: "042917" }),
  })
  .openapi("VerifyCode");
const Session = z
  .object({
    sessionToken: z.string().openapi({
      description: "`Authorization: Bearer <sessionToken>`. Shown once.",
      example: "k3…",
    }),
    expiresAt: z.string().openapi({ format: "date-time", example: "2026-11-27T10:00:00.000Z" }),
  })
  .openapi("Session");

const route = createRoute(
  withCommonAnswers(
    {
      method: "post",
      path: "/v1/auth/verify",
      operationId: "verifySignInCode",
      tags: ["Sign-in"],
      summary: "Exchange a code for a 24-hour session",
      description:
        "The latest code of the email only; it works once and dies after 5 wrong attempts (ask for a new one). 401 otherwise.",
      request: {
        body: { required: true, content: { "application/json": { schema: VerifyBody } } },
      },
      responses: {
        200: { description: "Signed in.", content: { "application/json": { schema: Session } } },
        ...errorResponses("BAD_REQUEST", "UNAUTHORIZED", "RATE_LIMITED", "STORE_UNAVAILABLE"),
      },
    },
    { store: true },
  ),
);

export const verifyRoute = createRouter().openapi(route, async (c) => {
  const body = c.req.valid("json");
  const session = await verifyCode({
    ctx: c.var.ctx,
    input: { ...body, clientIp: clientIpGroup(c) },
  });
  return c.json(
    Session.parse({
      sessionToken: session.sessionToken,
      expiresAt: new Date(session.expiresAtMs).toISOString(),
    }),
    200,
  );
});
