/**
 * The booking store's side of a hold made in Redis: rows of the same `fallback_cells` table the
 * MySQL fallback claims for its own holds (one row per 5-minute cell under PRIMARY KEY
 * (staff_id, cell)), so that an isolate holding in Redis and an isolate holding in the fallback
 * contend on the same rows by construction.
 *
 * The owner's prefix says who decides on a row:
 * - "h:<holdKey>" (a fallback hold) or "b:<appointmentId>" (a recent booking): MySQL is its only
 *   store, so it decides: a Redis hold meeting it is refused.
 * - "r:<holdKey>": a Redis hold's claim. Redis decides between Redis holds: a hold Redis granted
 *   takes such rows over (their owner lost in Redis, or its hold is gone from Redis), and a
 *   fallback hold meeting them is refused (it cannot ask Redis).
 *
 * The happy path is ONE multi-row INSERT, sent in parallel with the Lua script. Everything else
 * (reading who is in the way, taking rows over) runs only after a duplicate key.
 */
import type { Client } from "@planetscale/database";
import { isDuplicateKey, isRetryableConflict, toInt } from "./sql-values.ts";

type Row = Record<string, unknown>;

/** The cells of one hold in the booking store. */
export interface CellClaim {
  staffId: string;
  /** "r:<holdKey>" (redisClaimOwner). */
  owner: string;
  clientTag: string;
  expiresAtMs: number;
  ranges: { cellStart: number; cellEnd: number }[];
}

/** What the booking store says of a claim: taken, in someone's way, or no answer. */
export type ClaimAnswer =
  | { kind: "granted" }
  | { kind: "held" | "booked"; untilMs: number }
  | { kind: "unreachable"; error: unknown };

/** Reads of who is in the way; each one takes over what the one before found. */
const ATTEMPTS = 10;

/** The claim met a live row of another owner (see insert). */
const isRefusedOwner = (error: unknown) =>
  error instanceof Error && /errno 1048|cannot be null/i.test(error.message);

const marks = (n: number, row = "?") => Array.from({ length: n }, () => row).join(", ");

function cellsOf(claim: CellClaim): number[] {
  const cells = new Set<number>();
  for (const r of claim.ranges) for (let c = r.cellStart; c < r.cellEnd; c++) cells.add(c);
  return [...cells].sort((a, b) => a - b);
}

/** The owner of a Redis hold's cells; the fallback's own are "h:" (holds) and "b:" (bookings). */
export const redisClaimOwner = (holdKey: string) => `r:${holdKey}`;

export class HoldArbiter {
  constructor(private readonly db: Client) {}

  /**
   * ONE INSERT of every cell, ascending. A dead row (expired) or this claim's own is taken over
   * in the same statement; a live row of another owner fails the whole statement ("conflict",
   * nothing written): its owner is set to NULL, which a NOT NULL column refuses in strict mode
   * (MySQL's and PlanetScale's default). So an abandoned hold's expired cells cost no extra trip.
   */
  async insert(
    claim: CellClaim,
    nowMs: number,
    cells: number[] = cellsOf(claim),
  ): Promise<"granted" | "conflict" | "unreachable"> {
    if (cells.length === 0) return "granted";
    try {
      await this.db.execute(
        `INSERT INTO fallback_cells (staff_id, cell, owner, client_tag, expires_at_ms) VALUES ${marks(cells.length, "(?, ?, ?, ?, ?)")}
         ON DUPLICATE KEY UPDATE owner = IF(expires_at_ms > ? AND owner <> VALUES(owner), NULL, VALUES(owner)),
           client_tag = VALUES(client_tag), expires_at_ms = VALUES(expires_at_ms)`,
        [
          ...cells.flatMap((cell) => [
            claim.staffId,
            cell,
            claim.owner,
            claim.clientTag,
            claim.expiresAtMs,
          ]),
          nowMs,
        ],
      );
      return "granted";
    } catch (error) {
      if (isDuplicateKey(error) || isRefusedOwner(error) || isRetryableConflict(error))
        return "conflict";
      return "unreachable";
    }
  }

