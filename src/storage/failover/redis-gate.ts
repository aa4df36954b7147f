/**
 * Decides, per isolate, whether a call goes to Redis or to the MySQL fallback (docs/architecture/failover.md).
 *
 *   redis ──(a Redis call fails, times out or answers garbage)──▶ fallback, cool-down starts
 *   fallback ──(cool-down over: the next request, or the cron, or an admin runs a check:
 *              probe OK, then the failback sync succeeds)──▶ redis
 *
 * During the cool-down no request pays a Redis timeout. A check that finds Redis still down
 * starts a new cool-down. Checks are single-flight within the isolate; across isolates the
 * sync's own lease keeps two syncs from running at once.
 *
 * Down versus busy (docs/adr/0601-busy-is-not-down.md): a refused connection, a 5xx or garbage is
 * "down" at once. A timeout is "busy" (Redis answers, only late: the caller gets 503 OVERLOADED
 * and the isolate stays on Redis) when Redis answered any call of this isolate after the
 * timed-out one was sent, or when the isolate had REDIS_BUSY_INFLIGHT or more Redis calls in
 * flight, which its own queue could explain: then confirming probes with their own, longer budget
 * decide in the background (down after REDIS_DOWN_AFTER_MS without any answer). A timeout with
 * neither (a quiet isolate, no answer since) is "down" at once, so a frozen Redis still fails
 * over within one timeout.
 */

import type { RedisFailure } from "../../domain/alerts/system-alerts.ts";
import type {
  GateStatus,
  HealthCheckRecord,
  ProbeResult,
  StorageMode,
  SyncReport,
  SyncTrigger,
} from "../../domain/health/store-status.ts";
import type { Clock, StoreProbe } from "../../domain/ports.ts";
import { log } from "../../observability/log.ts";
import { backoffMs, settledHere } from "../../runtime/own-context.ts";
import { isTimeout } from "../redis/run-script.ts";

/** Staff members remembered as uncertain; past it, every staff member is ("*"). */
const MAX_UNCERTAIN = 10_000;

/** How long a check may take before it is presumed dead (the sync's lease is 30 s). */
const CHECK_DEADLINE_MS = 45_000;

export interface RedisGateOptions {
  clock: Clock;
  cooldownMs: number;
  probe: StoreProbe;
  sync: (trigger: SyncTrigger) => Promise<SyncReport>;
  /**
   * Tells "busy" from "down" after a timeout under load: a probe with its own budget (longer
   * than a call's timeout). Without it, every timeout is "down" (docs/architecture/overload.md).
   */
  confirmProbe?: StoreProbe;
  /** Redis calls in flight from which a timeout may be the isolate's own queue (default 8). */
  busyInflight?: number;
  /** Under load, how long Redis must answer nothing at all to be called down (default 10 s). */
  downAfterMs?: number;
  /**
   * System alerts (docs/adr/1201-system-alerts.md), deduplicated across isolates by their own
   * store: `down` when this isolate fails over (and at each cron check that finds Redis down),
   * `up` after each check whose failback sync completed in Redis mode. They never throw.
   */
  alerts?: {
    down(failure: RedisFailure): Promise<void>;
    up(report: SyncReport): Promise<void>;
  };
}

/** How a failed call was made, for telling "busy" from "down". */
export interface FailureContext {
  call: SentCall;
  /** Defaults to whether the error is a timeout. */
  timedOut?: boolean;
  /** Keeps a confirming probe alive past the response (Workers' waitUntil). */
  waitUntil?: (work: Promise<unknown>) => void;
}

/** What a failed Redis call means for the caller. */
export type FailureVerdict =
  /** Redis is down: the isolate uses the fallback; the caller may retry there at once. */
  | "down"
  /** Redis is alive but late: the call may still have run; the caller must not use the fallback. */
  | "busy";

/** When and under which load a Redis call was sent (for telling "busy" from "down"). */
export interface SentCall {
  sentAtMs: number;
  /** Redis calls of this isolate in flight when it was sent, itself included. */
  inflight: number;
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
  /** Redis calls in flight (all clients of this isolate), and when Redis last answered one. */
  private inflight = 0;
  private lastAnswerAtMs = 0;
  /** Calls in flight when the latest unanswered call ended (the load a timeout met). */
  private lastUnansweredLoad = 0;
  private busyTimeouts = 0;
  private lastBusy: GateStatus["lastBusy"] = null;
  private confirming: Promise<void> | null = null;
  /** Staff members with a claim that timed out as "busy": Redis may hold it (see markUncertain). */
  private readonly uncertain = new Set<string>();

  constructor(private readonly options: RedisGateOptions) {}

