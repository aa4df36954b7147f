import { base64url, hmacSha256 } from "../crypto.ts";
import { DomainError, OverloadedError } from "../errors.ts";
import type { DomainContext } from "../ports.ts";
import { formatWithOffset } from "../time/fixed-offset.ts";
import { presentedTokenHash } from "./hold-credential.ts";
import { formatHoldId } from "./hold-id.ts";
import { newHoldSecret, signHoldToken } from "./hold-token.ts";
import { republishOffers } from "./republish-offers.ts";
import { type LiveReschedule, liveReschedule, type RescheduleOf } from "./reschedule-of.ts";
import { type SlotInput, slotRef, slotRefused } from "./select-slot.ts";
import { clientTag, hashToken, holdKeyOf, newHoldKey } from "./tokens.ts";
import type { HoldOutcome, HoldUndo } from "./types.ts";

export interface Hold {
  holdId: string;
  /** Returned once; only its hash is stored. */
  holdToken: string;
  expiresAtMs: number;
  /** False when the holder repeated its hold with its token (the same hold and token). */
  created: boolean;
  slots: { serviceId: string; staffId: string; start: string; end: string }[];
}

/** Over a hold limit: Retry-After is when the earliest of that holder's holds ends. */
function holdLimit(
  outcome: { holder: "client" | "ip" | "series"; untilMs: number },
  field: string,
  nowMs: number,
): DomainError {
  const retryAfterSeconds = Math.max(1, Math.ceil((outcome.untilMs - nowMs) / 1000));
  const message =
    outcome.holder === "series"
      ? "body.clientId: this client already holds a series; book or release it first"
      : outcome.holder === "client"
        ? `${field}.clientId: this client already holds as many slots as it may; book or release one first`
        : "CF-Connecting-IP: this address already holds as many slots as it may; book or release one first";
  return new DomainError("HOLD_LIMIT", message, {
    retryAfterSeconds,
    details: { holder: outcome.holder, retryAt: new Date(outcome.untilMs).toISOString() },
  });
}

/**
 * Holds one or several slots of one staff member and one service, all or nothing, in one
 * live-state call. Exclusive: of concurrent overlapping holds exactly one wins; the others get
 * SLOT_HELD with the time the winning hold ends.
 */
