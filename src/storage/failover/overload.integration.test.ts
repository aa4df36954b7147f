/**
 * Overload without collapse (docs/architecture/overload.md), end to end through the app, the real clients and
 * real stores, with this file's own fault-injecting gateways:
 * - a Redis that is slow but alive is not failed over (timed-out calls answer 503 OVERLOADED);
 * - a hung Redis fails over within one timeout, a refusing one at once;
 * - 100 racing holds while Redis is slow, not dead, leave exactly one holder in one store;
 * - the isolate sheds load with 503 OVERLOADED and Retry-After, and still admits bookings.
 *
 * Every "isolate" is one `buildServices` (its own gate, admission and fallback bound).
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
  type IsolateCatalog,
  isolateOver,
  slotAt,
  slotsOver,
  startFaultGateways,
} from "../../../test/stack/fault-gateways.ts";
import { directRedis } from "../../../test/stack/redis-direct.ts";
import { uniqueId } from "../../../test/stack/stack-env.ts";

const TIMEOUT_MS = 300;
const redisDirect = directRedis();
let gateways: FaultGateways;
let upstash: UpstashGateway;
let planetscale: PlanetscaleGateway;

function isolate(prefix: string, overrides: Record<string, string> = {}): Isolate {
  return isolateOver(gateways, prefix, { REDIS_TIMEOUT_MS: String(TIMEOUT_MS), ...overrides });
}

/** A catalog of its own, made through an isolate of its own (healthy gateways). */
const catalog = () => catalogOver(isolate(`${uniqueId("ov")}:`));

