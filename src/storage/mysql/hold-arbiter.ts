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
 * The happy path is ONE multi-row INSERT, sent in parallel with the Lua script, and shared with
 * the claims of the isolate's other holds made while one is in flight (claim-queue.ts).
 * Everything else (reading who is in the way, taking rows over) runs only after a duplicate key.
 */
import type { Client } from "@planetscale/database";
import { log } from "../../observability/log.ts";
import { overlaps } from "../fallback/fallback-codec.ts";
import { ClaimQueue } from "./claim-queue.ts";
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

/** A claim sent beside the Lua script (see insertBeside). */
export interface ClaimBeside {
  answer: Promise<ClaimInsert | "withdrawn">;
  /** Redis refused the hold (or holds other cells): the claim is not needed. */
  withdraw(): void;
}

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

/**
 * Rows by (staff_id, cell), the primary key's columns: concurrent statements then take their row
 * locks in one order and cannot deadlock on each other.
 */
function byStaffThenCell(
  a: { claim: CellClaim; cell: number },
  b: { claim: CellClaim; cell: number },
): number {
  if (a.claim.staffId !== b.claim.staffId) return a.claim.staffId < b.claim.staffId ? -1 : 1;
  return a.cell - b.cell;
}

/** The owner of a Redis hold's cells; the fallback's own are "h:" (holds) and "b:" (bookings). */
export const redisClaimOwner = (holdKey: string) => `r:${holdKey}`;

/** How the isolate's claims may share a statement (claim-queue.ts). */
export interface ClaimSharing {
  /** How long a claim waits for the statement it went out in before it goes alone. */
  waitMs(): number;
  /** Told of each statement of claims sent, with how many claims it carried. */
  sent?(claims: number): void;
}

/** The longest a queued claim waits for the statement in flight (claim-queue.ts). */
const MAX_WAIT_MS = 10;

type Timed = { claim: CellClaim; nowMs: number };

const overlap = (a: CellClaim, b: CellClaim) =>
  a.staffId === b.staffId && a.ranges.some((x) => b.ranges.some((y) => overlaps(x, y)));

export class HoldArbiter {
  private readonly queue: ClaimQueue<Timed> | null;

  /** Without `sharing`, every claim is its own statement. */
  constructor(
    private readonly db: Client,
    sharing?: ClaimSharing,
  ) {
    this.queue = sharing
      ? new ClaimQueue<Timed>({
          // The earliest clock: a row is dead only if it is for every claim in the statement.
          sendTogether: (claims) =>
            this.insertRows(
              claims.map((c) => c.claim),
              Math.min(...claims.map((c) => c.nowMs)),
              false,
            ),
          sendAlone: ({ claim, nowMs }) => this.insertRows([claim], nowMs, false),
          overlaps: (a, b) => overlap(a.claim, b.claim),
          maxWaitMs: MAX_WAIT_MS,
          waitMs: sharing.waitMs,
          nowMs: () => performance.now(),
          ...(sharing.sent ? { sent: sharing.sent } : {}),
        })
      : null;
  }

  /**
   * Claims the cells, in a statement shared with this isolate's other holds' claims when it
   * can (claim-queue.ts); alone after a conflict (`takeOver`, which is rare).
   */
  insert(claim: CellClaim, nowMs: number, takeOver = false): Promise<ClaimInsert> {
    if (takeOver || !this.queue) return this.insertRows([claim], nowMs, takeOver);
    return this.queue.claim({ claim, nowMs });
  }

  /**
   * The claim sent beside the Lua script, before anyone knows whether Redis grants the hold.
   * Its request withdraws it once Redis refused the hold: not sent yet, the claim then never is
   * ("withdrawn"); in a shared statement that met a live holder, it is not sent again. A claim
   * answered "granted" is the caller's to free.
   */
  insertBeside(claim: CellClaim, nowMs: number): ClaimBeside {
    if (!this.queue) return { answer: this.insertRows([claim], nowMs, false), withdraw() {} };
    // Aborted by the claim's own request, so the queue answers it in that request's context.
    const withdrawal = new AbortController();
    return {
      answer: this.queue.claim({ claim, nowMs }, withdrawal.signal),
      withdraw: () => withdrawal.abort(),
    };
  }

  /**
   * ONE INSERT of every cell of `claims`, ascending. A dead row (expired) or the claim's own is
   * taken over in the same statement; a live row of another owner fails the whole statement
   * ("conflict", nothing written): its owner is set to NULL, which a NOT NULL column refuses in
   * strict mode (MySQL's and PlanetScale's default). So an abandoned hold's expired cells cost
   * no extra trip. `takeOver` (after a conflict, when Redis granted the hold): other Redis holds'
   * claims are taken over too.
   */
  private async insertRows(
    claims: readonly CellClaim[],
    nowMs: number,
    takeOver: boolean,
  ): Promise<ClaimInsert> {
    const rows = claims
      .flatMap((claim) => cellsOf(claim).map((cell) => ({ claim, cell })))
      .sort(byStaffThenCell);
    if (rows.length === 0) return "granted";
    const rival = takeOver ? " AND owner NOT LIKE 'r:%'" : "";
    try {
      await this.db.execute(
        `INSERT INTO fallback_cells (staff_id, cell, owner, client_tag, expires_at_ms) VALUES ${marks(rows.length, "(?, ?, ?, ?, ?)")}
         ON DUPLICATE KEY UPDATE owner = IF(expires_at_ms > ? AND owner <> VALUES(owner)${rival}, NULL, VALUES(owner)),
           client_tag = VALUES(client_tag), expires_at_ms = VALUES(expires_at_ms)`,
        [
          ...rows.flatMap(({ claim, cell }) => [
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
        owners: claims.map((claim) => claim.owner),
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
