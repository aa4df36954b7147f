/**
 * Failover end to end (docs/architecture/failover.md), through the app, the real clients and real stores:
 * each test file gets its own Upstash and PlanetScale gateways (in front of the shared test Redis
 * and MySQL) so it can break them without touching any other test.
 *
 * Every "isolate" here is one `buildServices` (its own gate); isolates that share a key prefix
 * share live state, as isolates of one deployment do.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { PlanetscaleGateway } from "../../../scripts/gateways/planetscale-gateway.ts";
import type { UpstashGateway } from "../../../scripts/gateways/upstash-gateway.ts";
import { expectError } from "../../../test/drivers/api.ts";
import { withDb } from "../../../test/stack/db-direct.ts";
import {
  catalogOver,
  type FaultGateways,
  type Isolate,
  isolateOver,
  slotAt,
  slotsOver,
  startFaultGateways,
} from "../../../test/stack/fault-gateways.ts";
import { directRedis } from "../../../test/stack/redis-direct.ts";
import { uniqueId } from "../../../test/stack/stack-env.ts";
import { runScheduled } from "../../cron/scheduled.ts";
import { clientTag } from "../../domain/live/tokens.ts";
import { failbackClaims, failbackLive, failbackRetract } from "../../lua/scripts.gen.ts";
import { RedisKeys } from "../redis/keys.ts";

const TIMEOUT_MS = 300;
const redisDirect = directRedis();
let gateways: FaultGateways;
let upstash: UpstashGateway;
let planetscale: PlanetscaleGateway;

/** One isolate of the deployment: its own services (gate, metrics) over this file's gateways. */
function isolate(prefix: string, overrides: Record<string, string> = {}): Isolate {
  return isolateOver(gateways, prefix, { REDIS_TIMEOUT_MS: String(TIMEOUT_MS), ...overrides });
}

/** A catalog of its own (a 30-minute service, or `durationMin`), made over healthy gateways. */
const catalog = (durationMin = 30) => catalogOver(isolate(`${uniqueId("fa")}:`), durationMin);

type SyncBody = { outcome: string; synced: number; conflicts: number; alreadyInRedis: number };

/** The ids a select or hold names. */
const ids = (c: { serviceId: string; staffId: string }) => ({
  serviceId: c.serviceId,
  staffId: c.staffId,
});

async function status(api: Isolate) {
  const res = await api.admin("GET", "/v1/debug/redis-status");
  expect(res.status).toBe(200);
  return (await res.json()) as {
    mode: string;
    failovers: number;
    failbacks: number;
    cooldown: { active: boolean };
    lastSync: { synced: number; conflicts: number; outcome: string } | null;
  };
}

/** Runs `fn` while this file's Upstash gateway injects `fault`, and clears the fault after. */
async function duringOutage(
  fault: "refuse" | "hang" | "slow" | "http500" | "malformed",
  fn: () => Promise<void>,
): Promise<void> {
  upstash.setFault(fault, { slowMs: TIMEOUT_MS * 4 });
  try {
    await fn();
  } finally {
    upstash.setFault("none");
  }
}

/** Holds `start` for a client while Redis refuses: the hold lives in the fallback. */
async function holdInOutage(
  api: Isolate,
  c: { serviceId: string; staffId: string },
  start: string,
  clientId = uniqueId("client_"),
): Promise<{ holdId: string; holdToken: string }> {
  let hold = { holdId: "", holdToken: "" };
  await duringOutage("refuse", async () => {
    const res = await api.json("POST", "/v1/holds", { clientId, ...ids(c), start });
    expect(res.status).toBe(201);
    hold = (await res.json()) as typeof hold;
  });
  return hold;
}

/**
 * Runs `fn` while this file's PlanetScale gateway refuses: a hold Redis grants then stands on
 * Redis alone (the booking store cannot arbitrate), the one way a Redis hold and a fallback hold
 * of one slot can both exist (the failback sync must still settle them).
 */
async function whileMysqlRefuses<T>(fn: () => Promise<T>): Promise<T> {
  planetscale.setFault("refuse");
  try {
    return await fn();
  } finally {
    planetscale.setFault("none");
  }
}

/** How many fallback rows (live entries and cells) a staff member has. */
async function fallbackRowsOf(staffId: string): Promise<number> {
  return withDb(async (conn) => {
    const [rows] = await conn.query(
      "SELECT (SELECT COUNT(*) FROM fallback_live WHERE staff_id = ?) + (SELECT COUNT(*) FROM fallback_cells WHERE staff_id = ?) AS n",
      [staffId, staffId],
    );
    return Number((rows as { n: number }[])[0]?.n);
  });
}

/** The fallback's live rows of a staff member, and its cells by owner kind ("h", "r", "b"). */
async function fallbackRowsByKind(
  staffId: string,
): Promise<{ live: number; cells: Record<string, number> }> {
  return withDb(async (conn) => {
    const [live] = await conn.query("SELECT COUNT(*) AS n FROM fallback_live WHERE staff_id = ?", [
      staffId,
    ]);
    const [cells] = await conn.query(
      "SELECT LEFT(owner, 1) AS kind, COUNT(*) AS n FROM fallback_cells WHERE staff_id = ? GROUP BY kind",
      [staffId],
    );
    return {
      live: Number((live as { n: number }[])[0]?.n),
      cells: Object.fromEntries(
        (cells as { kind: string; n: number }[]).map((r) => [r.kind, Number(r.n)]),
      ),
    };
  });
}

