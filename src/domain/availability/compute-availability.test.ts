import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { addDays, isoWeekday } from "../time/zoned-time.ts";
import { computeAvailability } from "./compute-availability.ts";
import type {
  AvailabilityDay,
  AvailabilityQuery,
  BusyRange,
  Interval,
  ServiceSpec,
  StaffCalendar,
  WeeklySchedule,
} from "./types.ts";

const BERLIN = "Europe/Berlin";
const NEW_YORK = "America/New_York";
const KOLKATA = "Asia/Kolkata";
const ADELAIDE = "Australia/Adelaide";

/** An instant written in UTC, for readable expectations. */
const utc = (iso: string) => Date.parse(`${iso}Z`);

/** "09:00", "12:30" → an interval. */
function hours(start: string, end: string): Interval {
  const minutes = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3));
  return { startMin: minutes(start), endMin: minutes(end) };
}

function service(durationMin: number, bufferBeforeMin = 0, bufferAfterMin = 0): ServiceSpec {
  return { id: "svc_test", durationMin, bufferBeforeMin, bufferAfterMin };
}

function everyDay(...intervals: Interval[]): WeeklySchedule {
  return {
    1: intervals,
    2: intervals,
    3: intervals,
    4: intervals,
    5: intervals,
    6: intervals,
    7: intervals,
  };
}

function calendar(
  staffId: string,
  timeZone: string,
  weekly: WeeklySchedule,
  extra: { overrides?: Map<string, Interval[]>; busy?: BusyRange[] } = {},
): StaffCalendar {
  return {
    staffId,
    timeZone,
    weekly,
    overrides: extra.overrides ?? new Map(),
    busy: extra.busy ?? [],
  };
}

/** A query with no notice, a two-year horizon and a clock well before every tested date. */
function query(
  fields: Partial<AvailabilityQuery> & Pick<AvailabilityQuery, "fromDate">,
): AvailabilityQuery {
  return {
    service: service(30),
    staff: [],
    closures: [],
    businessTimeZone: "UTC",
    slotIntervalMin: 15,
    minNoticeMin: 0,
    horizonDays: 730,
    toDate: fields.fromDate,
    nowMs: utc("2025-12-01T00:00:00"),
    ...fields,
  };
}

/** The start strings of one day (the only day unless `date` is given). */
function startsOf(days: AvailabilityDay[], date?: string): string[] {
  const day = date === undefined ? days[0] : days.find((d) => d.date === date);
  if (!day) throw new Error(`no day ${date}`);
  return day.slots.map((slot) => slot.start);
}

/** "01:00+01:00" → "2026-03-29T01:00:00+01:00", to keep the DST lists readable. */
const on = (date: string, ...times: string[]) =>
  times.map((t) => `${date}T${t.slice(0, 5)}:00${t.slice(5)}`);

