import { describe, expect, it } from "vitest";
import { type Occurrence, type SeriesAnswer, seriesHoldBody } from "./series.ts";

const free = (start: string): Occurrence => ({
  date: start.slice(0, 10),
  start,
  end: null,
  free: true,
  state: "available",
  alternatives: [],
});
const taken = (start: string, alternatives: string[]): Occurrence => ({
  ...free(start),
  free: false,
  state: "booked",
  alternatives: alternatives.map((s) => ({ start: s, end: s })),
});

function answer(occurrences: Occurrence[]): SeriesAnswer {
  return {
    serviceId: "svc_a",
    staffId: "stf_b",
    everyWeeks: 2,
    count: occurrences.length,
    occurrences,
  };
}

const A = "2026-12-14T10:00:00+01:00";
const B = "2026-12-28T10:00:00+01:00";
const B2 = "2026-12-28T11:00:00+01:00";
const C = "2027-01-11T10:00:00+01:00";

describe("the series hold's body", () => {
  it("asks for the series itself (repeat) when every occurrence was free", () => {
    expect(seriesHoldBody("c_1", answer([free(A), free(B), free(C)]), [A, B, C])).toEqual({
      clientId: "c_1",
      serviceId: "svc_a",
      staffId: "stf_b",
      start: A,
      repeat: { everyWeeks: 2, count: 3 },
    });
  });

  it("lists the slots one by one when an alternative replaces a taken occurrence", () => {
    expect(seriesHoldBody("c_1", answer([free(A), taken(B, [B2]), free(C)]), [A, B2, C])).toEqual({
      clientId: "c_1",
      slots: [A, B2, C].map((start) => ({ serviceId: "svc_a", staffId: "stf_b", start })),
    });
  });

  it("lists the slots left when a taken date is left out, and holds one slot alone", () => {
    const two = seriesHoldBody("c_1", answer([free(A), taken(B, []), free(C)]), [A, C]);
    expect(two.slots).toHaveLength(2);
    expect(seriesHoldBody("c_1", answer([free(A), taken(B, [])]), [A])).toEqual({
      clientId: "c_1",
      serviceId: "svc_a",
      staffId: "stf_b",
      start: A,
    });
  });
});