/** How many hold-limit rows (held slot and holder) the fallback keeps for a staff member. */
async function fallbackHeldOf(staffId: string): Promise<number> {
  return withDb(async (conn) => {
    const [rows] = await conn.query("SELECT COUNT(*) AS n FROM fallback_held WHERE staff_id = ?", [
      staffId,
    ]);
    return Number((rows as { n: number }[])[0]?.n);
  });
}

/** PATCH /v1/holds/{id}: extends a hold. */
function extendHold(api: Isolate, hold: { holdId: string; holdToken: string }): Promise<Response> {
  return api.request(`/v1/holds/${hold.holdId}`, {
    method: "PATCH",
    headers: { "X-Hold-Token": hold.holdToken },
  });
}

/** POST /v1/appointments for a hold, under a fresh Idempotency-Key unless one is given. */
function book(
  api: Isolate,
  hold: { holdId: string; holdToken: string },
  email: string,
  key = uniqueId("idem-"),
): Promise<Response> {
  return api.json(
    "POST",
    "/v1/appointments",
    { holdId: hold.holdId, holdToken: hold.holdToken, customer: { name: "Test Booker", email } },
    { "Idempotency-Key": key },
  );
}

/** POST /v1/heartbeat for a client on the catalog's staff member and date. */
function heartbeat(
  api: Isolate,
  c: { staffId: string; date: string },
  clientId: string,
): Promise<Response> {
  return api.json("POST", "/v1/heartbeat", { clientId, staffId: c.staffId, date: c.date });
}

async function confirmedFor(email: string): Promise<number> {
  return withDb(async (conn) => {
    const [rows] = await conn.query(
      "SELECT COUNT(*) AS n FROM appointments WHERE customer_email = ? AND status = 'confirmed'",
      [email],
    );
    return Number((rows as { n: number }[])[0]?.n);
  });
}

beforeAll(async () => {
  gateways = await startFaultGateways();
  ({ upstash, planetscale } = gateways);
});

afterAll(() => gateways.close());

describe.each([
  ["refuses connections", "refuse"],
  ["hangs", "hang"],
  ["is slower than the timeout", "slow"],
  ["answers HTTP 500", "http500"],
  ["answers malformed JSON", "malformed"],
] as const)("while Redis %s", (_, fault) => {
  it("every public route that touches live state answers correctly from the fallback, and Redis is asked once", async () => {
    const c = await catalog();
    const api = isolate(`${uniqueId("fo")}:`);
    const clientId = uniqueId("client_");
    const start = slotAt(await slotsOver(api, c, c.date), "10:00");
    await duringOutage(fault, async () => {
      const before = upstash.requestCount();
      // Availability: one Redis attempt fails, the overlay comes from the fallback.
      expect((await slotsOver(api, c, c.date)).length).toBeGreaterThan(0);
      expect(upstash.requestCount() - before).toBe(1);

      const selected = await api.json("POST", "/v1/slots/select", { clientId, ...ids(c), start });
      expect(selected.status, await selected.clone().text()).toBe(200);

      const held = await api.json("POST", "/v1/holds", { clientId, ...ids(c), start });
      expect(held.status, await held.clone().text()).toBe(201);
      const { holdId, holdToken } = (await held.json()) as { holdId: string; holdToken: string };

      const beat = await heartbeat(api, c, clientId);
      expect(beat.status).toBe(200);
      const beatBody = (await beat.json()) as {
        storage: string;
        slots: { state: string; mine: boolean }[];
      };
      expect(beatBody.storage).toBe("fallback");
      expect(beatBody.slots).toContainEqual(expect.objectContaining({ state: "held", mine: true }));

      const someoneElse = await api.json("POST", "/v1/holds", {
        clientId: uniqueId("client_"),
        ...ids(c),
        start,
      });
      await expectError(someoneElse, 409, "SLOT_HELD");

      const extended = await extendHold(api, { holdId, holdToken });
      expect(extended.status, await extended.clone().text()).toBe(200);

      const email = `${uniqueId("fo")}@example.test`;
      const booked = await book(api, { holdId, holdToken }, email);
      expect(booked.status, await booked.clone().text()).toBe(201);
      expect(await confirmedFor(email)).toBe(1);
      const { appointment, manageToken } = (await booked.json()) as {
        appointment: { id: string };
        manageToken: string;
      };

      // Reschedule onto a new hold, then cancel: both through the fallback's live state.
      const newStart = slotAt(await slotsOver(api, c, c.date), "14:00");
      const moved = await api.json("POST", "/v1/holds", { clientId, ...ids(c), start: newStart });
      expect(moved.status).toBe(201);
      const newHold = (await moved.json()) as { holdId: string; holdToken: string };
      const rescheduled = await api.json(
        "POST",
        `/v1/appointments/${appointment.id}/reschedule`,
        { holdId: newHold.holdId, holdToken: newHold.holdToken },
        { "X-Manage-Token": manageToken },
      );
      expect(rescheduled.status, await rescheduled.clone().text()).toBe(200);
      const { appointment: current } = (await rescheduled.json()) as {
        appointment: { id: string };
      };
      const cancelled = await api.request(`/v1/appointments/${current.id}/cancel`, {
        method: "POST",
        headers: { "X-Manage-Token": manageToken },
      });
      expect(cancelled.status, await cancelled.clone().text()).toBe(200);
      expect(await confirmedFor(email)).toBe(0);

      // A released hold frees its slot for someone else, in the fallback too.
      const releaseStart = slotAt(await slotsOver(api, c, c.date), "15:00");
      const toRelease = await api.json("POST", "/v1/holds", {
        clientId,
        ...ids(c),
        start: releaseStart,
      });
      const released = (await toRelease.json()) as { holdId: string; holdToken: string };
      const freed = await api.request(`/v1/holds/${released.holdId}`, {
        method: "DELETE",
        headers: { "X-Hold-Token": released.holdToken },
      });
      expect(freed.status).toBe(204);
      const taken = await api.json("POST", "/v1/holds", {
        clientId: uniqueId("client_"),
        ...ids(c),
        start: releaseStart,
      });
      expect(taken.status).toBe(201);

      const otp = await api.json(
        "POST",
        "/v1/auth/otp",
        { email },
        { "CF-Connecting-IP": "198.51.100.7" },
      );
      expect(otp.status).toBe(202);

      // One failed attempt switched the isolate over; the cool-down kept every later call away.
      expect(upstash.requestCount() - before).toBe(1);
      expect(await status(api)).toMatchObject({
        mode: "fallback",
        failovers: 1,
        cooldown: { active: true },
      });

      // The health check probes Redis on purpose, and reports the fallback in use.
      const health = await api.request("/v1/health");
      expect(health.status).toBe(200);
      expect(await health.json()).toMatchObject({ status: "degraded", storage: "fallback" });
    });
  });
});