describe("computeAvailability: days and working hours", () => {
  it("returns one entry per requested date, also for dates without slots", () => {
    expect(isoWeekday("2026-06-01")).toBe(1);
    const days = computeAvailability(
      query({
        fromDate: "2026-06-01",
        toDate: "2026-06-03",
        slotIntervalMin: 30,
        staff: [calendar("stf_days", "UTC", { 1: [hours("09:00", "10:00")] })],
      }),
    );
    expect(days.map((d) => [d.date, d.slots.length])).toEqual([
      ["2026-06-01", 2],
      ["2026-06-02", 0],
      ["2026-06-03", 0],
    ]);
  });

  it("returns no days when toDate is before fromDate", () => {
    expect(computeAvailability(query({ fromDate: "2026-06-02", toDate: "2026-06-01" }))).toEqual(
      [],
    );
  });

  it("describes each slot with its instants, occupied range and offset-bearing strings", () => {
    const days = computeAvailability(
      query({
        fromDate: "2026-06-01",
        service: service(30, 15, 15),
        staff: [calendar("stf_full", BERLIN, everyDay(hours("09:00", "10:30")))],
      }),
    );
    expect(startsOf(days)).toEqual(on("2026-06-01", "09:15+02:00", "09:30+02:00", "09:45+02:00"));
    expect(days[0]?.slots[0]).toEqual({
      staffId: "stf_full",
      localDate: "2026-06-01",
      startMs: utc("2026-06-01T07:15:00"),
      endMs: utc("2026-06-01T07:45:00"),
      occupiedStartMs: utc("2026-06-01T07:00:00"),
      occupiedEndMs: utc("2026-06-01T08:00:00"),
      start: "2026-06-01T09:15:00+02:00",
      end: "2026-06-01T09:45:00+02:00",
      state: "available",
    });
  });

  it("keeps starts on the wall-time grid when the buffer is off it", () => {
    const days = computeAvailability(
      query({
        fromDate: "2026-06-01",
        service: service(30, 10),
        staff: [calendar("stf_grid", "UTC", everyDay(hours("09:00", "11:00")))],
      }),
    );
    expect(startsOf(days)).toEqual(
      on(
        "2026-06-01",
        "09:15+00:00",
        "09:30+00:00",
        "09:45+00:00",
        "10:00+00:00",
        "10:15+00:00",
        "10:30+00:00",
      ),
    );
  });

  it("never lets a service straddle a break", () => {
    const days = computeAvailability(
      query({
        fromDate: "2026-06-01",
        service: service(60),
        slotIntervalMin: 30,
        staff: [
          calendar("stf_break", "UTC", everyDay(hours("09:00", "12:00"), hours("13:00", "15:00"))),
        ],
      }),
    );
    expect(startsOf(days)).toEqual(
      on(
        "2026-06-01",
        ...["09:00", "09:30", "10:00", "10:30", "11:00", "13:00", "13:30", "14:00"].map(
          (t) => `${t}+00:00`,
        ),
      ),
    );
  });

  it("excludes a slot whose buffers would cross a break", () => {
    const days = computeAvailability(
      query({
        fromDate: "2026-06-01",
        service: service(30, 15, 15),
        staff: [
          calendar(
            "stf_buffers",
            "UTC",
            everyDay(hours("09:00", "10:00"), hours("10:30", "12:00")),
          ),
        ],
      }),
    );
    // 09:30 would fit by service time alone (until 10:00) but its after-buffer runs into the break.
    expect(startsOf(days)).toEqual(
      on("2026-06-01", "09:15+00:00", "10:45+00:00", "11:00+00:00", "11:15+00:00"),
    );
  });

  it("joins touching intervals, so a service may run across the seam, each start once", () => {
    const days = computeAvailability(
      query({
        fromDate: "2026-06-01",
        service: service(60),
        slotIntervalMin: 30,
        staff: [
          calendar("stf_touch", "UTC", everyDay(hours("10:00", "11:00"), hours("09:00", "10:00"))),
        ],
      }),
    );
    expect(startsOf(days)).toEqual(on("2026-06-01", "09:00+00:00", "09:30+00:00", "10:00+00:00"));
  });

  it("never returns the same start twice for overlapping intervals", () => {
    const days = computeAvailability(
      query({
        fromDate: "2026-06-01",
        slotIntervalMin: 30,
        staff: [
          calendar(
            "stf_overlap",
            "UTC",
            everyDay(hours("09:00", "10:30"), hours("09:30", "10:30")),
          ),
        ],
      }),
    );
    expect(startsOf(days)).toEqual(on("2026-06-01", "09:00+00:00", "09:30+00:00", "10:00+00:00"));
  });

  it("an override replaces the weekly hours of its date only", () => {
    const days = computeAvailability(
      query({
        fromDate: "2026-06-01",
        toDate: "2026-06-08",
        service: service(60),
        slotIntervalMin: 60,
        staff: [
          calendar(
            "stf_override",
            "UTC",
            { 1: [hours("09:00", "17:00")] },
            {
              overrides: new Map([["2026-06-01", [hours("14:00", "16:00")]]]),
            },
          ),
        ],
      }),
    );
    expect(startsOf(days, "2026-06-01")).toEqual(on("2026-06-01", "14:00+00:00", "15:00+00:00"));
    expect(startsOf(days, "2026-06-08")).toHaveLength(8);
  });

  it("an empty override is a day off, and an override can open a day without weekly hours", () => {
    const days = computeAvailability(
      query({
        fromDate: "2026-06-01",
        toDate: "2026-06-07",
        service: service(60),
        slotIntervalMin: 60,
        staff: [
          calendar(
            "stf_dayoff",
            "UTC",
            { 1: [hours("09:00", "17:00")] },
            {
              overrides: new Map([
                ["2026-06-01", []],
                ["2026-06-07", [hours("10:00", "12:00")]],
              ]),
            },
          ),
        ],
      }),
    );
    expect(days.map((d) => d.slots.length)).toEqual([0, 0, 0, 0, 0, 0, 2]);
    expect(startsOf(days, "2026-06-07")).toEqual(on("2026-06-07", "10:00+00:00", "11:00+00:00"));
  });
});

