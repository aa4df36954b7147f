import { describe, expect, it } from "vitest";
import { parseChanges } from "./live-push.ts";

describe("parseChanges (the message format of lua/lib/live.lua)", () => {
  it("reads removals and entries in order, deciding mine for the subscriber's tag", () => {
    const message =
      "-v:tagA;+v:tagA|29472600|29472630|60|1796000000000|tagA;+b:apt_1:0|29472660|29472690|60|1796000900000|";
    expect(parseChanges(message, "tagA")).toEqual([
      { kind: "gone", id: "v:tagA" },
      {
        kind: "put",
        entry: {
          id: "v:tagA",
          kind: "viewing",
          mine: true,
          startMs: 29472600 * 60_000,
          endMs: 29472630 * 60_000,
          offsetMin: 60,
          expiresAtMs: 1796000000000,
        },
      },
      {
        kind: "put",
        entry: {
          id: "b:apt_1:0",
          kind: "booked",
          mine: false,
          startMs: 29472660 * 60_000,
          endMs: 29472690 * 60_000,
          offsetMin: 60,
          expiresAtMs: 1796000900000,
        },
      },
    ]);
    expect(parseChanges("+h:k:0|1|2|-300|9|other", "tagA")?.[0]).toMatchObject({
      entry: { kind: "held", mine: false, offsetMin: -300 },
    });
  });

  it("refuses anything else (the stream ends rather than drift)", () => {
    for (const bad of [
      "",
      "x",
      "-",
      "+h:k:0|1|2|60|9",
      "+h:k:0|a|2|60|9|t",
      "+q:k|1|2|60|9|t",
      "hello",
    ])
      expect(parseChanges(bad, "t"), bad).toBeNull();
  });
});