describe("a hung Redis", () => {
  it("costs one request at most the timeout (no client retries), and nothing after it", async () => {
    const c = await catalog();
    const api = isolate(`${uniqueId("fo")}:`);
    const start = slotAt(await slotsOver(api, c, c.date), "11:00");
    await duringOutage("hang", async () => {
      const before = upstash.requestCount();
      const startedMs = performance.now();
      const res = await api.json("POST", "/v1/holds", {
        clientId: uniqueId("client_"),
        ...ids(c),
        start,
      });
      const elapsedMs = performance.now() - startedMs;
      expect(res.status).toBe(201);
      expect(upstash.requestCount() - before).toBe(1);
      // The bound is loose on purpose (shared machines); the client's own retries would take ~4 s.
      expect(elapsedMs).toBeLessThan(TIMEOUT_MS + 1_000);
    });
  });
});

describe("holds during an outage, and the failback sync", () => {
  it("admits exactly one of 30 concurrent holds in fallback mode; the sync moves it to Redis and the next hold conflicts there", async () => {
    const c = await catalog();
    const prefix = `${uniqueId("fo")}:`;
    const api = isolate(prefix);
    const start = slotAt(await slotsOver(api, c, c.date), "11:30");
    let winner: { holdId: string; holdToken: string } | undefined;
    await duringOutage("refuse", async () => {
      const results = await Promise.all(
        Array.from({ length: 30 }, () =>
          api.json("POST", "/v1/holds", { clientId: uniqueId("client_"), ...ids(c), start }),
        ),
      );
      const statuses = results.map((r) => r.status).sort();
      expect(statuses.filter((s) => s === 201)).toHaveLength(1);
      expect(statuses.filter((s) => s === 409)).toHaveLength(29);
      winner = (await results.find((r) => r.status === 201)?.json()) as typeof winner;
    });
    expect(await redisDirect.exists(`${prefix}live:${c.staffId}`)).toBe(0);

    const sync = await api.admin("POST", "/v1/admin/sync");
    expect(sync.status).toBe(200);
    expect(await sync.json()).toMatchObject({
      mode: "redis",
      sync: { outcome: "synced", synced: 1, conflicts: 0 },
    });
    expect(await status(api)).toMatchObject({ mode: "redis", failovers: 1, failbacks: 1 });

    // The hold is in Redis now, with its fields as the fallback had them; MySQL keeps no live
    // rows, only the hold's cells as a Redis hold's claim (30 minutes: six cells).
    const fields = await redisDirect.hkeys(`${prefix}live:${c.staffId}`);
    expect(fields.filter((f) => f.startsWith("h:"))).toHaveLength(1);
    expect(await fallbackRowsByKind(c.staffId)).toEqual({ live: 0, cells: { r: 6 } });

    const before = upstash.requestCount();
    const next = await api.json("POST", "/v1/holds", {
      clientId: uniqueId("client_"),
      ...ids(c),
      start,
    });
    await expectError(next, 409, "SLOT_HELD");
    expect(upstash.requestCount() - before).toBe(1); // answered by Redis

    // The holder carries on against Redis: extend and book.
    const { holdId, holdToken } = winner ?? { holdId: "", holdToken: "" };
    const extended = await extendHold(api, { holdId, holdToken });
    expect(extended.status).toBe(200);
    const email = `${uniqueId("fo")}@example.test`;
    const booked = await book(api, { holdId, holdToken }, email);
    expect(booked.status, await booked.clone().text()).toBe(201);
    expect(await confirmedFor(email)).toBe(1);
  });

  it("counts a fallback hold that a Redis holder took meanwhile as a conflict, and does not overwrite it", async () => {
    const c = await catalog();
    const prefix = `${uniqueId("fo")}:`;
    const down = isolate(prefix);
    const start = slotAt(await slotsOver(down, c, c.date), "13:00");
    await holdInOutage(down, c, start);
    // Another isolate of the deployment never saw the outage. Its Redis hold of the same slot is
    // refused: the booking store has the fallback hold's cells.
    const up = isolate(prefix);
    await slotsOver(up, c, c.date);
    const hold = () =>
      up.json("POST", "/v1/holds", { clientId: uniqueId("client_"), ...ids(c), start });
    await expectError(await hold(), 409, "SLOT_HELD");
    // Only with MySQL out of its reach does Redis grant it alone; the sync then meets both.
    const redisHold = await whileMysqlRefuses(hold);
    expect(redisHold.status).toBe(201);
    const redisHoldId = ((await redisHold.json()) as { holdId: string }).holdId;

    const sync = await down.admin("POST", "/v1/admin/sync");
    expect(await sync.json()).toMatchObject({ mode: "redis", sync: { synced: 0, conflicts: 1 } });
    const holds = (await redisDirect.hkeys(`${prefix}live:${c.staffId}`)).filter((f) =>
      f.startsWith("h:"),
    );
    expect(holds).toEqual([`h:${redisHoldId.slice(4, 20)}:0`]);
  });

  it("two syncs at once (two isolates) apply each entry exactly once", async () => {
    const c = await catalog();
    const prefix = `${uniqueId("fo")}:`;
    const a = isolate(prefix);
    const b = isolate(prefix);
    const slots = await slotsOver(a, c, c.date);
    for (const hhmm of ["09:00", "10:00", "11:00", "14:00", "15:00"]) {
      await holdInOutage(a, c, slotAt(slots, hhmm));
    }
    await duringOutage("refuse", async () => {
      // b fails over too (its own first Redis call fails).
      expect((await heartbeat(b, c, uniqueId("client_"))).status).toBe(200);
    });
    const [ra, rb] = await Promise.all([
      a.admin("POST", "/v1/admin/sync"),
      b.admin("POST", "/v1/admin/sync"),
    ]);
    expect([ra.status, rb.status]).toEqual([200, 200]);
    const reports = ((await Promise.all([ra.json(), rb.json()])) as { sync: SyncBody }[])
      .map((body) => body.sync)
      .sort((x, y) => y.synced - x.synced);
    // One applied all five. The other was turned away by the lease ("busy"), or ran after it and
    // found nothing left: had it applied the same rows again, they would count as already there.
    expect(reports[0]).toMatchObject({ outcome: "synced", synced: 5, alreadyInRedis: 0 });
    expect(reports[1]?.synced).toBe(0);
    expect(reports[1]?.alreadyInRedis).toBe(0);
    const holds = (await redisDirect.hkeys(`${prefix}live:${c.staffId}`)).filter((f) =>
      f.startsWith("h:"),
    );
    expect(holds).toHaveLength(5);
  });

  it("a sync that finds the lease taken changes nothing and leaves the isolate on the fallback", async () => {
    const c = await catalog();
    const prefix = `${uniqueId("fo")}:`;
    const api = isolate(prefix);
    const start = slotAt(await slotsOver(api, c, c.date), "14:30");
    await holdInOutage(api, c, start);
    await redisDirect.set(`${prefix}sync-lock`, "another-sync", "PX", 30_000);
    const busy = await api.admin("POST", "/v1/admin/sync");
    expect(await busy.json()).toMatchObject({
      mode: "fallback",
      sync: { outcome: "busy", synced: 0 },
    });
    expect(await redisDirect.exists(`${prefix}live:${c.staffId}`)).toBe(0);
    await redisDirect.del(`${prefix}sync-lock`);
    const done = await api.admin("POST", "/v1/admin/sync");
    expect(await done.json()).toMatchObject({
      mode: "redis",
      sync: { outcome: "synced", synced: 1 },
    });
  });

  it("returns to Redis by itself: the first request after the cool-down starts the check and the sync", async () => {
    const c = await catalog();
    const prefix = `${uniqueId("fo")}:`;
    const api = isolate(prefix, { REDIS_COOLDOWN_MS: "0" });
    const clientId = uniqueId("client_");
    const start = slotAt(await slotsOver(api, c, c.date), "16:00");
    await duringOutage("http500", async () => {
      expect(
        (await api.json("POST", "/v1/slots/select", { clientId, ...ids(c), start })).status,
      ).toBe(200);
    });
    expect((await status(api)).mode).toBe("fallback");
    const beat = () => heartbeat(api, c, clientId);
    // The first request after the cool-down starts the check and is itself served by the
    // fallback (no request waits for a sync); once the sync is done, Redis serves.
    expect(((await (await beat()).json()) as { storage: string }).storage).toBe("fallback");
    for (let i = 0; i < 100 && (await status(api)).mode !== "redis"; i++) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const body = (await (await beat()).json()) as {
      storage: string;
      slots: { state: string; mine: boolean }[];
    };
    expect(body.storage).toBe("redis");
    expect(body.slots).toContainEqual(expect.objectContaining({ state: "viewing", mine: true }));
    expect(await status(api)).toMatchObject({
      mode: "redis",
      failbacks: 1,
      lastSync: { outcome: "synced", synced: 1, conflicts: 0 },
    });
  });

  it("the Cron Trigger syncs, returns to Redis mode, and deletes expired fallback rows", async () => {
    const c = await catalog();
    const prefix = `${uniqueId("fo")}:`;
    const api = isolate(prefix);
    const start = slotAt(await slotsOver(api, c, c.date), "09:30");
    await holdInOutage(api, c, start);
    const expiredField = `v:${uniqueId("x").slice(0, 11)}`;
    await withDb((conn) =>
      conn.query(
        `INSERT INTO fallback_live (scope, staff_id, field, value, kind, client_tag, cell_start, cell_end, start_ms, end_ms, expires_at_ms)
         VALUES (?, ?, ?, '1|2|3|4|0|1000|x|10', 'v', 'x', 1, 2, 3, 4, 1000)`,
        [prefix, c.staffId, expiredField],
      ),
    );
    await runScheduled(api.services, "* * * * *");
    expect(await status(api)).toMatchObject({ mode: "redis", lastSync: { synced: 1 } });
    const left = await withDb(async (conn) => {
      const [rows] = await conn.query(
        "SELECT COUNT(*) AS n FROM fallback_live WHERE staff_id = ?",
        [c.staffId],
      );
      return Number((rows as { n: number }[])[0]?.n);
    });
    expect(left).toBe(0);
  });
});

