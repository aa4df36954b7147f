import { describe, expect, it } from "vitest";
import { isSeriesSlots } from "./hold-slots.ts";
import { holdKeyOf, isSeriesHoldKey, newHoldKey } from "./tokens.ts";

describe("series hold keys", () => {
  it("a series key starts with s, and no other key does", () => {
    const sFirst = new Uint8Array(16).fill(25); // "s" in the key alphabet
    expect(holdKeyOf(sFirst)).toBe(`t${"s".repeat(15)}`);
    expect(holdKeyOf(sFirst, true)).toBe("s".repeat(16));
    expect(isSeriesHoldKey(holdKeyOf(sFirst))).toBe(false);
    expect(isSeriesHoldKey(holdKeyOf(new Uint8Array(16), true))).toBe(true);
    for (let i = 0; i < 500; i++) {
      expect(isSeriesHoldKey(newHoldKey())).toBe(false);
      const key = newHoldKey(true);
      expect(key).toMatch(/^s[0-9a-z]{15}$/);
    }
  });

  it("slots on two or more dates (as the caller wrote them) are a series", () => {
    const at = (iso: string, offsetMin: number) => ({ startMs: Date.parse(iso), offsetMin });
    expect(isSeriesSlots([at("2027-03-15T08:00:00Z", 60), at("2027-03-15T09:00:00Z", 60)])).toBe(
      false,
    );
    expect(isSeriesSlots([at("2027-03-15T08:00:00Z", 60), at("2027-03-22T08:00:00Z", 60)])).toBe(
      true,
    );
    // 23:30 and 00:30 local are two dates, although one hour apart.
    expect(isSeriesSlots([at("2027-03-15T22:30:00Z", 60), at("2027-03-15T23:30:00Z", 60)])).toBe(
      true,
    );
    expect(isSeriesSlots([at("2027-03-15T08:00:00Z", 60)])).toBe(false);
  });
});
