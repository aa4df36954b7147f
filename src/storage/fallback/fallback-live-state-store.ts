/**
 * The live-state port on MySQL, used while Redis is down (docs/architecture/failover.md), with the same
 * answers as the Lua scripts for the same state.
 *
 * The model (migrations/0005_fallback_live_state.sql):
 * - `fallback_live` holds the Redis live hash, one row per field, `field` and `value` byte for
 *   byte (fallback-codec.ts formats them), so failback copies them without translation.
 * - `fallback_cells` makes holds and recent bookings exclusive: one row per 5-minute cell under
 *   PRIMARY KEY (staff_id, cell), owned by "h:<holdKey>" or "b:<appointmentId>". A claim is ONE
 *   multi-row INSERT; a cell someone else owns fails it with errno 1062 and nothing is written.
 *   Markers own no cells: they never block.
 * - Every row carries its expiry. Reads skip expired rows; a claim meeting an expired cell runs
 *   again, deleting exactly that row first. The Cron Trigger deletes the rest.
 *
 * Claims INSERT first and read only after a duplicate key: a read or DELETE before the INSERT
 * would take gap locks on the free cells, and two claims of the same free cells would then
 * deadlock instead of one winning. Every answer follows the Lua script named in its method.
 *
 * One adapter for one port: what each script does in one atomic step takes a transaction of
 * several statements here; the pure parts (value formats, offer check, conflict rules) live in
 * fallback-codec.ts.
 */

import type { Client, Transaction } from "@planetscale/database";
import { offerScope } from "../../domain/live/offers.ts";
import { isSeriesHoldKey } from "../../domain/live/tokens.ts";
import {
  candidateDates,
  encodeMeta,
  encodeOfferDay,
  encodeOfferOffsets,
  IDEMPOTENCY_LEASE_MS,
  OFFER_TTL_MS,
  offsetsField,
  UNDONE_ATTEMPT_MS,
} from "../../domain/live/stored-offer.ts";
import type {
  BeginBookingOutcome,
  HoldOutcome,
  HoldUndo,
  LiveCells,
  LiveEntry,
  LiveEntryDump,
  LiveTicket,
  SelectOutcome,
  WatchOutcome,
} from "../../domain/live/types.ts";
import type { LiveStateStore } from "../../domain/ports.ts";
import { formatWithOffset } from "../../domain/time/fixed-offset.ts";
import { retryConflicts } from "../mysql/conflict-retry.ts";
import { isDuplicateKey, toInt } from "../mysql/sql-values.ts";
import {
  type Blocker,
  bookedField,
  type CheckedSlot,
  cellParts,
  cellsOf,
  checkSlots,
  decodeEntry,
  decodeLive,
  type Entry,
  encodeLive,
  fmt,
  holdConflict,
  holdField,
  holdParts,
  kindOf,
  type LiveValue,
  type Offer,
  offerOf,
  overlaps,
  ownerOf,
  pairsOf,
  splitField,
  toDump,
  toLiveEntry,
  withPart,
} from "./fallback-codec.ts";

type Row = Record<string, unknown>;
type Sql = Pick<Transaction, "execute">;

/** The counters the live state keeps (the booking store's are counted by query). */
type FunnelCounter = "selections" | "holdsCreated" | "holdsBooked" | "holdsReleased";
type In<K extends keyof LiveStateStore> = Parameters<LiveStateStore[K]>[0];

const SCAN_STAFF_PER_PAGE = 50;

const marks = (n: number, row = "?") => Array.from({ length: n }, () => row).join(", ");

const toEntry = (row: Row): Entry => decodeEntry(String(row.field), String(row.value));
const toPair = (row: Row): [string, string] => [String(row.field), String(row.value)];

/** One claimed cell range: a hold's or a booking's slot. */
interface Claim {
  owner: string;
  clientTag: string;
  expiresAtMs: number;
  cellStart: number;
  cellEnd: number;
}

/** A row of fallback_cells. */
interface CellRow extends Blocker {
  cell: number;
}

/** An answer that rolls the transaction back (nothing written) and is returned as is. */
class Rollback extends Error {
  constructor(readonly outcome: unknown) {
    super("rollback");
  }
}

/** The transaction must run again from the start, after `before` (e.g. deleting dead rows). */
class RunAgain extends Error {
  constructor(readonly before?: (db: Client) => Promise<void>) {
    super("run again");
  }
}

/**
 * Runs `fn` in ONE transaction. `answer(x)` rolls it back and returns x. A deadlock victim (InnoDB
 * rolled it back whole) or a RunAgain runs again; the rerun meets the winner's cells.
 */
async function inTransaction<T>(
  db: Client,
  fn: (tx: Transaction, answer: (outcome: T) => never) => Promise<T>,
): Promise<T> {
  const answer = (outcome: T): never => {
    throw new Rollback(outcome);
  };
  try {
    return await retryConflicts(() => db.transaction((tx) => fn(tx, answer)), {
      alsoRetry: (error) => error instanceof RunAgain,
      beforeRetry: async (error) => {
        if (error instanceof RunAgain) await error.before?.(db);
      },
    });
  } catch (error) {
    if (error instanceof Rollback) return error.outcome as T;
    throw error;
  }
}

/** Inserts or overwrites live rows in one statement; the filter columns come from the value. */
async function upsertLive(
  sql: Sql,
  scope: string,
  staffId: string,
  rows: [string, string][],
): Promise<void> {
  if (rows.length === 0) return;
  await sql.execute(
    `INSERT INTO fallback_live (scope, staff_id, field, value, kind, client_tag, cell_start, cell_end, start_ms, end_ms, expires_at_ms)
     VALUES ${marks(rows.length, "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")}
     ON DUPLICATE KEY UPDATE scope = VALUES(scope), value = VALUES(value), kind = VALUES(kind), client_tag = VALUES(client_tag),
       cell_start = VALUES(cell_start), cell_end = VALUES(cell_end), start_ms = VALUES(start_ms),
       end_ms = VALUES(end_ms), expires_at_ms = VALUES(expires_at_ms)`,
    rows.flatMap(([field, value]) => {
      const v = decodeLive(value);
      const { code } = splitField(field);
      const ms = [v.startMin * 60_000, v.endMin * 60_000, v.expiresAtMs];
      return [scope, staffId, field, value, code, v.clientTag, v.cellStart, v.cellEnd, ...ms];
    }),
  );
}

