import { describe, expect, it } from "vitest";
import {
  addDays,
  daysBetween,
  formatHhmm,
  formatInstant,
  isoWeekday,
  isValidDate,
  isValidTimeZone,
  localDateOf,
  minuteOfDayOf,
  offsetMinutesAt,
  parseHhmm,
  wallTimeToInstant,
  wallTimeToInstants,
} from "./zoned-time.ts";

const BERLIN = "Europe/Berlin";
const NEW_YORK = "America/New_York";
const KOLKATA = "Asia/Kolkata";
const ADELAIDE = "Australia/Adelaide";

/** An instant written in UTC, for readable expectations. */
const utc = (iso: string) => Date.parse(`${iso}Z`);

describe("isValidTimeZone", () => {
  it.each(["Europe/Berlin", "America/New_York", "Asia/Kolkata", "UTC", "Etc/GMT+2"])(
    "accepts the IANA name %s",
    (tz) => expect(isValidTimeZone(tz)).toBe(true),
  );

  it.each(["", "Local", "+02:00", "-05:00", "+0200", "UTC+2", "Mars/Olympus_Mons"])(
    "rejects %j (empty, not a zone, or a raw offset)",
    (tz) => expect(isValidTimeZone(tz)).toBe(false),
  );
});

describe("offsetMinutesAt", () => {
  it("reads summer and winter offsets, including half-hour zones", () => {
    expect(offsetMinutesAt(utc("2026-07-01T12:00:00"), BERLIN)).toBe(120);
    expect(offsetMinutesAt(utc("2026-01-15T12:00:00"), BERLIN)).toBe(60);
    expect(offsetMinutesAt(utc("2026-07-01T12:00:00"), NEW_YORK)).toBe(-240);
    expect(offsetMinutesAt(utc("2026-01-15T12:00:00"), NEW_YORK)).toBe(-300);
    expect(offsetMinutesAt(utc("2026-07-01T12:00:00"), KOLKATA)).toBe(330);
    expect(offsetMinutesAt(utc("2026-01-15T12:00:00"), ADELAIDE)).toBe(630);
    expect(offsetMinutesAt(utc("2026-07-01T12:00:00"), ADELAIDE)).toBe(570);
    expect(offsetMinutesAt(utc("2026-07-01T12:00:00"), "UTC")).toBe(0);
  });

  it("changes exactly at the transition instant, not a millisecond earlier", () => {
    const spring = utc("2026-03-29T01:00:00");
    expect(offsetMinutesAt(spring - 1, BERLIN)).toBe(60);
    expect(offsetMinutesAt(spring, BERLIN)).toBe(120);
    const fall = utc("2026-10-25T01:00:00");
    expect(offsetMinutesAt(fall - 1, BERLIN)).toBe(120);
    expect(offsetMinutesAt(fall, BERLIN)).toBe(60);
    const adelaideFall = utc("2026-04-04T16:30:00");
    expect(offsetMinutesAt(adelaideFall - 1, ADELAIDE)).toBe(630);
    expect(offsetMinutesAt(adelaideFall, ADELAIDE)).toBe(570);
  });

  it("throws a RangeError for an unknown zone or a non-finite instant", () => {
    expect(() => offsetMinutesAt(0, "Mars/Olympus_Mons")).toThrow(RangeError);
    expect(() => offsetMinutesAt(Number.NaN, BERLIN)).toThrow(RangeError);
  });
});

