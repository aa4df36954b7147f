import { describe, expect, it } from "vitest";
import type { CellClaim } from "../mysql/hold-arbiter.ts";
import { GrantedHolds } from "./granted-holds.ts";

/** A claim of cells [from, to) of one staff member, live until `untilMs`. */
function claim(
  owner: string,
  from: number,
  to: number,
  options: { staffId?: string; clientTag?: string; untilMs?: number } = {},
): CellClaim {
  return {
    staffId: options.staffId ?? "stf_a",
    owner,
    clientTag: options.clientTag ?? `tag-${owner}`,
    expiresAtMs: options.untilMs ?? 10_000,
    ranges: [{ cellStart: from, cellEnd: to }],
  };
}

describe("GrantedHolds", () => {
  it("a cell granted to another client's live hold is held; a neighbouring cell, another staff member's or an expired hold is not", () => {
    const holds = new GrantedHolds(1_000);
    holds.remember(claim("r:a", 10, 16), 0);
    expect(holds.heldByAnother(claim("r:b", 15, 21), 0)).toBe(true);
    expect(holds.heldByAnother(claim("r:b", 16, 22), 0)).toBe(false);
    expect(holds.heldByAnother(claim("r:b", 4, 10), 0)).toBe(false);
    expect(holds.heldByAnother(claim("r:b", 10, 16, { staffId: "stf_b" }), 0)).toBe(false);
    expect(holds.heldByAnother(claim("r:b", 10, 16), 10_000)).toBe(false);
  });

  it("the same hold, or the same client's other hold, does not count (Redis may hand it that hold)", () => {
    const holds = new GrantedHolds(1_000);
    holds.remember(claim("r:a", 10, 16, { clientTag: "same" }), 0);
    expect(holds.heldByAnother(claim("r:a", 10, 16, { clientTag: "other" }), 0)).toBe(false);
    expect(holds.heldByAnother(claim("r:b", 10, 16, { clientTag: "same" }), 0)).toBe(false);
  });

  it("an extension moves the expiry; forgetting frees the cells", () => {
    const holds = new GrantedHolds(1_000);
    holds.remember(claim("r:a", 10, 16, { untilMs: 5_000 }), 0);
    holds.extend("r:a", 20_000);
    expect(holds.heldByAnother(claim("r:b", 10, 11), 15_000)).toBe(true);
    holds.forget("r:a");
    expect(holds.heldByAnother(claim("r:b", 10, 11), 0)).toBe(false);
    expect(holds.size).toBe(0);
  });

  it("a later hold on a cell owns it: forgetting the earlier one leaves the later one's cells", () => {
    const holds = new GrantedHolds(1_000);
    holds.remember(claim("r:a", 10, 16, { untilMs: 1_000 }), 0);
    // The first hold lapsed and another took cells 12–17.
    holds.remember(claim("r:b", 12, 18), 0);
    expect(holds.size).toBe(8);
    holds.forget("r:a");
    expect(holds.size).toBe(6);
    expect(holds.heldByAnother(claim("r:c", 12, 13), 2_000)).toBe(true);
    expect(holds.heldByAnother(claim("r:c", 10, 12), 2_000)).toBe(false);
    holds.forget("r:b");
    expect(holds.size).toBe(0);
  });

  it("remembering a hold again (a repeat) replaces its cells instead of adding them", () => {
    const holds = new GrantedHolds(1_000);
    holds.remember(claim("r:a", 10, 16), 0);
    holds.remember(claim("r:a", 10, 16, { untilMs: 30_000 }), 0);
    expect(holds.size).toBe(6);
    expect(holds.heldByAnother(claim("r:b", 10, 11), 20_000)).toBe(true);
  });

  it("at its bound the expired holds go first, and the live ones stay", () => {
    const holds = new GrantedHolds(18);
    holds.remember(claim("r:a", 0, 6, { untilMs: 1_000 }), 0);
    holds.remember(claim("r:b", 6, 12, { untilMs: 1_000 }), 0);
    holds.remember(claim("r:c", 12, 18, { untilMs: 9_000 }), 0);
    expect(holds.size).toBe(18);
    holds.remember(claim("r:d", 20, 26, { untilMs: 9_000 }), 2_000);
    expect(holds.size).toBe(12);
    expect(holds.heldByAnother(claim("r:x", 12, 13), 2_000)).toBe(true);
    expect(holds.heldByAnother(claim("r:x", 20, 21), 2_000)).toBe(true);
  });

  it("past its bound with too few expired holds, the memory starts again with the hold that reached it", () => {
    const holds = new GrantedHolds(12);
    holds.remember(claim("r:a", 0, 6), 0);
    holds.remember(claim("r:b", 6, 12), 0);
    expect(holds.size).toBe(12);
    holds.remember(claim("r:c", 20, 26), 0);
    expect(holds.size).toBe(6);
    expect(holds.heldByAnother(claim("r:x", 0, 1), 0)).toBe(false);
    expect(holds.heldByAnother(claim("r:x", 20, 21), 0)).toBe(true);
  });
});
