/**
 * What the failover machinery (src/storage/failover/) and the health probes report about the
 * stores. The types live in the domain so that the routes that show this state (health, debug)
 * and the health check can name them without importing storage.
 */

/** The outcome of one health probe of a store. */
export type ProbeResult =
  | { ok: true; latencyMs: number }
  | {
      ok: false;
      latencyMs: number;
      error: string;
      /** The probe ran out of time (the store may only be busy), rather than being refused. */
      timedOut?: boolean;
    };

/** Which store serves live slot state right now. */
export type StorageMode = "redis" | "fallback";

export type SyncTrigger = "cron" | "request" | "admin";

export interface SyncReport {
  trigger: SyncTrigger;
  startedAtMs: number;
  durationMs: number;
  /** "busy": another sync held the lease; "failed": a store failed midway (what was done stays done). */
  outcome: "synced" | "busy" | "failed";
  /** Holds, markers and bookings copied into Redis. */
  synced: number;
  /** Holds not copied because someone else holds a cell of theirs in Redis. */
  conflicts: number;
  /** Entries Redis already had, as they were. */
  alreadyInRedis: number;
  offerFields: number;
  idempotencyClaims: number;
  rateEvents: number;
  error?: string;
  /** The sync failed because MySQL (the fallback itself) did not answer. */
  fallbackUnreachable?: boolean;
}

export interface HealthCheckRecord {
  atMs: number;
  /** "confirm": the probe that tells a busy Redis from a down one after a timeout. */
  trigger: SyncTrigger | "health" | "confirm";
  ok: boolean;
  latencyMs: number;
  error?: string;
}

export interface GateStatus {
  mode: StorageMode;
  cooldownUntilMs: number | null;
  failovers: number;
  failbacks: number;
  /** Timed-out calls judged "busy" (answered 503 OVERLOADED, no failover). */
  busyTimeouts: number;
  /** The latest: by "answer" (Redis answered another call since) or "probe" (load; confirming). */
  lastBusy: { atMs: number; operation: string; by: "answer" | "probe" } | null;
  /** A confirming probe is running. */
  confirming: boolean;
  lastFailure: { atMs: number; operation: string; error: string } | null;
  lastHealthCheck: HealthCheckRecord | null;
  lastSync: SyncReport | null;
}
