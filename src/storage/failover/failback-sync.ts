/**
 * The failback sync (docs/architecture/failover.md): once Redis answers again, everything the fallback store
 * kept while it was down is copied into Redis with its remaining lifetime, and removed from MySQL.
 *
 * - Live entries (holds, markers, recent bookings) are copied a page of staff members at a time:
 *   read with one statement, copied by Lua calls (lua/failback_live.lua, one staff member's batch
 *   each) that never overwrite a different live holder and count such a hold as a conflict (one
 *   that met a hold stays in the fallback store for a later sync: the booking store decided for
 *   it), then
 *   deleted only where the row still holds the value that was copied. A row changed meanwhile (a hold extended, a marker kept alive) stays, and the
 *   next sync copies its newer value. The copied holds then count against their holders' hold
 *   limits in Redis (lua/failback_held.lua, from `fallback_held`), as if Redis had made them. No lock is held while Redis is called: fallback traffic
 *   keeps flowing during a sync (an earlier version locked the rows and lost deadlocks under load,
 *   measured by `npm run drill`).
 * - Offers, idempotency claims and rate-limit events follow, each write idempotent (newer offer
 *   wins, SET NX, ZADD of the same member), so a repeat changes nothing.
 * - One sync at a time: a lease in Redis (SET NX PX) admits one, and every Lua call checks that
 *   the lease is still its own (fencing) before writing to Redis. A second sync answers "busy"
 *   and changes nothing. (The MySQL deletes are not fenced; they delete only what was copied.)
 */

import type { Client } from "@planetscale/database";
import type { Redis } from "@upstash/redis/cloudflare";
import { z } from "zod";
import { StoreUnavailableError } from "../../domain/errors.ts";
import type { SyncReport, SyncTrigger } from "../../domain/health/store-status.ts";
import type { Clock } from "../../domain/ports.ts";
import {
  failbackClaims,
  failbackHeld,
  failbackLive,
  failbackOffers,
  failbackRetract,
  releaseLock,
} from "../../lua/scripts.gen.ts";
import { ownerOf } from "../fallback/fallback-codec.ts";
import { retryConflicts } from "../mysql/conflict-retry.ts";
import { toInt } from "../mysql/sql-values.ts";
import type { RedisKeys } from "../redis/keys.ts";
import { utcDate } from "../redis/live-state-store.ts";
import { runScript } from "../redis/run-script.ts";

/** How long one sync may hold the lease; a sync that dies leaves it to lapse. */
const LEASE_MS = 30_000;

/** Live entries, claims or rate events copied per Lua call: no oversized request after a long outage. */
const ENTRIES_PER_CALL = 500;

/** Live rows read per statement: a few staff members' rows, never a part of one's. */
const PAGE_ROWS = 5000;

/**
 * Copied live rows read back or deleted per statement (by primary key, with its copied value),
 * and owners whose cells are deleted per statement.
 */
const ROWS_PER_STATEMENT = 1000;

/** Lua calls in flight at once (each one staff member's batch, or an offer). */
const CALL_CONCURRENCY = 16;

/** Delete statements (and their read-backs) in flight at once. */
const STATEMENT_CONCURRENCY = 4;

type Row = Record<string, unknown>;

/** A live row the sync read and copied. */
interface CopiedRow {
  staffId: string;
  owner: string;
  field: string;
  value: string;
}

/** A live row's primary key as one string. */
const rowKey = (staffId: string, field: string) => `${staffId}\n${field}`;

/** {"ok", synced, conflicts, present, ...owners of the holds that met a hold} | {"lost-lock"}. */
const LiveReply = z.union([
  z.tuple([z.literal("ok"), z.number(), z.number(), z.number()], z.string()),
  z.tuple([z.literal("lost-lock")]),
]);

class LostLease extends Error {
  constructor() {
    super("the sync lease passed to another sync");
    this.name = "LostLease";
  }
}

export class FailbackSync {
  /** `scope`: the deployment's REDIS_KEY_PREFIX; only rows it wrote are copied, into its keys. */
  constructor(
    private readonly redis: Redis,
    private readonly keys: RedisKeys,
    private readonly db: Client,
    private readonly scope: string,
    private readonly clock: Clock,
  ) {}

