/**
 * What /openapi.json promises an integrator beyond the shape of each answer (which every route
 * test checks through test/drivers/openapi-check.ts): every credential an operation reads is a declared
 * security scheme, every webhook event is in `webhooks` with the payload the domain really sends,
 * each error code's `details` is typed, times and dates carry their format, and the tags are
 * described and ordered public-first.
 */
import Ajv2020 from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import { describe, expect, it } from "vitest";
import { expectError, testApp } from "../test/drivers/api.ts";
import { appOpenApi } from "../test/drivers/openapi-check.ts";
import { fakeContext, fakeServices, resolveFake } from "../test/fixtures/fakes.ts";
import { systemPayloads } from "./domain/alerts/system-alerts.ts";
import {
  announceBooking,
  announceAttendance,
  announceCancel,
  announceReminders,
  announceReschedule,
} from "./domain/booking/announce.ts";
import type { Appointment, BookingFacts } from "./domain/booking/types.ts";
import { WEBHOOK_EVENT_TYPES } from "./domain/webhooks/types.ts";
import { ERROR_CODE_NAMES } from "./errors/codes.ts";

type Json = Record<string, unknown>;
interface Operation {
  method: string;
  path: string;
  tags: string[];
  parameters: { name: string; in: string; required?: boolean; schema?: Json }[];
  security?: Record<string, string[]>[];
}

async function documentOf(): Promise<Json & { paths: Json; components: Json }> {
  return (await appOpenApi()).doc as unknown as Json & { paths: Json; components: Json };
}

async function operations(): Promise<Operation[]> {
  const doc = await documentOf();
  return Object.entries(doc.paths as Record<string, Record<string, Json>>).flatMap(([path, item]) =>
    Object.entries(item).map(([method, op]) => ({
      method: method.toUpperCase(),
      path,
      tags: (op.tags as string[]) ?? [],
      parameters: (op.parameters as Operation["parameters"]) ?? [],
      ...(op.security ? { security: op.security as Operation["security"] } : {}),
    })),
  );
}

const schemesOf = (op: Operation) => new Set((op.security ?? []).flatMap((r) => Object.keys(r)));
/** Needs an admin credential: the business sign-in (/v1/admin/auth/) needs none to start. */
const isAdmin = (op: Operation) =>
  /^\/v1\/(admin|debug)\//.test(op.path) && !op.path.startsWith("/v1/admin/auth/");

describe("the credentials in /openapi.json", () => {
  it("declares each credential as a described security scheme", async () => {
    const schemes = (await documentOf()).components.securitySchemes as Record<string, Json>;
    expect(schemes).toMatchObject({
      holdToken: { type: "apiKey", in: "header", name: "X-Hold-Token" },
      manageToken: { type: "apiKey", in: "header", name: "X-Manage-Token" },
      manageTokenQuery: { type: "apiKey", in: "query", name: "token" },
      customerSession: { type: "http", scheme: "bearer" },
      staffCalendarKey: { type: "apiKey", in: "query", name: "key" },
      adminToken: { type: "http", scheme: "bearer" },
    });
    for (const [name, scheme] of Object.entries(schemes)) {
      expect(String(scheme.description ?? ""), name).toMatch(/\b(lives|valid)\b/i);
    }
  });

  it("every operation that reads a credential header declares its scheme, and no other", async () => {
    const wrong: string[] = [];
    for (const op of await operations()) {
      const headers = new Set(op.parameters.filter((p) => p.in === "header").map((p) => p.name));
      const expected = new Set<string>();
      if (headers.has("x-hold-token")) expected.add("holdToken");
      if (headers.has("x-manage-token")) expected.add("manageToken");
      if (op.parameters.some((p) => p.in === "query" && p.name === "token"))
        expected.add("manageTokenQuery");
      if (op.parameters.some((p) => p.in === "query" && p.name === "key"))
        expected.add("staffCalendarKey");
      // The business sign-out's `Authorization` is a business session: the admin scheme.
      if (headers.has("authorization") && !isAdmin(op))
        expected.add(op.path.startsWith("/v1/admin/") ? "adminToken" : "customerSession");
      if (isAdmin(op)) expected.add("adminToken");
      const declared = schemesOf(op);
      if ([...expected].sort().join() !== [...declared].sort().join())
        wrong.push(`${op.method} ${op.path}: ${[...declared]} instead of ${[...expected]}`);
    }
    expect(wrong).toEqual([]);
  });

  it("a credential that is required has no anonymous alternative; an optional one has", async () => {
    const byName = new Map((await operations()).map((op) => [`${op.method} ${op.path}`, op]));
    const security = (name: string) => byName.get(name)?.security;
    expect(security("PATCH /v1/holds/{holdId}")).toEqual([{ holdToken: [] }]);
    expect(security("DELETE /v1/holds/{holdId}")).toEqual([{ holdToken: [] }]);
    expect(security("GET /v1/appointments/{id}")).toEqual([
      { manageToken: [] },
      { customerSession: [] },
    ]);
    expect(security("GET /v1/me/appointments")).toEqual([{ customerSession: [] }]);
    // Anonymous first: a client generator picks the first requirement as the default.
    expect(security("POST /v1/holds")).toEqual([
      {},
      { holdToken: [] },
      { manageToken: [] },
      { customerSession: [] },
    ]);
  });
});

