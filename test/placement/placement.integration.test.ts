/**
 * The deployed layout (src/http/placement.ts): the edge worker and the placed worker from the
 * real bundle, with every hop counted (scripts/lib/split-workers.ts). These tests hold each
 * operation to its budget of crossings of the edge-to-stores distance: a live write crosses it
 * once, a booking or cancel once (its store round trips stay in the stores' region), a read at
 * most once.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { bundleWorker } from "../../scripts/bench/harness.ts";
import {
  distancesFor,
  type SplitWorkers,
  startSplitWorkers,
} from "../../scripts/lib/split-workers.ts";
import { adminVia } from "../drivers/admin-call.ts";
import type { Api } from "../drivers/api.ts";
import { bookAt } from "../drivers/integrations.ts";
import { readSse } from "../drivers/sse.ts";
import { type LiveFixture, liveFixture, newClientId } from "../fixtures/live-fixtures.ts";
import { TEST_STACK, testBindings, uniqueId } from "../stack/stack-env.ts";

let workers: SplitWorkers;
let api: Api;
let live: LiveFixture;

beforeAll(async () => {
  const scriptPath = bundleWorker(mkdtempSync(join(tmpdir(), "ae-split-")));
  const bindings = testBindings(`${uniqueId("sp")}:`, { PLACED_TIMEOUT_MS: "1500" });
  workers = await startSplitWorkers({ scriptPath, bindings, distances: distancesFor(0) });
  const request = (path: string, init: RequestInit = {}) => fetch(`${workers.url}${path}`, init);
  api = { bindings, request, admin: adminVia(request, TEST_STACK.adminToken) };
  live = await liveFixture(api);
}, 60_000);

afterAll(async () => {
  await workers?.dispose();
});

beforeEach(() => {
  workers.setHop("pass");
});

/**
 * Waits until no store call has crossed for 500 ms: the background work of the requests before
 * (a booking's first webhook and email delivery runs after its answer) must not be counted as
 * the next request's.
 */
async function quiet(): Promise<void> {
  let last = JSON.stringify(workers.crossings());
  for (;;) {
    await new Promise((r) => setTimeout(r, 500));
    const now = JSON.stringify(workers.crossings());
    if (now === last) return;
    last = now;
  }
}

/** Runs `fn` and returns the crossings it made (the hop, and each location's store calls). */
async function crossingsOf<T>(fn: () => Promise<T>) {
  await quiet();
  workers.resetCrossings();
  const result = await fn();
  return { result, ...workers.crossings() };
}

const json = (body: unknown, headers: Record<string, string> = {}): RequestInit => ({
  method: "POST",
  headers: { "Content-Type": "application/json", ...headers },
  body: JSON.stringify(body),
});

async function hold(hhmm: string, clientId = newClientId()) {
  const start = await live.start(hhmm);
  const res = await api.request(
    "/v1/holds",
    json({ clientId, serviceId: live.serviceId, staffId: live.staffId, start }),
  );
  expect(res.status, await res.clone().text()).toBe(201);
  return (await res.json()) as { holdId: string; holdToken: string };
}

describe("crossings of the edge-to-stores distance, per operation", () => {
  it("availability crosses once: the edge forwards it, the placed worker reads SQL and publishes offers", async () => {
    await live.slots(); // the placed isolate's catalog cache is warm, as in steady state
    const c = await crossingsOf(() => live.slots());
    expect(c.hop).toBe(1);
    expect(c.edge).toEqual({ redis: 0, sql: 0 });
    expect(c.placed).toMatchObject({ redis: 1, sql: 1 });
  });

  it("a hold crosses once: one Redis call and, beside it, one SQL write from the edge, nothing forwarded", async () => {
    const start = await live.start("10:00");
    await api.request(
      "/v1/holds",
      json({
        clientId: newClientId(),
        serviceId: live.serviceId,
        staffId: live.staffId,
        start: await live.start("09:30"),
      }),
    ); // teaches the edge isolate the service's cells: its next claim goes beside the script
    const c = await crossingsOf(() =>
      api.request(
        "/v1/holds",
        json({ clientId: newClientId(), serviceId: live.serviceId, staffId: live.staffId, start }),
      ),
    );
    expect(c.result.status).toBe(201);
    expect(c.hop).toBe(0);
    // The booking store's claim (the one INSERT) is sent with the Lua script, not after it.
    expect(c.edge).toEqual({ redis: 1, sql: 1 });
    expect(c.placed).toMatchObject({ redis: 0, sql: 0 });
  });

  it("select and heartbeat cross once each, from the edge", async () => {
    const clientId = newClientId();
    const start = await live.start("11:00");
    const select = await crossingsOf(() =>
      api.request(
        "/v1/slots/select",
        json({ clientId, serviceId: live.serviceId, staffId: live.staffId, start }),
      ),
    );
    expect(select.result.status, await select.result.clone().text()).toBeLessThan(300);
    expect([select.hop, select.edge.redis, select.edge.sql]).toEqual([0, 1, 0]);
    const beat = await crossingsOf(() =>
      api.request("/v1/heartbeat", json({ clientId, staffId: live.staffId, date: live.date })),
    );
    expect(beat.result.status, await beat.result.clone().text()).toBe(200);
    expect([beat.hop, beat.edge.redis, beat.edge.sql]).toEqual([0, 1, 0]);
  });

  it("a booking crosses once: the edge forwards it and makes no store call of its own", async () => {
    const held = await hold("13:00");
    const c = await crossingsOf(() =>
      api.request(
        "/v1/appointments",
        json(
          {
            holdId: held.holdId,
            holdToken: held.holdToken,
            customer: { name: "Mia Weber", email: `${uniqueId("c")}@example.test` },
          },
          { "Idempotency-Key": uniqueId("idem-") },
        ),
      ),
    );
    expect(c.result.status, await c.result.clone().text()).toBe(201);
    expect(c.hop).toBe(1);
    expect(c.edge).toEqual({ redis: 0, sql: 0 });
    // One Redis call (begin_booking) and the transaction inside the stores' region.
    expect(c.placed.redis).toBe(1);
    expect(responsePath(c.placed.statements), c.placed.statements.join("\n")).toBeLessThanOrEqual(
      BOOKING_SQL_BUDGET,
    );
  });

  it("a cancel crosses once", async () => {
    const booked = await bookAt(api, live, "14:00");
    const c = await crossingsOf(() =>
      api.request(
        `/v1/appointments/${booked.appointment.id}/cancel`,
        json({}, { "X-Manage-Token": booked.manageToken }),
      ),
    );
    expect(c.result.status, await c.result.clone().text()).toBe(200);
    expect(c.hop).toBe(1);
    expect(c.edge).toEqual({ redis: 0, sql: 0 });
    expect(responsePath(c.placed.statements), c.placed.statements.join("\n")).toBeLessThanOrEqual(
      CANCEL_SQL_BUDGET,
    );
  });
});