  async run(trigger: SyncTrigger): Promise<SyncReport> {
    const startedAtMs = this.clock.nowMs();
    const report: SyncReport = {
      trigger,
      startedAtMs,
      durationMs: 0,
      outcome: "synced",
      synced: 0,
      conflicts: 0,
      alreadyInRedis: 0,
      offerFields: 0,
      idempotencyClaims: 0,
      rateEvents: 0,
    };
    const lockId = crypto.randomUUID();
    try {
      const taken = await this.redis.set(this.keys.syncLock(), lockId, { nx: true, px: LEASE_MS });
      if (taken !== "OK") {
        report.outcome = "busy";
      } else {
        try {
          await this.copyLiveEntries(lockId, report);
          await this.copyOffers(lockId, report);
          await this.copyClaimsAndEvents(lockId, report);
        } finally {
          await runScript(this.redis, releaseLock, [this.keys.syncLock()], [lockId], z.number())
            .then(() => undefined)
            .catch(() => undefined); // a lease we cannot release lapses by itself
        }
      }
    } catch (error) {
      report.outcome = "failed";
      report.error = error instanceof Error ? error.message : String(error);
      if (error instanceof StoreUnavailableError) report.fallbackUnreachable = true;
    }
    report.durationMs = this.clock.nowMs() - startedAtMs;
    return report;
  }

  /**
   * Page by page: a page is a few staff members' rows, about PAGE_ROWS of them (one staff
   * member's rows are never split, so an entry is read and copied whole), read with one
   * statement, copied with one Lua call per staff member and ENTRIES_PER_CALL entries, then
   * deleted ROWS_PER_STATEMENT rows a statement across the page's staff members.
   */
  private async copyLiveEntries(lockId: string, report: SyncReport): Promise<void> {
    const { rows } = await this.db.execute(
      "SELECT staff_id, COUNT(*) AS n FROM fallback_live WHERE scope = ? AND expires_at_ms > ? GROUP BY staff_id ORDER BY staff_id",
      [this.scope, this.clock.nowMs()],
    );
    const pages: string[][] = [];
    let rowsInPage = PAGE_ROWS;
    for (const row of rows as Row[]) {
      if (rowsInPage + toInt(row.n) > PAGE_ROWS && rowsInPage > 0) {
        pages.push([]);
        rowsInPage = 0;
      }
      pages.at(-1)?.push(String(row.staff_id));
      rowsInPage += toInt(row.n);
    }
    for (const page of pages) await this.copyPage(page, lockId, report);
  }