async function status(api: Isolate) {
  const res = await api.admin("GET", "/v1/debug/redis-status");
  expect(res.status).toBe(200);
  return (await res.json()) as {
    mode: string;
    failovers: number;
    busyTimeouts: number;
    confirming: boolean;
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Holds and live entries the fallback store has for a staff member. */
async function fallbackRowsOf(staffId: string): Promise<number> {
  return withDb(async (conn) => {
    const [rows] = await conn.query(
      "SELECT (SELECT COUNT(*) FROM fallback_live WHERE staff_id = ?) + (SELECT COUNT(*) FROM fallback_cells WHERE staff_id = ? AND owner NOT LIKE 'r:%') AS n",
      [staffId, staffId],
    );
    return Number((rows as { n: number }[])[0]?.n);
  });
}

/** The owners of Redis holds' claims in the booking store ("r:<holdKey>") of a staff member. */
async function redisClaimsOf(staffId: string): Promise<string[]> {
  return withDb(async (conn) => {
    const [rows] = await conn.query(
      "SELECT DISTINCT owner FROM fallback_cells WHERE staff_id = ? AND owner LIKE 'r:%' AND expires_at_ms > ?",
      [staffId, Date.now()],
    );
    return (rows as { owner: string }[]).map((r) => r.owner);
  });
}

/** Redis holds (first fields) of a staff member. */
async function redisHoldsOf(prefix: string, staffId: string): Promise<string[]> {
  const fields = await redisDirect.hkeys(`${prefix}live:${staffId}`);
  return fields.filter((f) => f.startsWith("h:") && f.endsWith(":0"));
}

/**
 * A client that holds `start` and, on 503 OVERLOADED, waits and repeats the same request (as
 * Retry-After asks; shortened here) until it gets a real answer.
 */
async function holdUntilAnswered(
  api: Isolate,
  c: IsolateCatalog,
  start: string,
  clientId = uniqueId("client_"),
): Promise<{ status: number; overloaded: number; body: unknown; clientId: string }> {
  let overloaded = 0;
  // As a careful client does: one Idempotency-Key for the attempt and all its retries, so that
  // a client whose hold was made but whose answer timed out gets it (and its token) on retry.
  const idempotencyKey = uniqueId("hold-");
  // No deadline of its own: on a saturated machine the answer may take long; the test's timeout
  // bounds it, and the assertions are on who holds the slot, never on time.
  for (;;) {
    const res = await api.json(
      "POST",
      "/v1/holds",
      { clientId, serviceId: c.serviceId, staffId: c.staffId, start },
      { "Idempotency-Key": idempotencyKey },
    );
    if (res.status !== 503) {
      return { status: res.status, overloaded, body: await res.json(), clientId };
    }
    expect(res.headers.get("Retry-After")).toBe("1");
    await expectError(res, 503, "OVERLOADED");
    overloaded++;
    await sleep(50 + Math.random() * 150);
  }
}

beforeAll(async () => {
  gateways = await startFaultGateways();
  ({ upstash, planetscale } = gateways);
});

afterAll(async () => {
  await gateways.close();
  redisDirect.disconnect();
});

describe("down versus busy", () => {
  it("a slow but alive Redis under load is not failed over: timed-out calls answer 503 OVERLOADED with Retry-After", async () => {
    const c = await catalog();
    const api = isolate(`${uniqueId("ov")}:`);
    const start = slotAt(await slotsOver(api, c, c.date), "10:00");
    // Every reply comes later than the timeout, but well within the confirming probe's budget.
    upstash.setFault("slow", { slowMs: TIMEOUT_MS * 2 });
    try {
      const answers = await Promise.all(
        Array.from({ length: 20 }, () =>
          api.json("POST", "/v1/slots/select", {
            clientId: uniqueId("client_"),
            serviceId: c.serviceId,
            staffId: c.staffId,
            start,
          }),
        ),
      );
      for (const res of answers) {
        expect(res.headers.get("Retry-After")).toBe("1");
        await expectError(res, 503, "OVERLOADED");
      }
      // The confirming probe answers (late, but within its budget): Redis stays.
      for (let i = 0; i < 100 && (await status(api)).confirming; i++) await sleep(20);
      expect(await status(api)).toMatchObject({ mode: "redis", failovers: 0, busyTimeouts: 20 });
    } finally {
      upstash.setFault("none");
    }
    const after = await api.json("POST", "/v1/slots/select", {
      clientId: uniqueId("client_"),
      serviceId: c.serviceId,
      staffId: c.staffId,
      start,
    });
    expect(after.status).toBe(200);
    expect(await status(api)).toMatchObject({ mode: "redis", failovers: 0 });
  });

  it("a hung Redis under load fails over once the confirming probes also time out; the fallback then claims nothing of a staff member whose claims timed out", async () => {
    const c = await catalog();
    const api = isolate(`${uniqueId("ov")}:`, {
      REDIS_PROBE_TIMEOUT_MS: "500",
      REDIS_DOWN_AFTER_MS: "1000",
    });
    const start = slotAt(await slotsOver(api, c, c.date), "10:30");
    upstash.setFault("hang");
    try {
      const answers = await Promise.all(
        Array.from({ length: 20 }, () =>
          api.json("POST", "/v1/slots/select", {
            clientId: uniqueId("client_"),
            serviceId: c.serviceId,
            staffId: c.staffId,
            start,
          }),
        ),
      );
      expect(answers.map((r) => r.status)).toEqual(Array(20).fill(503));
      for (let i = 0; i < 100 && (await status(api)).mode !== "fallback"; i++) await sleep(20);
      expect(await status(api)).toMatchObject({ mode: "fallback", failovers: 1 });
      // The selects that timed out may have run in Redis: the fallback claims nothing of that
      // staff member until the failback (503 OVERLOADED), but serves everyone else.
      const sameStaff = await api.json("POST", "/v1/holds", {
        clientId: uniqueId("client_"),
        serviceId: c.serviceId,
        staffId: c.staffId,
        start,
      });
      expect(sameStaff.headers.get("Retry-After")).toBe("1");
      await expectError(sameStaff, 503, "OVERLOADED");
      const other = await catalog();
      const held = await api.json("POST", "/v1/holds", {
        clientId: uniqueId("client_"),
        serviceId: other.serviceId,
        staffId: other.staffId,
        start: slotAt(await slotsOver(api, other, other.date), "10:30"),
      });
      expect(held.status, await held.clone().text()).toBe(201);
    } finally {
      upstash.setFault("none");
    }
  });

  it("a hung Redis fails over within one timeout in a quiet isolate: the hold is granted by the fallback", async () => {
    const c = await catalog();
    const api = isolate(`${uniqueId("ov")}:`);
    const start = slotAt(await slotsOver(api, c, c.date), "11:00");
    upstash.setFault("hang");
    try {
      const before = upstash.requestCount();
      const startedMs = performance.now();
      const held = await api.json("POST", "/v1/holds", {
        clientId: uniqueId("client_"),
        serviceId: c.serviceId,
        staffId: c.staffId,
        start,
      });
      const elapsedMs = performance.now() - startedMs;
      expect(held.status).toBe(201);
      expect(upstash.requestCount() - before).toBe(1); // no confirming probe was needed
      expect(elapsedMs).toBeLessThan(TIMEOUT_MS + 1_000); // loose: shared machines
      expect(await status(api)).toMatchObject({ mode: "fallback", failovers: 1 });
    } finally {
      upstash.setFault("none");
    }
  });

  it("refused connections fail over at once, even under load", async () => {
    const c = await catalog();
    const api = isolate(`${uniqueId("ov")}:`);
    const start = slotAt(await slotsOver(api, c, c.date), "11:30");
    upstash.setFault("refuse");
    try {
      const answers = await Promise.all(
        Array.from({ length: 20 }, () =>
          api.json("POST", "/v1/slots/select", {
            clientId: uniqueId("client_"),
            serviceId: c.serviceId,
            staffId: c.staffId,
            start,
          }),
        ),
      );
      expect(answers.map((r) => r.status)).toEqual(Array(20).fill(200));
      expect(await status(api)).toMatchObject({ mode: "fallback", failovers: 1, busyTimeouts: 0 });
    } finally {
      upstash.setFault("none");
    }
  });
});

describe("holds stay exclusive when Redis is merely slow", () => {
  /**
   * Runs the 100-way race on a fresh slot while Redis is slow for `slowForMs` (every reply
   * `slowMs` late), then checks: exactly one client holds it, in Redis only; the fallback has
   * nothing; a sync finds no conflict; the holder can book.
   */
  /** A fresh slot whose offer is published (availability read), and an isolate to race in. */
  async function prepareRace(overrides: Record<string, string> = {}) {
    const c = await catalog();
    const prefix = `${uniqueId("ov")}:`;
    // A short cool-down: should a saturated machine make the confirming probes time out too (a
    // false "down"), the isolate comes back to Redis soon, and the race still ends.
    const api = isolate(prefix, { REDIS_COOLDOWN_MS: "1000", ...overrides });
    const start = slotAt(await slotsOver(api, c, c.date), "14:00");
    return { c, prefix, api, start };
  }

  async function race(
    { c, prefix, api, start }: Awaited<ReturnType<typeof prepareRace>>,
    options: { slowMs: number; slowForMs: number; afterHolds?: () => Promise<void> },
  ) {
    upstash.setFault("slow", { slowMs: options.slowMs });
    setTimeout(() => upstash.setFault("none"), options.slowForMs);
    let outcomes: Awaited<ReturnType<typeof holdUntilAnswered>>[];
    try {
      outcomes = await Promise.all(
        Array.from({ length: 100 }, () => holdUntilAnswered(api, c, start)),
      );
    } finally {
      await sleep(options.slowForMs);
      upstash.setFault("none");
      await options.afterHolds?.(); // the load beside the race stops before the checks
    }
    const winners = outcomes.filter((o) => o.status === 201 || o.status === 200);
    expect(winners).toHaveLength(1);
    expect(outcomes.filter((o) => o.status === 409)).toHaveLength(99);
    expect(await redisHoldsOf(prefix, c.staffId)).toHaveLength(1);
    // Even if the isolate failed over meanwhile, the fallback claimed nothing of this staff member;
    // the booking store has the one holder's claim, and no loser's.
    expect(await fallbackRowsOf(c.staffId)).toBe(0);
    const winnerHold = winners[0]?.body as { holdId: string } | undefined;
    const winnerKey = winnerHold?.holdId.slice(4, 20) ?? "";
    expect(await redisClaimsOf(c.staffId)).toEqual([`r:${winnerKey}`]);
    const sync = await api.admin("POST", "/v1/admin/sync");
    expect(await sync.json()).toMatchObject({
      mode: "redis",
      sync: { outcome: "synced", conflicts: 0 },
    });
    // The one holder's token works: it books. (A late timed-out attempt can no longer rotate it:
    // a repeated hold keeps its token, see docs/adr/0204-repeating-a-hold.md.)
    const winner = winners[0] as (typeof winners)[number];
    const hold = winner.body as { holdId: string; holdToken: string };
    const book = () =>
      api.json(
        "POST",
        "/v1/appointments",
        {
          holdId: hold.holdId,
          holdToken: hold.holdToken,
          customer: { name: "Race Winner", email: `${uniqueId("w")}@example.test` },
        },
        { "Idempotency-Key": uniqueId("idem-") },
      );
    const booked = await book();
    expect(booked.status, await booked.clone().text()).toBe(201);
    return outcomes;
  }

  it("100 parallel holds on one slot while every reply is late for a few hundred ms: exactly one holder, no fallback hold, no failback conflict", async () => {
    const outcomes = await race(await prepareRace(), { slowMs: TIMEOUT_MS + 200, slowForMs: 400 });
    // The window really made calls time out: clients were told to retry.
    expect(outcomes.reduce((n, o) => n + o.overloaded, 0)).toBeGreaterThan(0);
  }, 180_000);

  it("the same race with bench-like load beside it in the same isolate (availability, selects and holds of another staff member): exactly one holder", async () => {
    // The bench's timeout (1 s): with load beside it, every reply in the window is later still.
    const prepared = await prepareRace({ REDIS_TIMEOUT_MS: "1000" });
    const { api } = prepared;
    const other = await catalog();
    const otherSlots = (await slotsOver(api, other, other.date)).filter(
      (s) => s.state === "available",
    );
    const query = new URLSearchParams({
      serviceId: other.serviceId,
      staffId: other.staffId,
      from: other.date,
      to: other.date,
    });
    let running = true;
    const worker = async (i: number) => {
      while (running) {
        const slot = otherSlots[Math.floor(Math.random() * otherSlots.length)];
        if (i % 3 === 0) await api.request(`/v1/availability?${query}`);
        else
          await api.json("POST", i % 3 === 1 ? "/v1/slots/select" : "/v1/holds", {
            clientId: uniqueId("load_"),
            serviceId: other.serviceId,
            staffId: other.staffId,
            start: slot?.start,
          });
      }
    };
    const workers = Array.from({ length: 12 }, (_, i) => worker(i));
    const stop = async () => {
      running = false;
      await Promise.all(workers);
    };
    try {
      await sleep(200);
      await race(prepared, { slowMs: 1_200, slowForMs: 400, afterHolds: stop });
    } finally {
      await stop();
    }
  }, 180_000);
});

describe("load shedding", () => {
  it("answers 503 OVERLOADED with Retry-After once the isolate is full, and still admits bookings", async () => {
    const c = await catalog();
    const api = isolate(`${uniqueId("ov")}:`, {
      OVERLOAD_MAX_ACTIVE: "2",
      OVERLOAD_MAX_QUEUE: "0",
      OVERLOAD_CRITICAL_RESERVE: "2",
    });
    const start = slotAt(await slotsOver(api, c, c.date), "15:00");
    const held = await api.json("POST", "/v1/holds", {
      clientId: uniqueId("client_"),
      serviceId: c.serviceId,
      staffId: c.staffId,
      start,
    });
    expect(held.status).toBe(201);
    const { holdId, holdToken } = (await held.json()) as { holdId: string; holdToken: string };

    // Two slow availability reads fill the isolate (the booking store answers after 600 ms).
    planetscale.setFault("slow", { slowMs: 600 });
    try {
      const query = new URLSearchParams({ serviceId: c.serviceId, from: c.date, to: c.date });
      const busy = [
        api.request(`/v1/availability?${query}`),
        api.request(`/v1/availability?${query}`),
      ];
      await sleep(50);
      expect(api.services.admission?.load()).toEqual({ active: 2, waiting: 0 });
      const startedMs = performance.now();
      const shed = await api.request(`/v1/availability?${query}`);
      expect(performance.now() - startedMs).toBeLessThan(500); // at once, not after the reads
      expect(shed.headers.get("Retry-After")).toBe("1");
      await expectError(shed, 503, "OVERLOADED");
      // A booking is critical: it takes a reserved place.
      const booked = await api.json(
        "POST",
        "/v1/appointments",
        {
          holdId,
          holdToken,
          customer: { name: "Shed Last", email: `${uniqueId("s")}@example.test` },
        },
        { "Idempotency-Key": uniqueId("idem-") },
      );
      expect(booked.status, await booked.clone().text()).toBe(201);
      expect((await Promise.all(busy)).map((r) => r.status)).toEqual([200, 200]);
    } finally {
      planetscale.setFault("none");
    }
    const metrics = await api.admin("GET", "/v1/debug/metrics");
    expect(((await metrics.json()) as { shed: Record<string, number> }).shed).toEqual({
      "queue-full": 1,
    });
  });

  it("in fallback mode, calls past FALLBACK_MAX_SQL answer 503 OVERLOADED at once instead of waiting for the SQL timeout", async () => {
    const c = await catalog();
    const api = isolate(`${uniqueId("ov")}:`, {
      FALLBACK_MAX_SQL: "1",
      OVERLOAD_CRITICAL_RESERVE: "0",
    });
    const start = slotAt(await slotsOver(api, c, c.date), "16:00");
    upstash.setFault("refuse");
    planetscale.setFault("slow", { slowMs: 600 });
    try {
      const select = (clientId: string) =>
        api.json("POST", "/v1/slots/select", {
          clientId,
          serviceId: c.serviceId,
          staffId: c.staffId,
          start,
        });
      const first = select(uniqueId("client_"));
      await sleep(100);
      const startedMs = performance.now();
      const second = await select(uniqueId("client_"));
      expect(performance.now() - startedMs).toBeLessThan(500);
      expect(second.headers.get("Retry-After")).toBe("1");
      await expectError(second, 503, "OVERLOADED");
      expect((await first).status).toBe(200);
    } finally {
      upstash.setFault("none");
      planetscale.setFault("none");
    }
  });
});