const FACTS: BookingFacts = {
  businessName: "Salon",
  serviceName: "Cut",
  staffName: "Ana",
  priceMinor: 5500,
  currency: "EUR",
};

function appointment(id: string): Appointment {
  const startMs = Date.UTC(2030, 0, 7, 9, 0);
  return {
    id,
    staffId: "stf_ana01",
    serviceId: "svc_cut01",
    status: "confirmed",
    startMs,
    endMs: startMs + 3_600_000,
    occupiedStartMs: startMs,
    occupiedEndMs: startMs + 3_600_000,
    timeZone: "Europe/Berlin",
    customer: { name: "Mia", email: "mia@example.com", phone: null },
    notes: "",
    locale: "en",
    answers: [],
    rescheduledFrom: null,
    seriesId: null,
    createdAtMs: startMs - 86_400_000,
    updatedAtMs: startMs - 86_400_000,
    cancelledAtMs: null,
    attendanceChangedAtMs: null,
    attendanceChangedBy: null,
    calendar: { uid: "u1", sequence: 0 },
  };
}

describe("the webhooks in /openapi.json", () => {
  it("lists every event type the code sends, each a signed POST", async () => {
    const webhooks = (await documentOf()).webhooks as Record<string, { post?: Json }> | undefined;
    expect(Object.keys(webhooks ?? {}).sort()).toEqual([...WEBHOOK_EVENT_TYPES].sort());
    for (const [type, item] of Object.entries(webhooks ?? {})) {
      const names = ((item.post?.parameters as { name: string }[]) ?? []).map((p) => p.name);
      expect(names, type).toEqual(
        expect.arrayContaining(["webhook-id", "webhook-timestamp", "webhook-signature"]),
      );
    }
  });

  it("describes exactly the payloads the domain writes to the outbox", async () => {
    const doc = await documentOf();
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    addFormats(ajv);
    ajv.addSchema({ ...doc, $id: "doc.json" });
    const ctx = fakeContext();
    const cancelled = {
      ...appointment("apt_gone001"),
      status: "cancelled" as const,
      cancelledAtMs: 1,
    };
    const events = [
      ...announceBooking(ctx, "token")([appointment("apt_booked1")], FACTS).events,
      ...announceReschedule(ctx, () => null)([appointment("apt_moved01")], FACTS, [
        appointment("apt_before1"),
      ]).events,
      ...announceCancel(ctx)(cancelled, FACTS).events,
      ...systemEvents(),
      ...announceAttendance(ctx)({
        ...appointment("apt_noshow1"),
        status: "no_show",
        attendanceChangedAtMs: 2,
        attendanceChangedBy: "admin",
      }).events,
      ...announceAttendance(ctx)({ ...appointment("apt_came001"), status: "attended" }).events,
      ...announceReminders(
        ctx,
        [
          {
            appointment: appointment("apt_remind1"),
            offsetMin: 1440,
            facts: FACTS,
            manageToken: { originId: "apt_remind1", hash: "x" },
          },
        ],
        new Map(),
      ).events,
    ];
    expect(new Set(events.map((e) => e.type))).toEqual(new Set(WEBHOOK_EVENT_TYPES));
    for (const event of events) {
      const pointer = `/webhooks/${event.type.replaceAll("/", "~1")}/post/requestBody/content/application~1json/schema`;
      const validate = ajv.compile({ $ref: `doc.json#${pointer}` });
      const payload = JSON.parse(event.payload) as unknown;
      expect(validate(payload), `${event.type}: ${ajv.errorsText(validate.errors)}`).toBe(true);
      // The schema of one event refuses another's: the type field is a constant.
      const other = { ...(payload as Json), type: "appointment.other" };
      expect(validate(other), event.type).toBe(false);
    }
  });
});

