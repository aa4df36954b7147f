import { deliverEmails } from "../domain/booking/deliver-emails.ts";
import { checkHealth } from "../domain/health/check-health.ts";
import type { Services } from "../http/app-env.ts";
import { log } from "../observability/log.ts";

/**
 * The Cron Trigger (every minute):
 * 1. the Redis health check and, when Redis answers, the failback sync (SPEC.md section 4): it
 *    returns this isolate to Redis mode after an outage, and moves into Redis whatever other
 *    isolates left in the fallback store;
 * 2. the MySQL probe, then (when MySQL answers) expired fallback rows deleted and pending emails
 *    delivered;
 * 3. one structured log line with all of it.
 */
export async function runScheduled(services: Services, cron: string): Promise<void> {
  const { ctx, failover } = services;
  const mode = failover ? await failover.gate.check("cron") : null;
  const report = await checkHealth({ ctx });
  const cleaned =
    report.bookingStoreUp && failover
      ? await failover.deleteExpired(ctx.clock.nowMs()).catch((error: unknown) => ({
          error: String(error),
        }))
      : null;
  const emails = report.bookingStoreUp
    ? await deliverEmails({ ctx, input: { limit: 50 } })
    : { sent: 0, failed: 0 };
  log(report.status === "ok" ? "info" : "warn", "scheduled health check", {
    cron,
    status: report.status,
    storage: mode ?? report.storage,
    redis: report.redis,
    database: report.database,
    lastSync: failover?.gate.status().lastSync ?? null,
    expiredFallbackRowsDeleted: cleaned,
    emails,
  });
}
