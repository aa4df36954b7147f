/**
 * "Failback sync": how long the sync takes to move 1 000 and 10 000 fallback holds (20 staff
 * members) back into Redis, measured by the sync's own report, against the bench stack's
 * gateways with the real clients. The rows are written straight into MySQL, as the fallback
 * store writes them, under a scope of their own.
 */
import { Client } from "@planetscale/database";
import mysql from "mysql2/promise";
import { FailbackSync } from "../../../src/storage/failover/failback-sync.ts";
import { createRedisClient } from "../../../src/storage/redis/client.ts";
import { RedisKeys } from "../../../src/storage/redis/keys.ts";
import { insertFallbackHolds } from "../../lib/fallback-holds.ts";
import type { StackBindings } from "../../lib/stack.ts";

export interface SyncRow {
  entries: number;
  synced: number;
  conflicts: number;
  durationMs: number;
}

export async function syncCase(bindings: StackBindings, mysqlUrl: string): Promise<SyncRow[]> {
  const rows: SyncRow[] = [];
  const conn = await mysql.createConnection({ uri: mysqlUrl });
  try {
    for (const entries of [1_000, 10_000]) {
      const scope = `benchsync${entries}_${process.pid}:`;
      const staffIds = Array.from({ length: 20 }, (_, i) => `stf_sync${entries}_${i}`);
      const nowMs = Date.now();
      // An earlier run's rows of these staff members (cells are not scoped) would collide with
      // this run's for a day: the bench owns them, so they go first.
      for (const table of ["fallback_cells", "fallback_live"])
        await conn.query(`DELETE FROM ${table} WHERE staff_id IN (?)`, [staffIds]);
      await insertFallbackHolds(conn, {
        scope,
        staffIds,
        perStaff: entries / staffIds.length,
        baseCell: Math.floor(nowMs / 300_000) + 288,
        nowMs,
      });
      const redis = createRedisClient({
        url: bindings.UPSTASH_REDIS_REST_URL,
        token: bindings.UPSTASH_REDIS_REST_TOKEN,
        timeoutMs: 30_000,
      });
      const db = new Client({ url: bindings.DATABASE_URL });
      const sync = new FailbackSync(redis, new RedisKeys(scope), db, scope, {
        nowMs: () => Date.now(),
      });
      const report = await sync.run("admin");
      if (report.outcome !== "synced") throw new Error(`sync ${report.outcome}: ${report.error}`);
      rows.push({
        entries,
        synced: report.synced,
        conflicts: report.conflicts,
        durationMs: report.durationMs,
      });
    }
  } finally {
    await conn.end();
  }
  return rows;
}