/** One payload of each system event, as src/domain/alerts/system-alerts.ts writes them. */
function systemEvents(): { type: string; payload: string }[] {
  const now = Date.UTC(2026, 11, 7, 12, 0);
  const sync = {
    trigger: "cron" as const,
    startedAtMs: now - 100,
    durationMs: 84.4,
    outcome: "synced" as const,
    synced: 3,
    conflicts: 1,
    alreadyInRedis: 0,
    offerFields: 2,
    idempotencyClaims: 0,
    rateEvents: 0,
  };
  const id = "inc_5n2k8q1w7d3f9h4m6p0r";
  return [
    systemPayloads.redisDown(now, id, { operation: "hold", error: "refused", atMs: now - 5 }),
    systemPayloads.redisUp(now, id, now - 60_000, sync),
    systemPayloads.redisMemoryHigh(now, id, { usedBytes: 900, limitBytes: 1000, percent: 80 }),
    systemPayloads.syncConflicts(now, id, sync),
    systemPayloads.outboxBacklog(
      now,
      id,
      { failing: 2, waiting: 1, oldestCreatedAtMs: now - 1 },
      60_000,
    ),
  ].map((payload) => ({ type: payload.type, payload: JSON.stringify(payload) }));
}

/** The error object of `code` in components.schemas (one per code). */
async function errorObjectOf(code: string): Promise<Json> {
  const schemas = (await documentOf()).components.schemas as Record<string, Json>;
  const name = Object.keys(schemas).find((n) => {
    const props = schemas[n]?.properties as Record<string, Json> | undefined;
    return props?.code?.const === code || (props?.code?.enum as string[] | undefined)?.[0] === code;
  });
  expect(name, `no error schema for ${code}`).toBeDefined();
  return schemas[name as string] as Json;
}

describe("error details in /openapi.json", () => {
  it("each code has its own error schema: typed details where it sends some, none otherwise", async () => {
    const withDetails: Record<string, string[]> = {};
    for (const code of ERROR_CODE_NAMES) {
      const schema = await errorObjectOf(code);
      expect(schema.additionalProperties, code).toBe(false);
      const details = (schema.properties as Record<string, Json>).details;
      if (!details) continue;
      const ref = details.$ref as string | undefined;
      const resolved = ref
        ? ((await documentOf()).components.schemas as Record<string, Json>)[
            ref.split("/").pop() as string
          ]
        : details;
      expect(resolved?.type, code).toBe("object");
      withDetails[code] = Object.keys((resolved?.properties as Json) ?? {}).sort();
    }
    expect(withDetails).toEqual({
      BAD_REQUEST: ["issues"],
      SLOT_HELD: ["heldUntil"],
      SLOT_UNAVAILABLE: ["nearby"],
      CUTOFF_PASSED: ["cutoffAt"],
      HOLD_EXPIRED: ["nearby"],
      HOLD_LIMIT: ["holder", "retryAt"],
      BAD_ENVIRONMENT: ["fields"],
      STORE_UNAVAILABLE: ["database", "redis", "status", "storage"],
    });
  });

  it("an error answer's code picks its schema (oneOf with a discriminator on code)", async () => {
    const doc = await documentOf();
    const op = (doc.paths as Record<string, Record<string, Json>>)["/v1/appointments"]?.post;
    const conflict = (op?.responses as Record<string, Json> | undefined)?.["409"];
    const schema = JSON.stringify(conflict);
    for (const code of ["SLOT_HELD", "SLOT_UNAVAILABLE", "IDEMPOTENCY_CONFLICT"])
      expect(schema).toContain(code);
    expect(schema).toContain('"discriminator"');
  });
});

