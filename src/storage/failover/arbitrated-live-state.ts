/**
 * Live state on Redis with the booking store as arbiter of holds: every hold Redis makes is also
 * claimed in MySQL, on the cells the MySQL fallback claims for its own holds (hold-arbiter.ts),
 * so an isolate that lost Redis (holding in the fallback) and an isolate that still reaches it
 * can never both grant one slot.
 *
 * - The claim's INSERT is sent with the Lua script, not after it: a hold still waits for one
 *   crossing. Its cells come from the service's shape this isolate learned from its earlier
 *   holds (the offer's meta lives in Redis); without one (the first hold of a service in an
 *   isolate) or when Redis answered other cells, the claim follows the script instead.
 * - Both granted: held. Redis granted and MySQL refused: the Redis hold is taken back and the
 *   answer is SLOT_HELD. Redis refused: the claim is withdrawn if it waits to be sent still (in
 *   the isolate's queue, claim-queue.ts), and deleted if it was written. MySQL down or late: the
 *   hold stands on Redis alone (no other store can grant then).
 * - A hold of cells this isolate granted to another client's hold that is still live sends no
 *   claim beside the script: Redis will almost surely refuse it (the slot is held), and a refused
 *   hold then costs no SQL at all. If Redis grants it after all (the other hold was released
 *   through another isolate, or its booking was cancelled), the claim follows the script: one
 *   crossing more (docs/adr/0215-the-claims-cost.md).
 * - Extend and release follow in MySQL once Redis has answered (only the holder's call changes
 *   anything, and only Redis can tell who that is).
 * - Every other call goes to Redis unchanged.
 */
import { CELL_MS, type HoldOutcome, type HoldUndo, type SlotRef } from "../../domain/live/types.ts";
import type { LiveStateStore } from "../../domain/ports.ts";
import {
  type CellClaim,
  type ClaimAnswer,
  type ClaimBeside,
  type HoldArbiter,
  redisClaimOwner,
} from "../mysql/hold-arbiter.ts";
import type { RedisLiveStateStore } from "../redis/live-state-store.ts";
import { GrantedHolds } from "./granted-holds.ts";

type In<K extends keyof LiveStateStore> = Parameters<LiveStateStore[K]>[0];
type Granted = Extract<HoldOutcome, { kind: "ok" | "existing" }>;

/** A service's slot as Redis computes it: cells around an aligned start, and the hold TTL. */
interface Shape {
  cellsBefore: number;
  cellsAfter: number;
  ttlMs: number;
}

/** Services whose shape one isolate remembers (a bound, not a working-set estimate). */
const MAX_SHAPES = 1000;

/**
 * Cells of live granted holds one isolate remembers: a bound, about 5 MB (a cell is a map entry
 * pointing at its hold): a month of 8-hour days of about 30 staff members, all held. Past it the
 * memory starts again, which costs refused holds their claim beside the script for a while,
 * never a wrong answer. Too small a bound is not cheap: a claim sent for a held slot fails the
 * statement it shares (claim-queue.ts).
 */
const MAX_GRANTED_CELLS = 100_000;

export class ArbitratedLiveState implements LiveStateStore {
  private readonly shapes = new Map<string, Shape>();
  private readonly granted = new GrantedHolds(MAX_GRANTED_CELLS);

  constructor(
    readonly redis: RedisLiveStateStore,
    private readonly arbiter: HoldArbiter,
  ) {}

  overlay: LiveStateStore["overlay"] = (input) => this.redis.overlay(input);
  select: LiveStateStore["select"] = (input) => this.redis.select(input);
  heartbeat: LiveStateStore["heartbeat"] = (input) => this.redis.heartbeat(input);
  clearBooked: LiveStateStore["clearBooked"] = (input) => this.redis.clearBooked(input);
  abortBooking: LiveStateStore["abortBooking"] = (input) => this.redis.abortBooking(input);
  watch: LiveStateStore["watch"] = (input) => this.redis.watch(input);
  unwatch: LiveStateStore["unwatch"] = (input) => this.redis.unwatch(input);
  putTicket: LiveStateStore["putTicket"] = (input) => this.redis.putTicket(input);
  takeTicket: LiveStateStore["takeTicket"] = (input) => this.redis.takeTicket(input);
  scan: LiveStateStore["scan"] = (input) => this.redis.scan(input);
  // A booking leaves the hold's claim to lapse at the hold's expiry: the booking's own
  // transaction (appointment_cells) decides from there, and a statement here would join the
  // booking's path. Redis holds take a lapsed or orphaned claim over.
  beginBooking: LiveStateStore["beginBooking"] = (input) => this.redis.beginBooking(input);

