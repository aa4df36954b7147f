import { createRoute, z } from "@hono/zod-openapi";
import { requestCode } from "../../domain/auth/sign-in.ts";
import { errorResponses } from "../../errors/envelope.ts";
import { clientIpGroup } from "../../http/client-ip.ts";
import { createRouter } from "../../http/router.ts";
import { withCommonAnswers } from "../shared/common-answers.ts";
import { requestedLocale } from "../../domain/settings/locale.ts";
import { AcceptLanguage, LocaleField } from "../shared/schemas.ts";
import { Email } from "./schema.ts";

const Accepted = z.object({ message: z.string() }).openapi("CodeRequested");

const route = createRoute(
  withCommonAnswers(
    {
      method: "post",
      path: "/v1/auth/otp",
      operationId: "requestSignInCode",
      tags: ["Sign-in"],
      summary: "Email a sign-in code",
      description:
        "Always 202, whether or not the email is known (no account enumeration). A 6-digit code, single use, valid 10 minutes. " +
        "At most 3 codes per email in any rolling 10 minutes (exact), and a per-IP limit; beyond, 429 with `Retry-After`. " +
        "If the limiter cannot be reached, 503 (it never fails open). " +
        "The email is in `locale` if given, else the best match of `Accept-Language`, else the business's `defaultLocale`.",
      request: {
        headers: z.object({ "accept-language": AcceptLanguage }),
        body: {
          required: true,
          content: {
            "application/json": {
              schema: z.strictObject({ email: Email, locale: LocaleField }).openapi("CodeRequest"),
            },
          },
        },
      },
      responses: {
        202: {
          description: "A code is on its way if the address can receive email.",
          content: { "application/json": { schema: Accepted } },
        },
        ...errorResponses("BAD_REQUEST", "RATE_LIMITED", "STORE_UNAVAILABLE"),
      },
    },
    { store: true },
  ),
);

export const otpRoute = createRouter().openapi(route, async (c) => {
  const body = c.req.valid("json");
  await requestCode({
    ctx: c.var.ctx,
    input: {
      email: body.email,
      clientIp: clientIpGroup(c),
      locale: requestedLocale({
        locale: body.locale,
        acceptLanguage: c.req.valid("header")["accept-language"],
      }),
    },
  });
  return c.json({ message: "If the address can receive email, a code is on its way." }, 202);
});
