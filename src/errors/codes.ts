/**
 * The one table of API error codes. Every status the API can answer with an error comes from
 * here: `ApiError`, `handleError`, the validation hook and the OpenAPI error responses all derive
 * from it, and `codes.test.ts` checks that they agree.
 */
export const ERROR_CODES = {
  BAD_REQUEST: { status: 400, description: "The request is malformed or a field is invalid." },
  UNAUTHORIZED: { status: 401, description: "Missing or invalid credentials." },
  FORBIDDEN: { status: 403, description: "The credentials do not allow this action." },
  NOT_FOUND: { status: 404, description: "No such resource (or it is not yours)." },
  SLOT_HELD: { status: 409, description: "Another client holds the slot." },
  SLOT_UNAVAILABLE: { status: 409, description: "The slot is booked or not offered." },
  IDEMPOTENCY_CONFLICT: {
    status: 409,
    description: "The Idempotency-Key was used with another body, or is in flight.",
  },
  CONFLICT: { status: 409, description: "The change conflicts with the current state." },
  CUTOFF_PASSED: {
    status: 409,
    description:
      "Too close to the start to cancel or reschedule (the settings' cut-off); `details.cutoffAt` is when that became so.",
  },
  NOT_STARTED: {
    status: 409,
    description: "The appointment has not started yet: attendance is marked after the start.",
  },
  ATTENDANCE_FINAL: {
    status: 409,
    description:
      "An attendance mark can be changed only until 7 days after the appointment's start.",
  },
  NO_SHOW_LIMIT: {
    status: 409,
    description:
      "This email has reached the business's no-show limit (settings `noShowLimit`); book by contacting the business.",
  },
  HOLD_EXPIRED: { status: 410, description: "The hold is gone and the slot is no longer free." },
  PAYLOAD_TOO_LARGE: { status: 413, description: "The request body is larger than 64 KB." },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, description: "The body must be application/json." },
  RATE_LIMITED: {
    status: 429,
    description: "Too many requests; see Retry-After.",
    retryAfter: true,
  },
  HOLD_LIMIT: {
    status: 429,
    description:
      "Too many live held slots for this client or address; see Retry-After (the earliest of its holds to end).",
    retryAfter: true,
  },
  INTERNAL: { status: 500, description: "An unexpected error; it has been logged." },
  BAD_ENVIRONMENT: { status: 500, description: "The deployment is misconfigured." },
  STORE_UNAVAILABLE: {
    status: 503,
    description:
      "A store the request needs is unavailable (the booking store, or Redis for a sync).",
  },
  OVERLOADED: {
    status: 503,
    description:
      "The service is busy: too many requests in flight, or the live-state store answered too late. Retry after Retry-After.",
    retryAfter: true,
  },
} as const satisfies Record<string, { status: number; description: string; retryAfter?: true }>;

export type ErrorCode = keyof typeof ERROR_CODES;

export type ErrorStatus = (typeof ERROR_CODES)[ErrorCode]["status"];

export const ERROR_CODE_NAMES = Object.keys(ERROR_CODES) as [ErrorCode, ...ErrorCode[]];

/** Whether every answer with `code` carries a Retry-After header (the document requires it). */
export function carriesRetryAfter(code: ErrorCode): boolean {
  return "retryAfter" in ERROR_CODES[code];
}

/** The HTTP status that answers `code`. */
export function statusOf(code: ErrorCode): ErrorStatus {
  return ERROR_CODES[code].status;
}
