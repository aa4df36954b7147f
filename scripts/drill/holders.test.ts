import { describe, expect, it } from "vitest";
import { countHolders, type HoldGrant } from "./holders.ts";

const MIN = 60_000;
let n = 0;

/** A grant of staff `staffId` for calendar minutes [from, until), certainly live [liveFrom, liveUntil) ms. */
function grant(
  slot: [number, number],
  live: [number, number],
  staffId = "stf_a",
  location = 0,
): HoldGrant {
  return {
    location,
    holdId: `hld_${++n}`,
    staffId,
    slotStartMs: slot[0] * MIN,
    slotEndMs: slot[1] * MIN,
    sentAtMs: live[0],
    liveFromMs: live[0],
    liveUntilMs: live[1],
  };
}

describe("countHolders", () => {
  it("counts nothing for no grants", () => {
    expect(countHolders([])).toEqual({ maxHolders: 0, overlappingPairs: 0, examples: [] });
  });

  it("one holder after another on the same slot is one holder at a time", () => {
    const report = countHolders([
      grant([0, 30], [0, 100]),
      // Granted when the first one's release had been sent: the windows only touch.
      grant([0, 30], [100, 200], "stf_a", 1),
      grant([0, 30], [250, 400], "stf_a", 2),
    ]);
    expect(report.maxHolders).toBe(1);
    expect(report.overlappingPairs).toBe(0);
  });

  it("two locations holding one slot at once are two holders", () => {
    const first = grant([0, 30], [0, 100], "stf_a", 0);
    const second = grant([0, 30], [50, 150], "stf_a", 1);
    const report = countHolders([first, second]);
    expect(report.maxHolders).toBe(2);
    expect(report.overlappingPairs).toBe(1);
    expect(report.examples).toEqual([[first, second]]);
  });

  it("overlapping calendar time counts as one slot (a 30-minute hold at 9:00 and one at 9:15)", () => {
    const report = countHolders([grant([0, 30], [0, 100]), grant([15, 45], [10, 90])]);
    expect(report.maxHolders).toBe(2);
    expect(report.overlappingPairs).toBe(1);
  });

  it("adjacent calendar time and other staff members are not rivals", () => {
    const report = countHolders([
      grant([0, 30], [0, 100]),
      grant([30, 60], [0, 100]),
      grant([0, 30], [0, 100], "stf_b"),
    ]);
    expect(report.maxHolders).toBe(1);
    expect(report.overlappingPairs).toBe(0);
  });

  it("finds the deepest moment, not the number of pairs", () => {
    // A overlaps B and C in wall-clock time, B and C do not overlap each other: two at most.
    const report = countHolders([
      grant([0, 30], [0, 300]),
      grant([0, 30], [10, 100]),
      grant([0, 30], [200, 290]),
    ]);
    expect(report.maxHolders).toBe(2);
    expect(report.overlappingPairs).toBe(2);
  });

  it("three holders at one moment are three", () => {
    const report = countHolders([
      grant([0, 30], [0, 300]),
      grant([10, 40], [20, 100]),
      grant([20, 50], [50, 80]),
    ]);
    expect(report.maxHolders).toBe(3);
    expect(report.overlappingPairs).toBe(3);
  });

  it("calendar and wall-clock overlaps must happen together", () => {
    // A meets B on the calendar only while B is not yet live, and C in wall-clock time only
    // over other calendar time.
    const report = countHolders([
      grant([0, 30], [0, 100]),
      grant([0, 30], [100, 200]),
      grant([40, 70], [50, 150]),
      grant([60, 90], [150, 250]),
    ]);
    expect(report.maxHolders).toBe(1);
    expect(report.overlappingPairs).toBe(0);
  });

  it("ignores an empty window (a hold released before its answer arrived)", () => {
    const report = countHolders([grant([0, 30], [0, 100]), grant([0, 30], [50, 50])]);
    expect(report.maxHolders).toBe(1);
    expect(report.overlappingPairs).toBe(0);
  });
});
