import type { DomainContext } from "../ports.ts";
import type { ProbeResult, StorageMode } from "./store-status.ts";

export interface HealthReport {
  /** "ok" when both stores answer; "degraded" when only the booking store does. */
  status: "ok" | "degraded";
  redis: ProbeResult;
  database: ProbeResult;
  /** The store that serves live slot state: Redis, or the MySQL fallback while Redis is down. */
  storage: StorageMode;
  /** False when the booking store is down: the API cannot book, so the health check fails (503). */
  bookingStoreUp: boolean;
}

/**
 * Probes both stores in parallel. Each probe is bounded by its client's timeout, so a hung store
 * costs at most that timeout, never a hung health check.
 */
export async function checkHealth({ ctx }: { ctx: DomainContext }): Promise<HealthReport> {
  const [redis, database] = await Promise.all([
    ctx.liveStateProbe.probe(),
    ctx.bookingStoreProbe.probe(),
  ]);
  return {
    status: redis.ok && database.ok ? "ok" : "degraded",
    redis,
    database,
    storage: redis.ok ? "redis" : "fallback",
    bookingStoreUp: database.ok,
  };
}
