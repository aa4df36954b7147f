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
 * The happy path is ONE multi-row INSERT per hold, sent in parallel with the Lua script.
 * Everything else (reading who is in the way, taking rows over) runs only after a duplicate key.
 * The claims of concurrent holds are never gathered into one statement across requests: in
 * Workers, a request that continues on a promise another request settles can run in that
 * request's context (docs/adr/0215-the-claims-cost.md).
 */
import type { Client } from "@planetscale/database";
import { log } from "../../observability/log.ts";
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

/** What one INSERT of claims met: taken, a live holder (nothing written), or no answer. */
export type ClaimInsert = "granted" | "conflict" | "unreachable";

/** Claims after a conflict, each followed by a read of who is in the way. */
const ATTEMPTS = 5;

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
   * ONE INSERT of every cell of the claim, ascending. A dead row (expired) or the claim's own is
   * taken over in the same statement; a live row of another owner fails the whole statement
   * ("conflict", nothing written): its owner is set to NULL, which a NOT NULL column refuses in
   * strict mode (MySQL's and PlanetScale's default). So an abandoned hold's expired cells cost
   * no extra trip. `takeOver` (after a conflict, when Redis granted the hold): other Redis holds'
   * claims are taken over too.
   */
  async insert(claim: CellClaim, nowMs: number, takeOver = false): Promise<ClaimInsert> {
    const cells = cellsOf(claim);
    if (cells.length === 0) return "granted";
    const rival = takeOver ? " AND owner NOT LIKE 'r:%'" : "";
    try {
      await this.db.execute(
        `INSERT INTO fallback_cells (staff_id, cell, owner, client_tag, expires_at_ms) VALUES ${marks(cells.length, "(?, ?, ?, ?, ?)")}
         ON DUPLICATE KEY UPDATE owner = IF(expires_at_ms > ? AND owner <> VALUES(owner)${rival}, NULL, VALUES(owner)),
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
      log("warn", "hold claim unanswered", {
        staffId: claim.staffId,
        owner: claim.owner,
        error: error instanceof Error ? error.message : String(error),
      });
      return "unreachable";
    }
  }

  /**
   * After a conflict. When Redis granted this hold (`takeOver`), other Redis holds' claims ("r:":
   * they lost in Redis, or their hold is gone from it) are taken over in the same one statement
   * as dead rows are. What still refuses it is read for the answer: a fallback hold or a booking
   * (or, without `takeOver`, anyone alive). A rival that came and went meanwhile: again.
   */
  async settle(claim: CellClaim, nowMs: number, takeOver: boolean): Promise<ClaimAnswer> {
    const cells = cellsOf(claim);
    try {
      for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
        const inserted = await this.insert(claim, nowMs, takeOver);
        if (inserted === "granted") return { kind: "granted" };
        if (inserted === "unreachable") return { kind: "unreachable", error: null };
        const { rows } = await this.db.execute(
          `SELECT owner, expires_at_ms FROM fallback_cells WHERE staff_id = ? AND cell IN (${marks(cells.length)})`,
          [claim.staffId, ...cells],
        );
        const blockers = (rows as Row[])
          .map((r) => ({ owner: String(r.owner), expiresAtMs: toInt(r.expires_at_ms) }))
          .filter(
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
      }
      return { kind: "held", untilMs: claim.expiresAtMs };
    } catch (error) {
      log("warn", "hold claim unanswered", {
        staffId: claim.staffId,
        owner: claim.owner,
        error: error instanceof Error ? error.message : String(error),
      });
      return { kind: "unreachable", error };
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