  /**
   * After a conflict: reads who is in the way. Expired rows, this hold's own rows and (when Redis
   * granted this hold: `takeOver`) other Redis holds' rows ("r:") are taken over (an UPDATE
   * of exactly those owners' rows, so a rival freeing or claiming at the same moment cannot
   * starve it), missing cells inserted, and the read repeated until every cell is this hold's. A
   * fallback hold or a booking (or, without `takeOver`, anyone alive) refuses it.
   */
  async settle(claim: CellClaim, nowMs: number, takeOver: boolean): Promise<ClaimAnswer> {
    const cells = cellsOf(claim);
    try {
      for (let attempt = 1; ; attempt++) {
        const { rows } = await this.db.execute(
          `SELECT cell, owner, expires_at_ms FROM fallback_cells WHERE staff_id = ? AND cell IN (${marks(cells.length)})`,
          [claim.staffId, ...cells],
        );
        const found = (rows as Row[]).map((r) => ({
          cell: toInt(r.cell),
          owner: String(r.owner),
          expiresAtMs: toInt(r.expires_at_ms),
        }));
        const blockers = found.filter(
          (r) =>
            r.owner !== claim.owner &&
            r.expiresAtMs > nowMs &&
            !(takeOver && r.owner.startsWith("r:")),
        );
        if (blockers.length > 0)
          return {
            kind: blockers.some((b) => b.owner.startsWith("b:")) ? "booked" : "held",
            untilMs: Math.max(...blockers.map((b) => b.expiresAtMs)),
          };
        const own = found.filter((r) => r.owner === claim.owner);
        if (own.length === cells.length && own.every((r) => r.expiresAtMs === claim.expiresAtMs))
          return { kind: "granted" };
        if (attempt === ATTEMPTS) return { kind: "held", untilMs: claim.expiresAtMs };
        // Rows of the owners read only (alive: this claim's own and Redis holds that lost in
        // Redis; or dead): a fallback hold's rows ("h:") are never written here.
        const alive = [...new Set(found.filter((r) => r.expiresAtMs > nowMs).map((r) => r.owner))];
        const dead = [...new Set(found.filter((r) => r.expiresAtMs <= nowMs).map((r) => r.owner))];
        const where = [
          ...(alive.length > 0 ? [`owner IN (${marks(alive.length)})`] : []),
          ...(dead.length > 0 ? [`(owner IN (${marks(dead.length)}) AND expires_at_ms <= ?)`] : []),
        ];
        if (where.length > 0)
          await this.retried(() =>
            this.db.execute(
              `UPDATE fallback_cells SET owner = ?, client_tag = ?, expires_at_ms = ?
             WHERE staff_id = ? AND cell IN (${marks(cells.length)}) AND (${where.join(" OR ")})`,
              [
                claim.owner,
                claim.clientTag,
                claim.expiresAtMs,
                claim.staffId,
                ...cells,
                ...alive,
                ...(dead.length > 0 ? [...dead, nowMs] : []),
              ],
            ),
          );
        const present = new Set(found.map((r) => r.cell));
        const missing = cells.filter((cell) => !present.has(cell));
        if (missing.length > 0) {
          const added = await this.insert(claim, nowMs, missing);
          if (added === "unreachable") return { kind: "unreachable", error: null };
        }
      }
    } catch (error) {
      return { kind: "unreachable", error };
    }
  }

  /** A deadlock victim (rolled back whole) is not an answer: the next read tells. */
  private async retried(write: () => Promise<unknown>): Promise<void> {
    try {
      await write();
    } catch (error) {
      if (!isRetryableConflict(error)) throw error;
    }
  }

  /** Frees a Redis hold's cells (released, booked, or refused by Redis or by MySQL). */
  async free(staffId: string, owner: string): Promise<void> {
    await this.db.execute("DELETE FROM fallback_cells WHERE staff_id = ? AND owner = ?", [
      staffId,
      owner,
    ]);
  }

  /** Moves a Redis hold's cells to its new expiry (extended). */
  async extend(staffId: string, owner: string, expiresAtMs: number): Promise<void> {
    await this.db.execute(
      "UPDATE fallback_cells SET expires_at_ms = ? WHERE staff_id = ? AND owner = ? AND expires_at_ms < ?",
      [expiresAtMs, staffId, owner, expiresAtMs],
    );
  }
}
