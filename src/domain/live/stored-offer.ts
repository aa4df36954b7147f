/**
 * What both live stores (Redis and the MySQL fallback) share about stored offers and key claims,
 * so that an entry one store wrote means the same in the other (the failback sync copies them).
 * The Lua side (lua/lib/live.lua, OFFER_TTL and offerOf) reads the same form.
 */
import { addDays } from "../time/zoned-time.ts";
import type { OfferMeta, SlotRef } from "./types.ts";

/** How long an offer stays checkable after the availability read that published it. */
export const OFFER_TTL_MS = 15 * 60_000;

/** How long a claimed Idempotency-Key blocks replays in Redis; MySQL keeps the record for good. */
export const IDEMPOTENCY_LEASE_MS = 60_000;

/**
 * How long an undone hold attempt is remembered (LiveStateStore.undoHold): its hold call, held
 * up on the way, may still reach the store after the undo, and must then hold nothing. Far
 * longer than any call can be in flight; the tombstone is one small key (or row) per undo.
 */
export const UNDONE_ATTEMPT_MS = 10 * 60_000;

/** The offer meta's fields, in the order both stores keep them. */
const META_FIELDS = [
  "durationMin",
  "bufferBeforeMin",
  "bufferAfterMin",
  "holdTtlS",
  "viewingTtlS",
  "holdExtensionCapS",
  "minNoticeMin",
  "maxHeldSlotsPerClient",
  "maxHeldSlotsPerIp",
] as const satisfies readonly (keyof OfferMeta)[];

/** The offer meta as both stores keep it: its numbers joined by "|", in META_FIELDS order. */
export function encodeMeta(meta: OfferMeta): string {
  return META_FIELDS.map((field) => meta[field]).join("|");
}

/** The meta `encodeMeta` wrote, or null for any other text (then nothing is offered). */
export function decodeMeta(text: string): OfferMeta | null {
  const parts = text.split("|");
  if (parts.length !== META_FIELDS.length || !parts.every((part) => /^\d+$/.test(part)))
    return null;
  return Object.fromEntries(
    META_FIELDS.map((field, i) => [field, Number(parts[i])]),
  ) as unknown as OfferMeta;
}

/** The slot's own local date and its neighbours: the client may have written it in any offset. */
export function candidateDates(slot: SlotRef): string[] {
  return [slot.localDate, addDays(slot.localDate, -1), addDays(slot.localDate, 1)];
}