/**
 * ONE multi-row INSERT of every cell of every claim, in ascending cell order so that concurrent
 * claims lock cells in one order. The line that closes the race: a cell another owner has fails
 * the whole statement with 1062 (false). `keep` leaves owned cells alone instead (restores).
 */
async function insertCells(
  tx: Sql,
  staffId: string,
  claims: Claim[],
  keep = false,
): Promise<boolean> {
  const rows = claims
    .flatMap((c) => cellsOf(c).map((cell) => [staffId, cell, c.owner, c.clientTag, c.expiresAtMs]))
    .sort((a, b) => Number(a[1]) - Number(b[1]));
  if (rows.length === 0) return true;
  try {
    await tx.execute(
      `INSERT INTO fallback_cells (staff_id, cell, owner, client_tag, expires_at_ms) VALUES ${marks(rows.length, "(?, ?, ?, ?, ?)")}${keep ? " ON DUPLICATE KEY UPDATE cell = cell" : ""}`,
      rows.flat(),
    );
    return true;
  } catch (error) {
    if (isDuplicateKey(error)) return false;
    throw error;
  }
}

/**
 * Claims the cells; returns the unexpired rows in the way ([] = claimed), sorted by owner ("b:"
 * first). When only expired rows are in the way, they are deleted in a statement of their own
 * (dead rows need no transaction) and the transaction runs again: deleting them inside it, next
 * to the INSERT, makes concurrent claims deadlock on the owner index. `movedId`: the appointment
 * a reschedule moves; its booked entry is not in the way either, and goes the same way (MySQL's
 * own cells still say it is booked until the reschedule commits).
 */
async function claimCells(
  tx: Sql,
  staffId: string,
  claims: Claim[],
  nowMs: number,
  movedId: string | null = null,
): Promise<CellRow[]> {
  const moved = movedId === null ? "" : ownerOf(bookedField(movedId));
  if (await insertCells(tx, staffId, claims)) return [];
  const cells = claims.flatMap(cellsOf);
  const { rows } = await tx.execute(
    `SELECT cell, owner, client_tag, expires_at_ms FROM fallback_cells WHERE staff_id = ? AND cell IN (${marks(cells.length)}) ORDER BY owner, cell`,
    [staffId, ...cells],
  );
  const found = (rows as Row[]).map((r) => ({
    cell: toInt(r.cell),
    owner: String(r.owner),
    clientTag: String(r.client_tag),
    expiresAtMs: toInt(r.expires_at_ms),
  }));
  const blockers = found.filter((r) => r.expiresAtMs > nowMs && r.owner !== moved);
  if (blockers.length > 0 || found.length === 0) return blockers;
  throw new RunAgain(async (db) => {
    await db.execute(
      `DELETE FROM fallback_cells WHERE staff_id = ? AND cell IN (${marks(found.length)}) AND expires_at_ms <= ?`,
      [staffId, ...found.map((r) => r.cell), nowMs],
    );
    if (movedId !== null && found.some((r) => r.owner === moved)) {
      await db.execute("DELETE FROM fallback_cells WHERE staff_id = ? AND owner = ?", [
        staffId,
        moved,
      ]);
      await db.execute("DELETE FROM fallback_live WHERE staff_id = ? AND field = ?", [
        staffId,
        bookedField(movedId),
      ]);
    }
  });
}

/** A hold's fields 0…n−1 (n from field 0), locked until the transaction ends; null without field 0. */
async function lockHold(tx: Sql, staffId: string, holdKey: string) {
  const { rows } = await tx.execute(
    "SELECT field, value FROM fallback_live WHERE staff_id = ? AND field LIKE ? FOR UPDATE",
    [staffId, `h:${holdKey.replace(/[\\%_]/g, "\\$&")}:%`],
  );
  const byField = new Map((rows as Row[]).map((r) => [String(r.field), toEntry(r)]));
  const head = byField.get(holdField(holdKey, 0));
  if (!head) return null;
  const parts = holdParts(head.live);
  const entries: Entry[] = [];
  for (let i = 0; i < parts.n; i++) {
    const entry = byField.get(holdField(holdKey, i));
    if (entry) entries.push(entry);
  }
  return { head: head.live, ...parts, entries, owner: ownerOf(head.field) };
}

/**
 * The funnel's counters on the fallback (lua/lib/live.lua's `tally` in Redis): one upsert, the
 * last statement of the caller's transaction, so it commits or rolls back with the change it
 * counts, and the counter row's lock is held only until that COMMIT.
 */
async function tally(
  sql: Sql,
  scope: string,
  staffId: string,
  nowMs: number,
  name: FunnelCounter,
  by: 1 | -1,
): Promise<void> {
  await sql.execute(
    `INSERT INTO funnel_counts (scope, staff_id, day, name, n) VALUES (?, ?, ?, ?, ?)
     ON DUPLICATE KEY UPDATE n = n + VALUES(n)`,
    [scope, staffId, new Date(nowMs).toISOString().slice(0, 10), name, by],
  );
}

/** Deletes one owner's live rows and cells. */
async function deleteOwned(tx: Sql, staffId: string, owner: string, entries: Entry[]) {
  if (entries.length === 0) return;
  await tx.execute(
    `DELETE FROM fallback_live WHERE staff_id = ? AND field IN (${marks(entries.length)})`,
    [staffId, ...entries.map((e) => e.field)],
  );
  const cells = entries.flatMap((e) => cellsOf(e.live));
  await tx.execute(
    `DELETE FROM fallback_cells WHERE staff_id = ? AND owner = ? AND cell IN (${marks(cells.length)})`,
    [staffId, owner, ...cells],
  );
}

