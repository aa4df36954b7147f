/**
 * Decides, per isolate, whether a call goes to Redis or to the MySQL fallback (SPEC.md section 4).
 *
 *   redis ──(a Redis call fails, times out or answers garbage)──▶ fallback, cool-down starts
 *   fallback ──(cool-down over: the next request, or the cron, or an admin runs a check:
 *              probe OK, then the failback sync succeeds)──▶ redis
 *
 * During the cool-down no request pays a Redis timeout. A check that finds Redis still down
 * starts a new cool-down. Checks are single-flight within the isolate; across isolates the
 * sync's own lease keeps two syncs from running at once.
 */
import type {
  Clock,
  GateStatus,
  HealthCheckRecord,
  ProbeResult,
  StorageMode,
  StoreProbe,
  SyncReport,
  SyncTrigger,
} from "../../domain/ports.ts";
import { log } from "../../observability/log.ts";

/** How long a check may take before it is presumed dead (the sync's lease is 30 s). */
const CHECK_DEADLINE_MS = 45_000;

export interface RedisGateOptions {
  clock: Clock;
  cooldownMs: number;
  probe: StoreProbe;
  sync: (trigger: SyncTrigger) => Promise<SyncReport>;
}

export class RedisGate {
  private mode: StorageMode = "redis";
  private cooldownUntilMs = 0;
  private failovers = 0;
  private failbacks = 0;
  private lastFailure: GateStatus["lastFailure"] = null;
  private lastHealthCheck: HealthCheckRecord | null = null;
  private lastSync: SyncReport | null = null;
  private checking: Promise<StorageMode> | null = null;
  private checkStartedMs = 0;

  constructor(private readonly options: RedisGateOptions) {}

  /**
   * The store for the next call. In fallback mode after the cool-down, the first request starts
   * the check (probe, then sync) in the background (`waitUntil` keeps it alive past the
   * response) and, like every request until the check has switched back, uses the fallback: no
   * request waits for a sync.
   */
  choose(requestId?: string, waitUntil?: (work: Promise<unknown>) => void): StorageMode {
    if (this.mode === "redis") return "redis";
    if (this.options.clock.nowMs() < this.cooldownUntilMs || this.checkInFlight())
      return "fallback";
    const check = this.check("request", requestId);
    waitUntil?.(check);
    return "fallback";
  }

  /** A Redis call failed: switch this isolate to the fallback and (re)start the cool-down. */
  failed(operation: string, error: unknown, requestId?: string): void {
    const nowMs = this.options.clock.nowMs();
    const message = error instanceof Error ? error.message : String(error);
    this.cooldownUntilMs = nowMs + this.options.cooldownMs;
    this.lastFailure = { atMs: nowMs, operation, error: message };
    if (this.mode === "fallback") return;
    this.mode = "fallback";
    this.failovers++;
    log("warn", "redis failover", {
      requestId,
      operation,
      error: message,
      cooldownMs: this.options.cooldownMs,
    });
  }

  /** Whether this isolate saw Redis fail within the last `withinMs`. */
  failedWithin(withinMs: number): boolean {
    const failure = this.lastFailure;
    return failure !== null && failure.atMs > this.options.clock.nowMs() - withinMs;
  }

  /** A health probe's result seen elsewhere (GET /v1/health): a failed probe fails over too. */
  observe(probe: ProbeResult, requestId?: string): StorageMode {
    this.lastHealthCheck = {
      atMs: this.options.clock.nowMs(),
      trigger: "health",
      ok: probe.ok,
      latencyMs: Math.round(probe.latencyMs),
      ...(probe.ok ? {} : { error: probe.error }),
    };
    if (!probe.ok) this.failed("health-probe", probe.error, requestId);
    return this.mode;
  }

  /**
   * Probes Redis (write a health key with a 5 s TTL, read it back); when it answers, runs the
   * failback sync, and only when the sync completed returns to Redis mode. Also run in Redis
   * mode (cron, admin): the sync then moves what other isolates left in the fallback store.
   */
  check(trigger: SyncTrigger, requestId?: string): Promise<StorageMode> {
    const inFlight = this.checkInFlight();
    if (inFlight) return inFlight;
    this.checkStartedMs = this.options.clock.nowMs();
    const check = this.runCheck(trigger, requestId).finally(() => {
      if (this.checking === check) this.checking = null;
    });
    this.checking = check;
    return check;
  }

  /**
   * The check in flight, if any. One older than CHECK_DEADLINE_MS is forgotten: Workers may cut
   * off background work (waitUntil ends 30 s after the response), and a check that never
   * settles must not pin the isolate to the fallback. (A sync it left half done is idempotent.)
   */
  private checkInFlight(): Promise<StorageMode> | null {
    if (this.checking && this.options.clock.nowMs() - this.checkStartedMs > CHECK_DEADLINE_MS) {
      this.checking = null;
    }
    return this.checking;
  }

  status(): GateStatus {
    const nowMs = this.options.clock.nowMs();
    return {
      mode: this.mode,
      cooldownUntilMs:
        this.mode === "fallback" && this.cooldownUntilMs > nowMs ? this.cooldownUntilMs : null,
      failovers: this.failovers,
      failbacks: this.failbacks,
      lastFailure: this.lastFailure,
      lastHealthCheck: this.lastHealthCheck,
      lastSync: this.lastSync,
    };
  }

  private async runCheck(trigger: SyncTrigger, requestId?: string): Promise<StorageMode> {
    const startedMs = this.options.clock.nowMs();
    const probe = await this.options.probe.probe();
    this.lastHealthCheck = {
      atMs: this.options.clock.nowMs(),
      trigger,
      ok: probe.ok,
      latencyMs: Math.round(probe.latencyMs),
      ...(probe.ok ? {} : { error: probe.error }),
    };
    if (!probe.ok) {
      this.failed("health-check", probe.error, requestId);
      return this.mode;
    }
    const report = await this.options.sync(trigger);
    this.lastSync = report;
    log(
      report.outcome === "failed" ? "warn" : "info",
      `synced ${report.synced}, conflicts ${report.conflicts}`,
      {
        requestId,
        sync: report,
      },
    );
    // MySQL down while Redis answers: the fallback can serve nothing, and its rows can wait for a
    // later sync (the cron's), so Redis serves now. Holds made during the outage are not visible
    // meanwhile; the booking store still decides between two holders.
    const usable = report.outcome === "synced" || report.fallbackUnreachable === true;
    if (!usable) {
      // Busy (another isolate is syncing) or failed: stay put and look again after a cool-down.
      if (this.mode === "fallback") {
        this.cooldownUntilMs = this.options.clock.nowMs() + this.options.cooldownMs;
      }
      return this.mode;
    }
    // A call that failed while this check ran wins: its cool-down stands.
    if (this.mode === "fallback" && (this.lastFailure?.atMs ?? 0) < startedMs) {
      this.mode = "redis";
      this.failbacks++;
      log("info", "redis failback", {
        requestId,
        trigger,
        synced: report.synced,
        ...(report.fallbackUnreachable ? { unsynced: "the fallback store did not answer" } : {}),
      });
    }
    return this.mode;
  }
}
