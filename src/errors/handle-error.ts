import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import type { ZodError } from "zod";
import { DomainError } from "../domain/errors.ts";
import { ApiError } from "./api-error.ts";
import { type ErrorCode, statusOf } from "./codes.ts";
import type { ErrorEnvelope } from "./envelope.ts";

/** The error envelope for this request; every error body the API sends is built here. */
export function errorBody(
  c: Context,
  code: ErrorCode,
  message: string,
  details?: Record<string, unknown>,
): ErrorEnvelope {
  const requestId = (c.get("requestId") as string | undefined) ?? "unknown";
  const body: ErrorEnvelope = { error: { code, message, requestId } };
  if (details !== undefined) body.error.details = details;
  return body;
}

/** An error response: the envelope with the status from the code table, plus extra headers. */
export function errorResponse(
  c: Context,
  code: ErrorCode,
  message: string,
  options: {
    details?: Record<string, unknown> | undefined;
    headers?: Record<string, string> | undefined;
  } = {},
): Response {
  for (const [name, value] of Object.entries(options.headers ?? {})) c.header(name, value);
  (
    c.get("services") as { metrics?: { countError(code: string): void } } | undefined
  )?.metrics?.countError(code);
  return c.json(errorBody(c, code, message, options.details), statusOf(code));
}

/** Maps HTTP-level exceptions raised by Hono middleware (JSON parsing, body limit) to codes. */
function codeForHttpStatus(status: number): ErrorCode {
  switch (status) {
    case 401:
      return "UNAUTHORIZED";
    case 403:
      return "FORBIDDEN";
    case 404:
      return "NOT_FOUND";
    case 413:
      return "PAYLOAD_TOO_LARGE";
    case 415:
      return "UNSUPPORTED_MEDIA_TYPE";
    case 429:
      return "RATE_LIMITED";
    case 503:
      return "STORE_UNAVAILABLE";
    default:
      return status >= 400 && status < 500 ? "BAD_REQUEST" : "INTERNAL";
  }
}

/**
 * The app's `onError`. Expected failures (ApiError, DomainError, Hono's HTTPException) become
 * their envelope; anything else is a bug: it is logged with the request id and answered with a
 * 500 that carries no stack and no internal message.
 */
export function handleError(err: Error, c: Context): Response {
  if (err instanceof ApiError) {
    return errorResponse(c, err.code, err.message, { details: err.details, headers: err.headers });
  }
  if (err instanceof DomainError) {
    if (err.code === "STORE_UNAVAILABLE") {
      // The caller learns only that a store is down; the log keeps what went wrong.
      console.error(
        JSON.stringify({
          level: "error",
          msg: "store unavailable",
          requestId: c.get("requestId"),
          path: c.req.path,
          cause: String(err.cause),
        }),
      );
    }
    const headers =
      err.retryAfterSeconds === undefined
        ? undefined
        : { "Retry-After": String(err.retryAfterSeconds) };
    return errorResponse(c, err.code, err.message, { details: err.details, headers });
  }
  if (err instanceof HTTPException) {
    const code = codeForHttpStatus(err.status);
    if (code !== "INTERNAL") return errorResponse(c, code, httpExceptionMessage(err));
  }
  console.error(
    JSON.stringify({
      level: "error",
      msg: "unhandled error",
      requestId: c.get("requestId"),
      method: c.req.method,
      path: c.req.path,
      error: err.message,
      stack: err.stack,
    }),
  );
  return errorResponse(c, "INTERNAL", "An unexpected error occurred. It has been logged.");
}

/** Hono's own messages do not name the field; ours do. */
function httpExceptionMessage(err: HTTPException): string {
  if (err.status === 415) return "header.content-type: must be application/json";
  if (/malformed json/i.test(err.message)) return "body: malformed JSON";
  if (/content-type/i.test(err.message)) return "header.content-type: must be application/json";
  return err.message || "Bad request";
}

/** Turns zod issues into one message naming the first offending field, and details for all. */
export function describeZodError(
  target: string,
  error: ZodError,
): { message: string; details: Record<string, unknown> } {
  // body.serviceIds[0].name: array positions in brackets, like the domain's own messages.
  const where = (path: PropertyKey[]) =>
    path.reduce<string>(
      (out, key) => (typeof key === "number" ? `${out}[${key}]` : `${out}.${String(key)}`),
      targetName(target),
    );
  const issues = error.issues.map((issue) => ({
    field: where(issue.path),
    message: issue.message,
  }));
  const first = issues[0] ?? { field: targetName(target), message: "invalid" };
  return { message: `${first.field}: ${first.message}`, details: { issues } };
}

function targetName(target: string): string {
  return target === "json" ? "body" : target;
}
