import { z } from "@hono/zod-openapi";

export const Email = z
  .email()
  .max(320)
  .openapi({ description: "The customer's email.", example: "mia@example.com" });

/** Optional here so that a missing or malformed session is a 401, like an expired one. */
export const SessionHeader = z.object({
  authorization: z
    .string()
    .max(500)
    .optional()
    .openapi({
      param: { name: "authorization", in: "header" },
      description: "`Bearer <session token>` from POST /v1/auth/verify.",
    }),
});

/** The bearer token, or "" (which no session matches) when the header is missing or malformed. */
export function sessionTokenOf(headers: z.infer<typeof SessionHeader>): string {
  const match = /^Bearer ([A-Za-z0-9_-]{20,200})$/.exec(headers.authorization ?? "");
  return match?.[1] ?? "";
}
