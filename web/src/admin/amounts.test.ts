import { describe, expect, it } from "vitest";
import { minorUnits } from "./amounts.ts";

describe("a typed price in minor units", () => {
  it("takes a point or a comma and up to two decimals", () => {
    expect(minorUnits("55")).toBe(5500);
    expect(minorUnits(" 55.5 ")).toBe(5550);
    expect(minorUnits("55,50")).toBe(5550);
    expect(minorUnits("0.05")).toBe(5);
    expect(minorUnits("0")).toBe(0);
  });

  it("refuses what is not an amount", () => {
    for (const raw of ["", "abc", "-5", "5.555", "1,000.00", "55.", "€55"]) {
      expect(minorUnits(raw), raw).toBeNaN();
    }
  });
});