export class MysqlFallbackLiveStateStore implements LiveStateStore {
  /** `scope`: the deployment's REDIS_KEY_PREFIX; rows carry it so each deployment's sync takes its own. */
  constructor(
    private readonly db: Client,
    private readonly scope: string,
  ) {}

  /** Two round trips: one upsert of every offer row, one read of every staff member's rows. */
  async overlay(input: In<"overlay">): Promise<LiveCells[][]> {
    if (input.staff.length === 0) return [];
    const expiresAtMs = input.nowMs + OFFER_TTL_MS;
    const scope = offerScope(input.serviceId, input.reschedule);
    const offers = input.staff.flatMap((s) => [
      [this.scope, scope, s.staffId, "meta", encodeMeta(input.meta), expiresAtMs],
      ...s.days.flatMap((d) => [
        [this.scope, scope, s.staffId, d.date, `${input.nowMs}|${encodeOfferDay(d)}`, expiresAtMs],
        [
          this.scope,
          scope,
          s.staffId,
          offsetsField(d.date),
          `${input.nowMs}|${encodeOfferOffsets(d)}`,
          expiresAtMs,
        ],
      ]),
    ]);
    await this.db.execute(
      `INSERT INTO fallback_offers (scope, service_id, staff_id, field, value, expires_at_ms) VALUES ${marks(offers.length, "(?, ?, ?, ?, ?, ?)")}
       ON DUPLICATE KEY UPDATE scope = VALUES(scope), value = VALUES(value), expires_at_ms = VALUES(expires_at_ms)`,
      offers.flat(),
    );
    const ids = input.staff.map((s) => s.staffId);
    // A reschedule does not see its own appointment's booked entry ("" names no field).
    const moved = input.reschedule ? bookedField(input.reschedule.appointmentId) : "";
    const { rows } = await this.db.execute(
      `SELECT staff_id, field, value FROM fallback_live WHERE staff_id IN (${marks(ids.length)}) AND expires_at_ms > ? AND field <> ? ORDER BY staff_id, field`,
      [...ids, input.nowMs, moved],
    );
    return ids.map((staffId) =>
      (rows as Row[])
        .filter((r) => String(r.staff_id) === staffId)
        .map(toEntry)
        .map(({ code, live }) => ({
          kind: kindOf(code),
          mine: input.clientTag !== null && live.clientTag === input.clientTag,
          cellStart: live.cellStart,
          cellEnd: live.cellEnd,
        })),
    );
  }

  /**
   * Two round trips: the offer and the live rows in one read, then the marker upsert and the
   * funnel's count, sent together.
   */
  async select(input: In<"select">): Promise<SelectOutcome> {
    const { slot, staffId, clientTag, nowMs } = input;
    const dates = candidateDates(slot);
    const fields = [...dates, ...dates.map(offsetsField)];
    const { rows } = await this.db.execute(
      `SELECT 'offer' AS source, field, value FROM fallback_offers
         WHERE service_id = ? AND staff_id = ? AND field IN ('meta', ${marks(fields.length)}) AND expires_at_ms > ?
       UNION ALL
       SELECT 'live', field, value FROM fallback_live WHERE staff_id = ? AND kind <> 'v' AND expires_at_ms > ?
       ORDER BY source, field`,
      [input.serviceId, staffId, ...fields, nowMs, staffId, nowMs],
    );
    const offerRows = (rows as Row[]).filter((r) => r.source === "offer").map(toPair);
    const check = checkSlots(offerOf(offerRows), [slot], nowMs);
    if (check.kind === "unavailable") return { kind: check.kind, reason: check.reason };
    if (check.kind === "overlap") throw new Error("select: one slot cannot overlap itself");
    const checked = check.slots[0] as CheckedSlot;
    // A plain read decides, not a lock: markers never block anyone, so a hold committed between
    // this read and the upsert below costs only a marker the next heartbeat shows as held.
    const blocker = (rows as Row[])
      .filter((r) => r.source === "live")
      .map(toEntry)
      .find((e) => e.live.clientTag !== clientTag && overlaps(e.live, checked));
    if (blocker)
      return { kind: blocker.code === "b" ? "booked" : "held", untilMs: blocker.live.expiresAtMs };
    const expiresAtMs = nowMs + check.viewingMs;
    // Two independent writes (no transaction, as before): sent together, the count costs no
    // round trip of its own.
    await Promise.all([
      upsertLive(this.db, this.scope, staffId, [
        [
          `v:${clientTag}`,
          encodeLive([...cellParts(checked), expiresAtMs, clientTag, check.viewingMs / 1000]),
        ],
      ]),
      tally(this.db, this.scope, staffId, nowMs, "selections", 1),
    ]);
    return {
      kind: "ok",
      expiresAtMs,
      endMs: checked.endMs,
      offsetMin: checked.offsetMin,
      endOffsetMin: checked.endOffsetMin,
    };
  }