export async function holdSlots({
  ctx,
  input,
}: {
  ctx: DomainContext;
  input: {
    clientId: string;
    slots: SlotInput[];
    field: string;
    holdToken?: string | undefined;
    /** The request's Idempotency-Key: a retry of the same request names the same hold. */
    idempotencyKey?: string | undefined;
    /** The caller's address, grouped (IPv6 by /64), for the per-address hold limit. */
    ipGroup: string;
    /** Moving this appointment: its own booked time does not block (see reschedule-of.ts). */
    rescheduleOf?: RescheduleOf;
    /**
     * A recurring series (`repeat`, or slots on several dates): one hold against the limits, at
     * most one per client, and its booking links its appointments (see isSeriesHoldKey).
     */
    series?: boolean;
    /**
     * A waitlist offer's private scope (published just before by the offer itself, with the
     * offer's TTL): checked instead of the shared offer, and never republished.
     */
    offerScope?: LiveReschedule;
  };
}): Promise<Hold> {
  const [first] = input.slots;
  if (!first) throw new DomainError("BAD_REQUEST", `${input.field}: at least one slot`);
  input.slots.forEach((slot, i) => {
    if (slot.staffId !== first.staffId)
      throw new DomainError(
        "BAD_REQUEST",
        `${input.field}[${i}].staffId: one hold covers one staff member; make one hold per staff member`,
      );
    if (slot.serviceId !== first.serviceId)
      throw new DomainError(
        "BAD_REQUEST",
        `${input.field}[${i}].serviceId: one hold covers one service; make one hold per service`,
      );
  });
  const startField = (i: number) =>
    input.slots.length === 1 && input.field === "body"
      ? "body.start"
      : `${input.field}[${i}].start`;
  const refs = input.slots.map((slot, i) => slotRef(slot.start, startField(i)));
  const series = input.series === true || isSeriesSlots(refs);
  // No credential: 404 before any store is asked.
  const reschedule =
    input.offerScope ?? (input.rescheduleOf ? await liveReschedule(input.rescheduleOf) : null);
  const keyed = input.idempotencyKey
    ? await keyedHold(
        ctx.secrets.holdTokenKey,
        input.idempotencyKey,
        {
          clientId: input.clientId,
          serviceId: first.serviceId,
          staffId: first.staffId,
          starts: refs.map((ref) => ref.startMs),
          rescheduleOf: input.rescheduleOf?.appointmentId ?? null,
        },
        series,
      )
    : null;
  const holdSecret = keyed?.holdSecret ?? newHoldSecret();
  // A repeat presents its token (only a whole signed one counts) or, keyed, its derived secret.
  const presented = input.holdToken
    ? await presentedTokenHash(ctx.secrets, input.holdToken)
    : keyed
      ? await hashToken(keyed.holdSecret)
      : null;
  const holders = {
    client: await clientTag(input.clientId),
    ip: await clientTag(`ip:${input.ipGroup}`),
  };
  const request = {
    serviceId: first.serviceId,
    staffId: first.staffId,
    clientTag: holders.client,
    holders,
    holdKey: keyed?.holdKey ?? newHoldKey(series),
    tokenHash: await hashToken(holdSecret),
    presentedTokenHash: presented,
    slots: refs,
    reschedule,
    attempt: { id: newHoldKey(), keyed: keyed !== null },
  };
  let outcome: HoldOutcome;
  try {
    outcome = await ctx.liveState.hold({ ...request, nowMs: ctx.clock.nowMs() });
    if (
      outcome.kind === "unavailable" &&
      outcome.reason === "not-offered" &&
      !input.offerScope &&
      (await republishOffers(ctx, first.serviceId, first.staffId, refs, input.rescheduleOf))
    ) {
      outcome = await ctx.liveState.hold({ ...request, nowMs: ctx.clock.nowMs() });
    }
  } catch (error) {
    // The caller is told nothing was held (503), so nothing may stay held: a call whose answer
    // came too late (or never) may still have run, and its hold would block the slot for
    // everyone until it expires, with nobody holding its token.
    const undo = await undoLateHold(ctx, {
      staffId: first.staffId,
      holdKey: request.holdKey,
      tokenHash: request.tokenHash,
      attempt: request.attempt,
      holders,
    });
    // Taken back, or never made: the 503 can say that nothing was held. ("kept": a retry with
    // the same key holds it; failed: the undo goes on in the background.)
    if (error instanceof OverloadedError && (undo === "undone" || undo === "gone"))
      throw new OverloadedError(false, error);
    throw error;
  }
  // Never answered "undone": the undo runs only after this request's own call failed.
  if (outcome.kind === "undone") throw new OverloadedError(false);
  if (outcome.kind === "overlap")
    throw new DomainError(
      "BAD_REQUEST",
      `${startField(outcome.second)}: overlaps ${startField(outcome.first)}`,
    );
  if (outcome.kind === "unavailable") throw slotRefused(outcome, startField(outcome.index));
  if (outcome.kind === "limit") throw holdLimit(outcome, input.field, ctx.clock.nowMs());
  // Only an Idempotency-Key names a hold again; granted after its release, the hold could
  // never be booked. The key is spent: the slot stays free for anyone, this client included.
  if (outcome.kind === "released")
    throw new DomainError(
      "HOLD_EXPIRED",
      "header.idempotency-key: the hold made with this key was released; hold the time again with a new Idempotency-Key",
    );
  if (outcome.kind !== "ok" && outcome.kind !== "existing")
    throw slotRefused(outcome, startField(0));
  // The holder repeating its hold keeps its token. A new hold's token is signed after the
  // script: the claim carries the cells the script computed and each slot's offset, the staff
  // member's from the offer. (A keyed retry signs its hold's secret again, with the cap the
  // script kept.)
  const holdToken =
    outcome.kind === "existing" && input.holdToken
      ? input.holdToken
      : await signHoldToken(ctx.secrets.holdTokenKey, holdSecret, {
          staffId: first.staffId,
          serviceId: first.serviceId,
          slots: refs.map((ref, i) => {
            const granted = outcome.slots[i];
            return {
              startMs: ref.startMs,
              endMs: granted?.endMs ?? ref.startMs,
              cellStart: granted?.cellStart ?? 0,
              cellEnd: granted?.cellEnd ?? 0,
              offsetMin: granted?.offsetMin ?? ref.offsetMin,
            };
          }),
          capAtMs: outcome.capAtMs,
          holders,
          ...(input.rescheduleOf ? { rescheduleOf: input.rescheduleOf.appointmentId } : {}),
        });
  return {
    holdId: formatHoldId(outcome.holdKey, first.staffId),
    holdToken,
    expiresAtMs: outcome.expiresAtMs,
    created: outcome.kind === "ok",
    // In the staff member's offset at each instant (the store read it from the offer), however
    // the caller wrote the slot.
    slots: refs.map((ref, i) => {
      const granted = outcome.slots[i];
      return {
        serviceId: first.serviceId,
        staffId: first.staffId,
        start: formatWithOffset(ref.startMs, granted?.offsetMin ?? ref.offsetMin),
        end: formatWithOffset(
          granted?.endMs ?? ref.startMs,
          granted?.endOffsetMin ?? ref.offsetMin,
        ),
      };
    }),
  };
}