describe("hold limits across the failback", () => {
  /** POST /v1/holds from an address (CF-Connecting-IP). */
  const holdFrom = (
    api: Isolate,
    c: { serviceId: string; staffId: string },
    clientId: string,
    start: string,
    ip: string,
  ) => api.json("POST", "/v1/holds", { clientId, ...ids(c), start }, { "CF-Connecting-IP": ip });

  it("a client's holds made on the fallback still count after the failback: the 5th is 429 until one is released", async () => {
    const c = await catalog(15);
    const prefix = `${uniqueId("fo")}:`;
    const api = isolate(prefix);
    const starts = (await slotsOver(api, c, c.date)).map((s) => s.start);
    const clientId = uniqueId("client_");
    const ip = "198.51.100.41";
    const held: { holdId: string; holdToken: string; expiresAt: string }[] = [];
    await duringOutage("refuse", async () => {
      for (const start of starts.slice(0, 4)) {
        const res = await holdFrom(api, c, clientId, start, ip);
        expect(res.status).toBe(201);
        held.push((await res.json()) as (typeof held)[number]);
      }
      const fifth = await holdFrom(api, c, clientId, starts[4] as string, ip);
      await expectError(fifth, 429, "HOLD_LIMIT", "body.clientId:");
    });
    const sync = await api.admin("POST", "/v1/admin/sync");
    expect(await sync.json()).toMatchObject({ mode: "redis", sync: { synced: 4, conflicts: 0 } });

    // Redis counts them now; the fallback keeps no count of its own.
    expect(await fallbackHeldOf(c.staffId)).toBe(0);
    const fifth = await holdFrom(api, c, clientId, starts[4] as string, ip);
    await expectError(fifth, 429, "HOLD_LIMIT", "body.clientId:");
    expect((await status(api)).mode).toBe("redis");
    // Each copied entry lapses with its hold: its score is the hold's expiry.
    const counter = `${prefix}held:c:${await clientTag(clientId)}`;
    const scores = await redisDirect.zrange(counter, 0, -1, "WITHSCORES");
    expect(scores.filter((_, i) => i % 2 === 1).map(Number)).toEqual(
      held.map((h) => Date.parse(h.expiresAt)).sort((a, b) => a - b),
    );

    // Releasing a hold made on the fallback frees its place in Redis.
    const first = held[0] as (typeof held)[number];
    const released = await api.request(`/v1/holds/${first.holdId}`, {
      method: "DELETE",
      headers: { "X-Hold-Token": first.holdToken, "CF-Connecting-IP": ip },
    });
    expect(released.status).toBe(204);
    expect((await holdFrom(api, c, clientId, starts[4] as string, ip)).status).toBe(201);
    const sixth = await holdFrom(api, c, clientId, starts[5] as string, ip);
    await expectError(sixth, 429, "HOLD_LIMIT", "body.clientId:");
  });

  it("an address's holds made on the fallback still count after the failback (20 across clients)", async () => {
    const c = await catalog(15);
    const prefix = `${uniqueId("fo")}:`;
    const api = isolate(prefix);
    const starts = (await slotsOver(api, c, c.date)).map((s) => s.start);
    expect(starts.length).toBeGreaterThan(21);
    const ip = "2001:db8:4242:1::7";
    await duringOutage("refuse", async () => {
      for (const start of starts.slice(0, 20)) {
        expect((await holdFrom(api, c, uniqueId("client_"), start, ip)).status).toBe(201);
      }
    });
    const sync = await api.admin("POST", "/v1/admin/sync");
    expect(await sync.json()).toMatchObject({ mode: "redis", sync: { synced: 20 } });
    // Another address of the same /64, another client: the address is at its limit.
    const next = await holdFrom(
      api,
      c,
      uniqueId("client_"),
      starts[20] as string,
      "2001:db8:4242:1::8",
    );
    await expectError(next, 429, "HOLD_LIMIT", "CF-Connecting-IP");
    const elsewhere = await holdFrom(
      api,
      c,
      uniqueId("client_"),
      starts[20] as string,
      "2001:db8:4242:2::8",
    );
    expect(elsewhere.status).toBe(201);
  });

  it("a fallback hold that meets a Redis holder at the failback stays in the fallback and does not count in Redis; a repeated sync counts nothing twice", async () => {
    const c = await catalog(15);
    const prefix = `${uniqueId("fo")}:`;
    const down = isolate(prefix);
    const starts = (await slotsOver(down, c, c.date)).map((s) => s.start);
    const clientId = uniqueId("client_");
    const ip = "198.51.100.42";
    await duringOutage("refuse", async () => {
      for (const start of starts.slice(0, 3)) {
        expect((await holdFrom(down, c, clientId, start, ip)).status).toBe(201);
      }
    });
    // Another isolate never saw the outage: another client holds the first slot in Redis, which
    // only MySQL out of its reach allows (the booking store would refuse it).
    const up = isolate(prefix);
    await slotsOver(up, c, c.date);
    const other = () => holdFrom(up, c, uniqueId("client_"), starts[0] as string, ip);
    await expectError(await other(), 409, "SLOT_HELD");
    expect((await whileMysqlRefuses(other)).status).toBe(201);

    const sync = await down.admin("POST", "/v1/admin/sync");
    expect(await sync.json()).toMatchObject({ mode: "redis", sync: { synced: 2, conflicts: 1 } });
    const again = await down.admin("POST", "/v1/admin/sync");
    expect(await again.json()).toMatchObject({
      sync: { outcome: "synced", synced: 0, conflicts: 1 },
    });
    const counter = `${prefix}held:c:${await clientTag(clientId)}`;
    expect(await redisDirect.zcard(counter)).toBe(2);
    // The conflicting hold stays where the booking store has it, with its places (client and
    // address) in the fallback's count, for the sync that copies it once the Redis one is gone.
    expect(await fallbackHeldOf(c.staffId)).toBe(2);
    // Two held, so two more places: the third is refused.
    for (const start of starts.slice(3, 5)) {
      expect((await holdFrom(down, c, clientId, start, ip)).status).toBe(201);
    }
    const over = await holdFrom(down, c, clientId, starts[5] as string, ip);
    await expectError(over, 429, "HOLD_LIMIT", "body.clientId:");
  });
});

