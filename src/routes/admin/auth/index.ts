/**
 * The business accounts' sign-in (src/domain/auth/accounts.ts): the customers' code flow
 * (src/routes/auth) in the business realm. Under /v1/admin/ but outside `requireAdmin`
 * (`ADMIN_SIGN_IN_PATH`): asking for a code needs no credential; signing out needs the session.
 */
import { createRoute, z } from "@hono/zod-openapi";
import { endBusinessSession } from "../../../domain/auth/accounts.ts";
import { requestCode, verifyCode } from "../../../domain/auth/sign-in.ts";
import { requestedLocale } from "../../../domain/settings/locale.ts";
import { errorResponses } from "../../../errors/envelope.ts";
import { clientIpGroup } from "../../../http/client-ip.ts";
import { createRouter } from "../../../http/router.ts";
import { withCommonAnswers } from "../../shared/common-answers.ts";
import { AcceptLanguage, DateTime, LocaleField } from "../../shared/schemas.ts";

const TAGS = ["Admin: sign-in"];

const Email = z
  .email()
  .max(254)
  .openapi({ description: "The account's email.", example: "lea@salon.example" });

const Code = z
  .string()
  .regex(/^\d{6}$/, "must be the 6-digit code")
  .openapi({ example: "042917" });

const otp = createRoute(
  withCommonAnswers(
    {
      method: "post",
      path: "/v1/admin/auth/otp",
      operationId: "adminRequestSignInCode",
      tags: TAGS,
      summary: "Email a business account a sign-in code",
      description:
        "Always 202, whether or not an active account has the email (no account enumeration); only an active account is sent a code. The customers' rules otherwise: a 6-digit code, single use, valid 10 minutes; at most 3 codes per email in any rolling 10 minutes and a per-IP limit (429 with `Retry-After`); 503 if the limiter cannot be reached.",
      request: {
        headers: z.object({ "accept-language": AcceptLanguage }),
        body: {
          required: true,
          content: {
            "application/json": {
              schema: z
                .strictObject({ email: Email, locale: LocaleField })
                .openapi("AdminCodeRequest"),
            },
          },
        },
      },
      responses: {
        202: {
          description: "A code is on its way if an active account has the email.",
          content: {
            "application/json": {
              schema: z.object({ message: z.string() }).openapi("AdminCodeRequested"),
            },
          },
        },
        ...errorResponses("BAD_REQUEST", "RATE_LIMITED", "STORE_UNAVAILABLE"),
      },
    },
    { store: true },
  ),
);

const BusinessSession = z
  .object({
    sessionToken: z.string().openapi({
      description:
        "`ae_bs_…`: send it as `Authorization: Bearer <sessionToken>` on /v1/admin/ routes. Shown once. Never accepted as a customer session.",
      example: "ae_bs_k3…",
    }),
    expiresAt: DateTime("When it stops working (12 h)."),
    account: z.object({
      id: z.string(),
      email: z.string(),
      name: z.string(),
      role: z.enum(["owner", "manager", "staff"]),
      staffId: z.string().nullable(),
    }),
  })
  .openapi("BusinessSession");

const verify = createRoute(
  withCommonAnswers(
    {
      method: "post",
      path: "/v1/admin/auth/verify",
      operationId: "adminVerifySignInCode",
      tags: TAGS,
      summary: "Exchange a code for a 12-hour business session",
      description:
        "The latest code of the email only; it works once and dies after 5 wrong attempts. 401 for a wrong or dead code, and for an email with no active account (the same answer).",
      request: {
        body: {
          required: true,
          content: {
            "application/json": {
              schema: z.strictObject({ email: Email, code: Code }).openapi("AdminVerifyCode"),
            },
          },
        },
      },
      responses: {
        200: {
          description: "Signed in.",
          content: { "application/json": { schema: BusinessSession } },
        },
        ...errorResponses("BAD_REQUEST", "UNAUTHORIZED", "RATE_LIMITED", "STORE_UNAVAILABLE"),
      },
    },
    { store: true },
  ),
);

const SessionHeader = z.object({
  authorization: z
    .string()
    .max(500)
    .optional()
    .openapi({
      param: { name: "authorization", in: "header" },
      description: "`Bearer <session token>` from POST /v1/admin/auth/verify.",
    }),
});

const logout = createRoute(
  withCommonAnswers(
    {
      method: "post",
      path: "/v1/admin/auth/logout",
      operationId: "adminSignOut",
      tags: TAGS,
      summary: "Sign out (revoke the business session)",
      description: "The session fails with 401 from the next request on.",
      request: { headers: SessionHeader },
      responses: {
        204: { description: "Revoked." },
        ...errorResponses("BAD_REQUEST", "UNAUTHORIZED"),
      },
    },
    { store: true },
  ),
);

export const adminSignInRoutes = createRouter()
  .openapi(otp, async (c) => {
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
        realm: "business",
      },
    });
    return c.json({ message: "If an account has this address, a code is on its way." }, 202);
  })
  .openapi(verify, async (c) => {
    const body = c.req.valid("json");
    const session = await verifyCode({
      ctx: c.var.ctx,
      input: { ...body, clientIp: clientIpGroup(c), realm: "business" },
    });
    const account = session.account;
    return c.json(
      BusinessSession.parse({
        sessionToken: session.sessionToken,
        expiresAt: new Date(session.expiresAtMs).toISOString(),
        account: account && {
          id: account.id,
          email: account.email,
          name: account.name,
          role: account.role,
          staffId: account.staffId,
        },
      }),
      200,
    );
  })
  .openapi(logout, async (c) => {
    const match = /^Bearer\s+(\S+)$/i.exec(c.req.valid("header").authorization ?? "");
    await endBusinessSession(c.var.ctx, match?.[1] ?? "");
    return c.body(null, 204);
  });