/**
 * When a background undo tries again (ms after the previous try failed): about 25 s in all,
 * within the 30 s Workers keep work alive after the response.
 */
export const UNDO_RETRY_DELAYS_MS = [500, 1_000, 2_000, 4_000, 8_000, 9_000] as const;

/**
 * Takes back what a failed hold call may have done (LiveStateStore.undoHold), before the error
 * is answered: one try within the store's own timeout and, when that fails too (the store did
 * not answer), more tries in the background for about 25 s. Returns what the first try found,
 * or null when it failed.
 */
async function undoLateHold(
  ctx: DomainContext,
  input: Omit<Parameters<DomainContext["liveState"]["undoHold"]>[0], "nowMs">,
): Promise<HoldUndo | null> {
  const undo = () => ctx.liveState.undoHold({ ...input, nowMs: ctx.clock.nowMs() });
  try {
    return await undo();
  } catch {
    // Tried again below, after the answer.
  }
  ctx.defer(async () => {
    for (const delayMs of UNDO_RETRY_DELAYS_MS) {
      await new Promise((resolve) => setTimeout(resolve, delayMs));
      try {
        await undo();
        return;
      } catch {
        // The next try, until the last.
      }
    }
  });
  return null;
}

/**
 * The hold key and token secret of a hold requested with an Idempotency-Key: derived (HMAC with
 * the hold-token key) from the key, the client id and what is held, so that a retry of the same
 * request names the same hold and presents its token, while another key, client or set of slots
 * derives another hold. The key is the client's secret: whoever knows it can learn the token.
 */
async function keyedHold(
  secretKey: string,
  idempotencyKey: string,
  request: Record<string, unknown>,
  series: boolean,
): Promise<{ holdKey: string; holdSecret: string }> {
  const message = `${idempotencyKey}\n${JSON.stringify(request)}`;
  const [key, secret] = await Promise.all([
    hmacSha256(secretKey, `hold-key:${message}`),
    hmacSha256(secretKey, `hold-secret:${message}`),
  ]);
  return { holdKey: holdKeyOf(key, series), holdSecret: base64url(secret.slice(0, 18)) };
}

/**
 * Slots on two or more dates (in the offsets the caller wrote, as the series read answers them)
 * are a series: a customer who took an alternative for an occurrence lists its slots instead of
 * `repeat`, and it is the same series.
 */
export function isSeriesSlots(refs: readonly { startMs: number; offsetMin: number }[]): boolean {
  // One slot, the common hold, is one date: no date is formatted (it showed in a hold storm's
  // CPU profile).
  if (refs.length < 2) return false;
  const dates = new Set(
    refs.map((ref) => new Date(ref.startMs + ref.offsetMin * 60_000).toISOString().slice(0, 10)),
  );
  return dates.size > 1;
}