/**
 * SQL statements a change makes before it answers, BEGIN and COMMIT included, all inside the
 * stores' region (2 ms each when placed, against the distance once for the whole request).
 * Later features (reminders, intake answers, series) must fit in the same budgets.
 */
const BOOKING_SQL_BUDGET = 9;
const CANCEL_SQL_BUDGET = 7;

/**
 * The statements up to the COMMIT: what the customer waits for. The first delivery attempt of
 * the change's webhooks and emails runs after the answer (waitUntil) and may or may not have
 * started when the count is read.
 */
function responsePath(statements: string[]): number {
  const commit = statements.lastIndexOf("COMMIT");
  expect(commit, statements.join("\n")).toBeGreaterThan(0);
  return commit + 1;
}

describe("the business live stream through the edge", () => {
  it("is served by the placed worker and its events pass the hop as they are sent", async () => {
    const query = new URLSearchParams({ from: live.date, to: live.date, staffId: live.staffId });
    const { result: res, hop } = await crossingsOf(() =>
      api.request(`/v1/admin/live?${query}`, {
        headers: { Authorization: `Bearer ${TEST_STACK.adminToken}` },
      }),
    );
    if (res.status !== 200) expect(res.status, await res.text()).toBe(200);
    expect(hop).toBe(1);
    const sse = readSse(res);
    try {
      const events = async (kind: string) =>
        (await sse.until(kind, 8_000)).filter((e) => e.event !== "comment");
      expect((await events("snapshot")).map((e) => e.event)).toEqual(["snapshot"]);
      const start = await live.start("15:00");
      await hold("15:00");
      const [change] = await events("change");
      const body = JSON.parse(change?.data ?? "{}") as {
        days: { slots: { start: string; state: string }[] }[];
      };
      expect(body.days[0]?.slots).toContainEqual(expect.objectContaining({ start, state: "held" }));
    } finally {
      await sse.close();
    }
  });
});

describe("when the placed worker cannot be reached", () => {
  it("a booking is answered 503 STORE_UNAVAILABLE with Retry-After at once when the binding fails", async () => {
    workers.setHop("refuse");
    const started = Date.now();
    const res = await api.request(
      "/v1/appointments",
      json({ holdId: "h", holdToken: "t", customer: {} }, { "Idempotency-Key": uniqueId("k") }),
    );
    expect(res.status).toBe(503);
    expect(res.headers.get("Retry-After")).toBe("2");
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe(
      "STORE_UNAVAILABLE",
    );
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  it("a request the placed worker never answers is answered 503 after PLACED_TIMEOUT_MS, never a hang", async () => {
    workers.setHop("hang");
    const started = Date.now();
    const res = await api.request(
      `/v1/availability?serviceId=${live.serviceId}&from=${live.date}&to=${live.date}`,
    );
    expect(res.status).toBe(503);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe(
      "STORE_UNAVAILABLE",
    );
    expect(Date.now() - started).toBeGreaterThanOrEqual(1_400);
  });

  it("live operations do not depend on the placed worker", async () => {
    workers.setHop("refuse");
    const clientId = newClientId();
    const res = await api.request(
      "/v1/heartbeat",
      json({ clientId, staffId: live.staffId, date: live.date }),
    );
    expect(res.status).toBe(200);
  });
});

describe("the two deployments", () => {
  const vars = (file: string) => {
    const text = readFileSync(file, "utf8");
    const start = text.search(/^\[vars\]$/m);
    const end = text.indexOf("\n[", start + 1);
    const section = text.slice(start, end);
    return section
      .split("\n")
      .filter((line) => /^[A-Z_]+ = /.test(line))
      .sort();
  };

  it("share their [vars]", () => {
    expect(vars("wrangler.placed.toml")).toEqual(vars("wrangler.toml"));
  });

  it("`wrangler deploy --dry-run` builds each worker", () => {
    for (const config of ["wrangler.toml", "wrangler.placed.toml"]) {
      const outdir = mkdtempSync(join(tmpdir(), "ae-dry-"));
      execFileSync(
        "node_modules/.bin/wrangler",
        ["deploy", "--dry-run", "-c", config, "--outdir", outdir],
        {
          stdio: "ignore",
          env: { ...process.env, WRANGLER_SEND_METRICS: "false" },
        },
      );
      expect(readFileSync(join(outdir, "worker.js"), "utf8").length).toBeGreaterThan(0);
    }
  }, 60_000);
});
