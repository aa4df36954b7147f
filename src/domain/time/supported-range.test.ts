import { describe, expect, it } from "vitest";
import { computeAvailability } from "../availability/compute-availability.ts";
import {
  FIRST_SUPPORTED_DATE,
  isSupportedDate,
  LAST_SUPPORTED_DATE,
  parseSupportedDateTime,
} from "./supported-range.ts";
import { addDays, formatInstant, localDateOf, wallTimeToInstants } from "./zoned-time.ts";

describe("the supported date range", () => {
  it.each([
    ["2000-01-01", true],
    ["2999-12-31", true],
    ["2028-02-29", true],
    ["1999-12-31", false],
    ["3000-01-01", false],
    ["0001-01-01", false],
    ["9999-12-31", false],
    ["10000-01-01", false],
    ["2027-02-29", false],
  ])("isSupportedDate(%s) is %s", (date, expected) => {
    expect(isSupportedDate(date)).toBe(expected);
  });

  it("refuses a date-time whose local date or UTC date leaves the range, and leap seconds", () => {
    expect(parseSupportedDateTime("2999-12-31T09:00:00+14:00")?.localDate).toBe("2999-12-31");
    expect(parseSupportedDateTime("2999-12-31T23:00:00-14:00")).toBeNull(); // UTC: 3000-01-01
    expect(parseSupportedDateTime("2000-01-01T00:00:00+14:00")).toBeNull(); // UTC: 1999-12-31
    expect(parseSupportedDateTime("9999-12-31T10:00:00+00:00")).toBeNull();
    expect(parseSupportedDateTime("2026-12-31T23:59:60Z")).toBeNull();
    expect(parseSupportedDateTime("2026-12-07T10:00:00+23:59")).toBeNull();
  });

  it("leaves date arithmetic on validated dates room to spare: nothing near the edges throws", () => {
    for (const date of [FIRST_SUPPORTED_DATE, LAST_SUPPORTED_DATE]) {
      for (const days of [-400, -7, -1, 1, 7, 400]) {
        expect(addDays(addDays(date, days), -days)).toBe(date);
      }
      for (const tz of ["Pacific/Kiritimati", "Etc/GMT+12", "Europe/Berlin", "America/New_York"]) {
        const [instant = Number.NaN] = wallTimeToInstants(date, 600, tz);
        expect(localDateOf(instant, tz)).toBe(date);
        expect(formatInstant(instant, tz).slice(0, 10)).toBe(date);
      }
    }
  });

  it("computes slots on the first and last supported dates in the most extreme zones", () => {
    for (const date of [FIRST_SUPPORTED_DATE, LAST_SUPPORTED_DATE]) {
      for (const timeZone of ["Pacific/Kiritimati", "Etc/GMT+12"]) {
        const [day] = computeAvailability({
          service: { id: "svc_edge", durationMin: 60, bufferBeforeMin: 0, bufferAfterMin: 0 },
          staff: [
            {
              staffId: "stf_edge",
              timeZone,
              weekly: Object.fromEntries(
                [1, 2, 3, 4, 5, 6, 7].map((d) => [d, [{ startMin: 0, endMin: 1440 }]]),
              ),
              overrides: new Map(),
              busy: [],
            },
          ],
          closures: [],
          businessTimeZone: timeZone,
          slotIntervalMin: 60,
          minNoticeMin: 0,
          horizonDays: 400_000,
          fromDate: date,
          toDate: date,
          nowMs: Date.parse("1999-01-01T00:00:00Z"),
        });
        expect(day?.slots).toHaveLength(24);
      }
    }
  });
});
