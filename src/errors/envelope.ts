import { z } from "@hono/zod-openapi";
import { ERROR_CODE_NAMES, ERROR_CODES, type ErrorCode } from "./codes.ts";

/** The one error shape of the API: `{"error": {code, message, requestId, details?}}`. */
export const ErrorEnvelope = z
  .object({
    error: z.object({
      code: z
        .enum(ERROR_CODE_NAMES)
        .openapi({ description: "Machine-readable code.", example: "SLOT_HELD" }),
      message: z.string().openapi({
        description: "Human-readable explanation; names the offending field for bad input.",
        example: "body.start: must be an ISO 8601 date-time with an offset",
      }),
      requestId: z
        .string()
        .openapi({ description: "Same as the X-Request-Id header.", example: "5f0c…" }),
      details: z
        .record(z.string(), z.unknown())
        .optional()
        .openapi({ description: "Code-specific details, e.g. when a conflicting hold ends." }),
    }),
  })
  .openapi("Error");

export type ErrorEnvelope = z.infer<typeof ErrorEnvelope>;

/**
 * OpenAPI `responses` entries for the given error codes, grouped by status, so every route
 * documents exactly the errors it can produce, derived from the code table.
 */
type ErrorResponseEntry = {
  description: string;
  content: { "application/json": { schema: typeof ErrorEnvelope } };
};

export function errorResponses<C extends ErrorCode>(
  ...codes: C[]
): { [S in (typeof ERROR_CODES)[C]["status"]]: ErrorResponseEntry } {
  const byStatus = new Map<number, ErrorCode[]>();
  for (const code of codes) {
    const status = ERROR_CODES[code].status;
    byStatus.set(status, [...(byStatus.get(status) ?? []), code]);
  }
  const responses: Record<number, ErrorResponseEntry> = {};
  for (const [status, group] of byStatus) {
    responses[status] = {
      description: group.map((code) => `\`${code}\`: ${ERROR_CODES[code].description}`).join(" "),
      content: { "application/json": { schema: ErrorEnvelope } },
    };
  }
  return responses as { [S in (typeof ERROR_CODES)[C]["status"]]: ErrorResponseEntry };
}

/** Errors any route can answer with, besides its own. */
export const COMMON_ERRORS: ErrorCode[] = ["BAD_REQUEST", "RATE_LIMITED", "INTERNAL"];
