import { describe, expect, it } from "vitest";
import type { Interval } from "../availability/types.ts";
import { normalizeIntervals, validateIntervals } from "./intervals.ts";

/** "09:00", "12:30" → an interval. */
function hours(start: string, end: string): Interval {
  const minutes = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3));
  return { startMin: minutes(start), endMin: minutes(end) };
}

describe("validateIntervals", () => {
  it("accepts no intervals (a day off)", () => {
    expect(validateIntervals([], 15)).toBeNull();
  });

  it("accepts intervals that touch, in any order", () => {
    expect(validateIntervals([hours("13:00", "17:00"), hours("09:00", "13:00")], 15)).toBeNull();
  });

  it("accepts a whole day, 00:00–24:00", () => {
    expect(validateIntervals([hours("00:00", "24:00")], 15)).toBeNull();
  });

  it("counts 24:00 as on any grid, since it closes the day", () => {
    expect(validateIntervals([{ startMin: 1300, endMin: 1440 }], 100)).toBeNull();
  });

  it("names an overlap by the later index first", () => {
    expect(validateIntervals([hours("09:00", "12:00"), hours("11:00", "13:00")], 15)).toBe(
      "[1]: overlaps [0]",
    );
  });

  it("finds an overlap whatever the input order", () => {
    expect(validateIntervals([hours("11:00", "13:00"), hours("09:00", "12:00")], 15)).toBe(
      "[1]: overlaps [0]",
    );
    expect(
      validateIntervals(
        [hours("09:00", "11:00"), hours("14:00", "15:00"), hours("10:00", "10:30")],
        15,
      ),
    ).toBe("[2]: overlaps [0]");
  });

  it("finds an interval nested in an earlier, longer one past an intervening interval", () => {
    const intervals = [hours("08:00", "18:00"), hours("09:00", "10:00"), hours("12:00", "13:00")];
    expect(validateIntervals(intervals, 15)).toBe("[1]: overlaps [0]");
  });

  it("rejects an empty or reversed interval", () => {
    expect(validateIntervals([hours("09:00", "09:00")], 15)).toBe("[0]: start must be before end");
    expect(validateIntervals([hours("10:00", "09:00")], 15)).toBe("[0]: start must be before end");
  });

  it("rejects a start or an end off the slot grid", () => {
    const intervals = [hours("08:00", "09:00"), hours("09:00", "09:10"), hours("09:10", "10:00")];
    expect(validateIntervals(intervals, 15)).toBe("[1]: 09:10 is not on the 15-minute grid");
    const late = [hours("07:00", "08:00"), hours("08:00", "09:00"), hours("09:10", "10:00")];
    expect(validateIntervals(late, 15)).toBe("[2]: 09:10 is not on the 15-minute grid");
  });

  it("rejects times outside 00:00–24:00", () => {
    expect(validateIntervals([{ startMin: -15, endMin: 60 }], 15)).toBe(
      "[0]: must be within 00:00–24:00",
    );
    expect(validateIntervals([hours("09:00", "10:00"), { startMin: 1380, endMin: 1455 }], 15)).toBe(
      "[1]: must be within 00:00–24:00",
    );
  });

  it("rejects fractional minutes", () => {
    expect(validateIntervals([{ startMin: 540.5, endMin: 600 }], 15)).toBe(
      "[0]: times must be whole minutes",
    );
  });

  it("throws a RangeError for a non-positive grid (a bug, not bad input)", () => {
    expect(() => validateIntervals([], 0)).toThrow(RangeError);
  });
});

describe("normalizeIntervals", () => {
  it("returns a copy sorted by start and leaves the input alone", () => {
    const input = [hours("13:00", "17:00"), hours("09:00", "12:00")];
    expect(normalizeIntervals(input)).toEqual([hours("09:00", "12:00"), hours("13:00", "17:00")]);
    expect(input).toEqual([hours("13:00", "17:00"), hours("09:00", "12:00")]);
  });
});
