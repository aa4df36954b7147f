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
  | "SLOT_HELD"
  | "SLOT_UNAVAILABLE"
  | "IDEMPOTENCY_CONFLICT"
  | "HOLD_EXPIRED"
  | "RATE_LIMITED"
  | "HOLD_LIMIT"
  | "STORE_UNAVAILABLE"
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
    super(message, { cause: options.cause });
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
