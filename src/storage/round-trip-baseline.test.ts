/**
 * The learned timeout with a fixed clock (unit test: the clients that report to it are tested in
 * src/storage/redis/client.test.ts and src/storage/mysql/client.test.ts, the whole path in
 * src/storage/failover/distance.integration.test.ts).
 */
import { describe, expect, it } from "vitest";
import { FixedClock } from "../../test/fixtures/fakes.ts";
import {
  atLeast,
  COLD_ROUND_TRIP_MS,
  ROUND_TRIPS_PER_CALL,
  RoundTripBaseline,
  timeoutFor,
  WINDOW_ANSWERS,
  WINDOW_MS,
} from "./round-trip-baseline.ts";

const FLOOR_MS = 300;

function baseline(floorMs = FLOOR_MS) {
  const clock = new FixedClock(1_000_000);
  return { rtt: new RoundTripBaseline({ floorMs, clock }), clock };
}

/** Reports `durations` one second apart. */
function answer(
  b: ReturnType<typeof baseline>,
  durations: number[],
  everyMs = 1_000,
): ReturnType<typeof baseline> {
  for (const durationMs of durations) {
    b.clock.advance(everyMs);
    b.rtt.answered(durationMs);
  }
  return b;
}

describe("timeoutFor: floor + k × baseline", () => {
  it("is the floor plus three round trips, rounded up to a whole millisecond", () => {
    expect(ROUND_TRIPS_PER_CALL).toBe(3);
    expect(timeoutFor(300, 400)).toBe(1_500);
    expect(timeoutFor(300, 2)).toBe(306);
    expect(timeoutFor(300, 0.4)).toBe(302);
    expect(timeoutFor(5_000, 150)).toBe(5_450);
  });

  it("before any answer, presumes the farthest expected round trip (the cold rule)", () => {
    expect(COLD_ROUND_TRIP_MS).toBe(300);
    expect(timeoutFor(300, null)).toBe(1_200);
    expect(timeoutFor(5_000, null)).toBe(5_900);
    // A fault test's low floor keeps a hang on a fresh isolate short.
    expect(timeoutFor(250, null)).toBe(1_150);
  });
});

describe("RoundTripBaseline", () => {
  it("has no baseline before the first answer, and answers the cold timeout", () => {
    const { rtt } = baseline();
    expect(rtt.baselineMs()).toBeNull();
    expect(rtt.timeoutMs()).toBe(FLOOR_MS + ROUND_TRIPS_PER_CALL * COLD_ROUND_TRIP_MS);
  });

  it("learns the distance as the minimum answer: slowness and queueing only add to it", () => {
    const { rtt } = answer(baseline(), [1_210, 430, 404, 950, 401, 2_600, 415]);
    expect(rtt.baselineMs()).toBe(401);
    expect(rtt.timeoutMs()).toBe(FLOOR_MS + 3 * 401);
  });

  it("a store next door keeps the timeout near the floor", () => {
    const { rtt } = answer(baseline(), [9, 2, 3]);
    expect(rtt.timeoutMs()).toBe(306);
  });

  it("follows a move closer at the first answer", () => {
    const b = answer(baseline(), [400, 410, 405]);
    expect(b.rtt.baselineMs()).toBe(400);
    answer(b, [40]);
    expect(b.rtt.baselineMs()).toBe(40);
    expect(b.rtt.timeoutMs()).toBe(420);
  });

  it("follows a move farther once the shorter answers are older than the window", () => {
    const b = answer(baseline(), [40, 42]);
    // Moved: every answer now takes 400 ms. Within the window the old minimum stands.
    answer(b, [400, 410, 400], 5_000);
    expect(b.rtt.baselineMs()).toBe(40);
    b.clock.advance(WINDOW_MS - 15_000 + 1); // the 42 ms answer is now just older than the window
    expect(b.rtt.baselineMs()).toBe(400);
    expect(b.rtt.timeoutMs()).toBe(1_500);
  });

  it("follows a move farther after the window's count of answers, however quick they come", () => {
    const b = answer(baseline(), [40]);
    answer(b, Array(WINDOW_ANSWERS - 1).fill(400), 1);
    expect(b.rtt.baselineMs()).toBe(40);
    answer(b, [400], 1);
    expect(b.rtt.baselineMs()).toBe(400);
  });

  it("keeps the latest answer, whatever its age: a quiet isolate does not go cold again", () => {
    const b = answer(baseline(), [45, 40]);
    b.clock.advance(10 * WINDOW_MS);
    expect(b.rtt.baselineMs()).toBe(40);
    answer(b, [380]);
    expect(b.rtt.baselineMs()).toBe(380); // only the latest is in the window now
  });

  it("counts only what it is told: failures never reach it, and nonsense durations are ignored", () => {
    const b = answer(baseline(), [400]);
    for (const bad of [Number.NaN, -1, Number.POSITIVE_INFINITY]) b.rtt.answered(bad);
    expect(b.rtt.baselineMs()).toBe(400);
  });
});

describe("atLeast: a probe's own budget", () => {
  it("never goes below the learned timeout, and teaches the same baseline", () => {
    const b = baseline();
    const probe = atLeast(2_000, b.rtt);
    expect(probe.timeoutMs()).toBe(2_000);
    probe.answered(700);
    expect(b.rtt.baselineMs()).toBe(700);
    expect(b.rtt.timeoutMs()).toBe(2_400);
    expect(probe.timeoutMs()).toBe(2_400);
  });
});
