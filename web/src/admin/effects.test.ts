import { describe, expect, it } from "vitest";
import {
  closureEffect,
  dateEffect,
  type DateEffectInput,
  dayAppointments,
  draftIntervals,
} from "./effects.ts";

const iv = (start: string, end: string) => ({ start, end });
const utc = (date: string, minute: number) => Date.parse(`${date}T00:00:00Z`) + minute * 60_000;
const noBuffers = { bufferBeforeMin: 0, bufferAfterMin: 0 };

/** 2026-12-07 is a Monday. */
function input(overrides: Partial<DateEffectInput> = {}): DateEffectInput {
  return {
    date: "2026-12-07",
    before: [iv("09:00", "12:00"), iv("13:00", "17:00")],
    after: [iv("10:00", "14:00")],
    closures: [],
    appointments: [],
    service: { durationMin: 30, bufferBeforeMin: 0, bufferAfterMin: 0 },
    gridMin: 30,
    earliestMs: 0,
    horizonEndMs: Number.POSITIVE_INFINITY,
    instantOf: utc,
    ...overrides,
  };
}

describe("the date form's draft", () => {
  it("is a day off when 'Not working' is ticked, whatever the times say", () => {
    expect(draftIntervals(true, "", "", 15)).toEqual([]);
    expect(draftIntervals(true, "10:00", "09:00", 15)).toEqual([]);
  });

  it("is one interval when complete and valid, else undefined (no effect is shown)", () => {
    expect(draftIntervals(false, "10:00", "14:00", 15)).toEqual([iv("10:00", "14:00")]);
    expect(draftIntervals(false, "10:00", "", 15)).toBeUndefined();
    expect(draftIntervals(false, "14:00", "10:00", 15)).toBeUndefined();
    expect(draftIntervals(false, "10:07", "14:00", 15)).toBeUndefined();
  });
});

describe("one date's new hours, before saving", () => {
  it("counts the bookable times before and after", () => {
    // Before: 09–12 gives 6 starts of 30 min on a 30-min grid, 13–17 gives 8; after: 10–14 gives 8.
    expect(dateEffect(input())).toMatchObject({ date: "2026-12-07", before: 14, after: 8 });
    expect(dateEffect(input({ after: [] }))).toMatchObject({ before: 14, after: 0 });
  });

  it("names the confirmed appointments left outside the new hours, and counts around the busy time", () => {
    const appointments = [
      { id: "a", start: "2026-12-07T10:00:00Z", end: "2026-12-07T10:30:00Z", ...noBuffers },
      { id: "b", start: "2026-12-07T15:00:00Z", end: "2026-12-07T15:30:00Z", ...noBuffers },
      { id: "c", start: "2026-12-07T13:45:00Z", end: "2026-12-07T14:15:00Z", ...noBuffers },
    ];
    const day = dateEffect(input({ appointments }));
    expect(day.outside).toEqual(["b", "c"]);
    // After, 10:00 is taken by a and 13:30 collides with c: 8 - 2.
    expect(day.after).toBe(6);
  });

  it("counts nothing on a closed date, before or after", () => {
    const closures = [{ startDate: "2026-12-07", endDate: "2026-12-07" }];
    expect(dateEffect(input({ closures }))).toMatchObject({ closed: true, before: 0, after: 0 });
  });

  it("keeps the engine's notice: starts before the earliest bookable instant do not count", () => {
    const day = dateEffect(input({ earliestMs: utc("2026-12-07", 12 * 60) }));
    // Before: only 13–17 (8); after: 12:00–13:30 (4).
    expect(day).toMatchObject({ before: 8, after: 4 });
  });
});

describe("a staff member's appointments on one date", () => {
  const list = [
    {
      id: "a",
      staffId: "s1",
      serviceId: "x",
      status: "confirmed",
      start: "2026-12-07T10:00:00+01:00",
    },
    {
      id: "b",
      staffId: "s1",
      serviceId: "x",
      status: "cancelled",
      start: "2026-12-07T11:00:00+01:00",
    },
    {
      id: "c",
      staffId: "s2",
      serviceId: "x",
      status: "confirmed",
      start: "2026-12-07T10:00:00+01:00",
    },
    {
      id: "d",
      staffId: "s1",
      serviceId: "y",
      status: "confirmed",
      start: "2026-12-08T00:30:00+01:00",
    },
  ];
  it("takes the confirmed ones of that staff member on that local date, with their buffers", () => {
    const found = dayAppointments(list, "s1", "2026-12-07", (id) => ({
      bufferBeforeMin: id === "x" ? 5 : 0,
      bufferAfterMin: 10,
    }));
    expect(found.map((a) => [a.id, a.bufferBeforeMin, a.bufferAfterMin])).toEqual([["a", 5, 10]]);
  });
});

describe("a closure, before saving", () => {
  const berlin = (date: string) => Date.parse(`${date}T00:00:00+01:00`);
  const at = (id: string, start: string, status = "confirmed") => ({ id, start, status });
  const list = [
    at("late", "2026-12-09T18:00:00Z"),
    at("early", "2026-12-08T09:00:00+01:00"),
    at("before", "2026-12-07T23:30:00+01:00"),
    // Midnight in Berlin is still the 7th in UTC: on the closed dates by the business's zone.
    at("edge", "2026-12-07T23:30:00Z"),
    at("gone", "2026-12-08T10:00:00+01:00", "cancelled"),
    at("after", "2026-12-10T00:00:00+01:00"),
  ];

  it("counts the confirmed appointments starting on the dates in the business's zone, by start", () => {
    const effect = closureEffect(list, "2026-12-08", "2026-12-09", berlin);
    expect(effect?.count).toBe(3);
    expect(effect?.shown.map((a) => a.id)).toEqual(["edge", "early", "late"]);
  });

  it("shows the first few only, and counts them all", () => {
    const many = Array.from({ length: 7 }, (_, i) => at(`m${i}`, `2026-12-08T1${i}:00:00+01:00`));
    const effect = closureEffect(many, "2026-12-08", "2026-12-08", berlin);
    expect(effect?.count).toBe(7);
    expect(effect?.shown.map((a) => a.id)).toEqual(["m0", "m1", "m2", "m3", "m4"]);
  });

  it("has no effect to show for a backwards or incomplete range", () => {
    expect(closureEffect(list, "2026-12-09", "2026-12-08", berlin)).toBeUndefined();
    expect(closureEffect(list, "", "2026-12-08", berlin)).toBeUndefined();
    expect(closureEffect([], "2026-12-08", "2026-12-08", berlin)).toEqual({ count: 0, shown: [] });
  });
});