  /**
   * Read, copy, delete what was copied. Idempotent, so a retry after a failure midway is safe:
   * what already reached Redis is found there as it is ("already in Redis").
   */
  private async copyPage(staffIds: string[], lockId: string, report: SyncReport): Promise<void> {
    const nowMs = this.clock.nowMs();
    const { rows } = await this.db.execute(
      `SELECT staff_id, field, value FROM fallback_live WHERE scope = ? AND staff_id IN (${marks(staffIds.length)}) AND expires_at_ms > ? ORDER BY staff_id, field`,
      [this.scope, ...staffIds, nowMs],
    );
    // Per staff member, per owner (a hold, a marker, a booking): its fields and values.
    const byStaff = new Map<string, Map<string, string[]>>();
    for (const row of rows as Row[]) {
      const staffId = String(row.staff_id);
      const field = String(row.field);
      const owner = ownerOf(field);
      const owners = byStaff.get(staffId) ?? new Map<string, string[]>();
      byStaff.set(staffId, owners);
      const pairs = owners.get(owner) ?? [];
      owners.set(owner, pairs);
      pairs.push(field, String(row.value));
    }
    const calls = [...byStaff].flatMap(([staffId, owners]) => {
      const all = [...owners];
      return Array.from({ length: Math.ceil(all.length / ENTRIES_PER_CALL) }, (_, i) => ({
        staffId,
        chunk: all.slice(i * ENTRIES_PER_CALL, (i + 1) * ENTRIES_PER_CALL),
      }));
    });
    // Holds that met another live hold in Redis stay in the fallback store, rows and cells
    // ("h:"), for a later sync. The booking store decided between the two: every hold Redis
    // grants claims its cells there, and these cells were the fallback hold's, so the Redis one
    // was refused and is being taken back (or stood on Redis alone while MySQL was out of reach).
    // Dropping the fallback hold here would leave its holder with a 201 and, once the Redis one is
    // gone, the slot free in both stores for the next client. (A hold that met only bookings
    // goes: the time is booked.)
    const conflicted = new Set<string>();
    await eachLimit(calls, CALL_CONCURRENCY, async ({ staffId, chunk }) => {
      const args: (string | number)[] = [lockId, nowMs, chunk.length];
      for (const [owner, pairs] of chunk) args.push(owner, pairs.length / 2, ...pairs);
      const reply = await runScript(
        this.redis,
        failbackLive,
        // Its sweep counts expired holds in the funnel's hash of the day.
        [
          this.keys.syncLock(),
          ...this.keys.liveKeys(staffId),
          this.keys.stats(staffId, utcDate(nowMs)),
        ],
        args,
        LiveReply,
      );
      if (reply[0] === "lost-lock") throw new LostLease();
      report.synced += reply[1];
      report.conflicts += reply[2];
      report.alreadyInRedis += reply[3];
      for (const owner of reply.slice(4) as string[]) conflicted.add(rowKey(staffId, owner));
    });
    // Before any row is deleted, so that a sync that fails after this point leaves the rows a
    // later sync needs to count them again.
    await this.countHeldSlots(staffIds, lockId, nowMs);

    // Everything read was copied or already there: none of it stays in the fallback store
    // (unless it changed since it was read), nor do the cells of an owner whose rows are all
    // gone. Conflicting holds stay (above).
    const rowsRead: CopiedRow[] = [];
    for (const [staffId, owners] of byStaff)
      for (const [owner, pairs] of owners)
        if (!conflicted.has(rowKey(staffId, owner)))
          for (let i = 0; i < pairs.length; i += 2)
            rowsRead.push({ staffId, owner, field: pairs[i] ?? "", value: pairs[i + 1] ?? "" });
    const { deleted, vanished } = await this.deleteCopied(rowsRead);
    // A row that vanished while the sync ran (released or booked through the fallback) has its
    // copy in Redis taken back, so the hold does not live on.
    await eachLimit(
      [...groupBy(vanished, (row) => row.staffId)],
      CALL_CONCURRENCY,
      async ([staffId, gone]) => {
        const retracted = await runScript(
          this.redis,
          failbackRetract,
          [this.keys.syncLock(), ...this.keys.liveKeys(staffId)],
          [lockId, this.clock.nowMs(), ...gone.flatMap((row) => [row.field, row.value])],
          z.number(),
        );
        if (retracted < 0) throw new LostLease();
      },
    );
    // Cells go with an owner whose every row this sync deleted. (Rows someone else deleted
    // meanwhile were released or booked through the fallback, which freed their cells itself.)
    const gone: [string, string][] = [];
    for (const [staffId, owners] of byStaff)
      for (const [owner, pairs] of owners)
        if (
          !owner.startsWith("v:") &&
          !conflicted.has(rowKey(staffId, owner)) &&
          pairs.every((field, i) => i % 2 === 1 || deleted.has(rowKey(staffId, field)))
        )
          gone.push([staffId, owner]);
    // An owner (one hold, one booking) owns its cells alone: writing by owner (an index) touches
    // exactly the gone owners' cells, never a new holder's. A booking's go. A hold's stay, as its
    // claim in the booking store ("r:", as every hold Redis makes has one: hold-arbiter.ts), so
    // an isolate still on the fallback cannot grant its slot; extend and release move them with
    // it. A gone hold's place under its holders' limits goes: Redis counts it now.
    const [goneHoldCells, goneBookingCells] = [
      gone.filter(([, owner]) => owner.startsWith("h:")),
      gone.filter(([, owner]) => !owner.startsWith("h:")),
    ];
    await eachLimit(
      chunksOf(goneBookingCells, ROWS_PER_STATEMENT),
      STATEMENT_CONCURRENCY,
      (chunk) =>
        retryConflicts(() =>
          this.db.execute(
            `DELETE FROM fallback_cells WHERE (staff_id, owner) IN (${marks(chunk.length, "(?, ?)")})`,
            chunk.flat(),
          ),
        ),
    );
    await eachLimit(chunksOf(goneHoldCells, ROWS_PER_STATEMENT), STATEMENT_CONCURRENCY, (chunk) =>
      retryConflicts(() =>
        this.db.execute(
          `UPDATE fallback_cells SET owner = CONCAT('r:', SUBSTRING(owner, 3)) WHERE (staff_id, owner) IN (${marks(chunk.length, "(?, ?)")})`,
          chunk.flat(),
        ),
      ),
    );
    const goneHolds = gone
      .filter(([, owner]) => owner.startsWith("h:"))
      .map(([staffId, owner]) => [staffId, owner.slice(2)]);
    await eachLimit(chunksOf(goneHolds, ROWS_PER_STATEMENT), STATEMENT_CONCURRENCY, (chunk) =>
      retryConflicts(() =>
        this.db.execute(
          `DELETE FROM fallback_held WHERE (staff_id, hold_key) IN (${marks(chunk.length, "(?, ?)")})`,
          chunk.flat(),
        ),
      ),
    );
  }