describe("computeAvailability: closures, notice and horizon", () => {
  it("a multi-day closure is read in the business zone, not the staff member's", () => {
    // Tokyo (+09:00) closes 6–7 January: from 5 January 15:00 until 7 January 15:00 in London.
    const days = computeAvailability(
      query({
        fromDate: "2026-01-05",
        toDate: "2026-01-08",
        service: service(60),
        slotIntervalMin: 60,
        businessTimeZone: "Asia/Tokyo",
        closures: [{ startDate: "2026-01-06", endDate: "2026-01-07" }],
        staff: [calendar("stf_closure", "Europe/London", everyDay(hours("09:00", "17:00")))],
      }),
    );
    const utcHours = (...h: string[]) => h.map((t) => `${t}+00:00`);
    expect(startsOf(days, "2026-01-05")).toEqual(
      on("2026-01-05", ...utcHours("09:00", "10:00", "11:00", "12:00", "13:00", "14:00")),
    );
    expect(startsOf(days, "2026-01-06")).toEqual([]);
    expect(startsOf(days, "2026-01-07")).toEqual(on("2026-01-07", ...utcHours("15:00", "16:00")));
    expect(startsOf(days, "2026-01-08")).toHaveLength(8);
  });

  it("only the service time, not its buffers, must stay clear of a closure", () => {
    // Tokyo closes 2 June: from 1 June 15:00 until 2 June 15:00 UTC.
    const days = computeAvailability(
      query({
        fromDate: "2026-06-01",
        toDate: "2026-06-02",
        service: service(60, 30, 30),
        slotIntervalMin: 60,
        businessTimeZone: "Asia/Tokyo",
        closures: [{ startDate: "2026-06-02", endDate: "2026-06-02" }],
        staff: [calendar("stf_closebuf", "UTC", everyDay(hours("12:00", "17:00")))],
      }),
    );
    // 14:00 ends as the closure begins (its after-buffer inside it); 15:00 on 2 June starts as it
    // ends (its before-buffer inside it).
    expect(startsOf(days, "2026-06-01")).toEqual(on("2026-06-01", "13:00+00:00", "14:00+00:00"));
    expect(startsOf(days, "2026-06-02")).toEqual(on("2026-06-02", "15:00+00:00"));
  });

  it("offers a start exactly at now + notice but not one grid step before", () => {
    const days = computeAvailability(
      query({
        fromDate: "2026-06-01",
        nowMs: utc("2026-06-01T08:15:00"),
        minNoticeMin: 90,
        staff: [calendar("stf_notice", "UTC", everyDay(hours("09:00", "11:00")))],
      }),
    );
    expect(startsOf(days)).toEqual(
      on("2026-06-01", "09:45+00:00", "10:00+00:00", "10:15+00:00", "10:30+00:00"),
    );
  });

  it("offers starts strictly before now + horizon", () => {
    const days = computeAvailability(
      query({
        fromDate: "2026-06-02",
        toDate: "2026-06-03",
        nowMs: utc("2026-06-01T10:00:00"),
        horizonDays: 1,
        slotIntervalMin: 30,
        staff: [calendar("stf_horizon", "UTC", everyDay(hours("09:00", "12:00")))],
      }),
    );
    expect(startsOf(days, "2026-06-02")).toEqual(on("2026-06-02", "09:00+00:00", "09:30+00:00"));
    expect(startsOf(days, "2026-06-03")).toEqual([]);
  });
});

describe("computeAvailability: appointments", () => {
  it("marks every slot an appointment (with its buffers) overlaps as booked", () => {
    const days = computeAvailability(
      query({
        fromDate: "2026-06-01",
        slotIntervalMin: 30,
        staff: [
          calendar("stf_booked", "UTC", everyDay(hours("09:00", "12:30")), {
            // Out of order on purpose: a 60-minute appointment at 10:00 with a 15-minute
            // after-buffer, and one at 12:00.
            busy: [
              { startMs: utc("2026-06-01T12:00:00"), endMs: utc("2026-06-01T12:30:00") },
              { startMs: utc("2026-06-01T10:00:00"), endMs: utc("2026-06-01T11:15:00") },
            ],
          }),
        ],
      }),
    );
    expect(days[0]?.slots.map((s) => [s.start.slice(11, 16), s.state])).toEqual([
      ["09:00", "available"],
      ["09:30", "available"],
      ["10:00", "booked"],
      ["10:30", "booked"],
      ["11:00", "booked"],
      ["11:30", "available"],
      ["12:00", "booked"],
    ]);
  });

  it("counts the slot's own buffers against appointments", () => {
    const days = computeAvailability(
      query({
        fromDate: "2026-06-01",
        service: service(30, 15, 15),
        staff: [
          calendar("stf_ownbuf", "UTC", everyDay(hours("09:00", "12:00")), {
            busy: [{ startMs: utc("2026-06-01T10:00:00"), endMs: utc("2026-06-01T11:00:00") }],
          }),
        ],
      }),
    );
    const booked = days[0]?.slots
      .filter((s) => s.state === "booked")
      .map((s) => s.start.slice(11, 16));
    // 09:15 occupies until 10:00 and 11:15 from 11:00: half-open ranges that only touch.
    expect(booked).toEqual(["09:30", "09:45", "10:00", "10:15", "10:30", "10:45", "11:00"]);
    expect(days[0]?.slots).toHaveLength(9);
  });

  it("a long appointment that started earlier still books slots after shorter ones end", () => {
    const days = computeAvailability(
      query({
        fromDate: "2026-06-01",
        service: service(60),
        slotIntervalMin: 60,
        staff: [
          calendar("stf_long", "UTC", everyDay(hours("09:00", "14:00")), {
            busy: [
              { startMs: utc("2026-06-01T09:00:00"), endMs: utc("2026-06-01T13:00:00") },
              { startMs: utc("2026-06-01T09:30:00"), endMs: utc("2026-06-01T10:00:00") },
            ],
          }),
        ],
      }),
    );
    expect(days[0]?.slots.map((s) => s.state)).toEqual([
      "booked",
      "booked",
      "booked",
      "booked",
      "available",
    ]);
  });
});

