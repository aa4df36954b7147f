/**
 * What both live stores (Redis and the MySQL fallback) share about stored offers and key claims,
 * so that an entry one store wrote means the same in the other (the failback sync copies them).
 * The Lua side (lua/lib/live.lua, OFFER_TTL and offerOf) reads the same form.
 */
import { addDays } from "../time/zoned-time.ts";
import { CELL_MS, type OfferDay, type OfferMeta, type OfferOffset, type SlotRef } from "./types.ts";

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

/**
 * An offer date is two fields of the offer, each after its publish time ("<publishedMs>|"):
 * - the date itself, "<baseMs>|<hex bitmap>" (`encodeOfferDay`), the form every worker version
 *   reads;
 * - `offsetsField(date)`, the staff member's UTC offsets over the date,
 *   "<offsetMin>[|<fromMs>|<offsetMin>]…" (`encodeOfferOffsets`): the offset from baseMs on, then
 *   each change. A separate field, so that a worker of the version before it, during a rollout,
 *   still reads the date as before (a changed date value would fail its script).
 * lua/lib/live.lua's offerOf and offered() read both.
 */
export function encodeOfferDay(day: OfferDay): string {
  return `${day.baseMs}|${day.bitmapHex}`;
}

export function encodeOfferOffsets(day: OfferDay): string {
  const [first, ...changes] = day.offsets;
  return [first?.offsetMin ?? 0, ...changes.flatMap((c) => [c.fromMs, c.offsetMin])].join("|");
}

/** The offer field of a date's offsets (at most 12 characters: fallback_offers.field). */
export function offsetsField(date: string): string {
  return `o:${date}`;
}

/** A stored offer date, read back. */
export interface StoredOfferDay {
  publishedMs: number;
  baseMs: number;
  bitmapHex: string;
  offsets: OfferOffset[];
}

const STORED_DAY = /^(\d+)\|(\d+)\|([0-9a-fA-F]*)$/;
const STORED_OFFSETS = /^(\d+)\|(-?\d+)((?:\|\d+\|-?\d+)*)$/;

/**
 * The offer date its two fields hold, or null unless both are in the form above and of the same
 * publication. A date without its offsets (published before offers carried them, or by a
 * worker of that version during a rollout) offers nothing: select and hold then publish it again
 * from SQL (republish-offers.ts) and retry.
 */
export function readOfferDay(dayText: string, offsetsText: string): StoredOfferDay | null {
  const day = STORED_DAY.exec(dayText);
  const offsets = STORED_OFFSETS.exec(offsetsText);
  if (!day || !offsets || day[1] !== offsets[1]) return null;
  const [, published, base, bitmapHex = ""] = day;
  const [, , first, rest = ""] = offsets;
  const read: OfferOffset[] = [{ fromMs: Number(base), offsetMin: Number(first) }];
  const changes = rest.split("|").slice(1);
  for (let i = 0; i + 1 < changes.length; i += 2)
    read.push({ fromMs: Number(changes[i]), offsetMin: Number(changes[i + 1]) });
  return { publishedMs: Number(published), baseMs: Number(base), bitmapHex, offsets: read };
}

/** The offset the offer date names for instant `ms`: the last one from at or before it. */
export function offerOffsetAt(offsets: readonly OfferOffset[], ms: number): number {
  let offsetMin = offsets[0]?.offsetMin ?? 0;
  for (const change of offsets.slice(1)) if (ms >= change.fromMs) offsetMin = change.offsetMin;
  return offsetMin;
}

/**
 * Whether the stored offer date offers a slot starting at `startMs`, published less than the
 * offer TTL before `nowMs` (lua/lib/live.lua's offered()).
 */
export function offersStart(day: StoredOfferDay, startMs: number, nowMs: number): boolean {
  const index = (startMs - day.baseMs) / CELL_MS;
  if (!(day.publishedMs + OFFER_TTL_MS > nowMs && Number.isInteger(index) && index >= 0))
    return false;
  if (index >= day.bitmapHex.length * 4) return false;
  const nibble = Number.parseInt(day.bitmapHex[Math.floor(index / 4)] ?? "0", 16);
  return (nibble & (1 << (3 - (index % 4)))) !== 0;
}

/**
 * The local dates the staff member's date of a slot can be: its UTC date and the two around it
 * (every UTC offset is less than a day). They depend on the instant only, so a slot maps to the
 * same offer date whatever offset the caller wrote it in.
 */
export function candidateDates(slot: Pick<SlotRef, "startMs">): string[] {
  const utcDate = new Date(slot.startMs).toISOString().slice(0, 10);
  return [utcDate, addDays(utcDate, -1), addDays(utcDate, 1)];
}
