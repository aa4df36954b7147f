/**
 * The funnel's counters where they add up across isolates (docs/adr/1205-the-booking-funnel.md):
 * the live scripts' daily hashes in Redis (selections and holds, and the store calls counted
 * slow), and the booking store's appointments, counted by query when the report is asked for.
 * The MySQL fallback's own counters (funnel_counts, written while Redis was down) are added.
 * One Redis round trip whatever the range (a pipeline of HGETALLs), and at most three SQL
 * statements, two of them at once: the staff list, then the appointments' and the fallback's
 * grouped counts.
 */
import type { Client } from "@planetscale/database";
import type { Redis } from "@upstash/redis/cloudflare";
import type { FunnelCounts, FunnelStatsSource } from "../../domain/ports.ts";
import { emptyCounts } from "../../domain/stats/funnel-report.ts";
import type { RedisKeys } from "../redis/keys.ts";
import { toInt } from "../mysql/sql-values.ts";

/** The live counters the scripts write (lua/lib/live.lua, `tally`). */
const LIVE_FIELDS = [
  "selections",
  "holdsCreated",
  "holdsBooked",
  "holdsReleased",
  "holdsExpired",
] as const satisfies readonly (keyof FunnelCounts)[];

type Row = Record<string, unknown>;

export class FunnelStats implements FunnelStatsSource {
  constructor(
    private readonly redis: Redis,
    private readonly keys: RedisKeys,
    private readonly db: Client,
    /** The deployment's REDIS_KEY_PREFIX: the fallback's counters carry it as their scope. */
    private readonly scope: string,
    /** Whether this isolate uses Redis now (the gate): on the fallback, Redis is not asked. */
    private readonly redisAvailable: () => boolean = () => true,
  ) {}

  async read(input: { dates: string[]; staffId: string | null }) {
    const { dates, staffId } = input;
    const first = dates[0];
    const last = dates.at(-1);
    if (first === undefined || last === undefined) return { days: [], liveComplete: true };
    const staffIds =
      staffId !== null
        ? [staffId]
        : ((await this.db.execute("SELECT id FROM staff ORDER BY id")).rows as Row[]).map((r) =>
            String(r.id),
          );
    const counts = new Map(dates.map((date) => [date, emptyCounts()]));
    const slow = new Map<string, Record<string, number>>(dates.map((date) => [date, {}]));

    const [live, booked, fallback] = await Promise.all([
      this.readLive(staffIds, dates),
      this.readBooked(staffId, first, last),
      this.readFallback(staffId, first, last),
    ]);
    live?.hashes.forEach((hash, i) => {
      const day = counts.get(dates[i % dates.length] as string) as FunnelCounts;
      for (const field of LIVE_FIELDS) day[field] += hash[field] ?? 0;
    });
    live?.slow.forEach((hash, i) => {
      const day = slow.get(dates[i] as string) as Record<string, number>;
      Object.assign(day, hash);
    });
    for (const row of fallback) {
      const day = counts.get(String(row.day));
      const name = String(row.name);
      if (day && (LIVE_FIELDS as readonly string[]).includes(name))
        day[name as (typeof LIVE_FIELDS)[number]] += toInt(row.n);
    }
    for (const row of booked) {
      const day = counts.get(String(row.day));
      if (!day) continue;
      day.bookings += toInt(row.bookings ?? 0);
      day.reschedules += toInt(row.reschedules ?? 0);
      day.cancellations += toInt(row.cancellations ?? 0);
    }
    return {
      liveComplete: live !== null,
      days: dates.map((date) => ({
        date,
        counts: counts.get(date) as FunnelCounts,
        slowCalls: slow.get(date) as Record<string, number>,
      })),
    };
  }

  /**
   * One pipeline: each staff member's hash of each date (staff-major), then the slow calls; null
   * when Redis is not in use or fails (the report then says it is partial, rather than fail: an
   * operator reviewing an outage still gets the booking store's counts and the fallback's).
   */
  private async readLive(staffIds: string[], dates: string[]) {
    if (!this.redisAvailable()) return null;
    const pipeline = this.redis.pipeline();
    for (const staffId of staffIds)
      for (const date of dates) pipeline.hgetall(this.keys.stats(staffId, date));
    for (const date of dates) pipeline.hgetall(this.keys.slowCalls(date));
    let replies: Record<string, number>[];
    try {
      replies = (await pipeline.exec<unknown[]>()).map(asCounts);
    } catch {
      return null;
    }
    const split = staffIds.length * dates.length;
    return { hashes: replies.slice(0, split), slow: replies.slice(split) };
  }

  /** What the MySQL fallback counted while Redis was down (its `funnel_counts`), by day. */
  private async readFallback(staffId: string | null, first: string, last: string): Promise<Row[]> {
    const staff = staffId === null ? "" : " AND staff_id = ?";
    const { rows } = await this.db.execute(
      `SELECT DATE_FORMAT(day, '%Y-%m-%d') AS day, name, SUM(n) AS n FROM funnel_counts
       WHERE scope = ? AND day BETWEEN ? AND ?${staff} GROUP BY day, name`,
      [this.scope, first, last, ...(staffId === null ? [] : [staffId])],
    );
    return rows as Row[];
  }

  /**
   * Bookings, reschedules (an appointment that replaces another: `rescheduled_from`) and
   * cancellations (cancelled, and not replaced by a reschedule) by UTC day, from the
   * appointments themselves: one statement, which the indexes of migration 0022 serve.
   */
  private async readBooked(staffId: string | null, first: string, last: string): Promise<Row[]> {
    const from = `${first} 00:00:00`;
    const to = new Date(Date.parse(`${last}T00:00:00Z`) + 86_400_000)
      .toISOString()
      .slice(0, 19)
      .replace("T", " ");
    const staff = staffId === null ? "" : " AND a.staff_id = ?";
    const staffArg = staffId === null ? [] : [staffId];
    const { rows } = await this.db.execute(
      `SELECT day, SUM(bookings) AS bookings, SUM(reschedules) AS reschedules, SUM(cancellations) AS cancellations FROM (
         SELECT DATE_FORMAT(a.created_at, '%Y-%m-%d') AS day,
           SUM(a.rescheduled_from IS NULL) AS bookings, SUM(a.rescheduled_from IS NOT NULL) AS reschedules,
           0 AS cancellations
         FROM appointments a WHERE a.created_at >= ? AND a.created_at < ?${staff} GROUP BY day
         UNION ALL
         SELECT DATE_FORMAT(a.cancelled_at, '%Y-%m-%d'), 0, 0, COUNT(*)
         FROM appointments a WHERE a.cancelled_at >= ? AND a.cancelled_at < ?${staff}
           AND NOT EXISTS (SELECT 1 FROM appointments r WHERE r.rescheduled_from = a.id)
         GROUP BY 1
       ) counted GROUP BY day`,
      [from, to, ...staffArg, from, to, ...staffArg],
    );
    return rows as Row[];
  }
}

/** An HGETALL reply (flat [field, value, …], or an object, as the client may answer) as counts. */
function asCounts(reply: unknown): Record<string, number> {
  const pairs: [string, unknown][] = Array.isArray(reply)
    ? Array.from({ length: Math.floor(reply.length / 2) }, (_, i) => [
        String(reply[2 * i]),
        reply[2 * i + 1],
      ])
    : Object.entries((reply ?? {}) as Record<string, unknown>);
  const counts: Record<string, number> = {};
  for (const [field, value] of pairs) {
    const n = Number(value);
    if (Number.isSafeInteger(n)) counts[field] = n;
  }
  return counts;
}
