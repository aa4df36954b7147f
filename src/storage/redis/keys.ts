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

  /**
   * A staff member's live state is five keys in one Redis Cluster slot (see lua/lib/live.lua):
   * the live hash is `<prefix>live:<staffId>`, and every other key of the staff member carries
   * that name as its hash tag (`{<prefix>live:<staffId>}:…`). A key without braces hashes by its
   * whole name, so the hash and the tagged keys share a slot.
   */
  live(staffId: string): string {
    return `${this.prefix}live:${staffId}`;
  }

  /** The live hash's companions: blockers and markers by start cell, expiry buckets. */
  liveIndexes(staffId: string): [blockers: string, markers: string, expiry: string] {
    const tag = `{${this.live(staffId)}}`;
    return [`${tag}:blk`, `${tag}:mrk`, `${tag}:exp`];
  }

  /** The four keys every live script takes first: hash, blockers, markers, expiry buckets. */
  liveKeys(staffId: string): string[] {
    return [this.live(staffId), ...this.liveIndexes(staffId)];
  }

  /**
   * The pub/sub channel of a staff member's local date (YYYY-MM-DD): every live script publishes
   * its changes there (lua/lib/live.lua builds the same name from the live hash's key, KEYS[1]).
   * Channels are not keys: nothing is stored under this name.
   */
  liveChannel(staffId: string, date: string): string {
    return `${this.live(staffId)}@${date}`;
  }

  /** The open live streams of one address (IPv6: its /64), by lease end: the per-address limit. */
  liveStreams(ipGroup: string): string {
    return `${this.prefix}streams:${ipGroup}`;
  }

  /**
   * A live-stream ticket, by the hash of the ticket (never the ticket): the client tag, staff
   * member and date it stands for, until it is used or expires.
   */
  liveTicket(ticketHash: string): string {
    return `${this.prefix}ticket:${ticketHash}`;
  }

  /** What availability last offered for (service, staff member), so select and hold need no SQL. */
  offer(serviceId: string, staffId: string): string {
    return `{${this.live(staffId)}}:offer:${serviceId}`;
  }

  /**
   * A claimed Idempotency-Key of POST /v1/appointments (by its hash), in the slot of the staff
   * member it books, so begin_booking stays a one-slot script.
   */
  idempotency(staffId: string, keyHash: string): string {
    return `{${this.live(staffId)}}:idem:${keyHash}`;
  }

  /**
   * A released hold, remembered until its cap so that its token books nothing and its hold key
   * (which a repeat with the same Idempotency-Key derives again) holds nothing.
   */
  releasedHold(staffId: string, holdKey: string): string {
    return `{${this.live(staffId)}}:rel:${holdKey}`;
  }

  /**
   * The attempt that made a keyed hold, until a retry with the same key is handed the hold: only
   * that attempt may undo it (lua/undo_hold.lua).
   */
  holdCreator(staffId: string, holdKey: string): string {
    return `{${this.live(staffId)}}:by:${holdKey}`;
  }

  /** An undone hold attempt: its hold call, arriving late, holds nothing (lua/undo_hold.lua). */
  undoneAttempt(staffId: string, attemptId: string): string {
    return `{${this.live(staffId)}}:undo:${attemptId}`;
  }

  /**
   * The live held slots of one holder (a client, or an address), by expiry: the hold-limit
   * count. Not a staff member's key: hold_slots.lua reaches it beside the staff member's slot.
   */
  heldBy(holder: "client" | "ip", tag: string): string {
    return `${this.prefix}held:${holder === "client" ? "c" : "i"}:${tag}`;
  }

  /**
   * The funnel counters of a staff member on one UTC day (YYYY-MM-DD), a hash in the staff
   * member's slot: lua/lib/live.lua builds the same name from the live hash's key (its `tally`),
   * so the live scripts count in the call they already make. Kept 400 days.
   */
  stats(staffId: string, date: string): string {
    return `{${this.live(staffId)}}:stats:${date}`;
  }

  /** The store calls counted slow on one UTC day, by operation (src/observability/slow-calls.ts). */
  slowCalls(date: string): string {
    return `${this.prefix}stats:slow:${date}`;
  }

  /** A sliding-log rate limit (see lua/sliding_log.lua). */
  rateLimit(name: string): string {
    return `${this.prefix}rl:${name}`;
  }

  /** SCAN pattern of every live hash (the tagged companions start with "{" and do not match). */
  livePattern(): string {
    return `${this.prefix}live:*`;
  }

  /** The staff id in a live hash's key. */
  staffIdOfLive(key: string): string {
    return key.slice(`${this.prefix}live:`.length);
  }
}
