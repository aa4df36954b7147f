/**
 * Per-request failover (docs/architecture/failover.md): each live-state or rate-limit call goes to the store
 * the gate chooses; when Redis fails, times out or answers garbage (a RedisFailure), the same
 * call is made on the MySQL fallback within the same request, so the caller sees no error.
 *
 * A request's view of the stores records which store served it (`RequestTrace.storage`), for
 * the `storage` field of the response and for the logs.
 *
 * A timed-out call that the gate judges "busy" (Redis alive, only late) is NOT retried on the
 * fallback: it may have run in Redis, and the fallback cannot see what it wrote, so a hold the
 * fallback granted now could be a second holder (the call may have run in Redis). It answers 503 OVERLOADED instead;
 * repeating the request is safe, since Redis then answers it (the same client's repeated hold is
 * the same hold). In fallback mode, calls on the fallback are bounded per isolate.
 */
import { OverloadedError } from "../../domain/errors.ts";
import type { StorageMode } from "../../domain/health/store-status.ts";
import type { HoldUndo } from "../../domain/live/types.ts";
import type { ExactLimiter, LiveStateStore } from "../../domain/ports.ts";
import type { Metrics } from "../../observability/metrics.ts";
import { RedisFailure } from "../redis/run-script.ts";
import type { RedisGate } from "./redis-gate.ts";

/** What one request learned about the stores that served it. */
export interface RequestTrace {
  requestId: string;
  /** The store that served the request's last live-state call (null: none was made). */
  storage: StorageMode | null;
  /** Keeps background work (a failback check) alive after the response (Workers' waitUntil). */
  waitUntil?: (work: Promise<unknown>) => void;
}

/** How long after a failure a hold unknown to Redis may still be waiting in the fallback. */
const FALLBACK_LOOKBACK_MS = 2 * 3_600_000;

/** Operations that finish or undo a customer's work: they may use the reserve (shed last). */
const CRITICAL_OPERATIONS = new Set(["begin-booking", "clear-booked", "abort-booking", "release"]);

/** How many calls may run on the fallback at once (per isolate), and the critical reserve. */
export interface FallbackBound {
  maxConcurrent: number;
  criticalReserve: number;
}

/** Counts the fallback calls in flight of one isolate, shared by every Failover it builds. */
export class FallbackPermits {
  private inFlight = 0;
  constructor(private readonly bound: FallbackBound) {}

  /** A permit, or null when the bound (plus the reserve, for critical calls) is reached. */
  tryAcquire(critical: boolean): (() => void) | null {
    const limit = this.bound.maxConcurrent + (critical ? this.bound.criticalReserve : 0);
    if (this.inFlight >= limit) return null;
    this.inFlight++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.inFlight--;
    };
  }
}

/**
 * Told of every answered call with its duration (src/observability/slow-calls.ts counts the slow
 * ones; the composition root writes them in the background of the request it may use).
 */
export type CallObserver = (
  trace: RequestTrace,
  store: "redis" | "fallback",
  operation: string,
  durationMs: number,
) => void;

export class Failover<Port> {
  constructor(
    readonly redis: Port,
    readonly fallback: Port,
    private readonly gate: RedisGate,
    private readonly metrics: Metrics,
    private readonly permits: FallbackPermits = new FallbackPermits({
      maxConcurrent: Number.POSITIVE_INFINITY,
      criticalReserve: 0,
    }),
    private readonly observe: CallObserver = () => undefined,
  ) {}

  /**
   * Whether a call Redis answered "not found" should also ask the fallback: only after this
   * isolate saw Redis fail recently, when a hold made meanwhile may not be synced yet. Otherwise
   * "not found" costs no SQL, as the budgets say.
   */
  fallbackMayHold(): boolean {
    return this.gate.failedWithin(FALLBACK_LOOKBACK_MS);
  }

  /** An undo of a hold whose request was answered with an error, by what it found. */
  countUndo(outcome: HoldUndo | "failed"): void {
    this.metrics.holdUndo(outcome);
  }

