/**
 * What every answer to hostile input must look like (docs/spec.md, "Bad input"): a 2xx or a 4xx, never a
 * 5xx; every 4xx the error envelope with a code whose status is the response's, the request id of
 * the X-Request-Id header, and, for bad input, a message that names the field; and no internal
 * text (stack frames, error class names, SQL, driver or Redis errors) anywhere in the body.
 */
import { ERROR_CODES } from "../../src/errors/codes.ts";

/** Internal text that must never reach a client, unless the client sent it itself. */
const LEAKS: RegExp[] = [
  /\n\s+at\s/,
  /\bat\s+\S+\s+\([^)]*:\d+:\d+\)/,
  /\b[A-Z][A-Za-z]*Error\b/,
  /\bError:/,
  /\berrno\b/i,
  /\bER_[A-Z_]{3,}/,
  /\bSQLSTATE\b/i,
  /\b(SELECT\s.+\sFROM|INSERT\s+INTO|UPDATE\s+\w+\s+SET|DELETE\s+FROM)\b/i,
  /\b(NOSCRIPT|WRONGTYPE|ERR\s)/,
  /node_modules|\.ts:\d+|file:\/\//,
  /\[object Object\]/,
];

/** "body.customer.email: …", "query.from: …", "param.id: …", "header.idempotency-key: …" */
const FIELD_MESSAGE = /^(body|query|param|header)([.[][^:]*)?: \S/;

export interface Verdict {
  status: number;
  body: string;
  problems: string[];
}

/**
 * Checks one response. `sent` is everything the request carried (URL, headers, body), so that a
 * message echoing the caller's own input is not mistaken for a leak. `locations` are where the
 * request's bad input was ("body", "query", …): a 400 must name one of them.
 */
export async function checkResponse(
  res: Response,
  sent: string,
  locations: Set<string>,
): Promise<Verdict> {
  const body = isEventStream(res) ? await firstEvents(res) : await res.text();
  const problems: string[] = [];
  const status = res.status;
  if (!((status >= 200 && status < 300) || (status >= 400 && status < 500))) {
    problems.push(`status ${status} is neither 2xx nor 4xx`);
  }
  for (const pattern of LEAKS) {
    const match = pattern.exec(body)?.[0];
    if (match !== undefined && !sent.includes(match)) {
      problems.push(`body leaks internal text ${JSON.stringify(match)}`);
    }
  }
  if (status >= 400) problems.push(...checkEnvelope(res, body, locations));
  return { status, body, problems };
}

function isEventStream(res: Response): boolean {
  return res.ok && /^text\/event-stream/.test(res.headers.get("Content-Type") ?? "");
}

/**
 * A live stream (GET /v1/live) stays open for minutes: its answer is judged by what it sends
 * first (up to its first event after the `retry:` line, or 5 s), and then the client leaves.
 */
async function firstEvents(res: Response): Promise<string> {
  const reader = (res.body as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder();
  const deadline = Date.now() + 5_000;
  let text = "";
  try {
    while (text.split("\n\n").filter((block) => block.trim() !== "").length < 2) {
      const timeLeft = deadline - Date.now();
      if (timeLeft <= 0) break;
      const chunk = await Promise.race([
        reader.read(),
        new Promise<null>((resolve) => setTimeout(() => resolve(null), timeLeft)),
      ]);
      if (chunk === null || chunk.done) break;
      text += decoder.decode(chunk.value, { stream: true });
    }
  } finally {
    await reader.cancel().catch(() => undefined);
  }
  return text;
}

function checkEnvelope(res: Response, text: string, locations: Set<string>): string[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return ["error body is not JSON"];
  }
  const error = (parsed as { error?: Record<string, unknown> } | null)?.error;
  if (!error || typeof error !== "object") return ["error body has no `error` object"];
  const problems: string[] = [];
  const { code, message, requestId } = error;
  const entry = typeof code === "string" ? ERROR_CODES[code as keyof typeof ERROR_CODES] : null;
  if (!entry) problems.push(`unknown error code ${JSON.stringify(code)}`);
  else if (entry.status !== res.status) {
    problems.push(`code ${String(code)} is ${entry.status}, answered ${res.status}`);
  }
  if (typeof message !== "string" || message.trim() === "") problems.push("no message");
  if (typeof requestId !== "string" || requestId !== res.headers.get("X-Request-Id")) {
    problems.push("requestId differs from the X-Request-Id header");
  }
  if (!/^application\/json/.test(res.headers.get("Content-Type") ?? "")) {
    problems.push(`error Content-Type is ${res.headers.get("Content-Type")}`);
  }
  if ([400, 413, 415].includes(res.status) && typeof message === "string") {
    const where = FIELD_MESSAGE.exec(message)?.[1];
    if (where === undefined) problems.push(`message names no field: ${JSON.stringify(message)}`);
    else if (res.status === 400 && locations.size > 0 && !locations.has(where)) {
      problems.push(`message names ${where}, but the bad input was in ${[...locations]}`);
    }
  }
  return problems;
}