describe("wallTimeToInstants", () => {
  it("maps an ordinary wall time to exactly one instant", () => {
    expect(wallTimeToInstants("2026-06-01", 9 * 60, BERLIN)).toEqual([utc("2026-06-01T07:00:00")]);
    expect(wallTimeToInstants("2026-01-05", 10 * 60, KOLKATA)).toEqual([
      utc("2026-01-05T04:30:00"),
    ]);
  });

  it("maps minute 1440 to the next day's 00:00", () => {
    expect(wallTimeToInstants("2026-06-01", 1440, BERLIN)).toEqual([utc("2026-06-01T22:00:00")]);
    // Berlin's spring-forward day ends in summer time.
    expect(wallTimeToInstants("2026-03-29", 1440, BERLIN)).toEqual([utc("2026-03-29T22:00:00")]);
  });

  it("returns no instant for a wall time skipped by spring forward", () => {
    expect(wallTimeToInstants("2026-03-29", 2 * 60, BERLIN)).toEqual([]);
    expect(wallTimeToInstants("2026-03-29", 2 * 60 + 30, BERLIN)).toEqual([]);
    expect(wallTimeToInstants("2026-03-08", 2 * 60 + 15, NEW_YORK)).toEqual([]);
    expect(wallTimeToInstants("2026-10-04", 2 * 60 + 30, ADELAIDE)).toEqual([]);
  });

  it("keeps the wall times either side of the gap", () => {
    expect(wallTimeToInstants("2026-03-29", 119, BERLIN)).toEqual([utc("2026-03-29T00:59:00")]);
    expect(wallTimeToInstants("2026-03-29", 180, BERLIN)).toEqual([utc("2026-03-29T01:00:00")]);
  });

  it("returns both instants, ascending, for a wall time repeated by fall back", () => {
    expect(wallTimeToInstants("2026-10-25", 2 * 60, BERLIN)).toEqual([
      utc("2026-10-25T00:00:00"),
      utc("2026-10-25T01:00:00"),
    ]);
    expect(wallTimeToInstants("2026-11-01", 90, NEW_YORK)).toEqual([
      utc("2026-11-01T05:30:00"),
      utc("2026-11-01T06:30:00"),
    ]);
    expect(wallTimeToInstants("2026-04-05", 2 * 60 + 30, ADELAIDE)).toEqual([
      utc("2026-04-04T16:00:00"),
      utc("2026-04-04T17:00:00"),
    ]);
  });

  it("maps the first wall time after the repeated hour once", () => {
    expect(wallTimeToInstants("2026-10-25", 3 * 60, BERLIN)).toEqual([utc("2026-10-25T02:00:00")]);
  });

  it("throws a RangeError for a minute outside 0..1440 or an invalid date", () => {
    expect(() => wallTimeToInstants("2026-06-01", 1441, BERLIN)).toThrow(RangeError);
    expect(() => wallTimeToInstants("2026-06-01", -1, BERLIN)).toThrow(RangeError);
    expect(() => wallTimeToInstants("2026-06-01", 1.5, BERLIN)).toThrow(RangeError);
    expect(() => wallTimeToInstants("2026-02-30", 60, BERLIN)).toThrow(RangeError);
  });
});

describe("wallTimeToInstant", () => {
  it("returns the only instant of an ordinary wall time for either edge", () => {
    const nine = utc("2026-06-01T07:00:00");
    expect(wallTimeToInstant("2026-06-01", 540, BERLIN, "start")).toBe(nine);
    expect(wallTimeToInstant("2026-06-01", 540, BERLIN, "end")).toBe(nine);
  });

  it("widens over a repeated wall time: the earlier for a start, the later for an end", () => {
    expect(wallTimeToInstant("2026-10-25", 150, BERLIN, "start")).toBe(utc("2026-10-25T00:30:00"));
    expect(wallTimeToInstant("2026-10-25", 150, BERLIN, "end")).toBe(utc("2026-10-25T01:30:00"));
  });

  it("maps a skipped wall time to the transition for both edges", () => {
    const berlin = utc("2026-03-29T01:00:00");
    expect(wallTimeToInstant("2026-03-29", 150, BERLIN, "start")).toBe(berlin);
    expect(wallTimeToInstant("2026-03-29", 120, BERLIN, "end")).toBe(berlin);
    expect(wallTimeToInstant("2026-03-08", 135, NEW_YORK, "start")).toBe(
      utc("2026-03-08T07:00:00"),
    );
    expect(wallTimeToInstant("2026-10-04", 150, ADELAIDE, "end")).toBe(utc("2026-10-03T16:30:00"));
  });
});

describe("formatInstant", () => {
  it("writes ISO 8601 with the zone's offset at that instant", () => {
    expect(formatInstant(utc("2026-03-29T01:00:00"), BERLIN)).toBe("2026-03-29T03:00:00+02:00");
    expect(formatInstant(utc("2026-03-29T00:59:59"), BERLIN)).toBe("2026-03-29T01:59:59+01:00");
    expect(formatInstant(utc("2026-10-25T00:30:00"), BERLIN)).toBe("2026-10-25T02:30:00+02:00");
    expect(formatInstant(utc("2026-10-25T01:30:00"), BERLIN)).toBe("2026-10-25T02:30:00+01:00");
    expect(formatInstant(utc("2026-01-05T04:30:00"), KOLKATA)).toBe("2026-01-05T10:00:00+05:30");
    expect(formatInstant(utc("2026-01-05T15:00:00"), NEW_YORK)).toBe("2026-01-05T10:00:00-05:00");
    expect(formatInstant(utc("2026-01-05T12:00:00"), "America/St_Johns")).toBe(
      "2026-01-05T08:30:00-03:30",
    );
    expect(formatInstant(utc("2026-04-04T16:30:00"), ADELAIDE)).toBe("2026-04-05T02:00:00+09:30");
  });

  it("writes UTC as +00:00, never Z", () => {
    expect(formatInstant(utc("2026-01-05T10:00:00"), "UTC")).toBe("2026-01-05T10:00:00+00:00");
  });

  it("always writes seconds and drops milliseconds", () => {
    expect(formatInstant(utc("2026-01-05T10:00:05.999"), "UTC")).toBe("2026-01-05T10:00:05+00:00");
  });

  it("crosses the local date line where the offset says so", () => {
    expect(formatInstant(utc("2025-12-31T23:00:00"), BERLIN)).toBe("2026-01-01T00:00:00+01:00");
    expect(formatInstant(utc("2026-01-01T03:00:00"), NEW_YORK)).toBe("2025-12-31T22:00:00-05:00");
  });
});

