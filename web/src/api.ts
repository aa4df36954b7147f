/**
 * The pages' only way to the server: the public HTTP API, with a timeout on every call (no
 * spinner can wait forever) and every failure turned into one shape the messages understand.
 */

/** An API refusal, a network failure (`NETWORK`) or a timeout (`TIMEOUT`). */
export interface ApiFailure {
  ok: false;
  status: number;
  code: string;
  message: string;
  details: Record<string, unknown>;
  /** From `Retry-After`, when the server sent one. */
  retryAfterS: number | undefined;
}

export type ApiResult<T> = { ok: true; status: number; body: T } | ApiFailure;

const TIMEOUT_MS = 15_000;

function failure(status: number, code: string, message: string, retryAfterS?: number): ApiFailure {
  return { ok: false, status, code, message, details: {}, retryAfterS };
}

/** Calls the API; never throws. JSON bodies are sent as JSON. */
export async function call<T>(
  method: string,
  path: string,
  options: { body?: unknown; headers?: Record<string, string>; timeoutMs?: number } = {},
): Promise<ApiResult<T>> {
  const headers: Record<string, string> = { Accept: "application/json", ...options.headers };
  const init: RequestInit = { method, headers, credentials: "same-origin" };
  if (options.body !== undefined) {
    headers["Content-Type"] = "application/json";
    init.body = JSON.stringify(options.body);
  }
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), options.timeoutMs ?? TIMEOUT_MS);
  init.signal = controller.signal;
  let res: Response;
  try {
    res = await fetch(path, init);
  } catch {
    clearTimeout(timer);
    return controller.signal.aborted
      ? failure(0, "TIMEOUT", "The server took too long to answer.")
      : failure(0, "NETWORK", "The server could not be reached.");
  }
  try {
    const text = await res.text();
    const json = text ? (JSON.parse(text) as unknown) : undefined;
    if (res.ok) return { ok: true, status: res.status, body: json as T };
    const retry = Number(res.headers.get("Retry-After"));
    const error = (json as { error?: Partial<ApiFailure> & { details?: unknown } } | undefined)
      ?.error;
    return {
      ok: false,
      status: res.status,
      code: typeof error?.code === "string" ? error.code : `HTTP_${res.status}`,
      message: typeof error?.message === "string" ? error.message : res.statusText,
      details: (error?.details as Record<string, unknown> | undefined) ?? {},
      retryAfterS: Number.isFinite(retry) && retry > 0 ? retry : undefined,
    };
  } catch {
    return failure(res.status, res.ok ? "BAD_RESPONSE" : `HTTP_${res.status}`, res.statusText);
  } finally {
    clearTimeout(timer);
  }
}

/** A random id (URL-safe), for client ids and idempotency keys. */
export function randomId(prefix: string, bytes = 16): string {
  const raw = crypto.getRandomValues(new Uint8Array(bytes));
  let out = "";
  for (const b of raw) out += b.toString(16).padStart(2, "0");
  return `${prefix}${out}`;
}

/**
 * This tab's client id: random, kept in sessionStorage so a reload keeps its own holds "mine",
 * while another tab (another sessionStorage) is another client.
 */
export function tabClientId(): string {
  try {
    const kept = sessionStorage.getItem("ae-client-id");
    if (kept && /^[A-Za-z0-9_-]{8,64}$/.test(kept)) return kept;
    const fresh = randomId("c_", 12);
    sessionStorage.setItem("ae-client-id", fresh);
    return fresh;
  } catch {
    return randomId("c_", 12);
  }
}

/** An intake question (GET /v1/services); labels by BCP 47 language, `en` always there. */
export interface Question {
  id: string;
  kind: "text" | "textarea" | "choice" | "multichoice" | "boolean" | "phone" | "number";
  label: Record<string, string>;
  required: boolean;
  options?: { value: string; label: Record<string, string> }[];
  maxLength?: number;
  min?: number;
  max?: number;
}

export interface PublicService {
  id: string;
  name: string;
  description: string;
  durationMin: number;
  bufferBeforeMin: number;
  bufferAfterMin: number;
  price: { amountMinor: number; currency: string };
  questions: Question[];
}

export interface PublicStaff {
  id: string;
  name: string;
  bio: string;
  timeZone: string | null;
  serviceIds: string[];
}

export interface Appointment {
  id: string;
  status: "confirmed" | "cancelled";
  staffId: string;
  serviceId: string;
  start: string;
  end: string;
  customer: { name: string; email: string; phone: string | null };
  notes: string;
  rescheduledFrom: string | null;
  /** The recurring series the appointment belongs to (null: a single booking). */
  seriesId?: string | null;
}

export interface Hold {
  holdId: string;
  holdToken: string;
  expiresAt: string;
  slots: { serviceId: string; staffId: string; start: string; end: string }[];
}
