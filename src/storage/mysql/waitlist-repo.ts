import type { Client } from "@planetscale/database";
import type { Locale } from "../../domain/settings/settings.ts";
import {
  SLOT_LOCK,
  type WaitlistEntry,
  type WaitlistOffer,
  type WaitlistRepo,
  type WaitlistStatus,
} from "../../domain/waitlist/types.ts";
import { randomToken } from "../../domain/crypto.ts";
import { retryConflicts } from "./conflict-retry.ts";
import { writeAnnouncement } from "./outbox-tables.ts";
import { fromSqlDate, fromSqlDateTime, toSqlDateTime } from "./sql-values.ts";

type Row = Record<string, unknown>;

const ENTRY_COLUMNS =
  "e.id, e.email, e.name, e.locale, e.service_id, e.staff_id, e.date, e.from_min, e.to_min, e.status, e.created_at, e.confirmed_at, e.expires_at";

function toEntry(row: Row): WaitlistEntry {
  const minutes = (value: unknown) => (value === null ? null : Number(value));
  return {
    id: String(row.id),
    email: String(row.email),
    name: String(row.name),
    locale: String(row.locale) as Locale,
    serviceId: String(row.service_id),
    staffId: row.staff_id === null ? null : String(row.staff_id),
    date: fromSqlDate(row.date),
    fromMin: minutes(row.from_min),
    toMin: minutes(row.to_min),
    status: String(row.status) as WaitlistStatus,
    createdAtMs: fromSqlDateTime(row.created_at),
    confirmedAtMs: row.confirmed_at === null ? null : fromSqlDateTime(row.confirmed_at),
    expiresAtMs: fromSqlDateTime(row.expires_at),
  };
}

/**
 * The waitlist in MySQL. The email's row in `auth_emails` (under `waitlist:<email>`) serialises
 * joins of one email, so the limit of active entries is exact; the join's code is an
 * `auth_codes` row under `waitlist:<entry id>` and is verified by the sign-in repo's own
 * verifyCode (attempts, expiry, failure cap), with no session.
 */
export class MysqlWaitlistRepo implements WaitlistRepo {
  constructor(private readonly db: Client) {}

  join(input: Parameters<WaitlistRepo["join"]>[0]): ReturnType<WaitlistRepo["join"]> {
    const { entry, code } = input;
    return retryConflicts(() =>
      this.db.transaction(async (tx) => {
        await tx.execute(
          "INSERT INTO auth_emails (email, failures) VALUES (?, '') ON DUPLICATE KEY UPDATE email = email",
          [`waitlist:${entry.email}`],
        );
        const now = toSqlDateTime(input.nowMs);
        const { rows } = await tx.execute(
          `SELECT COUNT(*) AS n FROM waitlist_entries
            WHERE email = ? AND expires_at > ?
              AND (status = 'waiting' OR (status = 'pending' AND created_at > ?))`,
          [entry.email, now, toSqlDateTime(input.nowMs - input.pendingForMs)],
        );
        if (Number((rows[0] as Row | undefined)?.n ?? 0) >= input.maxActive) return "too-many";
        await tx.execute(
          `INSERT INTO waitlist_entries (id, email, name, locale, service_id, staff_id, date, from_min, to_min, status, created_at, confirmed_at, expires_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'pending', ?, NULL, ?)`,
          [
            entry.id,
            entry.email,
            entry.name,
            entry.locale,
            entry.serviceId,
            entry.staffId,
            entry.date,
            entry.fromMin,
            entry.toMin,
            now,
            toSqlDateTime(entry.expiresAtMs),
          ],
        );
        // The code's own guard row: verifyCode locks it (and keeps its failures) as for sign-in.
        await tx.execute(
          "INSERT INTO auth_emails (email, failures) VALUES (?, '') ON DUPLICATE KEY UPDATE email = email",
          [code.key],
        );
        await tx.execute(
          "INSERT INTO auth_codes (id, email, code_hash, created_at, expires_at, attempts, used_at) VALUES (?, ?, ?, ?, ?, 0, NULL)",
          [code.id, code.key, code.hash, now, toSqlDateTime(code.expiresAtMs)],
        );
        await writeAnnouncement(tx, { emails: [input.message], events: [] }, now);
        return "joined";
      }),
    );
  }

