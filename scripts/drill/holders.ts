/**
 * How the multi-location drill observes "live holders of one slot at one moment", from the
 * clients' side only (no store is asked, so a store that lies cannot hide a second holder).
 *
 * Every hold granted (201, or 200 for a repeat) is a box in two dimensions:
 * - the time it occupies on its staff member's calendar, [slotStartMs, slotEndMs) from the answer's
 *   `slots`;
 * - the wall-clock time it was certainly live, [liveFromMs, liveUntilMs): from the moment its
 *   answer ARRIVED (the grant happened before) to the earliest moment it may have ended: when its
 *   holder SENT the release or the booking that consumes it, or else its `expiresAt`.
 *
 * Two holds of one staff member whose boxes intersect were both live holders of overlapping time
 * at one moment: one slot with two holders. Measuring the certain window (answer received →
 * end request sent) keeps the clients' own latency from inventing an overlap: a hold granted
 * right after another was released can only meet it if the release was sent after the new grant
 * was answered, which would be a real second holder.
 *
 * The most holders at one moment is the deepest point of these boxes, per staff member.
 * Axis-parallel boxes that intersect pairwise share a point, so the depth is found by sweeping
 * the live windows' starts and, at each, the deepest point of the calendar intervals then live.
 */

export interface HoldGrant {
  /** Which location (worker instance) granted it; for the report. */
  location: number;
  holdId: string;
  staffId: string;
  slotStartMs: number;
  slotEndMs: number;
  /** When its request was sent (for the report: a grant answered long after is a lead). */
  sentAtMs: number;
  /** When the grant's answer arrived. */
  liveFromMs: number;
  /** When its release or booking was sent, or its expiresAt (whichever came first). */
  liveUntilMs: number;
}

export interface HolderReport {
  /** The most holds live at one moment over one point of one staff member's calendar (0: none). */
  maxHolders: number;
  /** Pairs of holds that were both live over overlapping calendar time at one moment. */
  overlappingPairs: number;
  /** Up to five such pairs, for the report. */
  examples: [HoldGrant, HoldGrant][];
}

const intersects = (aFrom: number, aUntil: number, bFrom: number, bUntil: number) =>
  aFrom < bUntil && bFrom < aUntil;

function boxesMeet(a: HoldGrant, b: HoldGrant): boolean {
  return (
    a.staffId === b.staffId &&
    intersects(a.slotStartMs, a.slotEndMs, b.slotStartMs, b.slotEndMs) &&
    intersects(a.liveFromMs, a.liveUntilMs, b.liveFromMs, b.liveUntilMs)
  );
}

/** The deepest point of half-open intervals (0 for none; touching ends do not overlap). */
function deepestPoint(intervals: { from: number; until: number }[]): number {
  const events: [number, number][] = [];
  for (const { from, until } of intervals) {
    if (until <= from) continue;
    events.push([from, 1], [until, -1]);
  }
  // At equal times the ends come first: [a, b) and [b, c) never share a point.
  events.sort((x, y) => x[0] - y[0] || x[1] - y[1]);
  let depth = 0;
  let max = 0;
  for (const [, delta] of events) {
    depth += delta;
    if (depth > max) max = depth;
  }
  return max;
}

export function countHolders(grants: readonly HoldGrant[]): HolderReport {
  const byStaff = new Map<string, HoldGrant[]>();
  for (const grant of grants) {
    if (grant.liveUntilMs <= grant.liveFromMs || grant.slotEndMs <= grant.slotStartMs) continue;
    const list = byStaff.get(grant.staffId) ?? [];
    list.push(grant);
    byStaff.set(grant.staffId, list);
  }
  let maxHolders = 0;
  let overlappingPairs = 0;
  const examples: [HoldGrant, HoldGrant][] = [];
  for (const list of byStaff.values()) {
    list.sort((a, b) => a.liveFromMs - b.liveFromMs);
    for (const [i, at] of list.entries()) {
      // The deepest point lies at some box's live start: the boxes live then, by calendar time.
      const live = list.filter(
        (g) => g.liveFromMs <= at.liveFromMs && at.liveFromMs < g.liveUntilMs,
      );
      maxHolders = Math.max(
        maxHolders,
        deepestPoint(live.map((g) => ({ from: g.slotStartMs, until: g.slotEndMs }))),
      );
      // Pairs: each counted once, from its later-starting member.
      for (const earlier of list.slice(0, i)) {
        if (!boxesMeet(earlier, at)) continue;
        overlappingPairs++;
        if (examples.length < 5) examples.push([earlier, at]);
      }
    }
  }
  return { maxHolders, overlappingPairs, examples };
}
