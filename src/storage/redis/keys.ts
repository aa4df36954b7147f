/**
 * Every Redis key the application uses is built here, under one configurable prefix, so that
 * several deployments (or test runs) can share a Redis without colliding.
 */
export class RedisKeys {
  constructor(readonly prefix: string) {}

  /** The health-check key written and read back by the probe (5 s TTL). */
  health(): string {
    return `${this.prefix}health`;
  }

  /** The lease held by the failback sync that is running (see src/storage/failover/failback-sync.ts). */
  syncLock(): string {
    return `${this.prefix}sync-lock`;
  }

  /** One hash per staff member: holds, viewing markers and recent bookings (see lua/hold_slots.lua). */
  live(staffId: string): string {
    return `${this.prefix}live:${staffId}`;
  }

  /** What availability last offered for (service, staff member), so select and hold need no SQL. */
  offer(serviceId: string, staffId: string): string {
    return `${this.prefix}offer:${serviceId}:${staffId}`;
  }

  /** A claimed Idempotency-Key of POST /v1/appointments (by its hash). */
  idempotency(keyHash: string): string {
    return `${this.prefix}idem:${keyHash}`;
  }

  /** A sliding-log rate limit (see lua/sliding_log.lua). */
  rateLimit(name: string): string {
    return `${this.prefix}rl:${name}`;
  }

  /** SCAN pattern of every live hash. */
  livePattern(): string {
    return `${this.prefix}live:*`;
  }

  /** The staff id in a live hash's key. */
  staffIdOfLive(key: string): string {
    return key.slice(`${this.prefix}live:`.length);
  }
}
