/**
 * Admission control per isolate: shed load instead of queueing into timeouts (docs/architecture/overload.md).
 *
 * An isolate works on at most OVERLOAD_MAX_ACTIVE requests at once; the next ones wait in a
 * FIFO queue (each waiter looks at its place from its own timers: see `enter`). Store timeouts
 * only start once a request works, so a burst waits at the door instead of timing out inside the
 * stores (which used to look like a Redis outage). Past the
 * queue's length (OVERLOAD_MAX_QUEUE) a request is answered 503 OVERLOADED at once; one that
 * has waited OVERLOAD_QUEUE_TIMEOUT_MS is answered 503 OVERLOADED then, never later.
 *
 * Critical requests (bookings, releases, admin calls: they finish or undo a customer's work, or
 * are an operator acting on the outage) are shed last: they have OVERLOAD_CRITICAL_RESERVE
 * places of their own, both working and waiting, and leave the queue first. A request is
 * critical for what it passed, not for its path alone (`isCritical`): the cheap refusals run
 * before it takes any place (app.ts), so a flood of junk to critical paths neither takes the
 * reserve nor jumps ahead of queued customers.
 */

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
  /** Its place in its line: waiters with smaller tickets came first. */
  ticket: number;
  /** A place was freed for it (and counted as active): it takes it at its next look. */
  granted: boolean;
  /** When it looks next (ms, by Date.now()). */
  nextLookMs: number;
  /** Its grant was taken back: it did not look in time (its request was probably cancelled). */
  revoked: boolean;
  /** Dropped from the head of the line for the same reason. */
  dropped: boolean;
}

interface Line {
  waiters: Waiter[];
  /** Tickets handed out, and waiters gone from the line (admitted or timed out). */
  issued: number;
  left: number;
}

/** Bounds of a waiter's pause between two looks at its place (ms). */
const LOOK_MIN_MS = 2;
const LOOK_MAX_MS = 100;
/**
 * A freed place goes to whichever of the first GRANT_AMONG waiters looks soonest, not strictly to
 * the first: a place granted to a waiter stays idle until it looks (timers fire late on a busy
 * isolate: 4.3 ms on average, measured with strict order at 1 000 connections).
 */
const GRANT_AMONG = 16;
/**
 * A waiter that has not looked this long after it was due is taken for gone: a cancelled request
 * runs no more timers, and its place must not stay counted (nor its grant stay unclaimed).
 */
const GONE_AFTER_MS = 5_000;

export class Admission {
  private active = 0;
  private readonly critical: Line = { waiters: [], issued: 0, left: 0 };
  private readonly normal: Line = { waiters: [], issued: 0, left: 0 };
  /** How long an admitted request works, on average (ms; moving average). */
  private workMs = 20;
  /** Waiters granted a place (counted as active) that have not taken it yet. */
  private readonly grants = new Set<Waiter>();

  constructor(private readonly limits: AdmissionLimits) {}

  /** Requests working and waiting now (for tests and metrics). */
  load(): { active: number; waiting: number } {
    return {
      active: this.active,
      waiting: this.critical.waiters.length + this.normal.waiters.length,
    };
  }

  /**
   * Admits the request now, after a wait in the queue, or not at all (shed).
   *
   * A request that frees a place cannot wake the waiter: in Workers the waiter would go on in the
   * freeing request's context, where its own I/O is refused (src/runtime/own-context.ts). So the
   * freeing request only grants the place (and counts it as active), and each waiter looks at
   * its place from timers of its own: rarely while many are ahead of it, every 2 ms near the
   * head (about as long as the place it was granted stays idle). A request cancelled while it
   * waits runs no more timers: its grant is taken back after GONE_AFTER_MS.
   */
  enter(critical: boolean): Outcome | Promise<Outcome> {
    this.reclaim();
    const reserve = critical ? this.limits.criticalReserve : 0;
    // Nobody overtakes the queue: a normal request waits while anyone is waiting.
    const queued = critical
      ? this.critical.waiters.length
      : this.critical.waiters.length + this.normal.waiters.length;
    if (queued === 0 && this.active < this.limits.maxActive + reserve) {
      this.active++;
      return this.admitted();
    }
    const line = critical ? this.critical : this.normal;
    if (line.waiters.length >= this.limits.maxQueue + reserve) {
      return { admitted: false, reason: "queue-full" };
    }
    const waiter: Waiter = {
      ticket: line.issued++,
      granted: false,
      nextLookMs: Date.now(),
      revoked: false,
      dropped: false,
    };
    line.waiters.push(waiter);
    const deadlineMs = Date.now() + this.limits.queueTimeoutMs;
    return new Promise<Outcome>((resolve) => {
      const pause = (ms: number) => {
        waiter.nextLookMs = Date.now() + ms;
        setTimeout(look, ms);
      };
      const look = () => {
        if (waiter.granted) {
          this.grants.delete(waiter);
          if (waiter.revoked) this.active++; // late, but here after all: it works now
          return resolve(this.admitted());
        }
        if (waiter.dropped) {
          // Late, but here after all: back to the head of the line, where it was.
          waiter.dropped = false;
          line.waiters.unshift(waiter);
          line.left--;
        }
        const leftMs = deadlineMs - Date.now();
        if (leftMs <= 0) {
          const at = line.waiters.indexOf(waiter);
          if (at >= 0) line.waiters.splice(at, 1);
          line.left++;
          return resolve({ admitted: false, reason: "queue-timeout" });
        }
        pause(Math.min(leftMs, this.pauseMs(line, waiter)));
      };
      pause(this.pauseMs(line, waiter));
    });
  }

