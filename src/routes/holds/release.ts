import { createRoute } from "@hono/zod-openapi";
import { releaseHold } from "../../domain/live/manage-hold.ts";
import { errorResponses } from "../../errors/envelope.ts";
import { createRouter } from "../../http/router.ts";
import { withCommonAnswers } from "../shared/common-answers.ts";
import { HoldIdParam, HoldTokenHeader } from "./schema.ts";

const route = createRoute(
  withCommonAnswers(
    {
      method: "delete",
      path: "/v1/holds/{holdId}",
      operationId: "releaseHold",
      tags: ["Live state"],
      summary: "Release a hold",
      description:
        "Frees exactly this hold's slots. Only the holder (`X-Hold-Token`). One Redis round trip, then one SQL write (the hold's claim in the booking store is freed).",
      request: { params: HoldIdParam, headers: HoldTokenHeader },
      responses: {
        204: { description: "Released." },
        ...errorResponses("BAD_REQUEST", "NOT_FOUND"),
      },
    },
    { store: true },
  ),
);

export const releaseHoldRoute = createRouter().openapi(route, async (c) => {
  await releaseHold({
    ctx: c.var.ctx,
    input: {
      holdId: c.req.valid("param").holdId,
      holdToken: c.req.valid("header")["x-hold-token"],
    },
  });
  return c.body(null, 204);
});
