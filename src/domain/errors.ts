/**
 * Expected outcomes of domain verbs. Each carries an API error code (a plain string here so the
 * domain does not depend on the HTTP layer); `handleError` maps it through errors/codes.ts.
 * Bugs are plain `Error`s and become a logged 500.
 */
export type DomainErrorCode =
  | "BAD_REQUEST"
  | "NOT_FOUND"
  | "FORBIDDEN"
  | "CONFLICT"
  | "CUTOFF_PASSED"
  | "NOT_STARTED"
  | "ATTENDANCE_FINAL"
  | "NO_SHOW_LIMIT"
  | "SLOT_HELD"
  | "SLOT_UNAVAILABLE"
  | "IDEMPOTENCY_CONFLICT"
  | "HOLD_EXPIRED"
  | "RATE_LIMITED"
  | "HOLD_LIMIT"
  | "STORE_UNAVAILABLE"
  | "OVERLOADED"
  | "UNAUTHORIZED";

export class DomainError extends Error {
  readonly code: DomainErrorCode;
  readonly details: Record<string, unknown> | undefined;
  readonly retryAfterSeconds: number | undefined;

  constructor(
    code: DomainErrorCode,
    message: string,
    options: {
      details?: Record<string, unknown>;
      retryAfterSeconds?: number;
      cause?: unknown;
    } = {},
  ) {
    // An expected outcome, answered with its envelope: nothing reads its stack, and capturing
    // one showed in a CPU profile of refused holds (409) under load.
    const stackTraceLimit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    super(message, { cause: options.cause });
    Error.stackTraceLimit = stackTraceLimit;
    this.name = "DomainError";
    this.code = code;
    this.details = options.details;
    this.retryAfterSeconds = options.retryAfterSeconds;
  }
}

/** A store the request needs is down; nothing was written. */
export class StoreUnavailableError extends DomainError {
  constructor(store: "database" | "redis", cause?: unknown) {
    super(
      "STORE_UNAVAILABLE",
      `The ${store === "database" ? "booking store" : "live-state store"} is unavailable; nothing was changed. Try again shortly.`,
      { cause },
    );
    this.name = "StoreUnavailableError";
  }
}

/** Seconds a client waits before retrying an overloaded request (the Retry-After header). */
export const OVERLOAD_RETRY_AFTER_S = 1;

/**
 * The isolate sheds the request, or its live-state store answered too late to be trusted
 * either way (503 OVERLOADED with Retry-After). `mayHaveRun`: the store may still have applied
 * it, so the message says the retry is what makes it certain.
 */
export class OverloadedError extends DomainError {
  constructor(mayHaveRun: boolean, cause?: unknown) {
    super(
      "OVERLOADED",
      mayHaveRun
        ? "The live-state store answered too late; the request may or may not have taken effect. Retry it after Retry-After: repeating it is safe."
        : "The service is busy; nothing was changed. Retry after Retry-After.",
      { retryAfterSeconds: OVERLOAD_RETRY_AFTER_S, cause },
    );
    this.name = "OverloadedError";
  }
}