describe("MySQL fails during the failback", () => {
  it("does not pin the isolate to the fallback, and a hold released in Redis is gone from the fallback too", async () => {
    const c = await catalog();
    const prefix = `${uniqueId("fo")}:`;
    const api = isolate(prefix, { MYSQL_TIMEOUT_MS: "500" });
    const clientId = uniqueId("client_");
    const start = slotAt(await slotsOver(api, c, c.date), "16:30");
    const hold = await holdInOutage(api, c, start, clientId);

    planetscale.setFault("refuse");
    try {
      const sync = await api.admin("POST", "/v1/admin/sync");
      expect(await sync.json()).toMatchObject({ mode: "redis", sync: { outcome: "failed" } });
      const beat = await heartbeat(api, c, clientId);
      expect(beat.status).toBe(200);
      expect(((await beat.json()) as { storage: string }).storage).toBe("redis");
    } finally {
      planetscale.setFault("none");
    }

    // As if a sync had copied the hold while a change kept it in MySQL: it is in both stores.
    const rows = await withDb(async (conn) => {
      const [found] = await conn.query(
        "SELECT field, value FROM fallback_live WHERE staff_id = ?",
        [c.staffId],
      );
      return found as { field: string; value: string }[];
    });
    expect(rows).toHaveLength(1);
    // Copied as the failback sync copies: its own script, under the sync lock.
    const lock = `${prefix}sync-lock`;
    await redisDirect.set(lock, "copy-1", "PX", 30_000);
    for (const row of rows) {
      const owner = row.field.replace(/:\d+$/, "");
      await redisDirect.eval(
        failbackLive.source,
        5,
        lock,
        ...new RedisKeys(prefix).liveKeys(c.staffId),
        "copy-1",
        String(Date.now()),
        "1",
        owner,
        "1",
        row.field,
        row.value,
      );
    }
    await redisDirect.del(lock);
    expect(await redisDirect.hexists(`${prefix}live:${c.staffId}`, rows[0]?.field ?? "")).toBe(1);

    const released = await api.request(`/v1/holds/${hold.holdId}`, {
      method: "DELETE",
      headers: { "X-Hold-Token": hold.holdToken },
    });
    expect(released.status).toBe(204);
    const left = await fallbackRowsOf(c.staffId);
    expect(left).toBe(0);
    const sync = await api.admin("POST", "/v1/admin/sync");
    expect(await sync.json()).toMatchObject({ sync: { outcome: "synced", synced: 0 } });
    // Only the layout's own "~" field may stay (lua/lib/live.lua): no entry is left.
    const remaining = await redisDirect.hkeys(`${prefix}live:${c.staffId}`);
    expect(remaining.filter((field) => field !== "~")).toEqual([]);
  });
});

