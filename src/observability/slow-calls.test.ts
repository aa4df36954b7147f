import { describe, expect, it } from "vitest";
import { FLUSH_INTERVAL_MS, SlowCalls } from "./slow-calls.ts";

function ledger(baselines: { redis: number | null; fallback: number | null }) {
  const clock = { ms: 0, nowMs: () => clock.ms };
  const slow = new SlowCalls({ thresholdMs: 100, baselineOf: (store) => baselines[store], clock });
  return { slow, clock };
}

describe("SlowCalls", () => {
  it("counts a call slow only beyond the threshold above the store's learned round trip", () => {
    const { slow } = ledger({ redis: 300, fallback: null });
    expect(slow.thresholdFor("redis")).toBe(400);
    expect(slow.thresholdFor("fallback")).toBe(100);
    expect(slow.record("redis", "hold", 400)).toBe(false);
    expect(slow.record("redis", "hold", 401)).toBe(true);
    expect(slow.record("fallback", "hold", 101)).toBe(true);
    expect(slow.record("fallback", "select", 100)).toBe(false);
    expect(slow.snapshot()).toEqual({ "redis:hold": 1, "fallback:hold": 1 });
  });

  it("hands the counts out at most once per interval, and takes back what was not written", () => {
    const { slow, clock } = ledger({ redis: 0, fallback: 0 });
    expect(slow.due()).toBeNull();
    slow.record("redis", "select", 500);
    slow.record("redis", "select", 500);
    const first = slow.due();
    expect(first).toEqual({ "redis:select": 2 });
    slow.record("redis", "hold", 500);
    expect(slow.due()).toBeNull();
    slow.giveBack(first as Record<string, number>);
    clock.ms += FLUSH_INTERVAL_MS;
    expect(slow.due()).toEqual({ "redis:hold": 1, "redis:select": 2 });
    expect(slow.snapshot()).toEqual({});
  });
});
