/**
 * What takes a place at the admission, through the app on the real stack: cheap refusals (no
 * admin token, over the per-address limit, oversized or non-JSON body) are answered before a
 * request takes a place, and only requests that passed their checks get the critical reserve.
 * The isolate's places are taken by the test itself (`admission.enter`), so what the app does
 * with each request is read off the admission's state and grant order, never off timing.
 */
import { describe, expect, it } from "vitest";
import { expectError, testApp } from "../../test/drivers/api.ts";
import { liveFixture } from "../../test/fixtures/live-fixtures.ts";
import { TEST_STACK, testBindings, uniqueId } from "../../test/stack/stack-env.ts";
import { buildServices } from "../compose.ts";
import type { Admission } from "../runtime/admission.ts";

/**
 * One isolate with one working place and one critical place, a queue long enough for the test,
 * and `extra` bindings (a rate-limiting binding) beside the variables.
 */
function isolate(overrides: Record<string, string> = {}, extra: Record<string, unknown> = {}) {
  const bindings: Record<string, unknown> = {
    ...testBindings(`${uniqueId("adm")}:`, {
      OVERLOAD_MAX_ACTIVE: "1",
      OVERLOAD_CRITICAL_RESERVE: "1",
      OVERLOAD_MAX_QUEUE: "100",
      ...overrides,
    }),
    ...extra,
  };
  const services = buildServices(bindings);
  const app = testApp(() => services);
  const admission = services.admission as Admission;
  const request = (path: string, init: RequestInit = {}) => app.request(path, init, bindings);
  const send = (method: string, path: string, body: unknown, headers: Record<string, string>) =>
    request(path, {
      method,
      headers: { ...(body === undefined ? {} : json), ...headers },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  const admin = (method: string, path: string, body?: unknown) =>
    send(method, path, body, { Authorization: `Bearer ${TEST_STACK.adminToken}` });
  return { admission, request, send, admin, api: { bindings: {}, request, admin } };
}

/** Takes every place of the isolate (the working one and the reserved one). */
function fill(admission: Admission): { releaseNormal: () => void; releaseReserved: () => void } {
  const normal = admission.enter(false);
  const reserved = admission.enter(true);
  if (normal instanceof Promise || reserved instanceof Promise) throw new Error("not idle");
  if (!normal.admitted || !reserved.admitted) throw new Error("not idle");
  return { releaseNormal: normal.release, releaseReserved: reserved.release };
}

/** Waits (polling the admission's own state) until `waiting` requests wait. */
async function untilWaiting(admission: Admission, waiting: number): Promise<void> {
  for (let i = 0; i < 2_000 && admission.load().waiting < waiting; i++) {
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  expect(admission.load().waiting).toBe(waiting);
}

const json = { "Content-Type": "application/json" };
const customer = { name: "Queue Jumper", email: "queue@example.test" };
/** A hold that was never made, but in the right shape. */
const fakeHold = { holdId: "hld_k3m9q2w5d8f1h4n6_stf_x", holdToken: "x".repeat(40) };

describe("the checks before admission", () => {
  // A short queue timeout: a request that did wait for a place would be answered 503 OVERLOADED
  // within the test instead of the refusal it expects.
  const quick = { OVERLOAD_QUEUE_TIMEOUT_MS: "2000" };

  it("refuses admin and debug calls without a valid token with 401, never taking a place", async () => {
    const { admission, request } = isolate(quick);
    const places = fill(admission);
    const calls: Promise<Response>[] = [];
    for (let i = 0; i < 30; i++) {
      const path = ["/v1/admin/anything", "/v1/admin/settings", "/v1/debug/metrics"][i % 3] ?? "/";
      const headers: Record<string, string> =
        i % 2 === 0 ? {} : { Authorization: "Bearer not-the-admin-token-0123456789" };
      calls.push(request(path, { headers }));
    }
    for (const res of await Promise.all(calls)) await expectError(res, 401, "UNAUTHORIZED");
    expect(admission.load()).toEqual({ active: 2, waiting: 0 });
    places.releaseNormal();
    places.releaseReserved();
  });

  it("refuses an address over its limit with 429 before it takes a place, on admin paths too", async () => {
    const keys: string[] = [];
    const limiter = {
      limit: async ({ key }: { key: string }) => {
        keys.push(key);
        return { success: false };
      },
    };
    const { admission, admin, send } = isolate(quick, { PUBLIC_RATE_LIMITER: limiter });
    const places = fill(admission);
    const ip = { "CF-Connecting-IP": "203.0.113.50" };
    const answers = await Promise.all([
      admin("GET", "/v1/admin/settings"),
      admin("POST", "/v1/admin/sync"),
      send("GET", "/v1/debug/metrics", undefined, {
        ...ip,
        Authorization: `Bearer ${TEST_STACK.adminToken}`,
      }),
      send(
        "POST",
        "/v1/appointments",
        { ...fakeHold, customer },
        {
          ...ip,
          "Idempotency-Key": uniqueId("idem-"),
        },
      ),
      send("GET", "/v1/services", undefined, ip),
    ]);
    for (const res of answers) {
      expect(res.headers.get("Retry-After")).toBe("60");
      await expectError(res, 429, "RATE_LIMITED");
    }
    expect(admission.load()).toEqual({ active: 2, waiting: 0 });
    // The operator's calls are counted apart from the address's public calls.
    expect(keys.sort()).toEqual([
      "admin:203.0.113.50",
      "admin:unknown",
      "admin:unknown",
      "ip:203.0.113.50",
      "ip:203.0.113.50",
    ]);
    places.releaseNormal();
    places.releaseReserved();
  });

  it("refuses oversized bodies (413) and bodies that are not JSON (415) before they take a place", async () => {
    const { admission, request } = isolate(quick);
    const places = fill(admission);
    const auth = { Authorization: `Bearer ${TEST_STACK.adminToken}` };
    const booking = JSON.stringify({ ...fakeHold, customer });
    const idem = () => ({ "Idempotency-Key": uniqueId("idem-") });
    const post = (path: string, headers: Record<string, string>, body: BodyInit) =>
      request(path, { method: "POST", headers, body });
    const [huge, plain, none, adminPlain, reschedulePlain] = await Promise.all([
      post("/v1/appointments", { ...json, ...idem() }, "x".repeat(70_000)),
      post("/v1/appointments", { "Content-Type": "text/plain", ...idem() }, booking),
      // Bytes, so that no Content-Type is added for them (a string body gets text/plain).
      post("/v1/appointments", idem(), new TextEncoder().encode(booking)),
      post("/v1/admin/services", { ...auth, "Content-Type": "text/plain" }, "{}"),
      post(
        "/v1/appointments/apt_5n2k8q1w7d3f9h4m6p0r/reschedule",
        { "Content-Type": "application/x-www-form-urlencoded", "X-Manage-Token": "m".repeat(30) },
        "holdId=x",
      ),
    ]);
    await expectError(huge as Response, 413, "PAYLOAD_TOO_LARGE", "body:");
    for (const res of [plain, none, adminPlain, reschedulePlain]) {
      await expectError(res as Response, 415, "UNSUPPORTED_MEDIA_TYPE", "header.content-type:");
    }
    expect(admission.load()).toEqual({ active: 2, waiting: 0 });
    places.releaseNormal();
    places.releaseReserved();
  });
});

describe("the critical reserve", () => {
  it("with the queue full of junk to critical paths, valid bookings, releases, cancels, reschedules and admin calls are all granted before any of it", async () => {
    const { admission, request, send, api } = isolate();
    // Real holds and appointments, made while the isolate is idle.
    const live = await liveFixture(api, { durationMin: 30, bufferAfterMin: 0 });
    const holdAt = async (hhmm: string, extra = {}, headers: Record<string, string> = {}) => {
      const body = {
        clientId: uniqueId("client_"),
        serviceId: live.serviceId,
        staffId: live.staffId,
        start: await live.start(hhmm),
        ...extra,
      };
      const res = await send("POST", "/v1/holds", body, headers);
      expect(res.status, await res.clone().text()).toBe(201);
      const { holdId, holdToken } = (await res.json()) as { holdId: string; holdToken: string };
      return { holdId, holdToken };
    };
    const book = (hold: { holdId: string; holdToken: string }) =>
      send("POST", "/v1/appointments", { ...hold, customer }, { "Idempotency-Key": uniqueId("i") });
    const bookedAt = async (hhmm: string) => {
      const res = await book(await holdAt(hhmm));
      expect(res.status, await res.clone().text()).toBe(201);
      const { appointment, manageToken } = (await res.json()) as {
        appointment: { id: string };
        manageToken: string;
      };
      return { id: appointment.id, manage: { "X-Manage-Token": manageToken } };
    };
    const toBook = await holdAt("09:00");
    const toRelease = await holdAt("09:30");
    const toCancel = await bookedAt("10:00");
    const toMove = await bookedAt("10:30");
    const moveTo = await holdAt("11:00", { rescheduleOf: toMove.id }, toMove.manage);

    const places = fill(admission);
    // Junk to every critical path: no Idempotency-Key, a body its schema refuses, malformed
    // JSON, no credential, a path id that is no id, no admin token on an unknown admin path.
    // More of it than a release grants among, so only the order can put the valid ones first.
    const junkKinds: [string, string, unknown, Record<string, string>][] = [
      ["POST", "/v1/appointments", { ...toBook, customer }, {}],
      ["POST", "/v1/appointments", { junk: true }, { "Idempotency-Key": uniqueId("i") }],
      ["POST", "/v1/appointments", "{not json", { "Idempotency-Key": uniqueId("i") }],
      ["POST", `/v1/appointments/${toCancel.id}/cancel`, undefined, {}],
      ["POST", `/v1/appointments/${toMove.id}/reschedule`, moveTo, {}],
      ["POST", `/v1/appointments/${toMove.id}/reschedule`, { junk: 1 }, toMove.manage],
      ["DELETE", `/v1/holds/${toRelease.holdId}`, undefined, {}],
      ["DELETE", "/v1/holds/not-a-hold-id", undefined, { "X-Hold-Token": toRelease.holdToken }],
    ];
    const settled: number[] = [];
    const junk: Promise<Response>[] = [];
    for (let i = 0; i < 32; i++) {
      const [method, path, body, headers] = junkKinds[i % junkKinds.length] ?? ["GET", "/", {}, {}];
      const sent =
        typeof body === "string"
          ? request(path, { method, headers: { ...json, ...headers }, body })
          : send(method, path, body, headers);
      junk.push(sent.finally(() => settled.push(i)));
    }
    await untilWaiting(admission, 32);
    const valid = [
      book(toBook),
      send("DELETE", `/v1/holds/${toRelease.holdId}`, undefined, {
        "X-Hold-Token": toRelease.holdToken,
      }),
      send("POST", `/v1/appointments/${toCancel.id}/cancel`, undefined, toCancel.manage),
      send("POST", `/v1/appointments/${toMove.id}/reschedule`, moveTo, toMove.manage),
      api.admin("GET", "/v1/admin/settings"),
    ];
    await untilWaiting(admission, 37);

    places.releaseReserved();
    const answers = await Promise.all(valid);
    const statuses = await Promise.all(answers.map(async (r) => `${r.status} ${await r.text()}`));
    expect(statuses.map((s) => s.slice(0, 3))).toEqual(["201", "204", "200", "200", "200"]);
    expect(settled).toEqual([]);
    expect(admission.load().waiting).toBe(32);

    places.releaseNormal();
    for (const res of await Promise.all(junk)) {
      expect(res.status, await res.clone().text()).toBeGreaterThanOrEqual(400);
      expect(res.status).toBeLessThan(500);
    }
  });
});
