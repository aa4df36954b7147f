/**
 * The gate's state machine with a fixed clock, a scripted probe and a scripted sync (unit test:
 * the real probe and sync are exercised in failover.integration.test.ts).
 */
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { DOWN, FixedClock, UP } from "../../../test/fakes.ts";
import type { ProbeResult, SyncReport, SyncTrigger } from "../../domain/ports.ts";
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