describe("computeAvailability: several staff", () => {
  it("merges staff into one list per date, sorted by start then staff id", () => {
    const days = computeAvailability(
      query({
        fromDate: "2026-06-01",
        slotIntervalMin: 30,
        staff: [
          calendar("stf_b", "UTC", everyDay(hours("09:30", "10:30"))),
          calendar("stf_a", "UTC", everyDay(hours("09:00", "10:00"))),
        ],
      }),
    );
    expect(days[0]?.slots.map((s) => [s.staffId, s.start.slice(11, 16)])).toEqual([
      ["stf_a", "09:00"],
      ["stf_a", "09:30"],
      ["stf_b", "09:30"],
      ["stf_b", "10:00"],
    ]);
  });

  it("reads each staff member's hours and dates in their own zone", () => {
    const days = computeAvailability(
      query({
        fromDate: "2026-06-01",
        slotIntervalMin: 60,
        service: service(60),
        staff: [
          calendar("stf_ny", NEW_YORK, everyDay(hours("09:00", "10:00"))),
          calendar("stf_berlin", BERLIN, everyDay(hours("09:00", "10:00"))),
        ],
      }),
    );
    expect(days[0]?.slots.map((s) => [s.staffId, s.startMs, s.start])).toEqual([
      ["stf_berlin", utc("2026-06-01T07:00:00"), "2026-06-01T09:00:00+02:00"],
      ["stf_ny", utc("2026-06-01T13:00:00"), "2026-06-01T09:00:00-04:00"],
    ]);
  });
});

