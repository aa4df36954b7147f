import { describe, expect, it } from "vitest";
import { addMonths, monthEnd, offsetOf, timeLabels, wallTime, weekday } from "./time.ts";

describe("the pages' time labels", () => {
  it("shows the staff member's wall time, read from the slot's own offset", () => {
    expect(wallTime("2026-12-07T10:00:00+01:00")).toBe("10:00");
    expect(offsetOf("2026-12-07T10:00:00-05:00")).toBe("-05:00");
    expect(offsetOf("2026-12-07T10:00:00Z")).toBe("+00:00");
  });

  it("labels a wall time that occurs twice on a DST day with its offset, and no other", () => {
    // Europe/Berlin on 25 October 2026: 02:00–03:00 happens twice (CEST, then CET).
    const starts = [
      "2026-10-25T01:30:00+02:00",
      "2026-10-25T02:30:00+02:00",
      "2026-10-25T02:30:00+01:00",
      "2026-10-25T03:30:00+01:00",
    ];
    expect([...timeLabels(starts).values()]).toEqual([
      "01:30",
      "02:30 (UTC+02:00)",
      "02:30 (UTC+01:00)",
      "03:30",
    ]);
  });

  it("walks months and weekdays on calendar dates", () => {
    expect(addMonths("2026-12-01", 1)).toBe("2027-01-01");
    expect(addMonths("2026-01-01", -1)).toBe("2025-12-01");
    expect(monthEnd("2028-02-10")).toBe("2028-02-29");
    expect(weekday("2026-12-07")).toBe(1);
    expect(weekday("2026-12-13")).toBe(7);
  });
});