  /**
   * Runs `call` on the store the gate chooses. `claimOn`: the staff member whose slots the call
   * claims (select, hold, a booking's claim), for the uncertainty rule below.
   */
  async run<T>(
    trace: RequestTrace,
    operation: string,
    call: (store: Port) => Promise<T>,
    claimOn?: string,
  ): Promise<T> {
    if (this.gate.choose(trace.requestId, trace.waitUntil) === "redis") {
      const sent = this.gate.sending();
      const startedMs = performance.now();
      try {
        const result = await call(this.redis);
        trace.storage = "redis";
        this.observe(trace, "redis", operation, performance.now() - startedMs);
        return result;
      } catch (error) {
        if (!(error instanceof RedisFailure)) throw error;
        const verdict = this.gate.failed(operation, error, trace.requestId, {
          call: sent,
          waitUntil: trace.waitUntil,
        });
        // Busy, not down: the call may have run in Redis, so the fallback must not answer it.
        if (verdict === "busy") {
          if (claimOn !== undefined) this.gate.markUncertain(claimOn);
          throw new OverloadedError(true, error);
        }
      }
    }
    // A claim of this isolate on this staff member timed out while Redis was judged busy, and
    // Redis was found down after all: it may hold that claim, which the fallback cannot see. Until
    // the failback, the fallback claims nothing of that staff member: it cannot see what the timed-out claim wrote.
    if (claimOn !== undefined && this.gate.isUncertain(claimOn)) throw new OverloadedError(false);
    // The fallback carries what Redis did with a fraction of its capacity: past the bound,
    // shed at once instead of queueing into the SQL timeout.
    const release = this.permits.tryAcquire(CRITICAL_OPERATIONS.has(operation));
    if (!release) {
      this.metrics.fallbackShed(operation);
      throw new OverloadedError(false);
    }
    try {
      this.metrics.fallbackHit(operation);
      const startedMs = performance.now();
      const result = await call(this.fallback);
      trace.storage = "fallback";
      this.observe(trace, "fallback", operation, performance.now() - startedMs);
      return result;
    } finally {
      release();
    }
  }
}

/** Live state for one request, failing over call by call. */
export function liveStateFor(
  failover: Failover<LiveStateStore>,
  trace: RequestTrace,
): LiveStateStore {
  const run = <T>(operation: string, call: (store: LiveStateStore) => Promise<T>) =>
    failover.run(trace, operation, call);
  // The stores this request's hold calls were sent to: an undo goes to each of them, whatever
  // the gate chooses meanwhile (a call Redis timed out on may have run there, even once the
  // isolate has failed over).
  const holdSentTo = new Set<LiveStateStore>();
  return {
    overlay: (input) => run("overlay", (s) => s.overlay(input)),
    select: (input) => failover.run(trace, "select", (s) => s.select(input), input.staffId),
    hold: (input) =>
      failover.run(
        trace,
        "hold",
        (s) => {
          holdSentTo.add(s);
          return s.hold(input);
        },
        input.staffId,
      ),
    // Not through the gate: an undo must reach the store the hold went to, and its failures say
    // nothing new about that store (the caller retries it in the background).
    undoHold: async (input) => {
      let outcome: HoldUndo = "gone";
      try {
        for (const store of holdSentTo) {
          const found = await store.undoHold(input);
          if (found === "undone" || (found === "kept" && outcome === "gone")) outcome = found;
        }
      } catch (error) {
        failover.countUndo("failed");
        throw error;
      }
      failover.countUndo(outcome);
      return outcome;
    },
    // A hold made while this isolate was in fallback mode may not be synced yet: when Redis does
    // not know it, the fallback is asked too (a short SQL transaction, on that path only).
    extend: (input) =>
      run("extend", async (s) => {
        const extended = await s.extend(input);
        if (extended || s !== failover.redis || !failover.fallbackMayHold()) return extended;
        return failover.fallback.extend(input).catch(() => null);
      }),
    // Released in Redis while a copy may still wait in the fallback (changed during a sync):
    // that copy goes too, so the next sync cannot bring the hold back.
    release: (input) =>
      run("release", async (s) => {
        const released = await s.release(input);
        if (s !== failover.redis || !failover.fallbackMayHold()) return released;
        const inFallback = await failover.fallback.release(input).catch(() => false);
        return released || inFallback;
      }),
    heartbeat: (input) => run("heartbeat", (s) => s.heartbeat(input)),
    watch: (input) => run("watch", (s) => s.watch(input)),
    // Best effort: a lease left in Redis lapses by itself.
    unwatch: (input) => run("unwatch", (s) => s.unwatch(input)).catch(() => undefined),
    putTicket: (input) => run("put-ticket", (s) => s.putTicket(input)),
    // A ticket issued while this isolate was in fallback mode is in MySQL: when Redis does not
    // know it, the fallback is asked too (on that path only, as for extend).
    takeTicket: (input) =>
      run("take-ticket", async (s) => {
        const taken = await s.takeTicket(input);
        if (taken || s !== failover.redis || !failover.fallbackMayHold()) return taken;
        return failover.fallback.takeTicket(input).catch(() => null);
      }),
    beginBooking: (input) =>
      failover.run(trace, "begin-booking", (s) => s.beginBooking(input), input.staffId),
    clearBooked: (input) => run("clear-booked", (s) => s.clearBooked(input)),
    abortBooking: (input) => run("abort-booking", (s) => s.abortBooking(input)),
    scan: (input) => run("scan", (s) => s.scan(input)),
  };
}

/** The exact rate limiter for one request, failing over like live state. */
export function limiterFor(failover: Failover<ExactLimiter>, trace: RequestTrace): ExactLimiter {
  return { take: (input) => failover.run(trace, "rate-limit", (s) => s.take(input)) };
}
