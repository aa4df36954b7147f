import type { AvailabilityDaySummary } from "../domain/availability/summarize-availability.ts";
import type { DomainContext } from "../domain/ports.ts";
import type { Config } from "../env.ts";
import type { Metrics } from "../observability/metrics.ts";
import type { ResultCache } from "../storage/cache/result-cache.ts";
import type { RequestTrace } from "../storage/failover/failover-stores.ts";
import type { RedisGate } from "../storage/failover/redis-gate.ts";
import type { RoundTripBaseline } from "../storage/round-trip-baseline.ts";
import type { Admission } from "./admission.ts";

/** The failover machinery of one isolate (docs/architecture/failover.md). */
export interface FailoverRuntime {
  gate: RedisGate;
  /** The domain context of one request: its live state and limiter fail over call by call. */
  forRequest(trace: RequestTrace): DomainContext;
  /** Deletes expired fallback rows; returns the rows deleted per table. */
  deleteExpired(nowMs: number): Promise<Record<string, number>>;
  /** Redis's used_memory in bytes (null when Redis cannot say). */
  redisMemoryBytes(): Promise<number | null>;
}

/** What the composition root builds once per isolate and every request handler may use. */
export interface Services {
  config: Config;
  /** The isolate's context (the Cron Trigger uses it; requests get their own, see below). */
  ctx: DomainContext;
  metrics: Metrics;
  /**
   * Each store's learned round trip and call timeout (absent in route tests that fake the
   * ports).
   */
  storeTimeouts?: { redis: RoundTripBaseline; mysql: RoundTripBaseline };
  /** null only in route tests that fake the ports. */
  failover: FailoverRuntime | null;
  /** The isolate's admission control (absent in route tests that fake the ports). */
  admission?: Admission;
  /** The isolate's month views (absent in route tests that fake the ports: always computed). */
  summaries?: ResultCache<AvailabilityDaySummary[]>;
}

/** Turns the worker's bindings into Services (cached per isolate); throws EnvironmentError. */
export type ResolveServices = (bindings: unknown) => Services;