  /** Half the expected wait of `waiter` (the waiters ahead of it, served maxActive at a time). */
  private pauseMs(line: Line, waiter: Waiter): number {
    const ahead = Math.max(0, waiter.ticket - line.left);
    const expectedMs = ((ahead + 1) * this.workMs) / this.limits.maxActive;
    return Math.max(LOOK_MIN_MS, Math.min(LOOK_MAX_MS, Math.floor(expectedMs / 2)));
  }

  /** An admitted request (already counted as active): its release frees the place once. */
  private admitted(): Outcome {
    const startedMs = Date.now();
    let done = false;
    return {
      admitted: true,
      release: () => {
        if (done) return;
        done = true;
        this.workMs = 0.9 * this.workMs + 0.1 * Math.max(0, Date.now() - startedMs);
        this.active--;
        this.drain();
      },
    };
  }

  /**
   * Takes back the places granted to waiters that did not come for them, and drops waiters that
   * stopped looking (GONE_AFTER_MS), then grants what is free.
   */
  private reclaim(): void {
    const nowMs = Date.now();
    let freed = false;
    for (const waiter of this.grants) {
      if (nowMs - waiter.nextLookMs < GONE_AFTER_MS) continue;
      this.grants.delete(waiter);
      waiter.revoked = true;
      this.active--;
      freed = true;
    }
    if (freed) this.drain();
  }

  /** Grants the places free now to the first waiters (see GRANT_AMONG): critical ones first. */
  private drain(): void {
    const { maxActive, criticalReserve } = this.limits;
    while (this.critical.waiters.length > 0 && this.active < maxActive + criticalReserve) {
      this.grant(this.critical);
    }
    while (this.normal.waiters.length > 0 && this.active < maxActive) this.grant(this.normal);
  }

  private grant(line: Line): void {
    // Waiters long past their look are gone (cancelled requests): out of the line, no grant.
    const nowMs = Date.now();
    for (let head = line.waiters[0]; head && head.nextLookMs < nowMs - GONE_AFTER_MS; ) {
      head.dropped = true;
      line.waiters.shift();
      line.left++;
      head = line.waiters[0];
    }
    let soonest = 0;
    const among = Math.min(GRANT_AMONG, line.waiters.length);
    for (let i = 1; i < among; i++) {
      if ((line.waiters[i]?.nextLookMs ?? 0) < (line.waiters[soonest]?.nextLookMs ?? 0))
        soonest = i;
    }
    const [waiter] = line.waiters.splice(soonest, 1);
    if (!waiter) return;
    line.left++;
    this.active++;
    waiter.granted = true;
    this.grants.add(waiter);
  }
}

/** What the checks before admission found out about a request. */
export interface Screening {
  /** The admin token was checked and is right. */
  admin: boolean;
  /** It passed its operation's own schemas and carries one of its declared headers. */
  wellFormed: boolean;
}

/** Bookings, reschedules, cancellations, hold releases and admin calls, by path alone. */
export function isCriticalPath(method: string, path: string): boolean {
  if (path.startsWith("/v1/admin/")) return true;
  if (method === "POST" && path === "/v1/appointments") return true;
  if (method === "POST" && /^\/v1\/appointments\/[^/]+\/(cancel|reschedule)$/.test(path)) {
    return true;
  }
  return method === "DELETE" && /^\/v1\/holds\/[^/]+$/.test(path);
}

/**
 * Shed last: a request to a critical path that passed its checks. An admin call is critical
 * for its token (the operator's calls are trusted whatever they carry); any other for its
 * credentials and body, checked syntactically (src/http/screen.ts). A request that failed them
 * is admitted as an ordinary one, and its route answers it as it always did.
 */
export function isCritical(method: string, path: string, screening: Screening): boolean {
  if (!isCriticalPath(method, path)) return false;
  return path.startsWith("/v1/admin/") ? screening.admin : screening.wellFormed;
}