describe("computeAvailability: daylight-saving time", () => {
  function wholeDay(timeZone: string, date: string) {
    const days = computeAvailability(
      query({
        fromDate: date,
        service: service(15),
        staff: [calendar("stf_day", timeZone, everyDay(hours("00:00", "24:00")))],
      }),
    );
    return days[0]?.slots ?? [];
  }

  it.each([
    [BERLIN, "2026-03-29", 92],
    [BERLIN, "2026-10-25", 100],
    [BERLIN, "2026-06-01", 96],
    [NEW_YORK, "2026-03-08", 92],
    [NEW_YORK, "2026-11-01", 100],
    [ADELAIDE, "2026-10-04", 92],
    [ADELAIDE, "2026-04-05", 100],
  ])(
    "a 00:00–24:00 day in %s on %s has %i 15-minute slots, each a distinct instant",
    (tz, date, count) => {
      const slots = wholeDay(tz, date);
      expect(slots).toHaveLength(count);
      expect(new Set(slots.map((s) => s.startMs)).size).toBe(count);
      // Consecutive slots are exactly 15 real minutes apart, through the transition.
      expect(
        slots.every((s, i) => i === 0 || s.startMs - (slots[i - 1]?.startMs ?? 0) === 900_000),
      ).toBe(true);
    },
  );

  it("the Berlin spring-forward day runs from 00:00+01:00 to 23:45+02:00 with no 02:xx", () => {
    const slots = wholeDay(BERLIN, "2026-03-29");
    expect(slots[0]?.start).toBe("2026-03-29T00:00:00+01:00");
    expect(slots.at(-1)?.start).toBe("2026-03-29T23:45:00+02:00");
    expect(slots.filter((s) => s.start.slice(11, 13) === "02")).toEqual([]);
  });

  it("Berlin spring forward: 01:00–04:00 offers no 02:xx", () => {
    const days = computeAvailability(
      query({
        fromDate: "2026-03-29",
        service: service(15),
        staff: [calendar("stf_bs", BERLIN, everyDay(hours("01:00", "04:00")))],
      }),
    );
    expect(startsOf(days)).toEqual(
      on(
        "2026-03-29",
        "01:00+01:00",
        "01:15+01:00",
        "01:30+01:00",
        "01:45+01:00",
        "03:00+02:00",
        "03:15+02:00",
        "03:30+02:00",
        "03:45+02:00",
      ),
    );
  });

  it("Berlin fall back: 01:00–04:00 offers 02:00–02:45 twice, +02:00 then +01:00", () => {
    const days = computeAvailability(
      query({
        fromDate: "2026-10-25",
        service: service(15),
        staff: [calendar("stf_bf", BERLIN, everyDay(hours("01:00", "04:00")))],
      }),
    );
    expect(startsOf(days)).toEqual(
      on(
        "2026-10-25",
        ...["01:00", "01:15", "01:30", "01:45", "02:00", "02:15", "02:30", "02:45"].map(
          (t) => `${t}+02:00`,
        ),
        ...["02:00", "02:15", "02:30", "02:45", "03:00", "03:15", "03:30", "03:45"].map(
          (t) => `${t}+01:00`,
        ),
      ),
    );
  });

  it("New York spring forward: 01:00–04:00 on a 30-minute grid skips 02:xx", () => {
    const days = computeAvailability(
      query({
        fromDate: "2026-03-08",
        slotIntervalMin: 30,
        staff: [calendar("stf_ns", NEW_YORK, everyDay(hours("01:00", "04:00")))],
      }),
    );
    expect(startsOf(days)).toEqual(
      on("2026-03-08", "01:00-05:00", "01:30-05:00", "03:00-04:00", "03:30-04:00"),
    );
  });

  it("New York fall back: 01:00–04:00 offers 01:00 and 01:30 twice", () => {
    const days = computeAvailability(
      query({
        fromDate: "2026-11-01",
        slotIntervalMin: 30,
        staff: [calendar("stf_nf", NEW_YORK, everyDay(hours("01:00", "04:00")))],
      }),
    );
    expect(startsOf(days)).toEqual(
      on(
        "2026-11-01",
        "01:00-04:00",
        "01:30-04:00",
        "01:00-05:00",
        "01:30-05:00",
        "02:00-05:00",
        "02:30-05:00",
        "03:00-05:00",
        "03:30-05:00",
      ),
    );
  });

  it("Adelaide (half-hour offsets) skips 02:xx on 2026-10-04 and repeats it on 2026-04-05", () => {
    const staff = [calendar("stf_adl", ADELAIDE, everyDay(hours("01:00", "04:00")))];
    const spring = computeAvailability(
      query({ fromDate: "2026-10-04", slotIntervalMin: 30, staff }),
    );
    expect(startsOf(spring)).toEqual(
      on("2026-10-04", "01:00+09:30", "01:30+09:30", "03:00+10:30", "03:30+10:30"),
    );
    const fall = computeAvailability(query({ fromDate: "2026-04-05", slotIntervalMin: 30, staff }));
    expect(startsOf(fall)).toEqual(
      on(
        "2026-04-05",
        "01:00+10:30",
        "01:30+10:30",
        "02:00+10:30",
        "02:30+10:30",
        "02:00+09:30",
        "02:30+09:30",
        "03:00+09:30",
        "03:30+09:30",
      ),
    );
  });

  it.each([
    [
      "ends in the spring-forward gap",
      "2026-03-29",
      "01:00",
      "02:30",
      ["01:00+01:00", "01:30+01:00"],
    ],
    [
      "starts in the spring-forward gap",
      "2026-03-29",
      "02:30",
      "04:00",
      ["03:00+02:00", "03:30+02:00"],
    ],
    [
      "ends in the repeated hour",
      "2026-10-25",
      "01:00",
      "02:30",
      ["01:00+02:00", "01:30+02:00", "02:00+02:00", "02:00+01:00"],
    ],
    [
      "starts in the repeated hour",
      "2026-10-25",
      "02:30",
      "04:00",
      ["02:30+02:00", "02:30+01:00", "03:00+01:00", "03:30+01:00"],
    ],
  ])(
    "a Berlin interval that %s covers the widest real range its wall times name",
    (_, date, from, to, times) => {
      const days = computeAvailability(
        query({
          fromDate: date,
          slotIntervalMin: 30,
          staff: [calendar("stf_edge", BERLIN, everyDay(hours(from, to)))],
        }),
      );
      expect(startsOf(days)).toEqual(on(date, ...times));
    },
  );

  it("a 60-minute slot spanning spring forward ends 60 real minutes later", () => {
    const days = computeAvailability(
      query({
        fromDate: "2026-03-29",
        service: service(60),
        slotIntervalMin: 60,
        staff: [calendar("stf_span", BERLIN, everyDay(hours("01:00", "05:00")))],
      }),
    );
    expect(days[0]?.slots.map((s) => [s.start, s.end, s.endMs - s.startMs])).toEqual([
      ["2026-03-29T01:00:00+01:00", "2026-03-29T03:00:00+02:00", 3_600_000],
      ["2026-03-29T03:00:00+02:00", "2026-03-29T04:00:00+02:00", 3_600_000],
      ["2026-03-29T04:00:00+02:00", "2026-03-29T05:00:00+02:00", 3_600_000],
    ]);
  });

  it("a 60-minute slot spanning fall back ends at the repeated wall time", () => {
    const days = computeAvailability(
      query({
        fromDate: "2026-10-25",
        service: service(60),
        slotIntervalMin: 60,
        staff: [calendar("stf_span2", BERLIN, everyDay(hours("01:00", "04:00")))],
      }),
    );
    expect(days[0]?.slots.map((s) => [s.start, s.end])).toEqual([
      ["2026-10-25T01:00:00+02:00", "2026-10-25T02:00:00+02:00"],
      ["2026-10-25T02:00:00+02:00", "2026-10-25T02:00:00+01:00"],
      ["2026-10-25T02:00:00+01:00", "2026-10-25T03:00:00+01:00"],
      ["2026-10-25T03:00:00+01:00", "2026-10-25T04:00:00+01:00"],
    ]);
  });

  it("an appointment in the first pass of the repeated hour books only that pass", () => {
    const days = computeAvailability(
      query({
        fromDate: "2026-10-25",
        slotIntervalMin: 30,
        staff: [
          calendar("stf_pass", BERLIN, everyDay(hours("02:00", "03:00")), {
            // 02:00–03:00 +02:00.
            busy: [{ startMs: utc("2026-10-25T00:00:00"), endMs: utc("2026-10-25T01:00:00") }],
          }),
        ],
      }),
    );
    expect(days[0]?.slots.map((s) => [s.start, s.state])).toEqual([
      ["2026-10-25T02:00:00+02:00", "booked"],
      ["2026-10-25T02:30:00+02:00", "booked"],
      ["2026-10-25T02:00:00+01:00", "available"],
      ["2026-10-25T02:30:00+01:00", "available"],
    ]);
  });

  it("a fixed half-hour zone (Asia/Kolkata) keeps +05:30 all year", () => {
    const days = computeAvailability(
      query({
        fromDate: "2026-01-05",
        slotIntervalMin: 30,
        staff: [calendar("stf_kol", KOLKATA, everyDay(hours("09:00", "10:00")))],
      }),
    );
    expect(days[0]?.slots.map((s) => [s.startMs, s.start, s.end])).toEqual([
      [utc("2026-01-05T03:30:00"), "2026-01-05T09:00:00+05:30", "2026-01-05T09:30:00+05:30"],
      [utc("2026-01-05T04:00:00"), "2026-01-05T09:30:00+05:30", "2026-01-05T10:00:00+05:30"],
    ]);
  });
});

