/**
 * Admission control per isolate (issue 13, "shed load instead of queueing into timeouts").
 *
 * An isolate works on at most OVERLOAD_MAX_ACTIVE requests at once; the next ones wait in a
 * FIFO queue. Store timeouts only start once a request works, so a burst waits at the door
 * instead of timing out inside the stores (which used to look like a Redis outage). Past the
 * queue's length (OVERLOAD_MAX_QUEUE) a request is answered 503 OVERLOADED at once; one that
 * has waited OVERLOAD_QUEUE_TIMEOUT_MS is answered 503 OVERLOADED then, never later.
 *
 * Critical requests (bookings, releases, admin calls: they finish or undo a customer's work, or
 * are an operator acting on the outage) are shed last: they have OVERLOAD_CRITICAL_RESERVE
 * places of their own, both working and waiting, and leave the queue first.
 */
import type { MiddlewareHandler } from "hono";
import { OVERLOAD_RETRY_AFTER_S } from "../domain/errors.ts";
import { errorResponse } from "../errors/handle-error.ts";
import type { AppEnv } from "./app-env.ts";

export interface AdmissionLimits {
  maxActive: number;
  maxQueue: number;
  queueTimeoutMs: number;
  criticalReserve: number;
}

/** Why a request was not admitted. */
export type ShedReason = "queue-full" | "queue-timeout";

type Outcome = { admitted: true; release: () => void } | { admitted: false; reason: ShedReason };

interface Waiter {
  admit: () => void;
  timer: ReturnType<typeof setTimeout> | undefined;
}

export class Admission {
  private active = 0;
  private readonly critical: Waiter[] = [];
  private readonly normal: Waiter[] = [];

  constructor(private readonly limits: AdmissionLimits) {}

  /** Requests working and waiting now (for tests and metrics). */
  load(): { active: number; waiting: number } {
    return { active: this.active, waiting: this.critical.length + this.normal.length };
  }

  /** Admits the request now, after a wait in the queue, or not at all (shed). */
  enter(critical: boolean): Outcome | Promise<Outcome> {
    const reserve = critical ? this.limits.criticalReserve : 0;
    // Nobody overtakes the queue: a normal request waits while anyone is waiting.
    const queued = critical ? this.critical.length : this.critical.length + this.normal.length;
    if (queued === 0 && this.active < this.limits.maxActive + reserve) return this.admitted();
    const queue = critical ? this.critical : this.normal;
    if (queue.length >= this.limits.maxQueue + reserve) {
      return { admitted: false, reason: "queue-full" };
    }
    return new Promise<Outcome>((resolve) => {
      const waiter: Waiter = {
        admit: () => resolve(this.admitted()),
        timer: undefined,
      };
      waiter.timer = setTimeout(() => {
        const at = queue.indexOf(waiter);
        if (at >= 0) queue.splice(at, 1);
        resolve({ admitted: false, reason: "queue-timeout" });
      }, this.limits.queueTimeoutMs);
      queue.push(waiter);
    });
  }

  private admitted(): Outcome {
    this.active++;
    let done = false;
    return {
      admitted: true,
      release: () => {
        if (done) return;
        done = true;
        this.active--;
        this.drain();
      },
    };
  }

  /** Lets waiting requests in while there is room: critical ones first. */
  private drain(): void {
    const { maxActive, criticalReserve } = this.limits;
    while (this.critical.length > 0 && this.active < maxActive + criticalReserve) {
      this.wake(this.critical.shift());
    }
    while (this.normal.length > 0 && this.active < maxActive) this.wake(this.normal.shift());
  }

  private wake(waiter: Waiter | undefined): void {
    if (!waiter) return;
    clearTimeout(waiter.timer);
    waiter.admit();
  }
}

/** Bookings, reschedules, cancellations, hold releases and admin calls: shed last. */
export function isCritical(method: string, path: string): boolean {
  if (path.startsWith("/v1/admin/")) return true;
  if (method === "POST" && path === "/v1/appointments") return true;
  if (method === "POST" && /^\/v1\/appointments\/[^/]+\/(cancel|reschedule)$/.test(path)) {
    return true;
  }
  return method === "DELETE" && /^\/v1\/holds\/[^/]+$/.test(path);
}

/** The admission middleware: waits for a place, or answers 503 OVERLOADED with Retry-After. */
export const admit: MiddlewareHandler<AppEnv> = async (c, next) => {
  const { admission, metrics } = c.var.services;
  if (!admission) return next();
  const outcome = await admission.enter(isCritical(c.req.method, c.req.path));
  if (!outcome.admitted) {
    metrics.countShed(outcome.reason);
    return errorResponse(
      c,
      "OVERLOADED",
      "The service is busy; nothing was changed. Retry after Retry-After.",
      { headers: { "Retry-After": String(OVERLOAD_RETRY_AFTER_S) } },
    );
  }
  try {
    await next();
  } finally {
    outcome.release();
  }
};
