import { describe, expect, it } from "vitest";
import { parseDrillArgs } from "./args.ts";

describe("parseDrillArgs", () => {
  it("defaults to the single-location drill in the split layout", () => {
    expect(parseDrillArgs([])).toEqual({ locations: 1, layout: "split", fault: "refuse" });
  });

  it("reads both argument forms", () => {
    expect(parseDrillArgs(["--locations", "3", "--layout=edge-only", "--fault", "hang"])).toEqual({
      locations: 3,
      layout: "edge-only",
      fault: "hang",
    });
  });

  it("refuses what it cannot run", () => {
    expect(() => parseDrillArgs(["--locations", "1"])).toThrow("--locations must be");
    expect(() => parseDrillArgs(["--locations", "2.5"])).toThrow("--locations must be");
    expect(() => parseDrillArgs(["--locations"])).toThrow("--locations needs a value");
    expect(() => parseDrillArgs(["--layout", "placed"])).toThrow("--layout must be");
    expect(() => parseDrillArgs(["--fault", "none"])).toThrow("--fault must be one of");
    expect(() => parseDrillArgs(["--clients", "5"])).toThrow("unknown argument --clients");
  });
});
