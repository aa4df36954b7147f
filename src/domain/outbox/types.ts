/**
 * The one outbox mechanism, shared by emails and webhooks: rows written in the transaction of the
 * change they announce, delivered right away (waitUntil), retried by the Cron Trigger with
 * exponential backoff for 3 days, and claimed with a lease so that two runners never deliver one
 * row twice.
 */

/** One claimed row: the runner that holds `leaseToken` is the only one that may settle it. */
export interface OutboxItem<P> {
  id: string;
  leaseToken: string;
  /** Attempts made before this one. */
  attempts: number;
  createdAtMs: number;
  payload: P;
}

/** What became of one attempt. */
export type OutboxOutcome =
  | { kind: "sent" }
  | { kind: "retry"; nextAttemptAtMs: number; error: string }
  | { kind: "gave-up"; error: string };

/** A leased outbox table (src/storage/mysql/outbox-queue.ts). */
export interface OutboxQueue<P> {
  /**
   * Leases up to `limit` due rows for `leaseMs` and returns them. A row another runner leased
   * (and whose lease has not ended), a sent row and a row given up are never returned. With
   * `groups`, only rows of those groups (emails: their ids; webhooks: their event ids).
   */
  claim(input: {
    groups?: string[];
    limit: number;
    nowMs: number;
    leaseMs: number;
  }): Promise<OutboxItem<P>[]>;
  /** Records the outcome and ends the lease; false when the lease was lost meanwhile. */
  settle(item: OutboxItem<P>, outcome: OutboxOutcome, nowMs: number): Promise<boolean>;
}

/** Thrown by a sender when retrying cannot help (the endpoint is gone or disabled). */
export class PermanentDeliveryError extends Error {}
