import { checkOutboxBacklog, checkRedisMemory } from "../domain/alerts/system-alerts.ts";
import { sendDueReminders } from "../domain/booking/reminders.ts";
import type { ProbeResult } from "../domain/health/store-status.ts";
import { deliverDue } from "../domain/outbox/deliver.ts";
import { runWaitlistPass } from "../domain/waitlist/cron-pass.ts";
import { log } from "../observability/log.ts";
import type { Services } from "../runtime/services.ts";

/**
 * The Cron Trigger (every minute):
 * 1. the Redis health check and, when Redis answers, the failback sync (docs/architecture/failover.md): it
 *    returns this isolate to Redis mode after an outage, and moves into Redis whatever other
 *    isolates left in the fallback store; beside it, the MySQL probe (one probe of each store);
 * 2. when MySQL answers, expired fallback rows deleted, the due reminders written to the outbox
 *    (src/domain/booking/reminders.ts), and the outbox's due emails and webhooks delivered
 *    (retries: first attempts go out from the request that wrote them);
 *    Beside the reminders, the waitlist pass (src/domain/waitlist/cron-pass.ts): expired entries,
 *    and free times on dates someone waits for offered to the first person waiting;
 * 3. when MySQL answers, the system alerts the cron watches for (docs/adr/1201-system-alerts.md):
 *    Redis's memory against its threshold (in Redis mode) and the outbox's backlog; the Redis
 *    outage's own alerts come from the check in step 1;
 * 4. one structured log line with all of it.
 */
export async function runScheduled(services: Services, cron: string): Promise<void> {
  const { ctx, failover } = services;
  // The gate's check probes Redis (and syncs); MySQL is probed beside it. Without the failover
  // machinery (route tests' fakes) both probes come from the health check.
  const [mode, database] = await Promise.all([
    failover?.gate.check("cron") ?? null,
    ctx.bookingStoreProbe.probe(),
  ]);
  const check = failover?.gate.status().lastHealthCheck;
  const redis: ProbeResult = check
    ? check.ok
      ? { ok: true, latencyMs: check.latencyMs }
      : { ok: false, latencyMs: check.latencyMs, error: check.error ?? "unknown" }
    : await ctx.liveStateProbe.probe();
  const cleaned =
    database.ok && failover
      ? await failover.deleteExpired(ctx.clock.nowMs()).catch((error: unknown) => ({
          error: String(error),
        }))
      : null;
  const reminders = database.ok
    ? await sendDueReminders(ctx).catch((error: unknown) => ({ error: String(error) }))
    : null;
  const waitlist = database.ok
    ? await runWaitlistPass(ctx).catch((error: unknown) => ({ error: String(error) }))
    : null;
  const outbox = database.ok ? await deliverDue(ctx) : null;
  const alerts = database.ok
    ? await Promise.all([
        mode === "redis" && failover
          ? checkRedisMemory(ctx, await failover.redisMemoryBytes())
          : null,
        checkOutboxBacklog(ctx).catch((error: unknown) => ({ error: String(error) })),
      ]).then(([memory, backlog]) => ({ memory, backlog }))
    : null;
  const ok = redis.ok && database.ok;
  log(ok ? "info" : "warn", "scheduled health check", {
    cron,
    status: ok ? "ok" : "degraded",
    storage: mode ?? (redis.ok ? "redis" : "fallback"),
    redis,
    database,
    lastSync: failover?.gate.status().lastSync ?? null,
    expiredFallbackRowsDeleted: cleaned,
    reminders,
    waitlist,
    outbox,
    alerts,
  });
}
