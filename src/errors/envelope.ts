import { z } from "@hono/zod-openapi";
import { HealthResponse } from "../routes/health/schema.ts";
import { DateTime } from "../routes/shared/schemas.ts";
import { carriesRetryAfter, ERROR_CODE_NAMES, ERROR_CODES, type ErrorCode } from "./codes.ts";

const NearbySlots = z.strictObject({
  nearby: z
    .array(DateTime("A free start, as availability returns it.", "2026-12-07T11:00:00+01:00"))
    .openapi({
      description:
        "Up to three free starts of the same service and staff member nearest to the refused time (same date ± 1 day), earliest first; hold one of them.",
    }),
});

/**
 * The `details` each code can carry, and nothing for the others: a code whose answers carry
 * details names them here, so the document types `error.details` per code and a generated client
 * can read them without a cast. Exhaustive on purpose: a new code must say what it carries.
 * Every field is always sent when `details` is, but `details` itself is optional (e.g.
 * SLOT_UNAVAILABLE has no `nearby` when the slot simply is not offered).
 */
export const ERROR_DETAILS = {
  BAD_REQUEST: z
    .strictObject({
      issues: z
        .array(
          z.strictObject({
            field: z.string().openapi({ example: "body.start" }),
            message: z
              .string()
              .openapi({ example: "must be an ISO 8601 date-time with an offset" }),
          }),
        )
        .openapi({ description: "Every invalid field (the message names the first)." }),
    })
    .openapi("BadRequestDetails"),
  UNAUTHORIZED: null,
  FORBIDDEN: null,
  NOT_FOUND: null,
  SLOT_HELD: z
    .strictObject({
      heldUntil: DateTime("When the other client's hold ends if it is not booked or extended."),
    })
    .openapi("SlotHeldDetails"),
  SLOT_UNAVAILABLE: NearbySlots.openapi("SlotUnavailableDetails"),
  IDEMPOTENCY_CONFLICT: null,
  CONFLICT: null,
  CUTOFF_PASSED: z
    .strictObject({
      cutoffAt: DateTime(
        "The last moment the change was allowed, in the staff member's offset: an app can disable the button from then on.",
      ),
    })
    .openapi("CutoffPassedDetails"),
  NOT_STARTED: null,
  ATTENDANCE_FINAL: null,
  NO_SHOW_LIMIT: null,
  HOLD_EXPIRED: NearbySlots.openapi("HoldExpiredDetails"),
  PAYLOAD_TOO_LARGE: null,
  UNSUPPORTED_MEDIA_TYPE: null,
  RATE_LIMITED: null,
  HOLD_LIMIT: z
    .strictObject({
      holder: z.enum(["client", "ip", "series"]).openapi({
        description:
          "Which limit was reached: this client id's, this address's, or (`series`) the client's one series hold at a time.",
      }),
      retryAt: DateTime("When the earliest of that holder's holds ends (also Retry-After)."),
    })
    .openapi("HoldLimitDetails"),
  INTERNAL: null,
  BAD_ENVIRONMENT: z
    .strictObject({
      fields: z.array(z.string()).openapi({
        description: "The misconfigured variables (never their values).",
        example: ["ADMIN_TOKEN"],
      }),
    })
    .openapi("BadEnvironmentDetails"),
  STORE_UNAVAILABLE: HealthResponse.openapi({
    description: "From GET /v1/health only: the health report of both stores.",
  }),
  OVERLOADED: null,
} as const satisfies Record<ErrorCode, z.ZodType | null>;

/** `SLOT_HELD` -> `SlotHeldError`: the component name of one code's error object. */
function componentName(code: ErrorCode): string {
  const words = code.toLowerCase().split("_");
  return `${words.map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join("")}Error`;
}

const ERROR_OBJECTS = new Map<ErrorCode, z.ZodObject>();

/** The `error` object of one code: its literal code and its details (if it has any). */
function errorObjectOf(code: ErrorCode): z.ZodObject {
  let object = ERROR_OBJECTS.get(code);
  if (!object) {
    const details = ERROR_DETAILS[code];
    object = z
      .strictObject({
        code: z.literal(code).openapi({ description: ERROR_CODES[code].description }),
        message: z.string().openapi({
          description: "Human-readable explanation; names the offending field for bad input.",
          example: "body.start: must be an ISO 8601 date-time with an offset",
        }),
        requestId: z
          .string()
          .openapi({ description: "Same as the X-Request-Id header.", example: "5f0c…" }),
        ...(details ? { details: details.optional() } : {}),
      })
      .openapi(componentName(code));
    ERROR_OBJECTS.set(code, object);
  }
  return object;
}

/** The `error` member for answers with one of `codes`: a union picked by `code`. */
function errorOf(codes: readonly [ErrorCode, ...ErrorCode[]]) {
  const [first, ...rest] = codes.map(errorObjectOf) as [z.ZodObject, ...z.ZodObject[]];
  return rest.length === 0 ? first : z.discriminatedUnion("code", [first, ...rest]);
}

/** The one error shape of the API: `{"error": {code, message, requestId, details?}}`. */
export const ErrorEnvelope = z.object({ error: errorOf(ERROR_CODE_NAMES) }).openapi("Error", {
  description:
    "Every error answer. `error.code` picks the shape of `error.details` (only some codes carry details).",
});

/** What every error body is built as (the document narrows `details` per code). */
export interface ErrorEnvelope {
  error: {
    code: ErrorCode;
    message: string;
    requestId: string;
    details?: Record<string, unknown>;
  };
}

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
  content: { "application/json": { schema: z.ZodType } };
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
        schema: z.object({ error: errorOf(codes) }),
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
