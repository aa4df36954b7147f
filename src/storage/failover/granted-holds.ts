/**
 * The holds one isolate granted, by cell: what lets a hold of a time this isolate already gave
 * to another client's live hold skip its claim beside the script (arbitrated-live-state.ts).
 * Only ever a hint: a hold it does not know (granted through another isolate, or forgotten at
 * the bound) is claimed as usual, and one it wrongly thinks held is claimed after the script.
 *
 * One entry per hold, shared by its cells, under numeric cell keys: a storm of holds allocates
 * little here that outlives the request.
 */
import type { CellClaim } from "../mysql/hold-arbiter.ts";

/** A granted hold: whose it is and until when (an extension moves `untilMs`). */
interface GrantedHold {
  staffId: string;
  owner: string;
  clientTag: string;
  untilMs: number;
  ranges: readonly { cellStart: number; cellEnd: number }[];
}

export class GrantedHolds {
  /** Staff member → cell → the hold granted there. */
  private readonly byCell = new Map<string, Map<number, GrantedHold>>();
  /** Owner → its hold, to forget it when it is released or taken back. */
  private readonly byOwner = new Map<string, GrantedHold>();
  private cells = 0;

  /**
   * `maxCells`: a bound. At it the expired holds go; if that frees less than a quarter, the
   * memory starts again (refused holds claim for a while).
   */
  constructor(private readonly maxCells: number) {}

  /** The cells in memory. */
  get size(): number {
    return this.cells;
  }

  /** A granted hold, to its expiry. A booked hold stays: Redis refuses its cells as booked. */
  remember(claim: CellClaim, nowMs: number): void {
    if (this.cells >= this.maxCells) this.makeRoom(nowMs);
    this.forget(claim.owner);
    const hold: GrantedHold = {
      staffId: claim.staffId,
      owner: claim.owner,
      clientTag: claim.clientTag,
      untilMs: claim.expiresAtMs,
      ranges: claim.ranges,
    };
    let cells = this.byCell.get(claim.staffId);
    if (!cells) {
      cells = new Map();
      this.byCell.set(claim.staffId, cells);
    }
    for (const range of claim.ranges)
      for (let cell = range.cellStart; cell < range.cellEnd; cell++) {
        if (!cells.has(cell)) this.cells++;
        cells.set(cell, hold);
      }
    this.byOwner.set(claim.owner, hold);
  }

  /** The hold was extended. */
  extend(owner: string, untilMs: number): void {
    const hold = this.byOwner.get(owner);
    if (hold) hold.untilMs = untilMs;
  }

  /** The hold went (released, undone, taken back): its cells are free here. */
  forget(owner: string): void {
    const hold = this.byOwner.get(owner);
    if (!hold) return;
    this.byOwner.delete(owner);
    const cells = this.byCell.get(hold.staffId);
    if (!cells) return;
    for (const range of hold.ranges)
      for (let cell = range.cellStart; cell < range.cellEnd; cell++)
        if (cells.get(cell) === hold) {
          cells.delete(cell);
          this.cells--;
        }
    if (cells.size === 0) this.byCell.delete(hold.staffId);
  }

  /**
   * Forgets the expired holds (an expired hold refuses nobody, so nothing is lost); when they
   * were too few to leave room for long, starts again. A sweep that frees little would
   * otherwise run on every hold.
   */
  private makeRoom(nowMs: number): void {
    for (const hold of this.byOwner.values()) if (hold.untilMs <= nowMs) this.forget(hold.owner);
    if (this.cells > (this.maxCells * 3) / 4) {
      this.byCell.clear();
      this.byOwner.clear();
      this.cells = 0;
    }
  }

  /**
   * Whether one of the claim's cells was granted to another client's hold that is still live.
   * (The same client's is not counted: Redis may hand it that very hold.)
   */
  heldByAnother(claim: CellClaim, nowMs: number): boolean {
    const cells = this.byCell.get(claim.staffId);
    if (!cells) return false;
    for (const range of claim.ranges)
      for (let cell = range.cellStart; cell < range.cellEnd; cell++) {
        const granted = cells.get(cell);
        if (
          granted &&
          granted.owner !== claim.owner &&
          granted.clientTag !== claim.clientTag &&
          granted.untilMs > nowMs
        )
          return true;
      }
    return false;
  }
}