  async get(id: string): Promise<WaitlistEntry | null> {
    const { rows } = await this.db.execute(
      `SELECT ${ENTRY_COLUMNS} FROM waitlist_entries e WHERE e.id = ?`,
      [id],
    );
    const row = rows[0] as Row | undefined;
    return row ? toEntry(row) : null;
  }

  async confirm(id: string, nowMs: number): Promise<boolean> {
    const now = toSqlDateTime(nowMs);
    const result = await this.db.execute(
      "UPDATE waitlist_entries SET status = 'waiting', confirmed_at = ? WHERE id = ? AND status = 'pending' AND expires_at > ?",
      [now, id, now],
    );
    return result.rowsAffected > 0;
  }

  async leave(id: string, _nowMs: number): Promise<boolean> {
    const result = await this.db.execute(
      "UPDATE waitlist_entries SET status = 'left' WHERE id = ? AND status IN ('pending', 'waiting')",
      [id],
    );
    return result.rowsAffected > 0;
  }

  async expire(nowMs: number, limit: number): Promise<number> {
    const result = await this.db.execute(
      "UPDATE waitlist_entries SET status = 'expired' WHERE status IN ('pending', 'waiting') AND expires_at <= ? LIMIT ?",
      [toSqlDateTime(nowMs), limit],
    );
    return result.rowsAffected;
  }

  async candidates(
    input: Parameters<WaitlistRepo["candidates"]>[0],
  ): ReturnType<WaitlistRepo["candidates"]> {
    const now = toSqlDateTime(input.nowMs);
    const { rows } = await this.db.execute(
      `SELECT ${ENTRY_COLUMNS} FROM waitlist_entries e
        WHERE e.service_id = ? AND e.date = ? AND e.status = 'waiting' AND e.expires_at > ?
          AND (e.staff_id IS NULL OR e.staff_id = ?)
          AND NOT EXISTS (
            SELECT 1 FROM waitlist_offers o
             WHERE o.entry_id = e.id
               AND ((o.staff_id = ? AND o.start_at = ?) OR (o.state <> 'booked' AND o.expires_at > ?)))
        ORDER BY e.confirmed_at, e.id
        LIMIT ?`,
      [
        input.serviceId,
        input.date,
        now,
        input.staffId,
        input.staffId,
        toSqlDateTime(input.startMs),
        now,
        input.limit,
      ],
    );
    return (rows as Row[]).map(toEntry);
  }

  async waitingGroups(nowMs: number, limit: number): ReturnType<WaitlistRepo["waitingGroups"]> {
    const { rows } = await this.db.execute(
      `SELECT DISTINCT service_id, staff_id, date FROM waitlist_entries
        WHERE status = 'waiting' AND expires_at > ? ORDER BY date, service_id LIMIT ?`,
      [toSqlDateTime(nowMs), limit],
    );
    return (rows as Row[]).map((row) => ({
      serviceId: String(row.service_id),
      staffId: row.staff_id === null ? null : String(row.staff_id),
      date: fromSqlDate(row.date),
    }));
  }

  async lockSlot(input: Parameters<WaitlistRepo["lockSlot"]>[0]): Promise<boolean> {
    const now = toSqlDateTime(input.nowMs);
    const owner = randomToken(12);
    const key = [SLOT_LOCK, input.staffId, toSqlDateTime(input.startMs)];
    // Inserted, or a lapsed lock taken over; a live one is left alone. `hold_id` names the lock's
    // owner (assigned first: MySQL reads the old expires_at only before it is assigned), and is
    // read back, since what a driver counts as an affected row varies (found or changed).
    await this.db.execute(
      `INSERT INTO waitlist_offers (entry_id, staff_id, start_at, service_id, state, hold_id, created_at, expires_at)
       VALUES (?, ?, ?, ?, 'claimed', ?, ?, ?)
       ON DUPLICATE KEY UPDATE hold_id = IF(expires_at <= ?, VALUES(hold_id), hold_id),
         created_at = IF(expires_at <= ?, VALUES(created_at), created_at),
         expires_at = IF(expires_at <= ?, VALUES(expires_at), expires_at)`,
      [...key, input.serviceId, owner, now, toSqlDateTime(input.untilMs), now, now, now],
    );
    const { rows } = await this.db.execute(
      "SELECT hold_id FROM waitlist_offers WHERE entry_id = ? AND staff_id = ? AND start_at = ?",
      key,
    );
    return String((rows[0] as Row | undefined)?.hold_id) === owner;
  }