  /**
   * Counts the held slots the fallback recorded for these staff members (`fallback_held`: one
   * row per held slot and holder) in the holders' Redis counters, where the hold is live in
   * Redis now (lua/failback_held.lua): one Lua call per staff member and ENTRIES_PER_CALL rows.
   */
  private async countHeldSlots(staffIds: string[], lockId: string, nowMs: number): Promise<void> {
    const { rows } = await this.db.execute(
      `SELECT holder, staff_id, hold_key, slot FROM fallback_held WHERE scope = ? AND staff_id IN (${marks(staffIds.length)}) AND expires_at_ms > ?`,
      [this.scope, ...staffIds, nowMs],
    );
    const byStaff = groupBy(rows as Row[], (row) => String(row.staff_id));
    const calls = [...byStaff].flatMap(([staffId, held]) =>
      chunksOf(held, ENTRIES_PER_CALL).map((chunk) => ({ staffId, chunk })),
    );
    await eachLimit(calls, CALL_CONCURRENCY, async ({ staffId, chunk }) => {
      const counted = await runScript(
        this.redis,
        failbackHeld,
        [
          this.keys.syncLock(),
          ...this.keys.liveKeys(staffId),
          ...chunk.map((row) => this.heldCounter(String(row.holder))),
        ],
        [lockId, nowMs, ...chunk.flatMap((row) => [String(row.hold_key), toInt(row.slot)])],
        z.number(),
      );
      if (counted < 0) throw new LostLease();
    });
  }

  /** The Redis counter of a `fallback_held` holder ("c:<clientTag>" or "i:<addressTag>"). */
  private heldCounter(holder: string): string {
    const tag = holder.slice(2);
    return this.keys.heldBy(holder.startsWith("c:") ? "client" : "ip", tag);
  }

