import { describe, expect, it } from "vitest";
import { decodeMeta, encodeMeta } from "./stored-offer.ts";

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
