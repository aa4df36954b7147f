import { createRoute } from "@hono/zod-openapi";
import { endSession } from "../../domain/auth/sign-in.ts";
import { errorResponses } from "../../errors/envelope.ts";
import { createRouter } from "../../http/router.ts";
import { withCommonAnswers } from "../shared/common-answers.ts";
import { SessionHeader, sessionTokenOf } from "./schema.ts";

const route = createRoute(
  withCommonAnswers(
    {
      method: "delete",
      path: "/v1/auth/session",
      operationId: "signOut",
      tags: ["Sign-in"],
      summary: "Sign out (revoke the session)",
      request: { headers: SessionHeader },
      responses: {
        204: { description: "Revoked." },
        ...errorResponses("BAD_REQUEST", "UNAUTHORIZED"),
      },
    },
    { store: true },
  ),
);

export const logoutRoute = createRouter().openapi(route, async (c) => {
  await endSession({
    ctx: c.var.ctx,
    input: { sessionToken: sessionTokenOf(c.req.valid("header")) },
  });
  return c.body(null, 204);
});
