/**
 * The gate's state machine with a fixed clock, a scripted probe and a scripted sync (unit test:
 * the real probe and sync are exercised in failover.integration.test.ts).
 */
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { DOWN, FixedClock, UP } from "../../../test/fixtures/fakes.ts";
import type { ProbeResult, SyncReport, SyncTrigger } from "../../domain/health/store-status.ts";
import { RedisGate } from "./redis-gate.ts";

const COOLDOWN_MS = 10_000;

function report(trigger: SyncTrigger, outcome: SyncReport["outcome"], synced = 0): SyncReport {
  return {
    trigger,
    startedAtMs: 0,
    durationMs: 1,
    outcome,
    synced,
    conflicts: 0,
    alreadyInRedis: 0,
    offerFields: 0,
    idempotencyClaims: 0,
    rateEvents: 0,
  };
}

function gate(probes: ProbeResult[], outcomes: SyncReport["outcome"][] = []) {
  const clock = new FixedClock(1_000_000);
  const calls = { probes: 0, syncs: [] as SyncTrigger[] };
  const g = new RedisGate({
    clock,
    cooldownMs: COOLDOWN_MS,
    probe: {
      probe: async () => probes[Math.min(calls.probes++, probes.length - 1)] ?? UP,
    },
    sync: async (trigger) => {
      calls.syncs.push(trigger);
      return report(trigger, outcomes[calls.syncs.length - 1] ?? "synced", 2);
    },
  });
  return { g, clock, calls };
}

beforeEach(() => {
  vi.spyOn(console, "log").mockImplementation(() => undefined);
  vi.spyOn(console, "warn").mockImplementation(() => undefined);
});
afterEach(() => vi.restoreAllMocks());