  async unlockSlot(input: Parameters<WaitlistRepo["unlockSlot"]>[0]): Promise<void> {
    await this.db.execute(
      "UPDATE waitlist_offers SET expires_at = ? WHERE entry_id = ? AND staff_id = ? AND start_at = ?",
      [toSqlDateTime(input.nowMs), SLOT_LOCK, input.staffId, toSqlDateTime(input.startMs)],
    );
  }

  async claimOffer(input: Parameters<WaitlistRepo["claimOffer"]>[0]): Promise<boolean> {
    const result = await this.db.execute(
      `INSERT IGNORE INTO waitlist_offers (entry_id, staff_id, start_at, service_id, state, hold_id, created_at, expires_at)
       VALUES (?, ?, ?, ?, 'claimed', NULL, ?, ?)`,
      [
        input.entryId,
        input.staffId,
        toSqlDateTime(input.startMs),
        input.serviceId,
        toSqlDateTime(input.nowMs),
        toSqlDateTime(input.untilMs),
      ],
    );
    return result.rowsAffected > 0;
  }

  async settleOffer(input: Parameters<WaitlistRepo["settleOffer"]>[0]): Promise<void> {
    await this.db.transaction(async (tx) => {
      await tx.execute(
        "UPDATE waitlist_offers SET state = 'offered', hold_id = ?, expires_at = ? WHERE entry_id = ? AND staff_id = ? AND start_at = ?",
        [
          input.holdId,
          toSqlDateTime(input.expiresAtMs),
          input.entryId,
          input.staffId,
          toSqlDateTime(input.startMs),
        ],
      );
      await writeAnnouncement(
        tx,
        { emails: [input.message], events: [] },
        toSqlDateTime(input.nowMs),
      );
    });
  }

  async dropOffer(input: Parameters<WaitlistRepo["dropOffer"]>[0]): Promise<void> {
    await this.db.execute(
      "DELETE FROM waitlist_offers WHERE entry_id = ? AND staff_id = ? AND start_at = ? AND state = 'claimed'",
      [input.entryId, input.staffId, toSqlDateTime(input.startMs)],
    );
  }

  async offerOf(entryId: string, holdId: string): Promise<WaitlistOffer | null> {
    const { rows } = await this.db.execute(
      "SELECT entry_id, staff_id, start_at, service_id, state, hold_id, expires_at FROM waitlist_offers WHERE entry_id = ? AND hold_id = ?",
      [entryId, holdId],
    );
    const row = rows[0] as Row | undefined;
    if (!row) return null;
    return {
      entryId: String(row.entry_id),
      staffId: String(row.staff_id),
      startMs: fromSqlDateTime(row.start_at),
      serviceId: String(row.service_id),
      state: String(row.state) as WaitlistOffer["state"],
      holdId: String(row.hold_id),
      expiresAtMs: fromSqlDateTime(row.expires_at),
    };
  }

  async markBooked(input: Parameters<WaitlistRepo["markBooked"]>[0]): Promise<void> {
    await this.db.transaction(async (tx) => {
      await tx.execute("UPDATE waitlist_entries SET status = 'booked' WHERE id = ?", [
        input.entryId,
      ]);
      await tx.execute(
        "UPDATE waitlist_offers SET state = 'booked' WHERE entry_id = ? AND staff_id = ? AND start_at = ?",
        [input.entryId, input.staffId, toSqlDateTime(input.startMs)],
      );
    });
  }
}