describe("while MySQL is down", () => {
  it("select, hold and heartbeat keep working on Redis; booking answers 503 STORE_UNAVAILABLE and writes nothing", async () => {
    const c = await catalog();
    const api = isolate(`${uniqueId("fo")}:`, { MYSQL_TIMEOUT_MS: "500" });
    const clientId = uniqueId("client_");
    const start = slotAt(await slotsOver(api, c, c.date), "10:30");
    planetscale.setFault("refuse");
    try {
      expect(
        (await api.json("POST", "/v1/slots/select", { clientId, ...ids(c), start })).status,
      ).toBe(200);
      const held = await api.json("POST", "/v1/holds", { clientId, ...ids(c), start });
      expect(held.status).toBe(201);
      const { holdId, holdToken } = (await held.json()) as { holdId: string; holdToken: string };
      const hold = { holdId, holdToken };
      const beat = await heartbeat(api, c, clientId);
      expect(beat.status).toBe(200);
      expect(((await beat.json()) as { storage: string }).storage).toBe("redis");

      const email = `${uniqueId("fo")}@example.test`;
      const key = uniqueId("idem-");
      const booked = await book(api, hold, email, key);
      await expectError(booked, 503, "STORE_UNAVAILABLE");
      planetscale.setFault("none");
      expect(await confirmedFor(email)).toBe(0);
      // Nothing half-done in Redis either: the hold is back and the key's claim was freed, so
      // the same request (same key) books once MySQL is back.
      const retry = await book(api, hold, email, key);
      expect(retry.status, await retry.clone().text()).toBe(201);
      expect(await confirmedFor(email)).toBe(1);
    } finally {
      planetscale.setFault("none");
    }
  });
});

