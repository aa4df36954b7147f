import { describe, expect, it } from "vitest";
import { closedOn, groupByDate, hoursOn, nextHours, utcRange, viewDates } from "./days.ts";

describe("admin day arithmetic", () => {
  it("a week runs Monday to Sunday around any of its days", () => {
    expect(viewDates("2026-12-10", "week")).toEqual([
      "2026-12-07",
      "2026-12-08",
      "2026-12-09",
      "2026-12-10",
      "2026-12-11",
      "2026-12-12",
      "2026-12-13",
    ]);
    expect(viewDates("2026-12-13", "week")[0]).toBe("2026-12-07");
    expect(viewDates("2026-12-07", "week")[6]).toBe("2026-12-13");
    expect(viewDates("2026-12-10", "day")).toEqual(["2026-12-10"]);
  });

  it("asks one UTC day more on each side (offsets reach ±14 h), `to` exclusive", () => {
    expect(utcRange(["2026-12-07"])).toEqual({ from: "2026-12-06", to: "2026-12-09" });
    expect(utcRange(viewDates("2026-12-10", "week"))).toEqual({
      from: "2026-12-06",
      to: "2026-12-15",
    });
  });

  it("groups by the local date of `start`, by time, and filters to one staff member", () => {
    const items = [
      { id: "b", staffId: "s1", start: "2026-12-07T10:00:00+01:00" },
      { id: "a", staffId: "s1", start: "2026-12-07T09:00:00+01:00" },
      // 23:30 local on the 7th is the 8th in UTC: still the 7th here.
      { id: "c", staffId: "s2", start: "2026-12-07T23:30:00-05:00" },
      { id: "d", staffId: "s1", start: "2026-12-06T10:00:00+01:00" },
    ];
    const all = groupByDate(items, ["2026-12-07"]);
    expect(all.get("2026-12-07")?.map((i) => i.id)).toEqual(["a", "b", "c"]);
    expect(all.has("2026-12-06")).toBe(false);
    expect(
      groupByDate(items, ["2026-12-07"], "s2")
        .get("2026-12-07")
        ?.map((i) => i.id),
    ).toEqual(["c"]);
  });

  it("finds the closure covering a date, ends inclusive", () => {
    const closures = [{ startDate: "2026-12-24", endDate: "2026-12-26", reason: "Christmas" }];
    expect(closedOn(closures, "2026-12-23")).toBeUndefined();
    expect(closedOn(closures, "2026-12-24")).toEqual({ reason: "Christmas" });
    expect(closedOn(closures, "2026-12-26")).toEqual({ reason: "Christmas" });
    expect(closedOn(closures, "2026-12-27")).toBeUndefined();
  });

  it("keeps the slots that start within the next hours", () => {
    const now = Date.parse("2026-12-07T10:00:00Z");
    const slots = [
      { start: "2026-12-07T09:30:00Z" },
      { start: "2026-12-07T10:00:00Z" },
      { start: "2026-12-07T12:59:00Z" },
      { start: "2026-12-07T13:00:00Z" },
    ];
    expect(nextHours(slots, now, 3).map((s) => s.start)).toEqual([
      "2026-12-07T10:00:00Z",
      "2026-12-07T12:59:00Z",
    ]);
  });
});

describe("a staff member's hours on a date", () => {
  const weekly = {
    monday: [
      { start: "09:00", end: "12:00" },
      { start: "13:00", end: "17:00" },
    ],
  };

  it("takes the weekday's weekly hours, none on a day without", () => {
    expect(hoursOn(weekly, [], "2026-12-07")).toEqual({
      intervals: weekly.monday,
      override: false,
    });
    expect(hoursOn(weekly, [], "2026-12-08")).toEqual({ intervals: [], override: false });
  });

  it("an override replaces them, `[]` being a day off", () => {
    const overrides = [
      { date: "2026-12-07", intervals: [] },
      { date: "2026-12-08", intervals: [{ start: "10:00", end: "14:00" }] },
    ];
    expect(hoursOn(weekly, overrides, "2026-12-07")).toEqual({ intervals: [], override: true });
    expect(hoursOn(weekly, overrides, "2026-12-08")).toEqual({
      intervals: [{ start: "10:00", end: "14:00" }],
      override: true,
    });
  });
});
