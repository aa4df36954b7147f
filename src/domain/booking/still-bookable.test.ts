import { describe, expect, it } from "vitest";
import type { AvailabilityData } from "../availability/availability-data.ts";
import { DEFAULT_SETTINGS } from "../settings/settings.ts";
import { stillBookable } from "./still-bookable.ts";

const BERLIN = "Europe/Berlin";
// Wednesday 2027-03-10, Berlin is UTC+1: 10:00 local = 09:00Z.
const TEN = Date.parse("2027-03-10T09:00:00Z");
const NOW = Date.parse("2027-03-01T08:00:00Z");
const DAY = [{ startMin: 9 * 60, endMin: 12 * 60 }];

function data(changes: Partial<AvailabilityData> = {}, overrides = new Map()): AvailabilityData {
  return {
    settings: { ...DEFAULT_SETTINGS, timeZone: BERLIN, slotIntervalMin: 15, minNoticeMin: 60 },
    service: { id: "svc_x", durationMin: 60, bufferBeforeMin: 0, bufferAfterMin: 0 },
    staff: [{ staffId: "stf_x", timeZone: null, weekly: { 3: DAY }, overrides, busy: [] }],
    closures: [],
    ...changes,
  };
}

describe("stillBookable: the availability engine's rules at booking time", () => {
  const slot = { startMs: TEN, offsetMin: 60 };

  it("passes a slot inside working time and names the dates to read (±1 day)", () => {
    const check = stillBookable([slot], NOW);
    expect(check.dates).toEqual(["2027-03-09", "2027-03-10", "2027-03-11"]);
    expect(check.check(data())).toBeNull();
  });

  it("refuses a closure, a day off, shorter hours, the notice and the horizon", () => {
    const check = (nowMs: number, d: AvailabilityData) => stillBookable([slot], nowMs).check(d);
    const closed = data({
      closures: [{ id: "c", startDate: "2027-03-10", endDate: "2027-03-10", reason: "" }],
    });
    expect(check(NOW, closed)).toMatch(/no longer bookable/);
    expect(check(NOW, data({}, new Map([["2027-03-10", []]])))).toMatch(/no longer bookable/);
    const short = new Map([["2027-03-10", [{ startMin: 9 * 60, endMin: 10 * 60 + 30 }]]]);
    expect(check(NOW, data({}, short))).toMatch(/no longer bookable/);
    expect(check(TEN - 59 * 60_000, data())).toMatch(/no longer bookable/);
    expect(check(TEN - 60 * 60_000, data())).toBeNull();
    expect(check(TEN - 91 * 86_400_000, data())).toMatch(/no longer bookable/);
  });

  it("does not re-check the slot grid: a 10:05 hold survives a move to a 30-minute grid", () => {
    const offGrid = { startMs: TEN + 5 * 60_000, offsetMin: 60 };
    const d = data();
    d.settings = { ...d.settings, slotIntervalMin: 30 };
    expect(stillBookable([offGrid], NOW).check(d)).toBeNull();
  });

  it("checks every slot of a multi-slot hold", () => {
    const late = { startMs: TEN + 2 * 3_600_000, offsetMin: 60 }; // 12:00–13:00: past the hours
    expect(stillBookable([slot, late], NOW).check(data())).toMatch(/no longer bookable/);
  });
});