  /**
   * Happy path seven round trips: offer read, BEGIN, cells INSERT, released-hold read, live
   * INSERT, the funnel's count, COMMIT.
   */
  async hold(input: In<"hold">): Promise<HoldOutcome> {
    const { staffId, holdKey, clientTag, tokenHash, nowMs } = input;
    const { offer, released, undone } = await this.readOffer(input);
    // As hold_slots.lua: an undone attempt holds nothing, and a released hold's key (a keyed
    // hold repeated) answers first. (The undo cannot commit between this read and the claim
    // below: it is sent only after this call failed, and a call that failed sends no COMMIT.)
    if (undone) return { kind: "undone" };
    if (released) return { kind: "released" };
    const check = checkSlots(offer, input.slots, nowMs);
    if (check.kind !== "checked") return check;
    const expiresAtMs = nowMs + check.ttlMs;
    const owner = `h:${holdKey}`;
    let runs = 0;
    return inTransaction<HoldOutcome>(this.db, async (tx, answer) => {
      // A rerun (a deadlock victim) may follow a release of this very hold, committed since the
      // read above: a plain read outside the transaction sees it before any cell is claimed
      // again, so repeats racing a release do not each claim and roll back in turn.
      if (runs++ > 0 && (await isReleased(this.db, staffId, holdKey, nowMs)))
        return answer({ kind: "released" });
      const claims = check.slots.map((s) => ({ owner, clientTag, expiresAtMs, ...s }));
      const moved = input.reschedule?.appointmentId ?? null;
      const blockers = await claimCells(tx, staffId, claims, nowMs, moved);
      if (blockers.length > 0) return this.holdRefused(tx, input, check.slots, blockers, answer);
      // The line that closes the race with a release of this very hold committed since the read
      // above: that release freed these cells, so the INSERT that just claimed them waited for
      // its COMMIT, and this read (the transaction's first, so its snapshot starts here) sees it.
      if (await isReleased(tx, staffId, holdKey, nowMs)) return answer({ kind: "released" });
      const n = check.slots.length;
      if (input.holders) {
        const limit = await this.takeHeldPlaces(tx, input, check, expiresAtMs);
        if (limit) return answer(limit);
      }
      await upsertLive(
        tx,
        this.scope,
        staffId,
        check.slots.map((s, i) => [
          holdField(holdKey, i),
          encodeLive([
            ...cellParts(s),
            expiresAtMs,
            clientTag,
            tokenHash,
            nowMs + check.capMs,
            check.ttlMs / 1000,
            n,
          ]),
        ]),
      );
      // A keyed hold can be handed to a retry: the record says which attempt made it.
      if (input.attempt?.keyed)
        await tx.execute(
          `INSERT INTO fallback_hold_attempts (scope, staff_id, name, attempt_id, expires_at_ms) VALUES (?, ?, ?, ?, ?)
           ON DUPLICATE KEY UPDATE attempt_id = VALUES(attempt_id), expires_at_ms = VALUES(expires_at_ms)`,
          [this.scope, staffId, creatorName(holdKey), input.attempt.id, nowMs + check.capMs],
        );
      await tally(tx, this.scope, staffId, nowMs, "holdsCreated", 1);
      return {
        kind: "ok",
        holdKey,
        expiresAtMs,
        capAtMs: nowMs + check.capMs,
        slots: check.slots.map(slotAnswer),
      };
    });
  }

  /**
   * undo_hold.lua: BEGIN, locking read of the hold, (the creator record, keyed), the deletes,
   * the tombstone, COMMIT. The hold's row locks order it after a retry handed the same hold.
   */
  async undoHold(input: In<"undoHold">): Promise<HoldUndo> {
    const { staffId, holdKey, attempt, nowMs } = input;
    return inTransaction<HoldUndo>(this.db, async (tx) => {
      await tx.execute(
        `INSERT INTO fallback_hold_attempts (scope, staff_id, name, attempt_id, expires_at_ms) VALUES (?, ?, ?, ?, ?)
         ON DUPLICATE KEY UPDATE expires_at_ms = VALUES(expires_at_ms)`,
        [this.scope, staffId, `undo:${attempt.id}`, attempt.id, nowMs + UNDONE_ATTEMPT_MS],
      );
      const hold = await lockHold(tx, staffId, holdKey);
      if (!hold || hold.tokenHash !== input.tokenHash || hold.head.expiresAtMs <= nowMs)
        return "gone";
      if (attempt.keyed) {
        const { rows } = await tx.execute(
          "SELECT attempt_id FROM fallback_hold_attempts WHERE staff_id = ? AND name = ? AND expires_at_ms > ? FOR UPDATE",
          [staffId, creatorName(holdKey), nowMs],
        );
        if (String((rows[0] as Row | undefined)?.attempt_id ?? "") !== attempt.id) return "kept";
      }
      await deleteOwned(tx, staffId, hold.owner, hold.entries);
      await forgetHeld(tx, staffId, holdKey);
      await forgetCreator(tx, staffId, holdKey);
      // Nobody was told about it: never created, for the funnel (undo_hold.lua does the same).
      await tally(tx, this.scope, staffId, nowMs, "holdsCreated", -1);
      return "undone";
    });
  }

