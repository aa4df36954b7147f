import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { Admission, isCritical, type Screening } from "./admission.ts";

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

/** A valid request: an admin call with the right token, or one that passed its own schemas. */
const passed: Screening = { admin: true, wellFormed: true };
/** Junk: no (or a wrong) admin token, a body or headers its operation refuses. */
const junk: Screening = { admin: false, wellFormed: false };

/** Every kind of critical request (src/runtime/admission.ts), as method and concrete path. */
const CRITICAL_PATHS: [method: string, path: string][] = [
  ["GET", "/v1/admin/anything"],
  ["POST", "/v1/admin/sync"],
  ["DELETE", "/v1/admin/services/svc_x"],
  ["POST", "/v1/appointments"],
  ["POST", "/v1/appointments/apt_x/cancel"],
  ["POST", "/v1/appointments/apt_x/reschedule"],
  ["DELETE", "/v1/holds/hld_x"],
];

describe("critical requests", () => {
  it("with the queue full of junk to critical paths, a valid booking is granted before any of them", async () => {
    const admission = new Admission({
      maxActive: 1,
      maxQueue: 100,
      queueTimeoutMs: 30_000,
      criticalReserve: 1,
    });
    const normal = admission.enter(false);
    const reserved = admission.enter(isCritical("POST", "/v1/appointments", passed));
    expect([normal, reserved]).toMatchObject([{ admitted: true }, { admitted: true }]);
    // More junk than the places a release grants among (GRANT_AMONG), so order decides.
    let junkAdmitted = 0;
    for (let i = 0; i < 40; i++) {
      const [method, path] = CRITICAL_PATHS[i % CRITICAL_PATHS.length] ?? ["GET", "/"];
      void Promise.resolve(admission.enter(isCritical(method, path, junk))).then((outcome) => {
        if (outcome.admitted) junkAdmitted++;
      });
    }
    let booked = false;
    void Promise.resolve(admission.enter(isCritical("POST", "/v1/appointments", passed))).then(
      (outcome) => {
        booked = outcome.admitted;
      },
    );
    expect(admission.load()).toEqual({ active: 2, waiting: 41 });
    if ("release" in reserved) reserved.release();
    await vi.advanceTimersByTimeAsync(1_000);
    expect({ booked, junkAdmitted }).toEqual({ booked: true, junkAdmitted: 0 });
    expect(admission.load()).toEqual({ active: 2, waiting: 40 });
  });

  it.each(CRITICAL_PATHS)("%s %s is critical only once it passed its checks", (method, path) => {
    const admin = path.startsWith("/v1/admin/");
    expect(isCritical(method, path, passed)).toBe(true);
    expect(isCritical(method, path, junk)).toBe(false);
    // An admin call is critical for its token, whatever its body; any other only for its
    // credentials and body, never for an admin flag it cannot have.
    expect(isCritical(method, path, { admin: true, wellFormed: false })).toBe(admin);
    expect(isCritical(method, path, { admin: false, wellFormed: true })).toBe(!admin);
  });

  it.each([
    ["GET", "/v1/availability"],
    ["POST", "/v1/holds"],
    ["GET", "/v1/appointments/apt_x"],
    ["GET", "/v1/debug/metrics"],
    ["GET", "/v1/admin"],
  ])("%s %s is never critical", (method, path) => {
    expect(isCritical(method, path, passed)).toBe(false);
  });
});
