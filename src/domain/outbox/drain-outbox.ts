import type { Clock } from "../ports.ts";
import { type OutboxItem, type OutboxQueue, PermanentDeliveryError } from "./types.ts";

/** Retries stop this long after the row was written (the contract: retries for 3 days). */
export const RETRY_WINDOW_MS = 3 * 24 * 3_600_000;
/**
 * A claimed row is its runner's for this long. It is far longer than one attempt can take
 * (10 s timeout), so a lease only lapses when its runner died; the row is then retried.
 */
export const LEASE_MS = 2 * 60_000;
/** Rows one run claims at once; they are delivered in parallel. */
export const BATCH_SIZE = 25;

/**
 * The wait after the n-th failed attempt: 1, 2, 4, 8 … minutes, at most 6 hours. Over 3 days this
 * makes about 20 attempts; the Cron Trigger runs every minute, so a wait is never shorter.
 */
export function retryDelayMs(failedAttempts: number): number {
  return Math.min(60_000 * 2 ** Math.max(0, failedAttempts - 1), 6 * 3_600_000);
}

function describe(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).slice(0, 300);
}

export interface DrainReport {
  sent: number;
  retried: number;
  gaveUp: number;
  /** Rows whose lease another runner took meanwhile (their outcome was not recorded here). */
  lost: number;
}

/**
 * Claims due rows (only `groups` when given), sends each once, and settles it: sent, retried with
 * backoff, or given up after the retry window (or at once for a permanent failure), in which
 * case `onGiveUp` runs (told whether the failure was permanent). Used by the request that wrote the rows (first attempt) and by the Cron
 * Trigger (retries); the lease makes the two safe to overlap.
 */
export async function drainOutbox<P>(input: {
  queue: OutboxQueue<P>;
  clock: Clock;
  send: (item: OutboxItem<P>) => Promise<void>;
  groups?: string[];
  limit?: number;
  onGiveUp?: (item: OutboxItem<P>, error: string, permanent: boolean) => Promise<void>;
}): Promise<DrainReport> {
  const report: DrainReport = { sent: 0, retried: 0, gaveUp: 0, lost: 0 };
  const items = await input.queue.claim({
    ...(input.groups ? { groups: input.groups } : {}),
    limit: input.limit ?? BATCH_SIZE,
    nowMs: input.clock.nowMs(),
    leaseMs: LEASE_MS,
  });
  await Promise.all(
    items.map(async (item) => {
      let failure: string | null = null;
      let permanent = false;
      try {
        await input.send(item);
      } catch (error) {
        failure = describe(error);
        permanent = error instanceof PermanentDeliveryError;
      }
      const nowMs = input.clock.nowMs();
      const nextAttemptAtMs = nowMs + retryDelayMs(item.attempts + 1);
      const outcome =
        failure === null
          ? ({ kind: "sent" } as const)
          : permanent || nextAttemptAtMs > item.createdAtMs + RETRY_WINDOW_MS
            ? ({ kind: "gave-up", error: failure } as const)
            : ({ kind: "retry", nextAttemptAtMs, error: failure } as const);
      if (!(await input.queue.settle(item, outcome, nowMs))) {
        report.lost++;
        return;
      }
      if (outcome.kind === "sent") report.sent++;
      else if (outcome.kind === "retry") report.retried++;
      else {
        report.gaveUp++;
        await input.onGiveUp?.(item, outcome.error, permanent);
      }
    }),
  );
  return report;
}
