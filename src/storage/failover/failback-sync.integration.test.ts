/**
 * The failback sync at volume, on the real Redis and MySQL: 10 000 fallback holds over 20 staff
 * members, some of them meeting a different holder already in Redis (conflicts injected), are
 * copied in batches. Every hold ends in exactly one place, conflicts are counted and not copied,
 * and the fallback is empty afterwards. (How long it takes is measured by `npm run bench`.)
 */
import { Client } from "@planetscale/database";
import { afterAll, describe, expect, it } from "vitest";
import { fallbackHoldValue, insertFallbackHolds } from "../../../scripts/lib/fallback-holds.ts";
import { withDb } from "../../../test/stack/db-direct.ts";
import { directRedis } from "../../../test/stack/redis-direct.ts";
import { testBindings, uniqueId } from "../../../test/stack/stack-env.ts";
import { failbackLive } from "../../lua/scripts.gen.ts";
import { createRedisClient } from "../redis/client.ts";
import { RedisKeys } from "../redis/keys.ts";
import { FailbackSync } from "./failback-sync.ts";

const bindings = testBindings(`${uniqueId("fs")}:`);
const prefix = bindings.REDIS_KEY_PREFIX ?? "";
const keys = new RedisKeys(prefix);
const redis = createRedisClient({
  url: bindings.UPSTASH_REDIS_REST_URL ?? "",
  token: bindings.UPSTASH_REDIS_REST_TOKEN ?? "",
  timeoutMs: 30_000,
});
const db = new Client({ url: bindings.DATABASE_URL ?? "" });
const direct = directRedis();
afterAll(() => direct.quit());

const STAFF = 20;
const PER_STAFF = 500;
const CONFLICTED_STAFF = 4;
const CONFLICTS_PER_STAFF = 5;

describe("failback sync at volume", () => {
  it("copies 10 000 fallback holds in batches: conflicts counted and left in the fallback, nothing lost", async () => {
    const nowMs = Date.now();
    const base = Math.floor(nowMs / 300_000) + 12 * 24; // a day ahead, on the cell grid
    const staffIds = Array.from({ length: STAFF }, () => uniqueId("stf_"));
    await withDb((conn) =>
      insertFallbackHolds(conn, {
        scope: prefix,
        staffIds,
        perStaff: PER_STAFF,
        baseCell: base,
        nowMs,
      }),
    );
    // Conflicts: another holder already holds a cell of the first five slots of a few staff
    // members in Redis
    // (written by the layout's own copy script, as a sync of an earlier outage would have).
    const lock = keys.syncLock();
    for (const staffId of staffIds.slice(0, CONFLICTED_STAFF)) {
      await direct.set(lock, "setup", "PX", 10_000);
      const args: string[] = [];
      for (let i = 0; i < CONFLICTS_PER_STAFF; i++) {
        const owner = `h:REDIS${String(i).padStart(11, "0")}`;
        args.push(owner, "1", `${owner}:0`, fallbackHoldValue(base + i * 7 + 1, nowMs, "redis"));
      }
      const reply = await direct.eval(
        failbackLive.source,
        5,
        lock,
        ...keys.liveKeys(staffId),
        "setup",
        String(nowMs),
        String(CONFLICTS_PER_STAFF),
        ...args,
      );
      expect(reply).toEqual(["ok", CONFLICTS_PER_STAFF, 0, 0]);
      await direct.del(lock);
    }

    const sync = new FailbackSync(redis, keys, db, prefix, { nowMs: () => Date.now() });
    const report = await sync.run("admin");
    const conflicts = CONFLICTED_STAFF * CONFLICTS_PER_STAFF;
    expect(report).toMatchObject({
      outcome: "synced",
      synced: STAFF * PER_STAFF - conflicts,
      conflicts,
      alreadyInRedis: 0,
    });
    console.log(`synced ${report.synced} holds in ${report.durationMs} ms`);

    // Every hold is where it was decided: Redis holds each staff member's 500 slots (the
    // conflicting ones by the Redis holder); the fallback keeps only the conflicting holds, rows
    // and cells ("h:"), for a later sync (the booking store had them: a Redis hold meeting them is
    // refused). The copied holds' cells stay as Redis holds' claims ("r:").
    for (const [i, staffId] of staffIds.entries()) {
      const [blockers] = keys.liveIndexes(staffId);
      expect(await direct.zcard(blockers)).toBe(PER_STAFF);
      const redisHolds = await direct.zrangebyscore(blockers, "-inf", "+inf");
      const fromRedis = redisHolds.filter((f) => f.startsWith("h:REDIS")).length;
      expect(fromRedis).toBe(i < CONFLICTED_STAFF ? CONFLICTS_PER_STAFF : 0);
    }
    const left = await withDb(async (conn) => {
      const [live] = await conn.query(
        "SELECT COUNT(*) AS n FROM fallback_live WHERE staff_id IN (?)",
        [staffIds],
      );
      const [cells] = await conn.query(
        "SELECT COUNT(DISTINCT staff_id, owner) AS n FROM fallback_cells WHERE staff_id IN (?) AND owner NOT LIKE 'r:%'",
        [staffIds],
      );
      return [live, cells].map((rows) => Number((rows as { n: number }[])[0]?.n));
    });
    expect(left).toEqual([conflicts, conflicts]);

    // A second sync copies nothing new and meets the same Redis holders again.
    expect(await sync.run("admin")).toMatchObject({ outcome: "synced", synced: 0, conflicts });
    // They would lapse at their expiry; the next test's syncs (same scope) start without them.
    await withDb(async (conn) => {
      await conn.query("DELETE FROM fallback_live WHERE staff_id IN (?)", [staffIds]);
      await conn.query("DELETE FROM fallback_cells WHERE staff_id IN (?)", [staffIds]);
    });
  }, 120_000);

  it("reads a staff member with more rows than a page whole, next to staff members with a few", async () => {
    const nowMs = Date.now();
    const base = Math.floor(nowMs / 300_000) + 12 * 24;
    const [big, ...small] = Array.from({ length: 3 }, () => uniqueId("stf_"));
    await withDb(async (conn) => {
      await insertFallbackHolds(conn, {
        scope: prefix,
        staffIds: [big ?? ""],
        perStaff: 6_000, // more than a page (5 000 rows)
        baseCell: base,
        nowMs,
      });
      await insertFallbackHolds(conn, {
        scope: prefix,
        staffIds: small,
        perStaff: 3,
        baseCell: base,
        nowMs,
      });
    });
    const sync = new FailbackSync(redis, keys, db, prefix, { nowMs: () => Date.now() });
    expect(await sync.run("admin")).toMatchObject({
      outcome: "synced",
      synced: 6_006,
      conflicts: 0,
    });
    const counts = [];
    for (const staffId of [big ?? "", ...small])
      counts.push(await direct.zcard(keys.liveIndexes(staffId)[0]));
    expect(counts).toEqual([6_000, 3, 3]);
    expect(
      await withDb(async (conn) => {
        const [live] = await conn.query("SELECT COUNT(*) AS n FROM fallback_live WHERE scope = ?", [
          prefix,
        ]);
        return Number((live as { n: number }[])[0]?.n);
      }),
    ).toBe(0);
  }, 120_000);
});
