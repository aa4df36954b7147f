/**
 * System alerts (docs/adr/1201-system-alerts.md): what the people who run the business are told
 * about the deployment itself, through the webhooks they subscribe to (`system.*` events) and the
 * operator address in the settings. Each incident alerts once, however many isolates see it:
 * the incident's row in MySQL decides (src/domain/alerts/incidents.ts), and the alert's outbox
 * rows are written in the same transaction as the decision.
 */

import type { Announcement, OutboxEmail } from "../booking/types.ts";
import { systemAlertEmail } from "../email/templates.ts";
import type { SyncReport } from "../health/store-status.ts";
import { newId } from "../ids.ts";
import { deliverEmails, deliverWebhooks } from "../outbox/deliver.ts";
import type { DomainContext } from "../ports.ts";
import type { SystemEventType, WebhookEvent } from "../webhooks/types.ts";
import {
  backlogIsHigh,
  type IncidentKind,
  type IncidentState,
  memoryIsHigh,
  memoryThresholdBytes,
  type OutboxBacklog,
  onOccurrence,
  onProblem,
  onRecovery,
  type Step,
} from "./incidents.ts";

/** What a failover saw: the call that failed and its error. */
export interface RedisFailure {
  operation: string;
  error: string;
  atMs: number;
}

const iso = (ms: number) => new Date(ms).toISOString();

/** The part of a sync report an alert carries. */
export function syncSummary(report: SyncReport) {
  return {
    trigger: report.trigger,
    outcome: report.outcome,
    copied: report.synced,
    conflicts: report.conflicts,
    durationMs: Math.round(report.durationMs),
  };
}

/** The exact body of each system event: `{type, timestamp, data}`, as appointment events are. */
export const systemPayloads = {
  redisDown: (nowMs: number, incidentId: string, failure: RedisFailure) => ({
    type: "system.redis_down" as const,
    timestamp: iso(nowMs),
    data: {
      incidentId,
      since: iso(failure.atMs),
      operation: failure.operation,
      error: failure.error.slice(0, 300),
    },
  }),
  redisUp: (nowMs: number, incidentId: string, downSinceMs: number, report: SyncReport) => ({
    type: "system.redis_up" as const,
    timestamp: iso(nowMs),
    data: {
      incidentId,
      downSince: iso(downSinceMs),
      downForMs: Math.max(0, nowMs - downSinceMs),
      sync: syncSummary(report),
    },
  }),
  redisMemoryHigh: (
    nowMs: number,
    incidentId: string,
    usage: { usedBytes: number; limitBytes: number; percent: number },
  ) => ({
    type: "system.redis_memory_high" as const,
    timestamp: iso(nowMs),
    data: {
      incidentId,
      usedBytes: usage.usedBytes,
      limitBytes: usage.limitBytes,
      thresholdPercent: usage.percent,
      thresholdBytes: memoryThresholdBytes(usage.limitBytes, usage.percent),
    },
  }),
  syncConflicts: (nowMs: number, incidentId: string, report: SyncReport) => ({
    type: "system.sync_conflicts" as const,
    timestamp: iso(nowMs),
    data: { incidentId, sync: syncSummary(report) },
  }),
  outboxBacklog: (nowMs: number, incidentId: string, backlog: OutboxBacklog, afterMs: number) => ({
    type: "system.outbox_backlog" as const,
    timestamp: iso(nowMs),
    data: {
      incidentId,
      failing: backlog.failing,
      waiting: backlog.waiting,
      oldestSince: iso(backlog.oldestCreatedAtMs ?? nowMs),
      thresholdMs: afterMs,
    },
  }),
};

/** One alert: its event, and the operator email's headline, sentence and facts. */
interface Alert {
  payload: { type: SystemEventType; timestamp: string; data: Record<string, unknown> };
  headline: string;
  intro: string;
}

function announcement(alert: Alert, operator: { email: string | null; businessName: string }) {
  const event: WebhookEvent = {
    id: newId("msg"),
    type: alert.payload.type,
    payload: JSON.stringify(alert.payload),
  };
  const emails: OutboxEmail[] = operator.email
    ? [
        systemAlertEmail({
          to: operator.email,
          businessName: operator.businessName,
          headline: alert.headline,
          intro: alert.intro,
          facts: [
            ["Event", alert.payload.type],
            ...Object.entries(alert.payload.data).map(([key, value]): [string, string] => [
              key,
              typeof value === "string" ? value : JSON.stringify(value),
            ]),
            ["At", alert.payload.timestamp],
          ],
        }),
      ]
    : [];
  return { events: [event], emails } satisfies Announcement;
}

/**
 * Applies `step` to the incident of `kind` and, when it alerts, writes `alert(next)` with it and
 * makes the first delivery attempt. Answers whether an alert was written. Never throws: an alert
 * that could not be written is logged (the next time the problem is seen, it is tried again).
 */
async function transition(
  ctx: DomainContext,
  kind: IncidentKind,
  create: boolean,
  step: (state: IncidentState) => Step,
  alert: (
    next: IncidentState,
    previous: IncidentState,
    which: "problem" | "recovery",
  ) => Alert | null,
): Promise<boolean> {
  try {
    const settings = await ctx.catalog.getSettings();
    const operator = { email: settings.operatorEmail, businessName: settings.businessName };
    let written: Announcement | null = null;
    await ctx.incidents.transition(kind, ctx.clock.nowMs(), { create }, (state) => {
      // A deadlock victim runs again: only the last run's decision is the one committed.
      written = null;
      const decided = step(state);
      if (!decided.change) return null;
      const said = decided.alert ? alert(decided.next, state, decided.alert) : null;
      written = said ? announcement(said, operator) : { emails: [], events: [] };
      return {
        next: decided.next,
        detail: said ? JSON.stringify(said.payload.data) : null,
        announcement: written,
      };
    });
    const rows = written as Announcement | null;
    if (!rows || rows.events.length === 0) return false;
    console.warn(
      JSON.stringify({ level: "warn", msg: "system alert", event: rows.events[0]?.payload }),
    );
    // The first attempt now; the Cron Trigger retries what it leaves due.
    await Promise.all([
      rows.emails.length
        ? deliverEmails(
            ctx,
            rows.emails.map((e) => e.id),
          )
        : null,
      deliverWebhooks(
        ctx,
        rows.events.map((e) => e.id),
      ),
    ]);
    return true;
  } catch (error) {
    console.warn(
      JSON.stringify({
        level: "warn",
        msg: "system alert not written",
        kind,
        error: String(error),
      }),
    );
    return false;
  }
}