/** Lets a check started in the background (by `choose`) finish. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

describe("RedisGate", () => {
  it("uses Redis until a call fails, then the fallback for the whole cool-down, without probing", () => {
    const { g, clock, calls } = gate([UP]);
    expect(g.choose()).toBe("redis");
    g.failed("hold", new Error("timeout"));
    expect(g.status()).toMatchObject({ mode: "fallback", failovers: 1 });
    clock.advance(COOLDOWN_MS - 1);
    expect(g.choose()).toBe("fallback");
    expect(calls.probes).toBe(0);
  });

  it("counts each failover once (live streams compare the count), across a failback", async () => {
    const { g, clock } = gate([UP]);
    expect(g.failoverCount()).toBe(0);
    g.failed("hold", new Error("refused"));
    g.failed("heartbeat", new Error("refused")); // already on the fallback: not a new failover
    expect(g.failoverCount()).toBe(1);
    clock.advance(COOLDOWN_MS);
    g.choose(); // the check runs: probe, sync, back on Redis
    await settle();
    expect(g.choose()).toBe("redis");
    expect(g.failoverCount()).toBe(1);
    g.failed("select", new Error("refused"));
    expect(g.failoverCount()).toBe(2);
  });

  it("after the cool-down, the next request starts the check in the background; Redis is used once the sync is done", async () => {
    const { g, clock, calls } = gate([UP]);
    g.failed("hold", new Error("timeout"));
    clock.advance(COOLDOWN_MS);
    const kept: Promise<unknown>[] = [];
    expect(g.choose("req-1", (work) => kept.push(work))).toBe("fallback");
    expect(kept).toHaveLength(1); // handed to waitUntil
    expect(g.choose("req-2")).toBe("fallback"); // during the check
    await Promise.all(kept);
    expect(calls).toEqual({ probes: 1, syncs: ["request"] });
    expect(g.choose("req-3")).toBe("redis");
    expect(g.status()).toMatchObject({
      mode: "redis",
      failovers: 1,
      failbacks: 1,
      cooldownUntilMs: null,
      lastSync: { outcome: "synced", synced: 2 },
      lastHealthCheck: { ok: true, trigger: "request" },
    });
  });

  it("a failed probe starts a new cool-down and runs no sync", async () => {
    const { g, clock, calls } = gate([DOWN, UP]);
    g.failed("hold", new Error("timeout"));
    clock.advance(COOLDOWN_MS);
    expect(g.choose()).toBe("fallback");
    await settle();
    expect(calls.syncs).toEqual([]);
    expect(g.status().cooldownUntilMs).toBe(clock.nowMs() + COOLDOWN_MS);
    clock.advance(COOLDOWN_MS);
    g.choose();
    await settle();
    expect(g.choose()).toBe("redis");
    expect(g.status().failovers).toBe(1); // still the same outage
  });

  it("stays on the fallback when the sync is busy elsewhere or fails", async () => {
    const { g, clock } = gate([UP], ["busy", "failed", "synced"]);
    g.failed("hold", new Error("timeout"));
    for (const expected of ["fallback", "fallback", "redis"] as const) {
      clock.advance(COOLDOWN_MS);
      g.choose();
      await settle();
      expect(g.choose()).toBe(expected);
    }
    expect(g.status().failbacks).toBe(1);
  });

  it("runs one check at a time: a cron check during a request's check shares it", async () => {
    const { g, clock, calls } = gate([UP]);
    g.failed("hold", new Error("timeout"));
    clock.advance(COOLDOWN_MS);
    expect(g.choose()).toBe("fallback");
    expect(await g.check("cron")).toBe("redis");
    expect(calls.syncs).toEqual(["request"]);
  });

  it("a call that fails while a check runs keeps its cool-down: the check does not switch back", async () => {
    const { g, clock } = gate([UP]);
    g.failed("hold", new Error("timeout"));
    clock.advance(COOLDOWN_MS);
    const check = g.check("cron");
    clock.advance(1);
    g.failed("select", new Error("timeout"));
    expect(await check).toBe("fallback");
    expect(g.status()).toMatchObject({ mode: "fallback", failbacks: 0 });
  });

  it("returns to Redis when only MySQL failed the sync: the fallback could serve nothing", async () => {
    const clock = new FixedClock(1_000_000);
    const g = new RedisGate({
      clock,
      cooldownMs: COOLDOWN_MS,
      probe: { probe: async () => UP },
      sync: async (trigger) => ({ ...report(trigger, "failed"), fallbackUnreachable: true }),
    });
    g.failed("hold", new Error("timeout"));
    clock.advance(COOLDOWN_MS);
    expect(await g.check("cron")).toBe("redis");
    expect(g.status()).toMatchObject({ mode: "redis", failbacks: 1 });
  });

  it("forgets a check that never settles after 45 s, so it cannot pin the isolate to the fallback", async () => {
    const clock = new FixedClock(1_000_000);
    let probes = 0;
    const g = new RedisGate({
      clock,
      cooldownMs: COOLDOWN_MS,
      probe: {
        probe: () => {
          probes++;
          return probes === 1 ? new Promise<never>(() => {}) : Promise.resolve(UP);
        },
      },
      sync: async (trigger) => report(trigger, "synced"),
    });
    g.failed("hold", new Error("timeout"));
    clock.advance(COOLDOWN_MS);
    expect(g.choose()).toBe("fallback"); // starts the check that hangs
    clock.advance(45_000);
    expect(g.choose()).toBe("fallback"); // still within its deadline: no second check
    expect(probes).toBe(1);
    clock.advance(1);
    expect(g.choose()).toBe("fallback"); // the hung check is forgotten; a new one starts
    await settle();
    expect(probes).toBe(2);
    expect(g.choose()).toBe("redis");
  });

  it("cron checks in Redis mode too (moving what other isolates left), and a failed health probe fails over", async () => {
    const { g, calls } = gate([UP]);
    expect(await g.check("cron")).toBe("redis");
    expect(calls.syncs).toEqual(["cron"]);
    expect(g.status().failbacks).toBe(0);
    expect(g.observe(DOWN)).toBe("fallback");
    expect(g.status()).toMatchObject({ failovers: 1, lastFailure: { operation: "health-probe" } });
  });
});

describe("RedisGate: down versus busy after a timeout", () => {
  const timeout = () =>
    new DOMException("The operation was aborted due to timeout", "TimeoutError");

  /** A gate with a confirming probe that answers when the test says (`answer`). */
  function triageGate(busyInflight = 4) {
    const clock = new FixedClock(1_000_000);
    const answers: ((result: ProbeResult) => void)[] = [];
    let confirms = 0;
    const kept: Promise<unknown>[] = [];
    const g = new RedisGate({
      clock,
      cooldownMs: COOLDOWN_MS,
      probe: { probe: async () => UP },
      sync: async (trigger) => report(trigger, "synced"),
      busyInflight,
      downAfterMs: 3_000,
      confirmProbe: {
        probe: () => {
          confirms++;
          return new Promise<ProbeResult>((resolve) => {
            answers.push(resolve);
          });
        },
      },
    });
    const waitUntil = (work: Promise<unknown>) => kept.push(work);
    /** Answers the latest probe, once it has been sent. */
    const answer = async (r: ProbeResult) => {
      for (let i = 0; i < 10 && answers.length < confirms; i++) await settle();
      answers[confirms - 1]?.(r);
      await settle();
    };
    return { g, clock, kept, waitUntil, answer, confirms: () => confirms };
  }

  it("a refused connection, a 5xx or garbage is down at once, whatever the load", () => {
    const { g } = triageGate(1);
    g.callStarted();
    const call = g.sending();
    expect(g.failed("hold", new Error("fetch failed"), "r", { call })).toBe("down");
    expect(g.status()).toMatchObject({ mode: "fallback", failovers: 1, busyTimeouts: 0 });
  });

  it("a timeout in a quiet isolate with no answer since it was sent is down at once (a frozen Redis)", () => {
    const { g, clock, confirms } = triageGate();
    const call = g.sending();
    g.callStarted();
    clock.advance(300);
    g.callFinished(false);
    expect(g.failed("hold", timeout(), "r", { call })).toBe("down");
    expect(confirms()).toBe(0);
    expect(g.status()).toMatchObject({ mode: "fallback", failovers: 1 });
  });

  it("a timeout is busy when Redis answered another call after it was sent: no failover, no probe", () => {
    const { g, clock, confirms } = triageGate();
    const call = g.sending();
    g.callStarted();
    g.callStarted();
    clock.advance(100);
    g.callFinished(true); // another call was answered meanwhile
    clock.advance(200);
    g.callFinished(false);
    expect(g.failed("hold", timeout(), "r", { call })).toBe("busy");
    expect(confirms()).toBe(0);
    expect(g.status()).toMatchObject({
      mode: "redis",
      failovers: 0,
      busyTimeouts: 1,
      lastBusy: { operation: "hold", by: "answer" },
    });
  });

  it("under load, a timeout with no answer is busy while a confirming probe decides; a probe that answers keeps Redis", async () => {
    const { g, clock, kept, waitUntil, answer, confirms } = triageGate(4);
    for (let i = 0; i < 5; i++) g.callStarted();
    const call = g.sending();
    clock.advance(300);
    expect(g.failed("hold", timeout(), "r1", { call, waitUntil })).toBe("busy");
    expect(g.failed("hold", timeout(), "r2", { call, waitUntil })).toBe("busy");
    expect(confirms()).toBe(1); // single-flight
    expect(g.status()).toMatchObject({ confirming: true, lastBusy: { by: "probe" } });
    await answer({ ok: true, latencyMs: 450 });
    await Promise.all(kept);
    expect(g.status()).toMatchObject({
      mode: "redis",
      failovers: 0,
      confirming: false,
      lastHealthCheck: { trigger: "confirm", ok: true },
    });
  });

  it("under load, confirming probes that time out fail over once Redis has answered nothing for REDIS_DOWN_AFTER_MS (a frozen Redis under load)", async () => {
    const { g, clock, kept, waitUntil, answer, confirms } = triageGate(4);
    for (let i = 0; i < 5; i++) g.callStarted();
    const call = g.sending();
    clock.advance(300);
    expect(g.failed("hold", timeout(), "r1", { call, waitUntil })).toBe("busy");
    clock.advance(2_000);
    await answer({ ok: false, latencyMs: 2_000, error: "timeout", timedOut: true });
    expect(g.status()).toMatchObject({ mode: "redis", confirming: true }); // 2 s of silence
    clock.advance(2_000);
    await answer({ ok: false, latencyMs: 2_000, error: "timeout", timedOut: true });
    expect(confirms()).toBe(2); // 4 s ≥ 3 s: down
    await Promise.all(kept);
    expect(g.status()).toMatchObject({
      mode: "fallback",
      failovers: 1,
      lastFailure: { operation: "confirm-probe" },
    });
  });

  it("a failed probe does not fail over when another call was answered while it ran", async () => {
    const { g, clock, kept, waitUntil, answer } = triageGate(4);
    for (let i = 0; i < 5; i++) g.callStarted();
    const call = g.sending();
    clock.advance(300);
    g.failed("hold", timeout(), "r1", { call, waitUntil });
    clock.advance(100);
    g.callFinished(true);
    await answer({ ok: false, latencyMs: 2_000, error: "timeout", timedOut: true });
    await Promise.all(kept);
    expect(g.status()).toMatchObject({ mode: "redis", failovers: 0 });
  });

  it("a health probe that timed out under load is triaged like any call", () => {
    const { g, clock } = triageGate(4);
    g.callStarted();
    clock.advance(50);
    g.callFinished(true);
    clock.advance(10);
    // Sent 300 ms ago, before that answer: Redis is alive.
    expect(g.observe({ ok: false, latencyMs: 300, error: "timeout", timedOut: true })).toBe(
      "redis",
    );
    expect(g.status()).toMatchObject({ failovers: 0, busyTimeouts: 1 });
    expect(g.observe({ ok: false, latencyMs: 3, error: "fetch failed" })).toBe("fallback");
  });

  it("remembers staff members whose claims timed out as busy until the failback, not after a probe that finds Redis alive", async () => {
    const { g, clock, kept, waitUntil, answer } = triageGate(4);
    g.markUncertain("stf_a");
    expect(g.isUncertain("stf_a")).toBe(true);
    expect(g.isUncertain("stf_b")).toBe(false);
    for (let i = 0; i < 5; i++) g.callStarted();
    const call = g.sending();
    clock.advance(300);
    g.failed("hold", timeout(), "r1", { call, waitUntil });
    await answer({ ok: true, latencyMs: 400 });
    await Promise.all(kept);
    expect(g.isUncertain("stf_a")).toBe(false); // alive: the isolate stays where the claim is

    g.markUncertain("stf_a");
    g.failed("hold", new Error("fetch failed"));
    expect(g.isUncertain("stf_a")).toBe(true); // down: the fallback must not claim stf_a
    clock.advance(COOLDOWN_MS);
    await g.check("admin");
    expect(g.status().mode).toBe("redis");
    expect(g.isUncertain("stf_a")).toBe(false);
  });
});

