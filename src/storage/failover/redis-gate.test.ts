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

describe("RedisGate", () => {
  it("uses Redis until a call fails, then the fallback for the whole cool-down, without probing", async () => {
    const { g, clock, calls } = gate([UP]);
    expect(await g.choose()).toBe("redis");
    g.failed("hold", new Error("timeout"));
    expect(g.status()).toMatchObject({ mode: "fallback", failovers: 1 });
    clock.advance(COOLDOWN_MS - 1);
    expect(await g.choose()).toBe("fallback");
    expect(calls.probes).toBe(0);
  });

  it("after the cool-down, the next request probes and syncs, and only then returns to Redis", async () => {
    const { g, clock, calls } = gate([UP]);
    g.failed("hold", new Error("timeout"));
    clock.advance(COOLDOWN_MS);
    expect(await g.choose("req-1")).toBe("redis");
    expect(calls).toEqual({ probes: 1, syncs: ["request"] });
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
    expect(await g.choose()).toBe("fallback");
    expect(calls.syncs).toEqual([]);
    expect(g.status().cooldownUntilMs).toBe(clock.nowMs() + COOLDOWN_MS);
    clock.advance(COOLDOWN_MS);
    expect(await g.choose()).toBe("redis");
    expect(g.status().failovers).toBe(1); // still the same outage
  });

  it("stays on the fallback when the sync is busy elsewhere or fails", async () => {
    const { g, clock } = gate([UP], ["busy", "failed", "synced"]);
    g.failed("hold", new Error("timeout"));
    for (const expected of ["fallback", "fallback", "redis"] as const) {
      clock.advance(COOLDOWN_MS);
      expect(await g.choose()).toBe(expected);
    }
    expect(g.status().failbacks).toBe(1);
  });

  it("runs one check at a time: requests during a check use the fallback, concurrent checks share it", async () => {
    const { g, clock, calls } = gate([UP]);
    g.failed("hold", new Error("timeout"));
    clock.advance(COOLDOWN_MS);
    const first = g.choose();
    expect(await g.choose()).toBe("fallback");
    const cron = g.check("cron");
    expect(await first).toBe("redis");
    expect(await cron).toBe("redis");
    expect(calls.syncs).toEqual(["request"]);
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
