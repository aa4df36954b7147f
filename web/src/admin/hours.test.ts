import { describe, expect, it } from "vitest";
import {
  checkDay,
  minuteOf,
  type PreviewInput,
  previewHours,
  stretches,
  toApiWeekly,
  zonedInstant,
} from "./hours.ts";

const iv = (start: string, end: string) => ({ start, end });
const utc = (date: string, minute: number) => Date.parse(`${date}T00:00:00Z`) + minute * 60_000;

/** 2026-12-07 is a Monday. */
function input(overrides: Partial<PreviewInput> = {}): PreviewInput {
  return {
    dates: ["2026-12-07", "2026-12-08"],
    current: { monday: [iv("09:00", "12:00")], tuesday: [iv("09:00", "10:00")] },
    draft: { monday: [iv("09:00", "11:00")], tuesday: [iv("09:00", "10:00")] },
    overrides: [],
    closures: [],
    appointments: [],
    service: { durationMin: 30, bufferBeforeMin: 0, bufferAfterMin: 0 },
    gridMin: 15,
    earliestMs: 0,
    horizonEndMs: Number.POSITIVE_INFINITY,
    instantOf: utc,
    ...overrides,
  };
}

describe("a weekday's intervals, checked before sending", () => {
  it("accepts intervals with a break between them, and touching ones", () => {
    expect(checkDay([iv("09:00", "12:00"), iv("13:00", "17:00")], 15)).toEqual([]);
    expect(checkDay([iv("09:00", "12:00"), iv("12:00", "17:00")], 15)).toEqual([]);
    expect(checkDay([iv("18:00", "00:00")], 15)).toEqual([]);
  });

  it("names the row and field of each problem", () => {
    expect(checkDay([iv("", "12:00")], 15)).toEqual([
      { index: 0, field: "start", problem: "required" },
    ]);
    expect(checkDay([iv("12:00", "09:00")], 15)).toEqual([
      { index: 0, field: "end", problem: "endAfterStart" },
    ]);
    expect(checkDay([iv("09:00", "12:00"), iv("11:00", "13:00")], 15)).toEqual([
      { index: 1, field: "start", problem: "overlaps" },
    ]);
    expect(checkDay([iv("09:07", "12:00")], 15)).toEqual([
      { index: 0, field: "start", problem: "offGrid" },
    ]);
    expect(checkDay([iv("09:00", "12:10")], 15)).toEqual([
      { index: 0, field: "end", problem: "offGrid" },
    ]);
  });

  it("reads times strictly; an end of 00:00 is the day's end", () => {
    expect(minuteOf("09:30")).toBe(570);
    expect(minuteOf("00:00")).toBe(0);
    expect(minuteOf("00:00", true)).toBe(1440);
    expect(minuteOf("9:30")).toBeUndefined();
    expect(minuteOf("10:75")).toBeUndefined();
  });

  it("sends sorted days, midnight as 24:00, no empty days; joins touching stretches", () => {
    expect(
      toApiWeekly({ monday: [iv("13:00", "00:00"), iv("09:00", "12:00")], tuesday: [] }),
    ).toEqual({ monday: [iv("09:00", "12:00"), iv("13:00", "24:00")] });
    expect(stretches([iv("12:00", "14:00"), iv("09:00", "12:00"), iv("15:00", "16:00")])).toEqual([
      { startMin: 540, endMin: 840 },
      { startMin: 900, endMin: 960 },
    ]);
  });
});

describe("the effect of new weekly hours", () => {
  it("counts bookable starts before and after on the grid (30 minutes, every 15)", () => {
    const [monday, tuesday] = previewHours(input());
    // 09:00–12:00: starts 09:00 … 11:30 = 11; 09:00–11:00: 09:00 … 10:30 = 7.
    expect(monday).toMatchObject({ date: "2026-12-07", before: 11, after: 7, outside: [] });
    expect(tuesday).toMatchObject({ before: 3, after: 3 });
  });

  it("names a confirmed appointment the new hours leave outside, and not the booked time as bookable", () => {
    const appointments = [
      {
        id: "apt_late",
        start: "2026-12-07T11:00:00+00:00",
        end: "2026-12-07T11:30:00+00:00",
        bufferBeforeMin: 0,
        bufferAfterMin: 0,
      },
      {
        id: "apt_early",
        start: "2026-12-07T09:00:00+00:00",
        end: "2026-12-07T09:30:00+00:00",
        bufferBeforeMin: 0,
        bufferAfterMin: 15,
      },
    ];
    const [monday] = previewHours(input({ appointments }));
    expect(monday?.outside).toEqual(["apt_late"]);
    // Before: 11 minus those overlapping 09:00–09:45 (09:00, 09:15, 09:30) and 11:00–11:30
    // (10:45, 11:00, 11:15): 5. After: 7 minus 09:00, 09:15, 09:30 (10:30 ends as 11:00 begins): 4.
    expect(monday).toMatchObject({ before: 5, after: 4 });
  });

  it("keeps a date override's hours, counts nothing on a closed date", () => {
    const [monday, tuesday] = previewHours(
      input({
        overrides: [{ date: "2026-12-07", intervals: [iv("14:00", "15:00")] }],
        closures: [{ startDate: "2026-12-08", endDate: "2026-12-08" }],
      }),
    );
    expect(monday).toMatchObject({
      override: true,
      before: 3,
      after: 3,
      hours: [iv("14:00", "15:00")],
    });
    expect(tuesday).toMatchObject({ closed: true, before: 0, after: 0 });
  });

  it("honours the notice, the horizon, and buffers at the stretch's edges", () => {
    const [monday] = previewHours(
      input({
        earliestMs: utc("2026-12-07", 10 * 60),
        horizonEndMs: utc("2026-12-07", 11 * 60),
        current: { monday: [iv("09:00", "12:00")] },
        draft: { monday: [iv("09:00", "12:00")] },
        service: { durationMin: 30, bufferBeforeMin: 15, bufferAfterMin: 15 },
      }),
    );
    // Starts 09:15 … 11:15 fit the buffers; notice and horizon leave 10:00 … 10:45.
    expect(monday).toMatchObject({ before: 4, after: 4 });
  });

  it("turns a wall time in a zone into its instant, across a daylight-saving change", () => {
    expect(new Date(zonedInstant("2026-12-07", 9 * 60, "Europe/Berlin")).toISOString()).toBe(
      "2026-12-07T08:00:00.000Z",
    );
    expect(new Date(zonedInstant("2026-07-07", 9 * 60, "Europe/Berlin")).toISOString()).toBe(
      "2026-07-07T07:00:00.000Z",
    );
    expect(new Date(zonedInstant("2026-03-29", 12 * 60, "Europe/Berlin")).toISOString()).toBe(
      "2026-03-29T10:00:00.000Z",
    );
    expect(new Date(zonedInstant("2026-12-07", 0, "UTC")).toISOString()).toBe(
      "2026-12-07T00:00:00.000Z",
    );
  });
});