  /**
   * How many times this isolate has failed over. A live stream compares it from its own timer
   * (a request cannot write to another request's stream in Workers, so nothing calls it back).
   */
  failoverCount(): number {
    return this.failovers;
  }

  /** Now, by the gate's clock. */
  nowMs(): number {
    return this.options.clock.nowMs();
  }

  /** A Redis HTTP call starts (called by the Redis clients of this isolate). */
  callStarted(): void {
    this.inflight++;
  }

  /** A Redis HTTP call ended; `answered`: Redis replied (any reply proves it alive). */
  callFinished(answered: boolean): void {
    if (!answered) this.lastUnansweredLoad = this.inflight;
    this.inflight = Math.max(0, this.inflight - 1);
    if (answered) this.lastAnswerAtMs = this.options.clock.nowMs();
  }

  /**
   * A claim (select, hold, booking) on `staffId` timed out while Redis was judged busy: it may
   * have run in Redis. Should the isolate fail over before the failback, the fallback must not
   * claim that staff member's slots (it cannot see the claim). Forgotten on failback, and when a
   * confirming probe finds Redis alive (the isolate then stays where the claim is).
   */
  markUncertain(staffId: string): void {
    this.uncertain.add(this.uncertain.size >= MAX_UNCERTAIN ? "*" : staffId);
  }

  /** Whether the fallback must not claim this staff member's slots (see markUncertain). */
  isUncertain(staffId: string): boolean {
    return this.uncertain.has(staffId) || this.uncertain.has("*");
  }

  /** The load a call about to be sent meets (pass it back to `failed`). */
  sending(): SentCall {
    return { sentAtMs: this.options.clock.nowMs(), inflight: this.inflight + 1 };
  }

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

  /**
   * A Redis call failed. Down: switch this isolate to the fallback and (re)start the cool-down.
   * A timeout of a call sent as `call` may instead be "busy" (see the header): the isolate stays
   * on Redis, and under load a confirming probe runs in the background (`waitUntil`).
   */
  failed(
    operation: string,
    error: unknown,
    requestId?: string,
    context?: FailureContext,
  ): FailureVerdict {
    const timedOut = context?.timedOut ?? isTimeout(error);
    if (context && this.mode === "redis" && timedOut) {
      const busy = this.triageTimeout(context.call, requestId, context.waitUntil);
      if (busy) {
        this.busyTimeouts++;
        this.lastBusy = { atMs: this.options.clock.nowMs(), operation, by: busy };
        return "busy";
      }
    }
    this.failOver(operation, error, requestId, context?.waitUntil);
    return "down";
  }

  /**
   * Why a timed-out call is "busy" rather than "down", or null when it is down: Redis answered
   * another call since this one was sent ("answer"), or the isolate is loaded enough for its own
   * queue to explain the timeout and a confirming probe is deciding ("probe").
   */
  private triageTimeout(
    call: SentCall,
    requestId?: string,
    waitUntil?: (work: Promise<unknown>) => void,
  ): "answer" | "probe" | null {
    if (this.lastAnswerAtMs >= call.sentAtMs) return "answer";
    if (!this.options.confirmProbe) return null;
    const load = Math.max(call.inflight, this.inflight);
    if (!this.confirming && load < (this.options.busyInflight ?? 8)) return null;
    this.confirm(requestId, waitUntil);
    return "probe";
  }

  /**
   * Confirms in the background whether Redis is alive: single-flight, one probe after another,
   * each with its own budget. Alive as soon as any call of the isolate (a probe included) is
   * answered. Down when a probe is refused or answers garbage, or when nothing at all was
   * answered for `downAfterMs` (REDIS_DOWN_AFTER_MS): a loaded isolate's event loop can make a
   * probe or two time out by itself, so a timeout under load is not proof; a sustained silence is.
   */
  private confirm(requestId?: string, waitUntil?: (work: Promise<unknown>) => void): void {
    const probe = this.options.confirmProbe;
    if (this.confirming || !probe) return;
    const startedMs = this.options.clock.nowMs();
    const downAfterMs = this.options.downAfterMs ?? 10_000;
    const attempt = async (): Promise<void> => {
      const result = await probe.probe();
      this.lastHealthCheck = {
        atMs: this.options.clock.nowMs(),
        trigger: "confirm",
        ok: result.ok,
        latencyMs: Math.round(result.latencyMs),
        ...(result.ok ? {} : { error: result.error }),
      };
      if (result.ok || this.lastAnswerAtMs >= startedMs) {
        if (this.mode === "redis") this.uncertain.clear();
        return;
      }
      const silentMs = this.options.clock.nowMs() - Math.max(startedMs, this.lastAnswerAtMs);
      if (result.timedOut && silentMs < downAfterMs) return attempt();
      if (this.failOver("confirm-probe", result.error, requestId)) await this.alertDown();
    };
    const confirming = attempt().finally(() => {
      if (this.confirming === confirming) this.confirming = null;
    });
    this.confirming = confirming;
    waitUntil?.(confirming);
  }