  /**
   * hold_slots.lua's hold limits: the holders' key rows are locked (in sorted order) before their
   * live held slots are counted, so two concurrent holds never both take a holder's last place;
   * then this hold's slots are recorded for each holder. Three statements, only when counted.
   */
  private async takeHeldPlaces(
    tx: Transaction,
    input: In<"hold">,
    check: Extract<ReturnType<typeof checkSlots>, { kind: "checked" }>,
    expiresAtMs: number,
  ): Promise<Extract<HoldOutcome, { kind: "limit" }> | null> {
    const { client, ip } = input.holders as NonNullable<In<"hold">["holders"]>;
    const holders = [
      { holder: `c:${client}`, kind: "client" as const, max: check.maxPerClient },
      { holder: `i:${ip}`, kind: "ip" as const, max: check.maxPerIp },
    ];
    const lockKeys = holders.map((h) => `${this.scope}held:${h.holder}`).sort();
    // The line that closes the race: each holder's key row stays locked until COMMIT.
    await tx.execute(
      `INSERT INTO fallback_rate_keys (rl_key) VALUES ${marks(lockKeys.length, "(?)")} ON DUPLICATE KEY UPDATE rl_key = rl_key`,
      lockKeys,
    );
    const { rows } = await tx.execute(
      `SELECT holder, COUNT(*) AS n, MIN(expires_at_ms) AS first,
         MIN(CASE WHEN hold_key LIKE 's%' THEN expires_at_ms END) AS series
       FROM fallback_held
       WHERE scope = ? AND holder IN (?, ?) AND expires_at_ms > ? GROUP BY holder`,
      [this.scope, holders[0]?.holder, holders[1]?.holder, input.nowMs],
    );
    const counts = new Map((rows as Row[]).map((r) => [String(r.holder), r]));
    // A series counts as one hold (its first slot's row stands for it), one per client at most.
    const series = isSeriesHoldKey(input.holdKey);
    const places = series ? 1 : check.slots.length;
    for (const h of holders) {
      const row = counts.get(h.holder);
      if (toInt(row?.n ?? 0) + places > h.max)
        return {
          kind: "limit",
          holder: h.kind,
          untilMs: row ? toInt(row.first) : input.nowMs + check.ttlMs,
        };
    }
    const clientSeries = counts.get(holders[0]?.holder ?? "")?.series;
    if (series && clientSeries !== null && clientSeries !== undefined)
      return { kind: "limit", holder: "series", untilMs: toInt(clientSeries) };
    await tx.execute(
      `INSERT INTO fallback_held (scope, holder, staff_id, hold_key, slot, expires_at_ms) VALUES ${marks(holders.length * places, "(?, ?, ?, ?, ?, ?)")}`,
      holders.flatMap((h) =>
        check.slots
          .slice(0, places)
          .flatMap((_, i) => [this.scope, h.holder, input.staffId, input.holdKey, i, expiresAtMs]),
      ),
    );
    return null;
  }

  /** hold_slots.lua's answer when cells are in the way (see holdConflict); "existing" commits. */
  private async holdRefused(
    tx: Transaction,
    input: In<"hold">,
    slots: CheckedSlot[],
    blockers: CellRow[],
    answer: (outcome: HoldOutcome) => never,
  ): Promise<HoldOutcome> {
    // "r:" cells are a Redis hold's claim in the booking store (hold-arbiter.ts): Redis decides
    // on them, and the fallback cannot ask it, so they refuse this hold. This request's own claim
    // (its Redis call failed after the claim was written) is taken over.
    const ownClaim = `r:${input.holdKey}`;
    const others = blockers.filter((b) => b.owner !== ownClaim);
    if (others.length === 0)
      throw new RunAgain(async (db) => {
        await db.execute("DELETE FROM fallback_cells WHERE staff_id = ? AND owner = ?", [
          input.staffId,
          ownClaim,
        ]);
      });
    const fallbackOwners = others.filter((b) => !b.owner.startsWith("r:"));
    if (fallbackOwners.length === 0)
      return answer({ kind: "held", untilMs: Math.max(...others.map((b) => b.expiresAtMs)) });
    const conflict = holdConflict(fallbackOwners);
    if (conflict.kind !== "same") return answer(conflict);
    const sameHold = conflict.holdKey;
    const hold = await lockHold(tx, input.staffId, sameHold);
    if (!hold) throw new RunAgain();
    const untilMs = hold.head.expiresAtMs;
    // Only the holder (the request presents this hold's token) asking for exactly its slots,
    // with the same cells, gets the hold back; anything else is refused like any other hold.
    if (!input.presentedTokenHash || hold.tokenHash !== input.presentedTokenHash)
      return answer(
        // The client's own hold, repeated without its token (as hold_slots.lua tells it).
        hold.head.clientTag === input.clientTag && !input.presentedTokenHash
          ? { kind: "held", untilMs, mine: true }
          : { kind: "held", untilMs },
      );
    const matches = slots.map((s) =>
      hold.entries.find(
        (e) =>
          fmt(s.startMs / 60_000) === e.live.parts[2] &&
          e.live.cellStart === s.cellStart &&
          e.live.cellEnd === s.cellEnd,
      ),
    );
    if (hold.n !== slots.length || matches.some((e) => !e))
      return answer({ kind: "held", untilMs });
    // Handed to a retry with the same Idempotency-Key (the same hold key): no undo of the attempt
    // that made it may take it back any more (committed with the answer).
    const handed = sameHold === input.holdKey;
    if (handed) await forgetCreator(tx, input.staffId, sameHold);
    // In the order of this request, which may differ from the order the hold was made in.
    const existing: HoldOutcome = {
      kind: "existing",
      holdKey: sameHold,
      expiresAtMs: untilMs,
      capAtMs: hold.capAtMs,
      slots: matches.map((e, i) => {
        const v = (e as { live: LiveValue }).live;
        const s = slots[i] as CheckedSlot;
        return {
          endMs: v.endMin * 60_000,
          cellStart: v.cellStart,
          cellEnd: v.cellEnd,
          offsetMin: s.offsetMin,
          endOffsetMin: s.endOffsetMin,
        };
      }),
    };
    return handed ? existing : answer(existing);
  }

  /** Five round trips (BEGIN, locking read, live upsert, cells UPDATE, COMMIT); three if unchanged. */
  async extend(input: In<"extend">): Promise<{ expiresAtMs: number; capped: boolean } | null> {
    return inTransaction(this.db, async (tx) => {
      const hold = await lockHold(tx, input.staffId, input.holdKey);
      if (!hold || !heldFor(hold, input) || hold.head.expiresAtMs <= input.nowMs) return null;
      const current = hold.head.expiresAtMs;
      const expiresAtMs = Math.max(Math.min(input.nowMs + hold.ttlMs, hold.capAtMs), current);
      if (expiresAtMs !== current) {
        const text = fmt(expiresAtMs);
        await upsertLive(
          tx,
          this.scope,
          input.staffId,
          hold.entries.map((e) => [e.field, withPart(e.live, 5, text)]),
        );
        const cells = hold.entries.flatMap((e) => cellsOf(e.live));
        await tx.execute(
          `UPDATE fallback_cells SET expires_at_ms = ? WHERE staff_id = ? AND owner = ? AND cell IN (${marks(cells.length)})`,
          [expiresAtMs, input.staffId, hold.owner, ...cells],
        );
        await tx.execute(
          "UPDATE fallback_held SET expires_at_ms = ? WHERE staff_id = ? AND hold_key = ?",
          [expiresAtMs, input.staffId, input.holdKey],
        );
      }
      return { expiresAtMs, capped: expiresAtMs >= hold.capAtMs };
    });
  }