describe("failback details", () => {
  it("the debug lock listing is served by the fallback while Redis refuses", async () => {
    const c = await catalog();
    const api = isolate(`${uniqueId("fo")}:`);
    const start = slotAt(await slotsOver(api, c, c.date), "15:30");
    await duringOutage("refuse", async () => {
      const held = await api.json("POST", "/v1/holds", {
        clientId: uniqueId("client_"),
        ...ids(c),
        start,
      });
      const { holdId } = (await held.json()) as { holdId: string };
      const res = await api.admin("GET", `/v1/debug/locks?staffId=${c.staffId}`);
      expect(res.status).toBe(200);
      const body = (await res.json()) as { entries: { id: string; kind: string }[] };
      expect(body.entries).toContainEqual(expect.objectContaining({ id: holdId, kind: "held" }));
    });
  });

  it("a fallback copy never rolls Redis back: an entry Redis has with a later expiry stays", async () => {
    const prefix = `${uniqueId("fo")}:`;
    const lock = `${prefix}sync-lock`;
    const live = new RedisKeys(prefix).liveKeys("stf_x");
    const now = Date.now();
    // Exchange format (the fallback's rows): cellStart|cellEnd|startMin|endMin|offset|expires|…
    const hold = (expiresAt: number, token: string) =>
      `10|12|50|60|60|${expiresAt}|tag|${token}|${now + 1_800_000}|600|1`;
    await redisDirect.set(lock, "sync-1", "PX", 30_000);
    const copy = (value: string) =>
      redisDirect.eval(
        failbackLive.source,
        5,
        lock,
        ...live,
        "sync-1",
        String(now),
        "1",
        "h:k",
        "1",
        "h:k:0",
        value,
      );
    // Extended and re-tokened in Redis after an earlier copy; the fallback still has the old one.
    expect(await copy(hold(now + 600_000, "new-token"))).toEqual(["ok", 1, 0, 0]);
    const inRedis = await redisDirect.hget(live[0] as string, "h:k:0");
    expect(inRedis).toContain(`|${now + 600_000}|tag|new-token|`);
    expect(await copy(hold(now + 300_000, "old-token"))).toEqual(["ok", 0, 0, 1]);
    expect(await redisDirect.hget(live[0] as string, "h:k:0")).toBe(inRedis);
    // A fallback copy that is newer (extended in the fallback) does replace it.
    expect(await copy(hold(now + 900_000, "new-token"))).toEqual(["ok", 1, 0, 0]);
    expect(await redisDirect.hget(live[0] as string, "h:k:0")).toContain(
      `|${now + 900_000}|tag|new-token|`,
    );
  });

  it("retracting a copy deletes a field only while it holds the copied value, and only under the lease", async () => {
    const prefix = `${uniqueId("fo")}:`;
    const lock = `${prefix}sync-lock`;
    const live = new RedisKeys(prefix).liveKeys("stf_x");
    const now = Date.now();
    const marker = (cell: number, expiresAt: number) =>
      `${cell}|${cell + 6}|${cell * 5}|${cell * 5 + 30}|60|${expiresAt}|${cell}|10`;
    await redisDirect.set(lock, "sync-1", "PX", 30_000);
    const copy = (field: string, value: string) =>
      redisDirect.eval(
        failbackLive.source,
        5,
        lock,
        ...live,
        "sync-1",
        String(now),
        "1",
        field,
        "1",
        field,
        value,
      );
    const copied = { a: marker(10, now + 10_000), b: marker(20, now + 10_000) };
    await copy("v:a", copied.a);
    await copy("v:b", copied.b);
    await copy("v:b", marker(20, now + 20_000)); // changed since it was copied
    const retract = (lockId: string) =>
      redisDirect.eval(
        failbackRetract.source,
        5,
        lock,
        ...live,
        lockId,
        String(now),
        "v:a",
        copied.a,
        "v:b",
        copied.b,
      );
    expect(await retract("sync-2")).toBe(-1);
    expect(await redisDirect.zcard(live[2] as string)).toBe(2);
    expect(await retract("sync-1")).toBe(1);
    expect(await redisDirect.zrange(live[2] as string, 0, -1)).toEqual(["v:b"]);
    expect((await redisDirect.hkeys(live[0] as string)).sort()).toEqual(["v:b", "~"]);
  });

  it("copying rate-limit events only ever lengthens a key's expiry (an event Redis counted stays counted)", async () => {
    const prefix = `${uniqueId("fo")}:`;
    const key = `${prefix}rl:otp:email:x`;
    await redisDirect.set(`${prefix}sync-lock`, "sync-1", "PX", 30_000);
    await redisDirect.zadd(key, Date.now(), "recorded-in-redis");
    await redisDirect.pexpire(key, 600_000);
    const reply = await redisDirect.eval(
      failbackClaims.source,
      2,
      `${prefix}sync-lock`,
      key,
      "sync-1",
      "0",
      String(Date.now() - 540_000),
      "recorded-in-fallback",
      "60000",
    );
    expect(reply).toEqual([0, 1]);
    expect(await redisDirect.zcard(key)).toBe(2);
    expect(await redisDirect.pttl(key)).toBeGreaterThan(500_000);
    // Fencing: with the lease gone to another sync, nothing is written.
    await redisDirect.set(`${prefix}sync-lock`, "sync-2", "PX", 30_000);
    const fenced = await redisDirect.eval(
      failbackClaims.source,
      2,
      `${prefix}sync-lock`,
      key,
      "sync-1",
      "0",
      String(Date.now()),
      "late",
      "60000",
    );
    expect(fenced).toEqual([-1, -1]);
    expect(await redisDirect.zcard(key)).toBe(2);
  });
});