describe("RedisGate alerts (docs/adr/1201-system-alerts.md)", () => {
  function alerting(probes: ProbeResult[], outcomes: SyncReport["outcome"][] = []) {
    const clock = new FixedClock(1_000_000);
    const seen = { down: [] as string[], up: [] as SyncReport[], syncs: 0 };
    const g = new RedisGate({
      clock,
      cooldownMs: COOLDOWN_MS,
      probe: { probe: async () => probes.shift() ?? UP },
      sync: async (trigger) => report(trigger, outcomes[seen.syncs++] ?? "synced", 3),
      alerts: {
        down: async (failure) => void seen.down.push(`${failure.operation}: ${failure.error}`),
        up: async (sync) => void seen.up.push(sync),
      },
    });
    return { g, clock, seen };
  }

  it("a failover alerts once, in the background of the request that saw it; without one, nothing starts", async () => {
    const { g, seen } = alerting([]);
    const background: Promise<unknown>[] = [];
    const call = { sentAtMs: 0, inflight: 1 };
    g.failed("hold", new Error("refused"), "r1", { call, waitUntil: (w) => background.push(w) });
    g.failed("select", new Error("refused"), "r2", { call, waitUntil: (w) => background.push(w) });
    await Promise.all(background);
    expect(background).toHaveLength(1);
    expect(seen.down).toEqual(["hold: refused"]);

    const quiet = alerting([]);
    quiet.g.failed("hold", new Error("refused"));
    await settle();
    expect(quiet.seen.down).toEqual([]);
  });

  it("the cron's check alerts at every failure (the incident deduplicates); a request's check in fallback mode does not", async () => {
    const { g, clock, seen } = alerting([DOWN, DOWN, DOWN]);
    expect(await g.check("cron")).toBe("fallback");
    clock.advance(COOLDOWN_MS);
    expect(await g.check("request")).toBe("fallback");
    expect(await g.check("cron")).toBe("fallback");
    expect(seen.down).toHaveLength(2);
    expect(seen.down[0]).toMatch(/^health-check: /);
  });

  it("each check whose sync completes in Redis mode reports the recovery with the sync's report; a busy sync does not", async () => {
    const { g, clock, seen } = alerting([UP, UP, UP], ["busy", "synced", "synced"]);
    g.failed("hold", new Error("refused"));
    clock.advance(COOLDOWN_MS);
    expect(await g.check("request")).toBe("fallback"); // busy: another isolate is syncing
    expect(seen.up).toEqual([]);
    clock.advance(COOLDOWN_MS);
    expect(await g.check("admin")).toBe("redis");
    expect(await g.check("cron")).toBe("redis");
    expect(seen.up.map((r) => [r.trigger, r.outcome, r.synced])).toEqual([
      ["admin", "synced", 3],
      ["cron", "synced", 3],
    ]);
  });

  it("an alert that fails never fails the gate", async () => {
    const clock = new FixedClock(1_000_000);
    const g = new RedisGate({
      clock,
      cooldownMs: COOLDOWN_MS,
      probe: { probe: async () => UP },
      sync: async (trigger) => report(trigger, "synced"),
      alerts: {
        down: () => Promise.reject(new Error("mysql down")),
        up: () => Promise.reject(new Error("mysql down")),
      },
    });
    const background: Promise<unknown>[] = [];
    g.failed("hold", new Error("refused"), "r1", {
      call: { sentAtMs: 0, inflight: 1 },
      waitUntil: (w) => background.push(w),
    });
    await expect(Promise.all(background)).resolves.toEqual([undefined]);
    clock.advance(COOLDOWN_MS);
    expect(await g.check("cron")).toBe("redis");
  });
});
