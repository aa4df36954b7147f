import { z } from "@hono/zod-openapi";
import type { SyncReport } from "../../domain/health/store-status.ts";

export const iso = (ms: number) => new Date(ms).toISOString();

/** A failback sync's report, as GET /v1/debug/redis-status and POST /v1/admin/sync show it. */
export const SyncReportSchema = z
  .object({
    at: z.string().openapi({ description: "When the sync started." }),
    trigger: z.enum(["cron", "request", "admin"]),
    outcome: z.enum(["synced", "busy", "failed"]).openapi({
      description:
        "`busy`: another sync held the lease and this one changed nothing; `failed`: a store failed midway (what was copied stays copied; the rest is copied next time).",
    }),
    durationMs: z.number().int(),
    synced: z.number().int().openapi({ description: "Holds, markers and bookings copied." }),
    conflicts: z.number().int().openapi({
      description: "Fallback holds not copied: someone else holds one of their cells in Redis.",
    }),
    alreadyInRedis: z.number().int(),
    offerFields: z.number().int(),
    idempotencyClaims: z.number().int(),
    rateEvents: z.number().int(),
    error: z.string().optional(),
  })
  .openapi("SyncReport");

export function presentSync(report: SyncReport): z.infer<typeof SyncReportSchema> {
  const { startedAtMs, ...rest } = report;
  return { at: iso(startedAtMs), ...rest };
}
