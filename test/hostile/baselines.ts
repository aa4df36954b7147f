/**
 * The baseline request of each operation: built from the OpenAPI schemas, with the fixture's real
 * ids and the run's markers, so that the unmutated request can succeed and every mutation of it
 * is the only thing wrong. Also the guards for the two routes that change state every other test
 * file reads (settings, closures).
 */
import { TEST_STACK } from "../stack/stack-env.ts";
import { HOSTILE_ANSWERS, type HostileFixture } from "./fixture.ts";
import {
  baselineValue,
  type JsonSchema,
  type Mutation,
  type Operation,
  type RequestShape,
  typeOf,
} from "./openapi-walk.ts";

/** Field, query and header values by name; `seq` numbers the request for its markers. */
function commonHints(fx: HostileFixture, seq: string): Record<string, unknown> {
  const mark = `${fx.run}:${seq}`;
  const email = `${fx.run}.${seq}@example.test`;
  return {
    serviceId: fx.serviceId,
    staffId: fx.staffId,
    clientId: fx.clientId,
    serviceIds: [fx.serviceId],
    name: `${fx.run} ${seq}`,
    description: mark,
    bio: mark,
    reason: mark,
    note: mark,
    notes: mark,
    email,
    customer: { name: `${fx.run} ${seq}`, email },
    answers: HOSTILE_ANSWERS,
    start: fx.holdStart,
    date: fx.date,
    from: fx.date,
    to: fx.date,
    startDate: "2098-12-24",
    endDate: "2098-12-26",
    code: "000000",
    holdId: fx.bookHold.holdId,
    holdToken: fx.bookHold.holdToken,
    "idempotency-key": `${fx.run}-${seq}`,
    "x-hold-token": fx.extendHold.holdToken,
    "x-manage-token": fx.manageToken,
  };
}

const nextDay = (date: string, days: number) => {
  const d = new Date(`${date}T12:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
};

/**
 * Per-operation hints on top of the common ones, whole-body overrides, and optional parameters
 * the baseline leaves out although they have an example.
 */
function operationHints(
  op: Operation,
  fx: HostileFixture,
): { hints: Record<string, unknown>; body?: unknown; omit?: string[] } {
  const admin = `Bearer ${TEST_STACK.adminToken}`;
  const hints: Record<string, unknown> = op.admin ? { authorization: admin } : {};
  const p = op.path;
  if (p.startsWith("/v1/admin/")) hints.serviceIds = [fx.adminServiceId];
  if (p.startsWith("/v1/admin/services/{id}")) {
    hints.id = op.method === "DELETE" ? fx.victimServiceId : fx.adminServiceId;
  } else if (p === "/v1/admin/staff/{id}" && op.method === "DELETE") hints.id = fx.victimStaffId;
  else if (p.startsWith("/v1/admin/staff/{id}")) hints.id = fx.adminStaffId;
  else if (p.startsWith("/v1/admin/closures/{id}")) hints.id = fx.closureId;
  else if (p === "/v1/admin/accounts/{id}") {
    hints.id = op.method === "DELETE" ? fx.victimAccountId : fx.adminAccountId;
  } else if (p === "/v1/admin/appointments/{id}/cancel") hints.id = fx.adminCancelAppointmentId;
  else if (p.startsWith("/v1/admin/appointments/{id}")) hints.id = fx.adminAppointmentId;
  else if (p === "/v1/appointments/{id}/cancel") {
    hints.id = fx.cancelAppointmentId;
    hints["x-manage-token"] = fx.cancelManageToken;
  } else if (p.startsWith("/v1/appointments/{id}")) hints.id = fx.appointmentId;
  if (p.includes("{holdId}")) hints.holdId = fx.extendHold.holdId;
  if (p.includes("/overrides")) {
    hints.date = fx.overrideDate;
    hints.from = fx.date;
    hints.to = nextDay(fx.date, 14);
  }
  if (p === "/v1/admin/appointments") hints.to = nextDay(fx.date, 1);
  // The waitlist's window is of wall times; the Sunday after the fixture's Monday has no free
  // time (nobody works), so the baseline joins.
  if (p === "/v1/waitlist") {
    hints.date = nextDay(fx.date, 6);
    hints.from = "09:00";
    hints.to = "12:00";
  }
  if (p === "/v1/admin/outbox") hints.to = `${fx.run}.setup@example.test`;
  // Endpoints the run registers stay quiet: inactive, and at a local port nothing listens on
  // (a mutation may drop `active`); the suite removes them at its end, by the run in their URL.
  if (p.startsWith("/v1/admin/webhooks")) {
    hints.url = `http://127.0.0.1:9/hostile/${fx.run}`;
    hints.active = false;
  }
  // The move's hold is optional and must be of the new time: the baseline moves without one
  // (mutations still set `holdId` and `holdToken`).
  if (p === "/v1/admin/appointments/{id}/reschedule")
    return { hints, body: { start: fx.adminRescheduleStart } };
  if (p === "/v1/appointments/{id}/reschedule") {
    hints.holdId = fx.rescheduleHold.holdId;
    hints.holdToken = fx.rescheduleHold.holdToken;
  }
  if (p === "/v1/me/appointments") hints.authorization = `Bearer ${fx.sessionToken}`;
  // A live-stream ticket is spent by its first use, and a stream takes a ticket or X-Client-Id:
  // the baseline (sent many times) identifies by the header, and mutations may add a ticket.
  if (p === "/v1/live") return { hints, omit: ["ticket"] };
  if (p === "/v1/auth/session") hints.authorization = `Bearer ${fx.logoutToken}`;
  if (p === "/v1/admin/auth/logout") hints.authorization = `Bearer ${fx.businessLogoutToken}`;
  // A staff account names its staff member; every other role names none.
  if (p.startsWith("/v1/admin/accounts")) {
    hints.role = "staff";
    hints.staffId = fx.adminStaffId;
  }
  // Settings are shared by every test file: the baseline changes nothing, see `mustRefuse`.
  if (p === "/v1/admin/settings" && op.method === "PUT") return { hints, body: {} };
  return { hints };
}

