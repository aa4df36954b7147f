import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { Admission } from "./admission.ts";

const limits = { maxActive: 1, maxQueue: 10, queueTimeoutMs: 30_000, criticalReserve: 0 };

beforeEach(() => {
  vi.useFakeTimers();
  vi.setSystemTime(0);
});
afterEach(() => {
  vi.useRealTimers();
});

/** Enters as a request that is cancelled while it waits: none of its timers ever run. */
function enterCancelled(admission: Admission): void {
  const realSetTimeout = globalThis.setTimeout;
  globalThis.setTimeout = (() => 0) as unknown as typeof setTimeout;
  try {
    void admission.enter(false);
  } finally {
    globalThis.setTimeout = realSetTimeout;
  }
}

describe("Admission", () => {
  it("a waiter takes the place a release granted it, from its own timer", async () => {
    const admission = new Admission(limits);
    const first = admission.enter(false);
    expect(first).toMatchObject({ admitted: true });
    const second = admission.enter(false);
    expect(second).toBeInstanceOf(Promise);
    if ("release" in first) first.release();
    // Granted (counted as working), not yet taken: the releasing request woke nobody.
    expect(admission.load()).toEqual({ active: 1, waiting: 0 });
    await vi.advanceTimersByTimeAsync(100); // its longest pause between two looks
    expect(await second).toMatchObject({ admitted: true });
  });

  it("takes back the place granted to a request cancelled while it waited", async () => {
    const admission = new Admission(limits);
    const first = admission.enter(false);
    enterCancelled(admission);
    if ("release" in first) first.release(); // grants the cancelled waiter its place
    expect(admission.load()).toEqual({ active: 1, waiting: 0 });
    vi.setSystemTime(2_000);
    const next = admission.enter(false); // waits: the place may yet be taken
    expect(next).toBeInstanceOf(Promise);
    vi.setSystemTime(6_000);
    // Long past its look (the next arrival checks): the place goes to the request of 2 s.
    expect(admission.enter(false)).toBeInstanceOf(Promise);
    await vi.advanceTimersByTimeAsync(100);
    expect(await next).toMatchObject({ admitted: true });
  });

  it("drops a cancelled waiter from the head of the line instead of granting it", () => {
    const admission = new Admission(limits);
    const first = admission.enter(false);
    enterCancelled(admission);
    vi.setSystemTime(10_000);
    if ("release" in first) first.release(); // nobody alive waits: the place stays free
    expect(admission.load()).toEqual({ active: 0, waiting: 0 });
    expect(admission.enter(false)).toMatchObject({ admitted: true });
  });
});