  /**
   * Deletes the rows the sync copied, by primary key and only where the row still holds the
   * copied value. One read finds the rows as they are now (gone: vanished since they were
   * copied; changed: stay for the next sync), then one DELETE of the rest, ROWS_PER_STATEMENT rows
   * a statement. When the DELETE removes fewer rows than it was given, a row changed or vanished
   * in between (milliseconds); those count as deleted by the sync, so at worst a released hold's
   * copy lapses in Redis at its own expiry. No lock is held while Redis is called, and a deadlock
   * victim is run again (deletes are idempotent).
   */
  private async deleteCopied(
    rows: CopiedRow[],
  ): Promise<{ deleted: Set<string>; vanished: CopiedRow[] }> {
    const current = new Map<string, string>();
    await eachLimit(chunksOf(rows, ROWS_PER_STATEMENT), STATEMENT_CONCURRENCY, async (chunk) => {
      const { rows: now } = await this.db.execute(
        `SELECT staff_id, field, value FROM fallback_live WHERE (staff_id, field) IN (${marks(chunk.length, "(?, ?)")})`,
        chunk.flatMap((row) => [row.staffId, row.field]),
      );
      for (const row of now as Row[])
        current.set(rowKey(String(row.staff_id), String(row.field)), String(row.value));
    });
    const same = rows.filter((row) => current.get(rowKey(row.staffId, row.field)) === row.value);
    const vanished = rows.filter((row) => !current.has(rowKey(row.staffId, row.field)));
    await eachLimit(chunksOf(same, ROWS_PER_STATEMENT), STATEMENT_CONCURRENCY, (chunk) =>
      retryConflicts(() =>
        this.db.execute(
          `DELETE FROM fallback_live WHERE (staff_id, field, value) IN (${marks(chunk.length, "(?, ?, ?)")})`,
          chunk.flatMap((row) => [row.staffId, row.field, row.value]),
        ),
      ),
    );
    return { deleted: new Set(same.map((row) => rowKey(row.staffId, row.field))), vanished };
  }

  /** Offers per (service, staff member): a newer publication wins, so a repeat writes nothing. */
  private async copyOffers(lockId: string, report: SyncReport): Promise<void> {
    const nowMs = this.clock.nowMs();
    const { rows } = await this.db.execute(
      "SELECT service_id, staff_id, field, value, expires_at_ms FROM fallback_offers WHERE scope = ? AND expires_at_ms > ? ORDER BY service_id, staff_id",
      [this.scope, nowMs],
    );
    const byOffer = new Map<
      string,
      { serviceId: string; staffId: string; ttlMs: number; pairs: string[] }
    >();
    for (const row of rows as Row[]) {
      const key = `${String(row.service_id)} ${String(row.staff_id)}`;
      const offer = byOffer.get(key) ?? {
        serviceId: String(row.service_id),
        staffId: String(row.staff_id),
        ttlMs: 0,
        pairs: [],
      };
      offer.pairs.push(String(row.field), String(row.value));
      offer.ttlMs = Math.max(offer.ttlMs, toInt(row.expires_at_ms) - nowMs);
      byOffer.set(key, offer);
    }
    const copied: Row[] = [];
    // Offers are independent of each other: a few copied at a time.
    await eachLimit([...byOffer.values()], CALL_CONCURRENCY, async (offer) => {
      const written = await runScript(
        this.redis,
        failbackOffers,
        [this.keys.syncLock(), this.keys.offer(offer.serviceId, offer.staffId)],
        [lockId, Math.max(1, offer.ttlMs), ...offer.pairs],
        z.number(),
      );
      if (written < 0) throw new LostLease();
      report.offerFields += written;
      for (let i = 0; i < offer.pairs.length; i += 2)
        copied.push({
          service_id: offer.serviceId,
          staff_id: offer.staffId,
          field: offer.pairs[i],
          value: offer.pairs[i + 1],
        });
    });
    // Exactly what was copied, by primary key and value (see copyStaff), 200 rows a statement:
    // a date republished meanwhile stays for the next sync.
    await deleteInBatches(
      this.db,
      "fallback_offers",
      ["service_id", "staff_id", "field", "value"],
      copied,
    );
  }