/** The baseline request of `op` for request number `seq`. */
export function baselineRequest(op: Operation, fx: HostileFixture, seq: string): RequestShape {
  const own = operationHints(op, fx);
  const hints = { ...commonHints(fx, seq), ...own.hints };
  const path: Record<string, string> = {};
  const query: [string, string][] = [];
  const headers: Record<string, string> = {};
  for (const param of op.params) {
    const wanted = param.required || param.name in hints || param.schema.example !== undefined;
    if (!wanted || own.omit?.includes(param.name)) continue;
    const value = String(baselineValue(param.schema, param.name, hints));
    if (param.in === "path") path[param.name] = encodeURIComponent(value);
    if (param.in === "query") query.push([param.name, encodeURIComponent(value)]);
    if (param.in === "header") headers[param.name] = value;
  }
  if (op.admin) headers.authorization = String(hints.authorization);
  const body = op.body && (own.body ?? baselineValue(op.body.schema, "", hints));
  return {
    method: op.method,
    pathTemplate: op.path,
    path,
    query,
    headers,
    body: body === undefined ? undefined : { kind: "json", value: body },
    baselineBody: JSON.stringify(body ?? {}),
  };
}

/**
 * Operations whose every request must be refused: a 2xx of PUT /v1/admin/settings would change
 * the settings every other test file reads, and POST /v1/admin/sync runs a store-wide failback
 * sync under their feet. Their mutations are limited to ones that surely make the request
 * invalid, and the suite asserts a 4xx.
 */
const REFUSE_ONLY = new Set(["PUT /v1/admin/settings", "POST /v1/admin/sync"]);

export function mustRefuse(op: Operation): boolean {
  return REFUSE_ONLY.has(op.key);
}

/** Whether `mutations` surely make a request of `op` invalid (for `mustRefuse` operations). */
export function surelyRefused(op: Operation, mutations: Mutation[]): boolean {
  const auth = mutations.some(
    (m) =>
      (m.kind === "header-drop" || m.kind === "header-set") &&
      op.admin &&
      m.name.toLowerCase() === "authorization",
  );
  if (auth) return true;
  // A raw body or a replaced body wins over field edits before it; judge the last one.
  const lastWhole = mutations.findLastIndex(
    (m) => m.kind === "raw-body" || m.kind === "body-replace",
  );
  const whole = mutations[lastWhole];
  if (whole?.kind === "raw-body" && whole.label.startsWith("size")) return true;
  if (!op.body) return false;
  if (whole?.kind === "raw-body") {
    return (
      /^(malformed|size)/.test(whole.label) ||
      /^json: (array|number|null|string|deep)/.test(whole.label)
    );
  }
  if (whole?.kind === "body-replace" && !isPlainObject(whole.value)) return true;
  return mutations.slice(lastWhole + 1).some((m) => {
    if (m.kind === "body-add") return !["__proto__", "constructor"].includes(m.key);
    if (m.kind !== "body-set" || m.at.length !== 1) return false;
    const name = String(m.at[0]);
    const schema = op.body?.schema.properties?.[name];
    return schema !== undefined && violates(schema, name, m.value);
  });
}

const isPlainObject = (v: unknown) => typeof v === "object" && v !== null && !Array.isArray(v);

/** Whether `value` breaks `schema` for sure (type, range, length, or an unknown time zone). */
function violates(schema: JsonSchema, name: string, value: unknown): boolean {
  const type = typeOf(schema);
  if (type === "integer") {
    if (typeof value !== "number" || !Number.isInteger(value)) return true;
    return value < (schema.minimum ?? -Infinity) || value > (schema.maximum ?? Infinity);
  }
  if (type !== "string") return false;
  if (typeof value !== "string") return true;
  if (value.length > (schema.maxLength ?? Infinity)) return true;
  if (value.trim().length < (schema.minLength ?? 0)) return true;
  if (/zone/i.test(name)) {
    try {
      new Intl.DateTimeFormat("en", { timeZone: value });
      return false;
    } catch {
      return true;
    }
  }
  return false;
}

/**
 * Closures are business-wide: one that covers the coming months would close every other test
 * file's slots. A closure request is sent only when it cannot create such a closure.
 */
export function isSafe(op: Operation, req: RequestShape): boolean {
  if (op.key !== "POST /v1/admin/closures" || req.body?.kind !== "json") return true;
  const body = req.body.value as Record<string, unknown> | null;
  return ![body?.startDate, body?.endDate].some(isRealDateBefore2090);
}

/** "1970-01-01" (or a date-time starting so) is; "2026-02-30", "0000-00-00" are not real. */
function isRealDateBefore2090(value: unknown): boolean {
  if (typeof value !== "string") return false;
  const day = value.slice(0, 10);
  const parsed = new Date(`${day}T00:00:00Z`);
  return (
    /^\d{4}-\d{2}-\d{2}$/.test(day) &&
    !Number.isNaN(parsed.getTime()) &&
    parsed.toISOString().slice(0, 10) === day &&
    parsed.getUTCFullYear() < 2090
  );
}
