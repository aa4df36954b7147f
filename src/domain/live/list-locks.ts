import type { DomainContext } from "../ports.ts";
import { formatWithOffset } from "../time/fixed-offset.ts";

/**
 * One page of live holds, markers and recent bookings (admin debugging), walking the store with
 * a cursor. `date` keeps entries whose start falls on that local date (in the slot's offset).
 */
export async function listLocks({
  ctx,
  input,
}: {
  ctx: DomainContext;
  input: { cursor: string; staffId?: string; date?: string };
}) {
  const nowMs = ctx.clock.nowMs();
  const page = await ctx.liveState.scan({
    cursor: input.cursor,
    nowMs,
    ...(input.staffId ? { staffId: input.staffId } : {}),
  });
  const entries = page.entries
    .map((e) => ({
      staffId: e.staffId,
      kind: e.kind,
      id: e.id,
      start: formatWithOffset(e.startMs, e.offsetMin),
      end: formatWithOffset(e.endMs, e.offsetMin),
      expiresAt: new Date(e.expiresAtMs).toISOString(),
      remainingMs: e.expiresAtMs - nowMs,
    }))
    .filter((e) => input.date === undefined || e.start.startsWith(input.date))
    .sort((a, b) => a.start.localeCompare(b.start));
  return { cursor: page.cursor, done: page.cursor === "0", entries };
}