  async hold(input: In<"hold">): Promise<HoldOutcome> {
    const guess = this.guess(input);
    // In flight beside the script; its answer never rejects (a failure is "unreachable").
    // Not when this isolate granted the cells to a live hold: Redis will refuse this one.
    const early =
      guess && !this.granted.heldByAnother(guess, input.nowMs)
        ? this.arbiter.insertBeside(guess, input.nowMs)
        : null;
    // A Redis failure propagates (the caller fails over). The claim is not withdrawn, and one
    // already written stays: the script may have run, and until the claim expires no other
    // holder takes the slot in MySQL; this request's own fallback hold (same hold key) takes it
    // over.
    const outcome = await this.redis.hold(input).catch(async (error: unknown) => {
      await early?.answer;
      throw error;
    });
    if (outcome.kind !== "ok" && outcome.kind !== "existing") {
      await this.drop(early, input);
      return outcome;
    }
    if (outcome.kind === "ok") this.learn(input, outcome);
    const exact = claimOf(input, outcome);
    // The claim sent beside the script, when it was of the cells Redis granted.
    const beside = guess && early && sameCells(guess, exact) ? await early.answer : null;
    let answer: ClaimAnswer;
    if (guess && beside && beside !== "withdrawn") {
      answer = await this.settled(beside, exact, input.nowMs);
      if (answer.kind === "granted" && guess.expiresAtMs !== exact.expiresAtMs)
        await this.arbiter
          .extend(input.staffId, exact.owner, exact.expiresAtMs)
          .catch(() => undefined);
    } else {
      // Guessed wrong (the service changed) or nothing to guess from: claim what Redis holds.
      await this.drop(early, input);
      answer = await this.settled(
        await this.arbiter.insert(exact, input.nowMs),
        exact,
        input.nowMs,
      );
    }
    if (answer.kind === "granted" || answer.kind === "unreachable") {
      this.granted.remember(exact, input.nowMs);
      return outcome;
    }
    // The booking store has another holder (a fallback hold, or a booking): the Redis hold goes,
    // and so do the cells this claim took on its way.
    await this.free(input.staffId, outcome.holdKey);
    await this.redis
      .retract({
        staffId: input.staffId,
        holdKey: outcome.holdKey,
        tokenHash:
          outcome.kind === "existing"
            ? (input.presentedTokenHash ?? input.tokenHash)
            : input.tokenHash,
        holders: input.holders ?? null,
        clientTag: input.clientTag,
        nowMs: input.nowMs,
        remember: outcome.kind === "existing",
      })
      .catch(() => false);
    return { kind: answer.kind, untilMs: answer.untilMs };
  }

  async extend(input: In<"extend">): Promise<{ expiresAtMs: number; capped: boolean } | null> {
    const extended = await this.redis.extend(input);
    if (!extended) return null;
    const owner = redisClaimOwner(input.holdKey);
    this.granted.extend(owner, extended.expiresAtMs);
    await this.arbiter.extend(input.staffId, owner, extended.expiresAtMs).catch(() => undefined);
    return extended;
  }

  /**
   * Takes back a hold answered with an error: Redis decides, and the claim goes with it unless
   * a retry was handed the hold ("kept"). "gone" frees it too: the claim may have landed while
   * the script did not.
   */
  async undoHold(input: In<"undoHold">): Promise<HoldUndo> {
    const undo = await this.redis.undoHold(input);
    if (undo !== "kept") await this.free(input.staffId, input.holdKey);
    return undo;
  }

  async release(input: In<"release">): Promise<boolean> {
    const released = await this.redis.release(input);
    if (released) await this.free(input.staffId, input.holdKey);
    return released;
  }

  /** A conflict is settled knowing Redis granted the hold (its cells-only rivals lost there). */
  private async settled(
    first: "granted" | "conflict" | "unreachable",
    claim: CellClaim,
    nowMs: number,
  ): Promise<ClaimAnswer> {
    if (first === "granted") return { kind: "granted" };
    if (first === "unreachable") return { kind: "unreachable", error: null };
    return this.arbiter.settle(claim, nowMs, true);
  }

  /**
   * The claim beside the script is not needed (Redis refused the hold, or holds other cells):
   * withdrawn if it is not sent yet, freed if it was written.
   */
  private async drop(early: ClaimBeside | null, input: In<"hold">): Promise<void> {
    if (!early) return;
    early.withdraw();
    if ((await early.answer) === "granted") await this.free(input.staffId, input.holdKey);
  }

  /** Best effort: a claim left behind lapses at its expiry, and Redis holds take it over. */
  private async free(staffId: string, holdKey: string): Promise<void> {
    this.granted.forget(redisClaimOwner(holdKey));
    await this.arbiter.free(staffId, redisClaimOwner(holdKey)).catch(() => undefined);
  }

  /** The claim this hold will need, from the service's learned shape (null: unknown). */
  private guess(input: In<"hold">): CellClaim | null {
    const shape = this.shapes.get(input.serviceId);
    if (!shape || !input.slots.every(aligned)) return null;
    return {
      staffId: input.staffId,
      owner: redisClaimOwner(input.holdKey),
      clientTag: input.clientTag,
      expiresAtMs: input.nowMs + shape.ttlMs,
      ranges: input.slots.map((slot) => ({
        cellStart: slot.startMs / CELL_MS - shape.cellsBefore,
        cellEnd: slot.startMs / CELL_MS + shape.cellsAfter,
      })),
    };
  }

  private learn(input: In<"hold">, outcome: Granted): void {
    const [slot] = input.slots;
    const [granted] = outcome.slots;
    if (!slot || !granted || !aligned(slot)) return;
    if (this.shapes.size >= MAX_SHAPES) this.shapes.clear();
    this.shapes.set(input.serviceId, {
      cellsBefore: slot.startMs / CELL_MS - granted.cellStart,
      cellsAfter: granted.cellEnd - slot.startMs / CELL_MS,
      ttlMs: outcome.expiresAtMs - input.nowMs,
    });
  }
}

const aligned = (slot: SlotRef) => slot.startMs % CELL_MS === 0;

function claimOf(input: In<"hold">, outcome: Granted): CellClaim {
  return {
    staffId: input.staffId,
    owner: redisClaimOwner(outcome.holdKey),
    clientTag: input.clientTag,
    expiresAtMs: outcome.expiresAtMs,
    ranges: outcome.slots.map((s) => ({ cellStart: s.cellStart, cellEnd: s.cellEnd })),
  };
}

function sameCells(a: CellClaim, b: CellClaim): boolean {
  return (
    a.owner === b.owner &&
    a.ranges.length === b.ranges.length &&
    a.ranges.every(
      (r, i) => r.cellStart === b.ranges[i]?.cellStart && r.cellEnd === b.ranges[i]?.cellEnd,
    )
  );
}
