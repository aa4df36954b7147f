import { type ErrorCode, type ErrorStatus, statusOf } from "./codes.ts";

/**
 * An expected, client-facing failure. Domain verbs throw `DomainError` (see src/domain/errors.ts);
 * the HTTP layer throws `ApiError` for protocol-level failures (auth, body size, content type).
 * Both carry a code from the one table in codes.ts.
 */
export class ApiError extends Error {
  readonly code: ErrorCode;
  readonly status: ErrorStatus;
  readonly details: Record<string, unknown> | undefined;
  readonly headers: Record<string, string> | undefined;

  constructor(
    code: ErrorCode,
    message: string,
    options: { details?: Record<string, unknown>; headers?: Record<string, string> } = {},
  ) {
    super(message);
    this.name = "ApiError";
    this.code = code;
    this.status = statusOf(code);
    this.details = options.details;
    this.headers = options.headers;
  }
}