describe("computeAvailability: malformed queries", () => {
  it("throws a RangeError for a non-positive grid or duration", () => {
    const staff = [calendar("stf_bad", "UTC", everyDay(hours("09:00", "10:00")))];
    expect(() =>
      computeAvailability(query({ fromDate: "2026-06-01", slotIntervalMin: 0, staff })),
    ).toThrow(RangeError);
    expect(() =>
      computeAvailability(query({ fromDate: "2026-06-01", service: service(0), staff })),
    ).toThrow(RangeError);
  });
});

describe("computeAvailability against a brute-force reference", () => {
  // The reference knows nothing of offsets or caches: it asks Intl for the wall time of every
  // 5-minute instant around a date and applies the rules literally. Five minutes suffice because
  // every zone below has offsets and transitions on multiples of 30 minutes and every generated
  // wall time is a multiple of 5.
  const LORD_HOWE = "Australia/Lord_Howe"; // +10:30, and +11:00 in summer: a 30-minute shift
  const ZONES = [BERLIN, NEW_YORK, ADELAIDE, KOLKATA, LORD_HOWE, "UTC"];
  /** Each zone with the dates of its 2026 transitions; the fixed zones with an ordinary date. */
  const CASES: [string, string][] = [
    [BERLIN, "2026-03-29"],
    [BERLIN, "2026-10-25"],
    [NEW_YORK, "2026-03-08"],
    [NEW_YORK, "2026-11-01"],
    [ADELAIDE, "2026-04-05"],
    [ADELAIDE, "2026-10-04"],
    [LORD_HOWE, "2026-04-05"],
    [LORD_HOWE, "2026-10-04"],
    [KOLKATA, "2026-06-01"],
    ["UTC", "2026-06-01"],
  ];
  const STEP_MS = 5 * 60_000;

  interface Wall {
    ms: number;
    date: string;
    minute: number;
  }
  const wallsCache = new Map<string, Wall[]>();

  /** Every 5-minute instant from 16 h before `date` to 16 h after its end, with its wall time. */
  function wallsAround(tz: string, date: string): Wall[] {
    const key = `${tz} ${date}`;
    const cached = wallsCache.get(key);
    if (cached) return cached;
    const format = new Intl.DateTimeFormat("en-CA", {
      timeZone: tz,
      hourCycle: "h23",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
    });
    const walls: Wall[] = [];
    const from = Date.parse(`${date}T00:00:00Z`) - 16 * 3_600_000;
    for (let ms = from; ms < from + 56 * 3_600_000; ms += STEP_MS) {
      const p = Object.fromEntries(format.formatToParts(ms).map((part) => [part.type, part.value]));
      walls.push({
        ms,
        date: `${p.year}-${p.month}-${p.day}`,
        minute: Number(p.hour) * 60 + Number(p.minute),
      });
    }
    wallsCache.set(key, walls);
    return walls;
  }

  /** An interval endpoint: the first (start) or last (end) instant showing the wall time, else the gap's end. */
  function endpoint(tz: string, date: string, minute: number, edge: "start" | "end"): number {
    const [d, m] = minute === 1440 ? [addDays(date, 1), 0] : [date, minute];
    const walls = wallsAround(tz, date);
    const same = walls.filter((w) => w.date === d && w.minute === m);
    const chosen = edge === "start" ? same[0] : same.at(-1);
    const after = walls.find((w) => w.date > d || (w.date === d && w.minute > m));
    const ms = chosen?.ms ?? after?.ms;
    if (ms === undefined) throw new Error("wall time outside the scanned window");
    return ms;
  }

  function merged(intervals: Interval[]): Interval[] {
    const out: Interval[] = [];
    for (const i of [...intervals].sort((a, b) => a.startMin - b.startMin)) {
      const last = out.at(-1);
      if (last && i.startMin <= last.endMin) last.endMin = Math.max(last.endMin, i.endMin);
      else out.push({ ...i });
    }
    return out;
  }

  function reference(q: AvailabilityQuery) {
    const { durationMin: dur, bufferBeforeMin: bb, bufferAfterMin: ba } = q.service;
    const closures = q.closures.map((c) => [
      endpoint(q.businessTimeZone, c.startDate, 0, "start"),
      endpoint(q.businessTimeZone, c.endDate, 1440, "end"),
    ]);
    const slots: { date: string; staffId: string; startMs: number; state: string }[] = [];
    for (let date = q.fromDate; date <= q.toDate; date = addDays(date, 1)) {
      for (const staff of q.staff) {
        const tz = staff.timeZone;
        const intervals = staff.overrides.get(date) ?? staff.weekly[isoWeekday(date)] ?? [];
        for (const { startMin, endMin } of merged(intervals)) {
          const workStart = endpoint(tz, date, startMin, "start");
          const workEnd = endpoint(tz, date, endMin, "end");
          for (const w of wallsAround(tz, date)) {
            if (w.date !== date || w.minute % q.slotIntervalMin !== 0) continue;
            if (w.minute < startMin + bb || w.minute > endMin - dur - ba) continue;
            const s = w.ms;
            const occupied = [s - bb * 60_000, s + (dur + ba) * 60_000] as const;
            if (occupied[0] < workStart || occupied[1] > workEnd) continue;
            if (s < q.nowMs + q.minNoticeMin * 60_000 || s >= q.nowMs + q.horizonDays * 86_400_000)
              continue;
            if (closures.some(([a, b]) => (a as number) < s + dur * 60_000 && s < (b as number)))
              continue;
            const booked = staff.busy.some((r) => r.startMs < occupied[1] && occupied[0] < r.endMs);
            slots.push({
              date,
              staffId: staff.staffId,
              startMs: s,
              state: booked ? "booked" : "available",
            });
          }
        }
      }
    }
    return slots.sort((a, b) =>
      a.date !== b.date
        ? a.date < b.date
          ? -1
          : 1
        : a.startMs - b.startMs || (a.staffId < b.staffId ? -1 : 1),
    );
  }

  // Half the endpoints fall between 01:00 and 03:30, where every tested transition happens.
  const interval = fc
    .record({
      start: fc.oneof(fc.integer({ min: 0, max: 287 }), fc.integer({ min: 12, max: 42 })),
      length: fc.oneof(fc.integer({ min: 1, max: 120 }), fc.integer({ min: 1, max: 24 })),
    })
    .map(({ start, length }) => ({
      startMin: start * 5,
      endMin: Math.min(1440, (start + length) * 5),
    }));

  const scenario = fc.record({
    zoneAndDate: fc.constantFrom(...CASES),
    twoDays: fc.boolean(),
    /** The second staff member's zone; mostly the first one's, so both meet the transition. */
    otherZone: fc.option(fc.constantFrom(...ZONES), { nil: undefined, freq: 2 }),
    businessZone: fc.constantFrom(...ZONES),
    grid: fc.constantFrom(5, 10, 15, 20, 30, 45, 60),
    durationMin: fc.oneof(fc.integer({ min: 5, max: 120 }), fc.integer({ min: 5, max: 30 })),
    bufferBeforeMin: fc.integer({ min: 0, max: 30 }),
    bufferAfterMin: fc.integer({ min: 0, max: 30 }),
    weekly: fc.array(interval, { maxLength: 3 }),
    override: fc.array(interval, { maxLength: 3 }),
    busy: fc.array(
      fc.record({
        fromMin: fc.integer({ min: -600, max: 2400 }),
        lengthMin: fc.integer({ min: 1, max: 240 }),
      }),
      {
        maxLength: 6,
      },
    ),
    closure: fc.option(
      fc.record({ shift: fc.integer({ min: -1, max: 1 }), days: fc.integer({ min: 0, max: 1 }) }),
      {
        nil: undefined,
      },
    ),
    /** Half the runs leave notice and horizon out of the way, so the schedule decides alone. */
    limits: fc.oneof(
      fc.constant({ nowShiftMin: -3 * 1440, minNoticeMin: 0, horizonDays: 10 }),
      fc.record({
        nowShiftMin: fc.integer({ min: -3000, max: 1500 }),
        minNoticeMin: fc.integer({ min: 0, max: 600 }),
        horizonDays: fc.integer({ min: 1, max: 3 }),
      }),
    ),
  });

  it("matches the reference on random schedules around every transition in the tested zones", () => {
    fc.assert(
      fc.property(scenario, (sc) => {
        const [zoneA, date] = sc.zoneAndDate;
        const zoneB = sc.otherZone ?? zoneA;
        const midnight = Date.parse(`${date}T00:00:00Z`);
        const busy = sc.busy.map((b) => ({
          startMs: midnight + b.fromMin * 60_000,
          endMs: midnight + (b.fromMin + b.lengthMin) * 60_000,
        }));
        const closureStart = sc.closure && addDays(date, sc.closure.shift);
        const q = query({
          fromDate: date,
          toDate: sc.twoDays ? addDays(date, 1) : date,
          service: service(sc.durationMin, sc.bufferBeforeMin, sc.bufferAfterMin),
          slotIntervalMin: sc.grid,
          businessTimeZone: sc.businessZone,
          closures:
            closureStart && sc.closure
              ? [{ startDate: closureStart, endDate: addDays(closureStart, sc.closure.days) }]
              : [],
          nowMs: midnight + sc.limits.nowShiftMin * 60_000,
          minNoticeMin: sc.limits.minNoticeMin,
          horizonDays: sc.limits.horizonDays,
          staff: [
            calendar("stf_ref_a", zoneA, everyDay(...sc.weekly), { busy }),
            calendar("stf_ref_b", zoneB, everyDay(...sc.weekly), {
              busy,
              overrides: new Map([[date, sc.override]]),
            }),
          ],
        });
        const days = computeAvailability(q);
        const actual = days.flatMap((d) =>
          d.slots.map((s) => ({
            date: d.date,
            staffId: s.staffId,
            startMs: s.startMs,
            state: s.state,
          })),
        );
        expect(actual).toEqual(reference(q));
        for (const day of days) {
          for (const slot of day.slots) {
            const tz = slot.staffId === "stf_ref_a" ? zoneA : zoneB;
            const wall = wallsAround(tz, day.date).find((w) => w.ms === slot.startMs);
            const hhmm = `${String(Math.floor((wall?.minute ?? 0) / 60)).padStart(2, "0")}:${String((wall?.minute ?? 0) % 60).padStart(2, "0")}`;
            expect(slot.start.slice(0, 16)).toBe(`${wall?.date}T${hhmm}`);
            expect(Date.parse(slot.start)).toBe(slot.startMs);
            expect(Date.parse(slot.end)).toBe(slot.endMs);
            expect(slot.localDate).toBe(day.date);
            expect(slot.endMs - slot.startMs).toBe(sc.durationMin * 60_000);
            expect(slot.occupiedStartMs).toBe(slot.startMs - sc.bufferBeforeMin * 60_000);
            expect(slot.occupiedEndMs).toBe(slot.endMs + sc.bufferAfterMin * 60_000);
          }
        }
      }),
      { numRuns: 600, seed: 20260329 },
    );
  });
});