  /**
   * Idempotency claims and rate-limit events, in one fenced Lua call (lua/failback_claims.lua):
   * both are idempotent, and a rate key's expiry is only ever lengthened.
   */
  private async copyClaimsAndEvents(lockId: string, report: SyncReport): Promise<void> {
    const nowMs = this.clock.nowMs();
    const [claims, released, events] = await Promise.all([
      this.db.execute(
        "SELECT staff_id, key_hash, body_hash, expires_at_ms FROM fallback_idempotency WHERE scope = ? AND staff_id <> '' AND expires_at_ms > ?",
        [this.scope, nowMs],
      ),
      this.db.execute(
        "SELECT staff_id, hold_key, expires_at_ms FROM fallback_released WHERE scope = ? AND expires_at_ms > ?",
        [this.scope, nowMs],
      ),
      this.db.execute(
        "SELECT rl_key, event_ms, event_id, expires_at_ms FROM fallback_rate_events WHERE scope = ? AND expires_at_ms > ?",
        [this.scope, nowMs],
      ),
    ]);
    const claimRows = claims.rows as Row[];
    const releasedRows = released.rows as Row[];
    const eventRows = events.rows as Row[];
    // Claims and released holds are both "SET key value PX ttl NX" in Redis.
    const keyed = [
      ...claimRows.map((row) => ({
        key: this.keys.idempotency(String(row.staff_id), String(row.key_hash)),
        value: String(row.body_hash),
        row,
      })),
      ...releasedRows.map((row) => ({
        key: this.keys.releasedHold(String(row.staff_id), String(row.hold_key)),
        value: "1",
        row,
      })),
    ];
    if (keyed.length + eventRows.length === 0) return;
    const ttl = (row: Row) => Math.max(1, toInt(row.expires_at_ms) - nowMs);
    // In chunks, so a long outage's backlog never makes one oversized request.
    const chunks: { claims: typeof keyed; events: Row[] }[] = [];
    for (let i = 0; i < keyed.length; i += ENTRIES_PER_CALL)
      chunks.push({ claims: keyed.slice(i, i + ENTRIES_PER_CALL), events: [] });
    for (let i = 0; i < eventRows.length; i += ENTRIES_PER_CALL)
      chunks.push({ claims: [], events: eventRows.slice(i, i + ENTRIES_PER_CALL) });
    for (const chunk of chunks) {
      const keys = [
        this.keys.syncLock(),
        ...chunk.claims.map((claim) => claim.key),
        ...chunk.events.map((row) => this.keys.rateLimit(String(row.rl_key))),
      ];
      const args: (string | number)[] = [lockId, chunk.claims.length];
      for (const claim of chunk.claims) args.push(claim.value, ttl(claim.row));
      for (const row of chunk.events)
        args.push(toInt(row.event_ms), String(row.event_id), ttl(row));
      const [claimed] = await runScript(
        this.redis,
        failbackClaims,
        keys,
        args,
        z.tuple([z.number(), z.number()]),
      );
      if (claimed < 0) throw new LostLease();
    }
    report.idempotencyClaims = claimRows.length;
    report.rateEvents = eventRows.length;
    // Exactly what was copied: claims and events recorded meanwhile stay for the next sync.
    await deleteInBatches(this.db, "fallback_idempotency", ["key_hash", "body_hash"], claimRows);
    await deleteInBatches(this.db, "fallback_released", ["staff_id", "hold_key"], releasedRows);
    await deleteInBatches(
      this.db,
      "fallback_rate_events",
      ["rl_key", "event_ms", "event_id"],
      eventRows,
    );
  }
}

/** Deletes the given rows, matched on all of `columns` (their primary key), 200 at a time. */
async function deleteInBatches(
  db: Client,
  table: string,
  columns: string[],
  rows: Row[],
): Promise<void> {
  const tuple = `(${columns.map(() => "?").join(", ")})`;
  await eachLimit(chunksOf(rows, 200), STATEMENT_CONCURRENCY, (batch) =>
    retryConflicts(() =>
      db.execute(
        `DELETE FROM ${table} WHERE (${columns.join(", ")}) IN (${batch.map(() => tuple).join(", ")})`,
        batch.flatMap((row) => columns.map((column) => String(row[column]))),
      ),
    ),
  );
}

/** `items` in consecutive chunks of `size`. */
function chunksOf<T>(items: readonly T[], size: number): T[][] {
  return Array.from({ length: Math.ceil(items.length / size) }, (_, i) =>
    items.slice(i * size, (i + 1) * size),
  );
}

/** `items` grouped by `keyOf`, in first-seen order. */
function groupBy<T>(items: readonly T[], keyOf: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const group = groups.get(keyOf(item)) ?? [];
    groups.set(keyOf(item), group);
    group.push(item);
  }
  return groups;
}

const marks = (n: number, mark = "?") => Array.from({ length: n }, () => mark).join(", ");

/** Runs `fn` over `items`, at most `limit` at a time. */
async function eachLimit<T>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<unknown>,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const item = items[next++] as T;
      await fn(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}