/** Every string schema in the document with its path, and the parameters with theirs. */
function* strings(node: unknown, path: string): Generator<[string, Json]> {
  if (Array.isArray(node)) {
    for (const [i, item] of node.entries()) yield* strings(item, `${path}[${i}]`);
    return;
  }
  if (typeof node !== "object" || node === null) return;
  const obj = node as Json;
  if (obj.type === "string" || (Array.isArray(obj.type) && obj.type.includes("string")))
    yield [path, obj];
  for (const [key, value] of Object.entries(obj)) yield* strings(value, `${path}/${key}`);
}

const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

describe("times and dates in /openapi.json", () => {
  it("every string whose example is a time has format date-time; a date, format date", async () => {
    const missing: string[] = [];
    for (const [path, schema] of strings(await documentOf(), "")) {
      const example = typeof schema.example === "string" ? schema.example : undefined;
      if (example === undefined) continue;
      if (DATE_TIME.test(example) && schema.format !== "date-time")
        missing.push(`${path}: date-time`);
      if (DATE.test(example) && schema.format !== "date") missing.push(`${path}: date`);
    }
    expect(missing).toEqual([]);
  });

  it("every property named like a time has an example and a format", async () => {
    const missing: string[] = [];
    const TIME_NAMES = /^(start|end|timestamp|heldUntil|retryAt|expiresAt|\w+At)$/;
    const DATE_NAMES = /^(date|from|to)$/;
    for (const [path, schema] of strings(await documentOf(), "")) {
      const name = path.split("/").at(-1) ?? "";
      // A wall time (working hours, "09:00") and an address (`to`) share these names.
      const other = /^\d{2}:\d{2}$|@/.test(String(schema.example ?? ""));
      if (other || /\/parameters\[\d+\]\/schema$/.test(path)) continue;
      if (TIME_NAMES.test(name) && schema.format !== "date-time") missing.push(path);
      if (DATE_NAMES.test(name) && schema.format !== "date") missing.push(path);
    }
    for (const op of await operations())
      for (const p of op.parameters)
        if (
          DATE_NAMES.test(p.name) &&
          p.schema?.format !== "date" &&
          !/@/.test(String(p.schema?.example))
        )
          missing.push(`${op.method} ${op.path} ${p.in} ${p.name}`);
    expect(missing).toEqual([]);
  });
});

describe("the tags of /openapi.json (the sections of /docs)", () => {
  it("describes every tag an operation uses, public ones before admin and debug", async () => {
    const doc = await documentOf();
    const tags = (doc.tags as { name: string; description?: string }[] | undefined) ?? [];
    const webhooks = Object.values((doc.webhooks ?? {}) as Record<string, { post: Json }>);
    const used = new Set([
      ...(await operations()).flatMap((op) => op.tags),
      ...webhooks.flatMap((item) => item.post.tags as string[]),
    ]);
    expect(new Set(tags.map((t) => t.name))).toEqual(used);
    for (const tag of tags) expect(tag.description?.length ?? 0, tag.name).toBeGreaterThan(20);
    const names = tags.map((t) => t.name);
    const firstAdmin = names.findIndex((n) => /^(Admin|Debug)/.test(n));
    expect(names.slice(0, 4)).toEqual(["Catalog", "Availability", "Live state", "Appointments"]);
    expect(names.slice(firstAdmin).every((n) => /^(Admin|Debug)/.test(n))).toBe(true);
  });
});

describe("a missing Idempotency-Key", () => {
  it("POST /v1/appointments without the key says what to send", async () => {
    const app = testApp(resolveFake(fakeServices()));
    const res = await app.request("/v1/appointments", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({
        holdId: "hld_k3m9q2w5d8f1h4n6_stf_demo_ana",
        holdToken: "hk1.q8Jc2kW5d8f1h4n6p0r2t7y9a3Zk3",
        customer: { name: "Mia", email: "mia@example.com" },
      }),
    });
    await expectError(
      res,
      400,
      "BAD_REQUEST",
      "header.idempotency-key: required: send a new random key (e.g. a UUID) with each booking, and the same key when you retry that booking",
    );
  });
});