  /** Six round trips: BEGIN, locking read, two DELETEs, the funnel's count, COMMIT. */
  async release(input: In<"release">): Promise<boolean> {
    return inTransaction(this.db, async (tx) => {
      const hold = await lockHold(tx, input.staffId, input.holdKey);
      if (!hold || !heldFor(hold, input) || hold.head.expiresAtMs <= input.nowMs) return false;
      await deleteOwned(tx, input.staffId, hold.owner, hold.entries);
      await forgetHeld(tx, input.staffId, input.holdKey);
      // Remembered until the cap, so the token books nothing (release_hold.lua does the same).
      if (hold.capAtMs > input.nowMs)
        await tx.execute(
          `INSERT INTO fallback_released (scope, staff_id, hold_key, expires_at_ms) VALUES (?, ?, ?, ?)
           ON DUPLICATE KEY UPDATE expires_at_ms = VALUES(expires_at_ms)`,
          [this.scope, input.staffId, input.holdKey, hold.capAtMs],
        );
      await tally(tx, this.scope, input.staffId, input.nowMs, "holdsReleased", 1);
      return true;
    });
  }

  /** No push without Redis: a live stream tells its client to poll the heartbeat (no SQL). */
  async watch(): Promise<WatchOutcome> {
    return { kind: "poll" };
  }

  /** Nothing to free: the fallback never admits a stream. */
  async unwatch(): Promise<void> {}

  /** One INSERT (migrations/0012_fallback_live_tickets.sql). */
  async putTicket(input: In<"putTicket">): Promise<void> {
    const { ticket } = input;
    await this.db.execute(
      `INSERT INTO fallback_live_tickets (scope, ticket_hash, staff_id, local_date, client_tag, expires_at_ms)
       VALUES (?, ?, ?, ?, ?, ?)`,
      [
        this.scope,
        input.ticketHash,
        ticket.staffId,
        ticket.date,
        ticket.clientTag,
        ticket.expiresAtMs,
      ],
    );
  }

  /**
   * Two round trips: read the row, then delete it. Only the DELETE that removed the row (one
   * affected row) may use it: of two concurrent takes, the other deletes nothing and gets null,
   * as GETDEL answers Redis's second caller. The row never changes, so the read is the record.
   */
  async takeTicket(input: In<"takeTicket">): Promise<LiveTicket | null> {
    const where = "WHERE scope = ? AND ticket_hash = ?";
    const key = [this.scope, input.ticketHash];
    const { rows } = await this.db.execute(
      `SELECT staff_id, local_date, client_tag, expires_at_ms FROM fallback_live_tickets ${where}`,
      key,
    );
    const row = (rows as Row[])[0];
    if (!row) return null;
    const deleted = await this.db.execute(`DELETE FROM fallback_live_tickets ${where}`, key);
    const expiresAtMs = toInt(row.expires_at_ms);
    if (deleted.rowsAffected !== 1 || expiresAtMs <= input.nowMs) return null;
    return {
      staffId: String(row.staff_id),
      date: String(row.local_date),
      clientTag: String(row.client_tag),
      expiresAtMs,
    };
  }

  /** Two round trips: the read of the window, and the marker refresh (or its delete before). */
  async heartbeat(input: In<"heartbeat">): Promise<LiveEntry[]> {
    const { staffId, clientTag, nowMs } = input;
    const markerField = `v:${clientTag}`;
    if (!input.keepViewing)
      await this.db.execute("DELETE FROM fallback_live WHERE staff_id = ? AND field = ?", [
        staffId,
        markerField,
      ]);
    const { rows } = await this.db.execute(
      `SELECT field, value FROM fallback_live WHERE staff_id = ?
         AND (field = ? OR (expires_at_ms > ? AND start_ms < ? AND end_ms > ?)) ORDER BY field`,
      [staffId, markerField, nowMs, input.toMs, input.fromMs],
    );
    const entries = (rows as Row[]).map(toEntry);
    const marker = entries.find((e) => e.field === markerField);
    if (marker && marker.live.expiresAtMs > nowMs) {
      const expiresAtMs = nowMs + Number(marker.live.parts[7]) * 1000;
      const value = withPart(marker.live, 5, fmt(expiresAtMs));
      // Compare-and-set: a selection made meanwhile (a newer marker) is not overwritten.
      await this.db.execute(
        "UPDATE fallback_live SET value = ?, expires_at_ms = ? WHERE staff_id = ? AND field = ? AND value = ?",
        [value, expiresAtMs, staffId, markerField, marker.live.parts.join("|")],
      );
      marker.live = decodeLive(value);
    }
    return entries
      .filter((e) => e.live.expiresAtMs > nowMs)
      .map((e) => toLiveEntry(e, clientTag))
      .filter((e) => e.startMs < input.toMs && e.endMs > input.fromMs)
      .filter(
        (e) =>
          input.localDate === undefined ||
          formatWithOffset(e.startMs, e.offsetMin).slice(0, 10) === input.localDate,
      );
  }

