import { describe, expect, it } from "vitest";
import type { AvailabilityDay } from "../availability/types.ts";
import { offerDays } from "./offers.ts";
import {
  candidateDates,
  decodeMeta,
  encodeMeta,
  encodeOfferDay,
  encodeOfferOffsets,
  OFFER_TTL_MS,
  offerOffsetAt,
  offersStart,
  offsetsField,
  readOfferDay,
} from "./stored-offer.ts";
import { CELL_MS } from "./types.ts";

const meta = {
  durationMin: 30,
  bufferBeforeMin: 5,
  bufferAfterMin: 10,
  holdTtlS: 600,
  viewingTtlS: 10,
  holdExtensionCapS: 1800,
  minNoticeMin: 60,
  maxHeldSlotsPerClient: 4,
  maxHeldSlotsPerIp: 20,
};

describe("the stored offer meta", () => {
  it("is nine numbers in a fixed order (what lua/lib/live.lua's offerOf reads)", () => {
    expect(encodeMeta(meta)).toBe("30|5|10|600|10|1800|60|4|20");
  });

  it("decodes what it encodes", () => {
    expect(decodeMeta(encodeMeta(meta))).toEqual(meta);
  });

  it("is nothing offered for any other text, the old seven-part form included", () => {
    for (const text of [
      "30|5|10|600|10|1800|60",
      "30|5|10|600|10|1800|60|4|20|1",
      "a|b",
      "",
      "30|5|10|600|10|1800|60|4|-1",
    ])
      expect(decodeMeta(text)).toBeNull();
  });
});

describe("a stored offer date", () => {
  const day = {
    date: "2027-10-31",
    baseMs: Date.parse("2027-10-30T22:00:00Z"),
    bitmapHex: "f0",
    offsets: [
      { fromMs: Date.parse("2027-10-30T22:00:00Z"), offsetMin: 120 },
      { fromMs: Date.parse("2027-10-31T01:00:00Z"), offsetMin: 60 },
    ],
  };
  const published = (text: string) => `1700000000000|${text}`;

  it("is the bitmap in the date's own field and the staff member's offsets in o:<date>: the first from baseMs, then each change (what lua/lib/live.lua's offerOf reads)", () => {
    expect(encodeOfferDay(day)).toBe("1824933600000|f0");
    expect(offsetsField(day.date)).toBe("o:2027-10-31");
    expect(encodeOfferOffsets(day)).toBe("120|1824944400000|60");
    expect(encodeOfferOffsets({ ...day, offsets: [{ fromMs: day.baseMs, offsetMin: -300 }] })).toBe(
      "-300",
    );
  });

  it("reads back what was published", () => {
    expect(
      readOfferDay(published(encodeOfferDay(day)), published(encodeOfferOffsets(day))),
    ).toEqual({
      publishedMs: 1_700_000_000_000,
      baseMs: day.baseMs,
      bitmapHex: "f0",
      offsets: day.offsets,
    });
  });

  it("is nothing offered without its offsets, with another publication's, or in any other form", () => {
    const date = published(encodeOfferDay(day));
    for (const [dayText, offsetsText] of [
      [date, ""],
      [date, "1700000000001|120"],
      [date, published("120|1824944400000")],
      [date, published("120|x|60")],
      [date, published("")],
      [published("1824933600000|f0|120"), published("120")],
      ["", published("120")],
    ] as const)
      expect(readOfferDay(dayText, offsetsText), `${dayText} ${offsetsText}`).toBeNull();
  });

  it("names the offset of each instant: before, at and after the change", () => {
    expect(offerOffsetAt(day.offsets, Date.parse("2027-10-31T00:59:59Z"))).toBe(120);
    expect(offerOffsetAt(day.offsets, Date.parse("2027-10-31T01:00:00Z"))).toBe(60);
    expect(offerOffsetAt(day.offsets, Date.parse("2027-10-31T12:00:00Z"))).toBe(60);
  });

  it("offers a start only on its bitmap, and only within the offer TTL", () => {
    const at = (text: string) => `${day.baseMs}|${text}`;
    const stored = readOfferDay(at(encodeOfferDay(day)), at(encodeOfferOffsets(day)));
    if (!stored) throw new Error("unreadable");
    const nowMs = day.baseMs;
    const cell = (i: number) => day.baseMs + i * CELL_MS;
    expect([0, 1, 2, 3, 4, 7, 8].map((i) => offersStart(stored, cell(i), nowMs))).toEqual([
      true,
      true,
      true,
      true,
      false,
      false,
      false,
    ]);
    expect(offersStart(stored, cell(0) + 60_000, nowMs)).toBe(false);
    expect(offersStart(stored, cell(0), nowMs + OFFER_TTL_MS)).toBe(false);
  });
});

describe("candidate offer dates", () => {
  it("are the slot's UTC date and its neighbours, whatever offset the caller wrote it in", () => {
    const startMs = Date.parse("2027-11-02T11:00:00Z");
    expect(candidateDates({ startMs })).toEqual(["2027-11-02", "2027-11-01", "2027-11-03"]);
  });
});

describe("offer days", () => {
  const staffId = "stf_1";
  const slotAt = (start: string, minutes = 60) => {
    const startMs = Date.parse(start);
    return { staffId, state: "available", startMs, endMs: startMs + minutes * 60_000 };
  };

  it("carry the zone's offset from local midnight, and the instant it changes on a DST date", () => {
    const days = [
      { date: "2027-10-31", slots: [slotAt("2027-10-31T00:30:00Z")] },
      { date: "2027-03-28", slots: [slotAt("2027-03-28T08:00:00Z")] },
      { date: "2027-11-02", slots: [slotAt("2027-11-02T08:00:00Z")] },
    ];
    const offered = offerDays(days as unknown as AvailabilityDay[], staffId, "Europe/Berlin");
    expect(offered.map((d) => d.offsets)).toEqual([
      [
        { fromMs: Date.parse("2027-10-30T22:00:00Z"), offsetMin: 120 },
        { fromMs: Date.parse("2027-10-31T01:00:00Z"), offsetMin: 60 },
      ],
      [
        { fromMs: Date.parse("2027-03-27T23:00:00Z"), offsetMin: 60 },
        { fromMs: Date.parse("2027-03-28T01:00:00Z"), offsetMin: 120 },
      ],
      [{ fromMs: Date.parse("2027-11-01T23:00:00Z"), offsetMin: 60 }],
    ]);
    expect(offered[0]?.bitmapHex).toBe("00000002");
  });

  it("cover a slot that ends past the date's midnight, in the offset it ends in", () => {
    // America/Santiago moves from -04:00 to -03:00 at the local midnight of 2027-09-05.
    const days = [{ date: "2027-09-04", slots: [slotAt("2027-09-05T03:30:00Z", 60)] }];
    const [day] = offerDays(days as unknown as AvailabilityDay[], staffId, "America/Santiago");
    expect(day?.offsets).toEqual([
      { fromMs: Date.parse("2027-09-04T04:00:00Z"), offsetMin: -240 },
      { fromMs: Date.parse("2027-09-05T04:00:00Z"), offsetMin: -180 },
    ]);
  });
});
