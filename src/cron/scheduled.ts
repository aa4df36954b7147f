import { deliverEmails } from "../domain/booking/deliver-emails.ts";
import { checkHealth } from "../domain/health/check-health.ts";
import type { Services } from "../http/app-env.ts";

/**
 * The Cron Trigger (every minute). For now it runs the Redis and MySQL health probes and logs
 * the result as one structured line; the failover issue adds failback sync and clean-up here.
 */
export async function runScheduled(services: Services, cron: string): Promise<void> {
  const report = await checkHealth({ ctx: services.ctx });
  const emails = report.bookingStoreUp
    ? await deliverEmails({ ctx: services.ctx, input: { limit: 50 } })
    : { sent: 0, failed: 0 };
  console.log(
    JSON.stringify({
      level: report.status === "ok" ? "info" : "warn",
      msg: "scheduled health check",
      cron,
      status: report.status,
      storage: report.storage,
      redis: report.redis,
      database: report.database,
      emails,
    }),
  );
}
