/**
 * Runs inside workerd (the Workers runtime) through @cloudflare/vitest-pool-workers, against the
 * same test stack as the Node suites: catches differences between Node and the real runtime in
 * fetch, crypto, timers and the two store clients.
 */
import {
  createExecutionContext,
  createScheduledController,
  waitOnExecutionContext,
} from "cloudflare:test";
import { env, exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import worker from "./worker.ts";

describe("the worker inside workerd", () => {
  it("answers GET /v1/health with ok through the real Upstash and PlanetScale clients", async () => {
    const res = await exports.default.fetch("http://worker.test/v1/health");
    expect(res.status).toBe(200);
    expect(res.headers.get("X-Request-Id")).toMatch(/^[0-9a-f-]{36}$/);
    expect(await res.json()).toMatchObject({
      status: "ok",
      storage: "redis",
      redis: { status: "up" },
      database: { status: "up" },
    });
  });

  it("serves the OpenAPI document", async () => {
    const res = await exports.default.fetch("http://worker.test/openapi.json");
    expect(res.status).toBe(200);
    expect(((await res.json()) as { openapi: string }).openapi).toBe("3.1.0");
  });

  it("runs the scheduled handler, which probes both stores and logs the result", async () => {
    const logged: string[] = [];
    const original = console.log;
    console.log = (line: unknown) => logged.push(String(line));
    try {
      const ctx = createExecutionContext();
      await worker.scheduled(
        createScheduledController({ scheduledTime: Date.now(), cron: "* * * * *" }),
        env,
        ctx,
      );
      await waitOnExecutionContext(ctx);
    } finally {
      console.log = original;
    }
    const entry = logged
      .map((line) => JSON.parse(line) as Record<string, unknown>)
      .find((e) => e.msg === "scheduled health check");
    expect(entry).toMatchObject({
      status: "ok",
      cron: "* * * * *",
      redis: { ok: true },
      database: { ok: true },
    });
  });
});

describe("live state inside workerd", () => {
  const admin = {
    Authorization: `Bearer ${String(env.ADMIN_TOKEN)}`,
    "Content-Type": "application/json",
  };
  const call = async (
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = admin,
  ) => {
    const init: RequestInit = { method, headers };
    if (body !== undefined) init.body = JSON.stringify(body);
    return exports.default.fetch(`http://worker.test${path}`, init);
  };

  it("holds a slot (crypto, Lua, base64 all in the Workers runtime) and sees it in the heartbeat", async () => {
    const service = (await (
      await call("POST", "/v1/admin/services", {
        name: "wd",
        durationMin: 30,
        price: { amountMinor: 1, currency: "EUR" },
      })
    ).json()) as { id: string };
    const staff = (await (
      await call("POST", "/v1/admin/staff", {
        name: "wd",
        email: "wd@example.test",
        serviceIds: [service.id],
      })
    ).json()) as { id: string };
    const hours = [{ start: "09:00", end: "17:00" }];
    const weekly = {
      monday: hours,
      tuesday: hours,
      wednesday: hours,
      thursday: hours,
      friday: hours,
      saturday: hours,
      sunday: hours,
    };
    expect((await call("PUT", `/v1/admin/staff/${staff.id}/schedule`, { weekly })).status).toBe(
      200,
    );
    const date = new Date(Date.now() + 3 * 86_400_000).toISOString().slice(0, 10);
    const availability = (await (
      await call("GET", `/v1/availability?serviceId=${service.id}&from=${date}&to=${date}`)
    ).json()) as { days: { slots: { start: string }[] }[] };
    const start = availability.days[0]?.slots[0]?.start ?? "";
    const json = { "Content-Type": "application/json" };
    const held = await call(
      "POST",
      "/v1/holds",
      { clientId: "workerd_client_1", serviceId: service.id, staffId: staff.id, start },
      json,
    );
    expect(held.status).toBe(201);
    const body = (await held.json()) as { holdId: string; holdToken: string };
    expect(body.holdToken).toMatch(/^[A-Za-z0-9_-]{24}\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{22}$/);
    const beat = (await (
      await call(
        "POST",
        "/v1/heartbeat",
        { clientId: "workerd_client_1", staffId: staff.id, date },
        json,
      )
    ).json()) as { slots: { start: string; state: string; mine: boolean }[] };
    expect(beat.slots).toEqual([{ start, end: expect.any(String), state: "held", mine: true }]);
    expect(
      (
        await call("DELETE", `/v1/holds/${body.holdId}`, undefined, {
          "X-Hold-Token": body.holdToken,
        })
      ).status,
    ).toBe(204);
  });
});

describe("admission inside workerd", () => {
  it("a request that waited in the admission queue does its own I/O once admitted (60 heartbeats at once, 4 working at a time)", async () => {
    expect(env.OVERLOAD_MAX_ACTIVE).toBe("4"); // vitest.config.ts: the workerd project's bindings
    const beat = (i: number) =>
      exports.default.fetch("http://worker.test/v1/heartbeat", {
        method: "POST",
        headers: { "Content-Type": "application/json", "CF-Connecting-IP": `10.9.0.${i + 1}` },
        body: JSON.stringify({
          clientId: `workerd_queue_${i}`,
          staffId: "stf_workerd_queue",
          date: new Date(Date.now() + 86_400_000).toISOString().slice(0, 10),
        }),
      });
    const answers = await Promise.all(Array.from({ length: 60 }, (_, i) => beat(i)));
    const statuses = await Promise.all(
      answers.map(async (res) => `${res.status} ${res.status === 200 ? "" : await res.text()}`),
    );
    // Woken by another request's release, a waiter used to run in that request's context:
    // its Redis call failed ("Cannot perform I/O on behalf of a different request").
    expect(statuses.filter((s) => !s.startsWith("200"))).toEqual([]);
  });
});