  /**
   * begin_booking.lua in ONE transaction, in the script's order: the Idempotency-Key claim, the
   * caller's own hold, the cells (the booked cells' INSERT decides), then the booked rows. Any
   * answer but "ok" rolls everything back. Happy path with a hold and a key: nine round trips
   * (the funnel's count is the last statement before COMMIT).
   */
  async beginBooking(input: In<"beginBooking">): Promise<BeginBookingOutcome> {
    const { staffId, nowMs } = input;
    return inTransaction<BeginBookingOutcome>(this.db, async (tx, answer) => {
      if (input.idempotency) {
        const seen = await claimIdempotency(tx, this.scope, staffId, input.idempotency, nowMs);
        if (seen) return answer({ kind: seen });
      }
      if (await isReleased(tx, staffId, input.holdKey, nowMs)) return answer({ kind: "released" });
      const found = await lockHold(tx, staffId, input.holdKey);
      const hold = found && found.head.expiresAtMs > nowMs ? found : null;
      const own = hold !== null;
      if (hold && !heldFor(hold, input)) return answer({ kind: "wrong-token" });
      const clientTag = hold ? hold.head.clientTag : input.clientTag;
      if (hold) {
        await deleteOwned(tx, staffId, hold.owner, hold.entries);
        await forgetHeld(tx, staffId, input.holdKey);
      } else if (input.holders?.client) {
        // The caller's hold was made in Redis, out of reach now: its claim in the booking store
        // ("r:", hold-arbiter.ts) is the caller's own, for the client its signed token names.
        await tx.execute(
          "DELETE FROM fallback_cells WHERE staff_id = ? AND owner = ? AND client_tag = ?",
          [staffId, `r:${input.holdKey}`, input.holders.client],
        );
      }
      const expiresAtMs = nowMs + OFFER_TTL_MS;
      const claims = input.slots.map((s) => ({
        owner: ownerOf(bookedField(s.appointmentId)),
        clientTag,
        expiresAtMs,
        ...s,
      }));
      const [blocker] = await claimCells(tx, staffId, claims, nowMs, input.ignoreBookedId ?? null);
      if (blocker) {
        const kind = splitField(blocker.owner).code === "b" ? "booked" : "held";
        return answer({ kind, untilMs: blocker.expiresAtMs, ownHold: own });
      }
      await upsertLive(
        tx,
        this.scope,
        staffId,
        input.slots.map((s) => [
          bookedField(s.appointmentId),
          encodeLive([...cellParts(s), expiresAtMs, clientTag]),
        ]),
      );
      const restore = hold ? hold.entries.flatMap((e) => [e.field, e.live.parts.join("|")]) : [];
      if (hold) await tally(tx, this.scope, staffId, nowMs, "holdsBooked", 1);
      return { kind: "ok", ownHold: own, restore };
    });
  }

  async clearBooked(input: In<"clearBooked">): Promise<void> {
    await this.abortBooking({ ...input, idempotencyKeyHash: null, restore: [] });
  }

  /**
   * Undoes beginBooking in ONE transaction: the booked rows and cells go, the hold comes back as
   * it was (its cells were the booking's a moment ago; a restore never takes a cell from anyone),
   * and the Idempotency-Key claim is freed. Up to eight round trips (with the funnel's count).
   */
  async abortBooking(input: In<"abortBooking">): Promise<void> {
    const { staffId } = input;
    const booked = input.appointmentIds.map(bookedField);
    const restore = pairsOf(input.restore);
    const claims = restore.map(([field, value]) => ({
      owner: ownerOf(field),
      ...decodeLive(value),
    }));
    await inTransaction(this.db, async (tx) => {
      if (booked.length > 0) {
        await tx.execute(
          `DELETE FROM fallback_live WHERE staff_id = ? AND field IN (${marks(booked.length)})`,
          [staffId, ...booked],
        );
        await tx.execute(
          `DELETE FROM fallback_cells WHERE staff_id = ? AND owner IN (${marks(booked.length)})`,
          [staffId, ...booked.map(ownerOf)],
        );
      }
      await upsertLive(tx, this.scope, staffId, restore);
      await insertCells(tx, staffId, claims, true);
      if (input.idempotencyKeyHash)
        await tx.execute("DELETE FROM fallback_idempotency WHERE key_hash = ?", [
          input.idempotencyKeyHash,
        ]);
      // beginBooking counted the hold it sent back booked: the booking did not happen.
      if (restore.length > 0) await tally(tx, this.scope, staffId, input.nowMs, "holdsBooked", -1);
    });
  }

  /**
   * A page of whole staff members, walked in the order of a 48-bit hash of the staff id (like
   * SCAN, by hash): the admin route accepts only a numeric cursor, and a keyset on the hash never
   * skips a staff member present for the whole walk. The cursor is the last hash of the page.
   */
  async scan(input: {
    cursor: string;
    staffId?: string;
    nowMs: number;
  }): Promise<{ cursor: string; entries: LiveEntryDump[] }> {
    // A cursor this store did not hand out (e.g. Redis's, from before a failover) starts over.
    const given = Number(input.cursor);
    const after = Number.isSafeInteger(given) && given >= 0 && given <= 2 ** 48 ? given : 0;
    const position = "(CAST(CONV(LEFT(SHA1(staff_id), 12), 16, 10) AS UNSIGNED) + 1)";
    let last: number | null = null;
    if (input.staffId === undefined) {
      const { rows } = await this.db.execute(
        `SELECT DISTINCT ${position} AS position FROM fallback_live WHERE expires_at_ms > ? AND ${position} > ?
         ORDER BY position LIMIT 1 OFFSET ${SCAN_STAFF_PER_PAGE - 1}`,
        [input.nowMs, after],
      );
      last = rows[0] ? toInt((rows[0] as Row).position) : null;
    }
    const where = ["expires_at_ms > ?", `${position} > ?`];
    const params: unknown[] = [input.nowMs, after];
    const add = (sql: string, value: unknown) => where.push(sql) && params.push(value);
    if (last !== null) add(`${position} <= ?`, last);
    if (input.staffId !== undefined) add("staff_id = ?", input.staffId);
    const { rows } = await this.db.execute(
      `SELECT staff_id, field, value FROM fallback_live WHERE ${where.join(" AND ")} ORDER BY ${position}, staff_id, field`,
      params,
    );
    const entries = (rows as Row[]).map((row) => toDump(String(row.staff_id), toEntry(row)));
    return { cursor: last === null ? "0" : String(last), entries };
  }

