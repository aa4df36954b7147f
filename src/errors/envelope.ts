import { z } from "@hono/zod-openapi";
import { carriesRetryAfter, ERROR_CODE_NAMES, ERROR_CODES, type ErrorCode } from "./codes.ts";

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

/** The X-Request-Id header of every answer (hono/request-id in app.ts). */
export const REQUEST_ID_HEADER = {
  description:
    "The request's id: the caller's own X-Request-Id when it sent a usable one, else a new one. Error bodies repeat it as `error.requestId`.",
  required: true,
  schema: { type: "string", example: "5f0c2a9e-8f1b-4c47-9d1e-3b2a7c6d5e4f" },
} as const;

/** Retry-After in seconds, as the API sends it. */
const retryAfterHeader = (required: boolean, description: string) =>
  ({
    description,
    required,
    schema: { type: "string", pattern: "^[0-9]+$", example: "60" },
  }) as const;

/**
 * One error status of an operation: the envelope with `error.code` narrowed to the codes the
 * operation can answer with at that status, X-Request-Id, and Retry-After where those codes
 * carry it (required when all of them do).
 */
export interface ErrorResponseEntry {
  description: string;
  headers: Record<string, { description: string; required: boolean; schema: object }>;
  content: { "application/json": { schema: z.ZodType<ErrorEnvelope> } };
}

/** The codes behind each entry `errorResponses` made, so that answers can be merged by status. */
const CODES_OF_ENTRY = new WeakMap<object, ErrorCode[]>();

/** The error codes an entry of `errorResponses` stands for (undefined for any other entry). */
export function errorCodesOf(entry: unknown): ErrorCode[] | undefined {
  return typeof entry === "object" && entry !== null ? CODES_OF_ENTRY.get(entry) : undefined;
}

function errorEntry(group: ErrorCode[]): ErrorResponseEntry {
  const codes = [...new Set(group)].sort(
    (a, b) => ERROR_CODE_NAMES.indexOf(a) - ERROR_CODE_NAMES.indexOf(b),
  ) as [ErrorCode, ...ErrorCode[]];
  const headers: ErrorResponseEntry["headers"] = { "X-Request-Id": REQUEST_ID_HEADER };
  const retrying = codes.filter(carriesRetryAfter);
  if (retrying.length > 0) {
    const all = retrying.length === codes.length;
    headers["Retry-After"] = retryAfterHeader(
      all,
      all
        ? "Seconds to wait before retrying."
        : `Seconds to wait before retrying; sent with ${retrying.map((c) => `\`${c}\``).join(", ")}.`,
    );
  }
  const entry: ErrorResponseEntry = {
    description: codes.map((code) => `\`${code}\`: ${ERROR_CODES[code].description}`).join(" "),
    headers,
    content: {
      "application/json": {
        schema: z.intersection(
          ErrorEnvelope,
          z.object({ error: z.object({ code: z.enum(codes) }) }),
        ) as z.ZodType<ErrorEnvelope>,
      },
    },
  };
  CODES_OF_ENTRY.set(entry, codes);
  return entry;
}

/**
 * OpenAPI `responses` entries for the given error codes, grouped by status, so every route
 * documents exactly the errors it can produce, derived from the code table. The answers every
 * route shares (auth, rate limits, stores, bodies) are added by `withCommonAnswers`.
 */
export function errorResponses<C extends ErrorCode>(
  ...codes: C[]
): { [S in (typeof ERROR_CODES)[C]["status"]]: ErrorResponseEntry } {
  const byStatus = new Map<number, ErrorCode[]>();
  for (const code of codes) {
    const status = ERROR_CODES[code].status;
    byStatus.set(status, [...(byStatus.get(status) ?? []), code]);
  }
  const responses: Record<number, ErrorResponseEntry> = {};
  for (const [status, group] of byStatus) responses[status] = errorEntry(group);
  return responses as { [S in (typeof ERROR_CODES)[C]["status"]]: ErrorResponseEntry };
}
