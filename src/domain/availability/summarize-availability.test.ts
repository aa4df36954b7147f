import { describe, expect, it } from "vitest";
import { FixedClock, fakeContext } from "../../../test/fixtures/fakes.ts";
import { CELL_MS, type LiveCells } from "../live/types.ts";
import { DEFAULT_SETTINGS } from "../settings/settings.ts";
import type { AvailabilityData } from "./availability-data.ts";
import { getAvailability } from "./get-availability.ts";
import { summarizeAvailability } from "./summarize-availability.ts";

const DAY = [
  { startMin: 9 * 60, endMin: 12 * 60 },
  { startMin: 13 * 60, endMin: 17 * 60 },
];
const weekly = { 1: DAY, 2: DAY, 3: DAY, 4: DAY, 5: DAY };

const data: AvailabilityData = {
  settings: { ...DEFAULT_SETTINGS, timeZone: "Europe/Berlin", minNoticeMin: 0 },
  service: { id: "svc_a", durationMin: 30, bufferBeforeMin: 0, bufferAfterMin: 15 },
  staff: ["stf_a", "stf_b"].map((staffId) => ({
    staffId,
    timeZone: null,
    weekly,
    overrides: new Map(),
    busy: [],
  })),
  closures: [],
};

/** 07:00 UTC on Monday 2026-01-05 = 08:00 in Berlin. */
const NOW = Date.UTC(2026, 0, 5, 7, 0);
const cell = (iso: string) => Date.parse(iso) / CELL_MS;

function context(cells: LiveCells[][]) {
  return fakeContext({
    clock: new FixedClock(NOW),
    availability: { load: async () => data },
    liveState: { overlay: async () => cells } as never,
  });
}

const input = { serviceId: "svc_a", fromDate: "2026-01-05", toDate: "2026-01-11" };

describe("summarizeAvailability", () => {
  it("agrees with availability's overlay: free = available or viewing, each start once", async () => {
    const cells: LiveCells[][] = [
      [
        // stf_a: a hold 09:00–09:45 (+buffer) and someone viewing 13:00.
        {
          kind: "held",
          mine: false,
          cellStart: cell("2026-01-05T08:00:00Z"),
          cellEnd: cell("2026-01-05T08:45:00Z"),
        },
        {
          kind: "viewing",
          mine: false,
          cellStart: cell("2026-01-05T12:00:00Z"),
          cellEnd: cell("2026-01-05T12:45:00Z"),
        },
      ],
      [
        // stf_b: a booking (live) over the same morning, and a hold on Tuesday 16:00.
        {
          kind: "booked",
          mine: false,
          cellStart: cell("2026-01-05T08:00:00Z"),
          cellEnd: cell("2026-01-05T09:15:00Z"),
        },
        {
          kind: "held",
          mine: false,
          cellStart: cell("2026-01-06T15:00:00Z"),
          cellEnd: cell("2026-01-06T15:45:00Z"),
        },
      ],
    ];
    const summary = await summarizeAvailability({ ctx: context(cells), input });
    const { days: full } = await getAvailability({ ctx: context(cells), input });
    const expected = full.map((day) => {
      const free = day.slots.filter((s) => s.state === "available" || s.state === "viewing");
      const starts = [...new Set(free.map((s) => s.startMs))].sort((a, b) => a - b);
      return {
        date: day.date,
        freeCount: starts.length,
        firstFree: free.find((s) => s.startMs === starts[0])?.start ?? null,
      };
    });
    expect(summary).toEqual(expected);
    // Monday: 24 starts a day (09:00–11:15 and 13:00–16:15; 45 minutes with the buffer). Both
    // staff are taken at 09:00, 09:15 and 09:30 (a's hold ends 09:45, b's booking 10:15), so 21
    // starts are free, the first being a's 09:45; a start free with both counts once.
    expect(summary[0]).toEqual({
      date: "2026-01-05",
      freeCount: 21,
      firstFree: "2026-01-05T09:45:00+01:00",
    });
    // Saturday and Sunday: no working hours.
    expect(summary.slice(5).map((d) => d.freeCount)).toEqual([0, 0]);
  });
});
