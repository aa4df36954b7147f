import { describe, expect, it, vi } from "vitest";
import { PollingSource, type Snapshot } from "./feed.ts";
import { capabilitiesOf } from "./roles.ts";
import { parseSession } from "./session.ts";

const NOW = Date.parse("2026-12-07T10:00:00Z");
const account = { id: "acc_1", email: "a@x.example", name: "A", role: "staff", staffId: "stf_1" };

describe("the kept business session", () => {
  it("is used while well formed and unexpired", () => {
    const raw = JSON.stringify({ token: "ae_bs_x", expiresAt: "2026-12-07T11:00:00Z", account });
    expect(parseSession(raw, NOW)?.account.staffId).toBe("stf_1");
  });

  it("is dropped when expired, malformed, not a business token or of an unknown role", () => {
    const ok = { token: "ae_bs_x", expiresAt: "2026-12-07T11:00:00Z", account };
    expect(parseSession(JSON.stringify({ ...ok, expiresAt: "2026-12-07T10:00:00Z" }), NOW)).toBe(
      undefined,
    );
    expect(parseSession(JSON.stringify({ ...ok, token: "ae_s_customer" }), NOW)).toBe(undefined);
    expect(
      parseSession(JSON.stringify({ ...ok, account: { ...account, role: "admin" } }), NOW),
    ).toBe(undefined);
    expect(parseSession("{not json", NOW)).toBe(undefined);
    expect(parseSession(null, NOW)).toBe(undefined);
  });
});

describe("what a role's app offers", () => {
  it("staff: attendance on its own days only; managers all but accounts; owners everything", () => {
    expect(capabilitiesOf("staff")).toEqual({
      everyone: false,
      cancel: false,
      reschedule: false,
      attendance: true,
      closures: false,
      settings: false,
      accounts: false,
      catalog: false,
      weeklyHours: false,
    });
    for (const role of ["owner", "manager"] as const) {
      expect(capabilitiesOf(role)).toEqual({
        everyone: true,
        cancel: true,
        reschedule: true,
        attendance: true,
        closures: true,
        settings: true,
        accounts: role === "owner",
        catalog: true,
        weeklyHours: true,
      });
    }
  });
});

describe("the polling day source", () => {
  const snapshot = (atMs: number): Snapshot => ({ appointments: [], closures: [], live: [], atMs });

  it("loads at once, then every interval, and not after stop", async () => {
    vi.useFakeTimers();
    try {
      let loads = 0;
      const seen: number[] = [];
      const source = new PollingSource(async () => snapshot(++loads), 1000);
      const stop = source.watch(
        { dates: ["2026-12-07"] },
        (s) => seen.push(s.atMs),
        () => {},
      );
      await vi.advanceTimersByTimeAsync(0);
      expect(seen).toEqual([1]);
      await vi.advanceTimersByTimeAsync(1000);
      expect(seen).toEqual([1, 2]);
      stop();
      await vi.advanceTimersByTimeAsync(5000);
      expect(seen).toEqual([1, 2]);
      expect(loads).toBe(2);
    } finally {
      vi.useRealTimers();
    }
  });

  it("reports a failed load and keeps polling", async () => {
    vi.useFakeTimers();
    try {
      let n = 0;
      const errors: string[] = [];
      const seen: number[] = [];
      const source = new PollingSource(async () => {
        n++;
        if (n === 1) throw new Error("down");
        return snapshot(n);
      }, 1000);
      const stop = source.watch(
        { dates: [] },
        (s) => seen.push(s.atMs),
        (e) => errors.push(e),
      );
      await vi.advanceTimersByTimeAsync(0);
      expect(errors).toEqual(["down"]);
      await vi.advanceTimersByTimeAsync(1000);
      expect(seen).toEqual([2]);
      stop();
    } finally {
      vi.useRealTimers();
    }
  });
});