describe("localDateOf and minuteOfDayOf", () => {
  it("read the local date and minute of an instant", () => {
    const instant = utc("2026-01-04T23:00:00");
    expect(localDateOf(instant, KOLKATA)).toBe("2026-01-05");
    expect(minuteOfDayOf(instant, KOLKATA)).toBe(4 * 60 + 30);
    expect(localDateOf(instant, "UTC")).toBe("2026-01-04");
    expect(minuteOfDayOf(instant, "UTC")).toBe(23 * 60);
    const beforeMidnight = utc("2026-03-08T04:59:30");
    expect(localDateOf(beforeMidnight, NEW_YORK)).toBe("2026-03-07");
    expect(minuteOfDayOf(beforeMidnight, NEW_YORK)).toBe(1439);
  });
});

describe("calendar dates", () => {
  it("addDays crosses months, leap days and years in both directions", () => {
    expect(addDays("2026-02-28", 1)).toBe("2026-03-01");
    expect(addDays("2024-02-28", 1)).toBe("2024-02-29");
    expect(addDays("2026-12-31", 1)).toBe("2027-01-01");
    expect(addDays("2026-03-01", -1)).toBe("2026-02-28");
    expect(addDays("2026-06-01", 0)).toBe("2026-06-01");
    expect(addDays("2026-01-01", 365)).toBe("2027-01-01");
  });

  it("addDays throws a RangeError for an invalid date or a fractional count", () => {
    expect(() => addDays("2026-02-30", 1)).toThrow(RangeError);
    expect(() => addDays("2026-06-01", 0.5)).toThrow(RangeError);
  });

  it("isoWeekday counts Monday as 1 and Sunday as 7", () => {
    expect(isoWeekday("2026-06-01")).toBe(1);
    expect(isoWeekday("2026-06-07")).toBe(7);
    expect(isoWeekday("2024-02-29")).toBe(4);
    expect(isoWeekday("2000-01-01")).toBe(6);
    expect(isoWeekday("1969-12-31")).toBe(3);
  });

  it("daysBetween is to − from", () => {
    expect(daysBetween("2026-01-01", "2026-12-31")).toBe(364);
    expect(daysBetween("2026-12-31", "2026-01-01")).toBe(-364);
    expect(daysBetween("2024-02-28", "2024-03-01")).toBe(2);
    expect(daysBetween("2026-06-01", "2026-06-01")).toBe(0);
  });

  it.each(["2026-02-28", "2024-02-29", "2000-02-29", "2026-12-31", "0001-01-01"])(
    "isValidDate accepts %s",
    (date) => expect(isValidDate(date)).toBe(true),
  );

  it.each([
    "2026-02-30",
    "2026-02-29",
    "2100-02-29",
    "2026-04-31",
    "2026-13-01",
    "2026-00-10",
    "2026-01-00",
    "2026-1-5",
    "2026-01-05T00:00",
    " 2026-01-05",
    "",
  ])("isValidDate rejects %j", (date) => expect(isValidDate(date)).toBe(false));
});

describe("HH:MM", () => {
  it("parseHhmm reads 00:00 through 24:00", () => {
    expect(parseHhmm("00:00")).toBe(0);
    expect(parseHhmm("09:30")).toBe(570);
    expect(parseHhmm("23:59")).toBe(1439);
    expect(parseHhmm("24:00")).toBe(1440);
  });

  it.each(["24:01", "25:00", "9:30", "09:60", "09:30:00", " 09:30", "0930", ""])(
    "parseHhmm returns null for %j",
    (value) => expect(parseHhmm(value)).toBeNull(),
  );

  it("formatHhmm writes two-digit hours and minutes, 1440 as 24:00", () => {
    expect(formatHhmm(0)).toBe("00:00");
    expect(formatHhmm(570)).toBe("09:30");
    expect(formatHhmm(1439)).toBe("23:59");
    expect(formatHhmm(1440)).toBe("24:00");
  });

  it("formatHhmm throws a RangeError outside 0..1440 or for a fraction", () => {
    expect(() => formatHhmm(-1)).toThrow(RangeError);
    expect(() => formatHhmm(1441)).toThrow(RangeError);
    expect(() => formatHhmm(1.5)).toThrow(RangeError);
  });
});