describe("observability", () => {
  it("debug and admin failover routes require the admin token", async () => {
    const api = isolate(`${uniqueId("fo")}:`);
    for (const [method, path] of [
      ["GET", "/v1/debug/redis-status"],
      ["GET", "/v1/debug/metrics"],
      ["POST", "/v1/admin/sync"],
    ] as const) {
      await expectError(await api.request(path, { method }), 401, "UNAUTHORIZED");
    }
  });

  it("metrics count requests by route, store round trips and fallback hits", async () => {
    const c = await catalog();
    const api = isolate(`${uniqueId("fo")}:`);
    await slotsOver(api, c, c.date);
    await duringOutage("refuse", async () => {
      await slotsOver(api, c, c.date);
    });
    const res = await api.admin("GET", "/v1/debug/metrics");
    const body = (await res.json()) as {
      routes: { route: string; count: number; byStatus: Record<string, number> }[];
      roundTrips: { redis: number; mysql: number };
      fallbackHits: Record<string, number>;
    };
    expect(body.routes).toContainEqual(
      expect.objectContaining({ route: "GET /v1/availability", count: 2, byStatus: { "2xx": 2 } }),
    );
    expect(body.roundTrips.redis).toBe(2);
    expect(body.roundTrips.mysql).toBeGreaterThanOrEqual(2);
    expect(body.fallbackHits).toEqual({ overlay: 1 });
  });

  it("redis-status reports the health check, its latency and Redis memory", async () => {
    const api = isolate(`${uniqueId("fo")}:`);
    await api.admin("POST", "/v1/admin/sync");
    const res = await api.admin("GET", "/v1/debug/redis-status");
    const body = (await res.json()) as {
      lastHealthCheck: { ok: boolean; latencyMs: number; trigger: string };
      redisMemoryBytes: number;
    };
    expect(body.lastHealthCheck).toMatchObject({ ok: true, trigger: "admin" });
    expect(body.lastHealthCheck.latencyMs).toBeGreaterThanOrEqual(0);
    expect(body.redisMemoryBytes).toBeGreaterThan(0);
  });
});