  /**
   * The unexpired offer rows a hold needs (meta and the candidate dates of every slot) and
   * whether its hold key names a released hold, in one read.
   */
  private async readOffer(
    input: In<"hold">,
  ): Promise<{ offer: Offer; released: boolean; undone: boolean }> {
    const dates = [...new Set(input.slots.flatMap(candidateDates))];
    const fields = ["meta", ...dates, ...dates.map(offsetsField)];
    const { rows } = await this.db.execute(
      `SELECT 'offer' AS source, field, value FROM fallback_offers
         WHERE service_id = ? AND staff_id = ? AND field IN (${marks(fields.length)}) AND expires_at_ms > ?
       UNION ALL
       SELECT 'released', hold_key, '' FROM fallback_released WHERE staff_id = ? AND hold_key = ? AND expires_at_ms > ?
       UNION ALL
       SELECT 'undone', name, '' FROM fallback_hold_attempts WHERE staff_id = ? AND name = ? AND expires_at_ms > ?`,
      [
        offerScope(input.serviceId, input.reschedule),
        input.staffId,
        ...fields,
        input.nowMs,
        input.staffId,
        input.holdKey,
        input.nowMs,
        input.staffId,
        // "undo:" names no attempt: a call without one is never undone.
        `undo:${input.attempt?.id ?? ""}`,
        input.nowMs,
      ],
    );
    const offerRows = (rows as Row[]).filter((r) => r.source === "offer").map(toPair);
    return {
      offer: offerOf(offerRows),
      released: (rows as Row[]).some((r) => r.source === "released"),
      undone: (rows as Row[]).some((r) => r.source === "undone"),
    };
  }
}

function slotAnswer(s: CheckedSlot) {
  return {
    endMs: s.endMs,
    cellStart: s.cellStart,
    cellEnd: s.cellEnd,
    offsetMin: s.offsetMin,
    endOffsetMin: s.endOffsetMin,
  };
}

/** Was hold `holdKey` released, its release remembered until the hold's cap (a plain read)? */
async function isReleased(
  sql: Sql,
  staffId: string,
  holdKey: string,
  nowMs: number,
): Promise<boolean> {
  const { rows } = await sql.execute(
    "SELECT 1 FROM fallback_released WHERE staff_id = ? AND hold_key = ? AND expires_at_ms > ?",
    [staffId, holdKey, nowMs],
  );
  return rows.length > 0;
}

/**
 * Is the caller the hold's holder? Its token's hash must match, and the holders its signed claim
 * names must be the hold's: a caller naming none (or others) is refused as extend_hold.lua,
 * release_hold.lua and begin_booking.lua refuse it, so both stores give the same answers.
 */
function heldFor(
  hold: { tokenHash: string; head: { clientTag: string } },
  input: { tokenHash: string; holders?: { client: string } | null },
): boolean {
  const client = input.holders?.client ?? "";
  return hold.tokenHash === input.tokenHash && client !== "" && hold.head.clientTag === client;
}

/** The name of a keyed hold's creator record in fallback_hold_attempts. */
function creatorName(holdKey: string): string {
  return `by:${holdKey}`;
}

/** A keyed hold was handed to a retry, or undone: no attempt may undo it any more. */
async function forgetCreator(tx: Sql, staffId: string, holdKey: string): Promise<void> {
  await tx.execute("DELETE FROM fallback_hold_attempts WHERE staff_id = ? AND name = ?", [
    staffId,
    creatorName(holdKey),
  ]);
}

/** A hold that ends (released or booked) no longer counts against its holders' limits. */
async function forgetHeld(tx: Sql, staffId: string, holdKey: string): Promise<void> {
  await tx.execute("DELETE FROM fallback_held WHERE staff_id = ? AND hold_key = ?", [
    staffId,
    holdKey,
  ]);
}

/**
 * Claims an Idempotency-Key for the lease. The INSERT decides between concurrent claims; an
 * unexpired claim answers seen (same body) or conflict, an expired one is taken over.
 */
async function claimIdempotency(
  tx: Sql,
  scope: string,
  staffId: string,
  idempotency: { keyHash: string; bodyHash: string },
  nowMs: number,
): Promise<"idempotency-seen" | "idempotency-conflict" | null> {
  const claim = [
    scope,
    staffId,
    idempotency.keyHash,
    idempotency.bodyHash,
    nowMs + IDEMPOTENCY_LEASE_MS,
  ];
  try {
    await tx.execute(
      "INSERT INTO fallback_idempotency (scope, staff_id, key_hash, body_hash, expires_at_ms) VALUES (?, ?, ?, ?, ?)",
      claim,
    );
    return null;
  } catch (error) {
    if (!isDuplicateKey(error)) throw error;
  }
  const { rows } = await tx.execute(
    "SELECT body_hash, expires_at_ms FROM fallback_idempotency WHERE key_hash = ? FOR UPDATE",
    [idempotency.keyHash],
  );
  const row = rows[0] as Row | undefined;
  if (row && toInt(row.expires_at_ms) > nowMs)
    return String(row.body_hash) === idempotency.bodyHash
      ? "idempotency-seen"
      : "idempotency-conflict";
  await tx.execute(
    `INSERT INTO fallback_idempotency (scope, staff_id, key_hash, body_hash, expires_at_ms) VALUES (?, ?, ?, ?, ?)
     ON DUPLICATE KEY UPDATE scope = VALUES(scope), staff_id = VALUES(staff_id), body_hash = VALUES(body_hash), expires_at_ms = VALUES(expires_at_ms)`,
    claim,
  );
  return null;
}