function problemInput(ctx: DomainContext) {
  return {
    nowMs: ctx.clock.nowMs(),
    cooldownMs: ctx.alerting.cooldownMs,
    newIncidentId: () => newId("inc"),
  };
}

/** An isolate failed over (or the cron found Redis still down): `system.redis_down`, once. */
export function redisDown(ctx: DomainContext, failure: RedisFailure): Promise<boolean> {
  return transition(
    ctx,
    "redis",
    true,
    (state) => onProblem(state, { ...problemInput(ctx), sinceMs: failure.atMs }),
    (next) => ({
      payload: systemPayloads.redisDown(ctx.clock.nowMs(), next.incidentId ?? "", failure),
      headline: "Redis is down: live state is served from MySQL",
      intro:
        "Redis stopped answering. Holds and live state are served from the MySQL fallback until it is back; bookings are not affected.",
    }),
  );
}

/**
 * A failback sync completed in Redis mode: the Redis incident, when open, closes with
 * `system.redis_up` carrying the sync's report (when its outage was alerted); conflicts the sync
 * found are `system.sync_conflicts`.
 */
export async function redisUp(ctx: DomainContext, report: SyncReport): Promise<void> {
  await transition(ctx, "redis", false, onRecovery, (next) => ({
    payload: systemPayloads.redisUp(
      ctx.clock.nowMs(),
      next.incidentId ?? "",
      next.openedAtMs ?? ctx.clock.nowMs(),
      report,
    ),
    headline: "Redis is back",
    intro:
      "Redis answers again, and what the MySQL fallback kept meanwhile was copied into it (the sync's report below).",
  }));
  if (report.conflicts > 0) await syncConflicts(ctx, report);
}

/** A sync left holds out because someone else held their slots in Redis. */
export function syncConflicts(ctx: DomainContext, report: SyncReport): Promise<boolean> {
  return transition(
    ctx,
    "sync_conflicts",
    true,
    (state) => onOccurrence(state, problemInput(ctx)),
    (next) => ({
      payload: systemPayloads.syncConflicts(ctx.clock.nowMs(), next.incidentId ?? "", report),
      headline: `The failback sync found ${report.conflicts} conflicting hold(s)`,
      intro:
        "Holds made on the MySQL fallback met another holder of the same slot in Redis and were not copied; their customers' holds are gone (the booking store never books a slot twice).",
    }),
  );
}

/**
 * The cron's memory check: above the threshold, `system.redis_memory_high` once per incident;
 * back below it, the incident closes quietly. Null usage (Redis cannot say) decides nothing.
 */
export async function checkRedisMemory(
  ctx: DomainContext,
  usedBytes: number | null,
): Promise<{ high: boolean | null; alerted: boolean }> {
  const { redisMemoryLimitBytes: limitBytes, redisMemoryAlertPercent: percent } = ctx.alerting;
  const high = memoryIsHigh(usedBytes, limitBytes, percent);
  if (high === null) return { high, alerted: false };
  const alerted = await transition(
    ctx,
    "redis_memory",
    high,
    high ? (state) => onProblem(state, problemInput(ctx)) : onRecovery,
    (next, _previous, which) =>
      which === "problem"
        ? {
            payload: systemPayloads.redisMemoryHigh(ctx.clock.nowMs(), next.incidentId ?? "", {
              usedBytes: usedBytes ?? 0,
              limitBytes,
              percent,
            }),
            headline: `Redis memory above ${percent} % of its limit`,
            intro:
              "Redis uses more memory than the alert threshold. When it reaches its limit, writes fail and the deployment fails over to MySQL.",
          }
        : null,
  );
  return { high, alerted };
}

/**
 * The cron's outbox check: deliveries pending (failing or not tried) for OUTBOX_BACKLOG_ALERT_MS
 * or longer are `system.outbox_backlog`, once per incident; none left closes it quietly.
 */
export async function checkOutboxBacklog(
  ctx: DomainContext,
): Promise<{ backlog: OutboxBacklog; alerted: boolean }> {
  const afterMs = ctx.alerting.outboxBacklogAfterMs;
  const backlog = await ctx.incidents.backlog(ctx.clock.nowMs() - afterMs, {
    emails: ctx.mailer !== null,
  });
  const high = backlogIsHigh(backlog);
  const alerted = await transition(
    ctx,
    "outbox_backlog",
    high,
    high ? (state) => onProblem(state, problemInput(ctx)) : onRecovery,
    (next, _previous, which) =>
      which === "problem"
        ? {
            payload: systemPayloads.outboxBacklog(
              ctx.clock.nowMs(),
              next.incidentId ?? "",
              backlog,
              afterMs,
            ),
            headline: "Emails or webhooks are not getting through",
            intro: `${backlog.failing + backlog.waiting} email(s) or webhook delivery(ies) have been pending for longer than the alert threshold.`,
          }
        : null,
  );
  return { backlog, alerted };
}