  /**
   * Switches this isolate to the fallback and (re)starts the cool-down; true when it was on Redis.
   * The switch's alert runs in the background of the request that saw the failure (`waitUntil`);
   * without one nothing would keep it alive, so it is left to the Cron Trigger's check.
   */
  private failOver(
    operation: string,
    error: unknown,
    requestId?: string,
    waitUntil?: (work: Promise<unknown>) => void,
  ): boolean {
    const nowMs = this.options.clock.nowMs();
    const message = error instanceof Error ? error.message : String(error);
    this.cooldownUntilMs = nowMs + this.options.cooldownMs;
    this.lastFailure = { atMs: nowMs, operation, error: message };
    if (this.mode === "fallback") return false;
    this.mode = "fallback";
    this.failovers++;
    log("warn", "redis failover", {
      requestId,
      operation,
      error: message,
      cooldownMs: this.options.cooldownMs,
    });
    waitUntil?.(this.alertDown());
    return true;
  }

  /** The isolate's last failure as a `system.redis_down` alert (deduplicated by its store). */
  private alertDown(): Promise<void> {
    const failure = this.lastFailure;
    if (!failure || !this.options.alerts) return Promise.resolve();
    return this.options.alerts.down(failure).catch(() => undefined);
  }

  /** Whether this isolate saw Redis fail within the last `withinMs`. */
  failedWithin(withinMs: number): boolean {
    const failure = this.lastFailure;
    return failure !== null && failure.atMs > this.options.clock.nowMs() - withinMs;
  }

  /**
   * A health probe's result seen elsewhere (GET /v1/health): a failed probe fails over too,
   * except a timed-out one that the triage finds "busy" (like any other call).
   */
  observe(
    probe: ProbeResult,
    requestId?: string,
    waitUntil?: (work: Promise<unknown>) => void,
  ): StorageMode {
    const nowMs = this.options.clock.nowMs();
    this.lastHealthCheck = {
      atMs: nowMs,
      trigger: "health",
      ok: probe.ok,
      latencyMs: Math.round(probe.latencyMs),
      ...(probe.ok ? {} : { error: probe.error }),
    };
    if (!probe.ok) {
      // Sent `latencyMs` ago. The route reports it only once the SQL probe beside it is done:
      // the load it met is the one when it timed out (the latest unanswered call), not now's.
      const load = Math.max(this.inflight + 1, this.lastUnansweredLoad);
      const call = { sentAtMs: nowMs - probe.latencyMs, inflight: load };
      this.failed("health-probe", probe.error, requestId, {
        call,
        timedOut: probe.timedOut === true,
        waitUntil,
      });
    }
    return this.mode;
  }

  /**
   * Probes Redis (write a health key with a 5 s TTL, read it back); when it answers, runs the
   * failback sync, and only when the sync completed returns to Redis mode. Also run in Redis
   * mode (cron, admin): the sync then moves what other isolates left in the fallback store.
   */
  check(trigger: SyncTrigger, requestId?: string): Promise<StorageMode> {
    // Another request's check: waited for from this one's own timers (src/runtime/own-context.ts).
    const inFlight = this.checkInFlight();
    if (inFlight) {
      return settledHere(inFlight, backoffMs, {
        afterMs: CHECK_DEADLINE_MS, // then forgotten: a check of this request's own starts
        orElse: () => this.check(trigger, requestId),
      });
    }
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
      busyTimeouts: this.busyTimeouts,
      lastBusy: this.lastBusy,
      confirming: this.confirming !== null,
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
      // The cron's check alerts at every failure (deduplicated by the incident): an alert that
      // no request could send, or one held back by the cool-down, goes out from here.
      const switched = this.failOver("health-check", probe.error, requestId);
      if (switched || trigger === "cron") await this.alertDown();
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
      this.uncertain.clear();
      this.failbacks++;
      log("info", "redis failback", {
        requestId,
        trigger,
        synced: report.synced,
        ...(report.fallbackUnreachable ? { unsynced: "the fallback store did not answer" } : {}),
      });
    }
    // Redis answers and what the fallback kept is in it: the outage, if one is open for the
    // deployment, is over (whichever isolate first gets here says so, with its sync's report).
    if (this.mode === "redis" && report.outcome === "synced" && this.options.alerts) {
      await this.options.alerts.up(report).catch(() => undefined);
    }
    return this.mode;
  }
}
