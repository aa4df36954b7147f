/**
 * What the MySQL fallback store shares with the Lua scripts, as plain functions (no SQL): the
 * live-hash value format (lua/hold_slots.lua, select_slot.lua, begin_booking.lua), what the port
 * reports for an entry, hold_slots.lua's conflict rules, and the offer format and its check
 * (lua/availability_overlay.lua, hold_slots.lua, select_slot.lua). Rows hold byte for byte what
 * Redis would, so these functions must format exactly as the scripts do.
 */
import { formatHoldId } from "../../domain/live/hold-id.ts";
import {
  candidateDates,
  decodeMeta,
  offerOffsetAt,
  offersStart,
  offsetsField,
  readOfferDay,
} from "../../domain/live/stored-offer.ts";
import {
  CELL_MS,
  type LiveEntry,
  type LiveEntryDump,
  type LiveKind,
  type SlotRef,
} from "../../domain/live/types.ts";

/** Lua's `string.format("%.0f", x)`: an integer, halves to even (C's rounding). */
export function fmt(x: number): string {
  const floor = Math.floor(x);
  const diff = x - floor;
  return String(diff > 0.5 || (diff === 0.5 && floor % 2 !== 0) ? floor + 1 : floor);
}

function int(text: string | undefined): number {
  const n = Number(text);
  if (!Number.isSafeInteger(n)) throw new Error(`fallback live state: not an integer: ${text}`);
  return n;
}

// ---------------------------------------------------------------------------------------------
// Live values: cellStart|cellEnd|startMin|endMin|offsetMin|expiresAtMs|clientTag|…
//   hold "h:<holdKey>:<i>":  …|tokenHash|capAtMs|ttlS|n      marker "v:<clientTag>":  …|ttlS
//   booked "b:<appointmentId>:0": nothing more

/** One live value split into its parts; `parts` keeps the text as stored. */
export interface LiveValue {
  parts: string[];
  cellStart: number;
  cellEnd: number;
  startMin: number;
  endMin: number;
  offsetMin: number;
  expiresAtMs: number;
  clientTag: string;
}

export function decodeLive(value: string): LiveValue {
  const parts = value.split("|");
  return {
    parts,
    cellStart: int(parts[0]),
    cellEnd: int(parts[1]),
    startMin: int(parts[2]),
    endMin: int(parts[3]),
    offsetMin: int(parts[4]),
    expiresAtMs: int(parts[5]),
    clientTag: parts[6] ?? "",
  };
}

/** Joins parts as the scripts do: numbers through `fmt`, strings (offsetMin, tags) as given. */
export function encodeLive(parts: readonly (string | number)[]): string {
  return parts.map((p) => (typeof p === "number" ? fmt(p) : p)).join("|");
}

/** The same value with one part replaced (expiry = 5, a hold's tokenHash = 7). */
export function withPart(value: LiveValue, index: 5 | 7, text: string): string {
  return value.parts.map((p, i) => (i === index ? text : p)).join("|");
}

/** A hold's own parts: tokenHash, capAtMs, ttlS and the number of slots of the hold. */
export function holdParts(value: LiveValue) {
  const p = value.parts;
  return { tokenHash: p[7] ?? "", capAtMs: int(p[8]), ttlMs: int(p[9]) * 1000, n: int(p[10]) };
}

/** The kind letter of a field ("h", "v" or "b") and its key (holdKey, clientTag, appointmentId). */
export function splitField(field: string): { code: string; key: string } {
  const [code = "", key = ""] = field.split(":");
  return { code, key };
}

export const holdField = (holdKey: string, i: number) => `h:${holdKey}:${i}`;
export const bookedField = (appointmentId: string) => `b:${appointmentId}:0`;
/**
 * The live entry a field belongs to: a hold's or a booking's fields without their slot index
 * ("h:<holdKey>", "b:<appointmentId>": the owner of their cells), a marker's whole field.
 */
export const ownerOf = (field: string) =>
  field.startsWith("v:") ? field : field.slice(0, field.lastIndexOf(":"));

/** cellStart|cellEnd|startMin|endMin|offsetMin of a slot: the first five parts of every value. */
export function cellParts(s: {
  cellStart: number;
  cellEnd: number;
  startMs: number;
  endMs: number;
  offsetMin: number;
}): number[] {
  return [s.cellStart, s.cellEnd, s.startMs / 60_000, s.endMs / 60_000, s.offsetMin];
}

/** A flat [field, value, field, value, …] list (a restore list, HGETALL) as pairs. */
export function pairsOf(flat: readonly string[]): [string, string][] {
  const pairs: [string, string][] = [];
  for (let i = 0; i + 1 < flat.length; i += 2) pairs.push([flat[i] ?? "", flat[i + 1] ?? ""]);
  return pairs;
}

/** The cells [cellStart, cellEnd) as a list. */
export function cellsOf(range: { cellStart: number; cellEnd: number }): number[] {
  const cells: number[] = [];
  for (let c = range.cellStart; c < range.cellEnd; c++) cells.push(c);
  return cells;
}

export function overlaps(
  a: { cellStart: number; cellEnd: number },
  b: { cellStart: number; cellEnd: number },
): boolean {
  return a.cellStart < b.cellEnd && b.cellStart < a.cellEnd;
}

// ---------------------------------------------------------------------------------------------
// Entries: one field and its value, and what the port's methods make of one

const KINDS: Record<string, LiveKind> = { h: "held", v: "viewing", b: "booked" };

export interface Entry {
  field: string;
  /** "h", "v" or "b". */
  code: string;
  /** The holdKey, the clientTag or the appointmentId. */
  key: string;
  live: LiveValue;
}

export function decodeEntry(field: string, value: string): Entry {
  return { field, ...splitField(field), live: decodeLive(value) };
}

export function kindOf(code: string): LiveKind {
  const kind = KINDS[code];
  if (!kind) throw new Error(`fallback live state: unknown entry kind ${code}`);
  return kind;
}

/** An entry as heartbeat.lua reports it to `clientTag`. */
export function toLiveEntry(e: Entry, clientTag: string): LiveEntry {
  return {
    kind: kindOf(e.code),
    mine: e.live.clientTag === clientTag,
    startMs: e.live.startMin * 60_000,
    endMs: e.live.endMin * 60_000,
    offsetMin: e.live.offsetMin,
    expiresAtMs: e.live.expiresAtMs,
  };
}

/** An entry as the Redis store's scan lists it (holds by hold id). */
export function toDump(staffId: string, e: Entry): LiveEntryDump {
  const { mine: _, ...entry } = toLiveEntry(e, "");
  return { staffId, ...entry, id: e.code === "h" ? formatHoldId(e.key, staffId) : e.key };
}

/** A cell of a hold or a booking in the way, as fallback_cells holds it. */
export interface Blocker {
  owner: string;
  clientTag: string;
  expiresAtMs: number;
}

/**
 * hold_slots.lua's rules on the cells in the way: when every blocker is one hold, it is the
 * candidate "same hold" (the caller then checks the presented token and the slots); any other
 * hold blocks as "held" with the latest expiry; a booking outranks holds as "booked", whose
 * untilMs is, as in the script, still the latest blocking hold's expiry (0 if none).
 */
export function holdConflict(
  blockers: readonly Blocker[],
): { kind: "held" | "booked"; untilMs: number } | { kind: "same"; holdKey: string } {
  const holds = new Set<string>();
  let booked = false;
  let untilMs = 0;
  for (const b of blockers) {
    const { code, key } = splitField(b.owner);
    if (code === "b") booked = true;
    else {
      holds.add(key);
      untilMs = Math.max(untilMs, b.expiresAtMs);
    }
  }
  const [only] = holds;
  if (!booked && holds.size === 1 && only !== undefined) return { kind: "same", holdKey: only };
  return { kind: booked ? "booked" : "held", untilMs };
}

// ---------------------------------------------------------------------------------------------
// Offers: field "meta" and per local date "<date>" = "<publishedMs>|<baseMs>|<hex bitmap>" and
// "o:<date>" = "<publishedMs>|<offsetMin>[|<fromMs>|<offsetMin>]…"

// The offer formats are the Redis store's own (the format's owner); shared, not repeated.

/** The unexpired offer rows of one (service, staff member), read back. */
export interface Offer {
  meta: string | null;
  days: ReadonlyMap<string, string>;
}

export function offerOf(rows: readonly [string, string][]): Offer {
  const days = new Map(rows);
  const meta = days.get("meta") ?? null;
  days.delete("meta");
  return { meta, days };
}

/**
 * A slot the offer allows, with its end and occupied cells (the scripts' arithmetic) and the
 * staff member's UTC offsets at its start and end (from the offer).
 */
export interface CheckedSlot {
  startMs: number;
  endMs: number;
  offsetMin: number;
  endOffsetMin: number;
  cellStart: number;
  cellEnd: number;
}

export type SlotCheck =
  | { kind: "unavailable"; index: number; reason: "not-offered" | "notice" }
  | { kind: "overlap"; first: number; second: number }
  | {
      kind: "checked";
      slots: CheckedSlot[];
      ttlMs: number;
      capMs: number;
      viewingMs: number;
      maxPerClient: number;
      maxPerIp: number;
    };

/**
 * hold_slots.lua's `offered()`: the offsets of the candidate date that offers a slot starting at
 * `startMs` (published < 15 min ago), or null when none does.
 */
function offered(
  offer: Offer,
  startMs: number,
  dates: string[],
  nowMs: number,
): Parameters<typeof offerOffsetAt>[0] | null {
  for (const date of dates) {
    const day = readOfferDay(offer.days.get(date) ?? "", offer.days.get(offsetsField(date)) ?? "");
    if (day && offersStart(day, startMs, nowMs)) return day.offsets;
  }
  return null;
}

/**
 * The checks hold_slots.lua (and, for one slot, select_slot.lua) make before looking at live
 * state, in the same order: meta present, then per slot notice, offer, overlap with earlier ones.
 */
export function checkSlots(offer: Offer, slots: SlotRef[], nowMs: number): SlotCheck {
  const meta = offer.meta === null ? null : decodeMeta(offer.meta);
  if (meta === null) return { kind: "unavailable", index: 0, reason: "not-offered" };
  const { durationMin, minNoticeMin: noticeMin } = meta;
  const { bufferBeforeMin: beforeMin, bufferAfterMin: afterMin } = meta;
  const checked: CheckedSlot[] = [];
  for (const [i, slot] of slots.entries()) {
    if (slot.startMs < nowMs + noticeMin * 60_000)
      return { kind: "unavailable", index: i, reason: "notice" };
    const offsets = offered(offer, slot.startMs, candidateDates(slot), nowMs);
    if (!offsets) return { kind: "unavailable", index: i, reason: "not-offered" };
    const endMs = slot.startMs + durationMin * 60_000;
    const next = {
      startMs: slot.startMs,
      endMs,
      offsetMin: offerOffsetAt(offsets, slot.startMs),
      endOffsetMin: offerOffsetAt(offsets, endMs),
      cellStart: Math.floor((slot.startMs - beforeMin * 60_000) / CELL_MS),
      cellEnd: Math.ceil((endMs + afterMin * 60_000) / CELL_MS),
    };
    const j = checked.findIndex((other) => overlaps(next, other));
    if (j >= 0) return { kind: "overlap", first: j, second: i };
    checked.push(next);
  }
  return {
    kind: "checked",
    slots: checked,
    ttlMs: meta.holdTtlS * 1000,
    viewingMs: meta.viewingTtlS * 1000,
    capMs: meta.holdExtensionCapS * 1000,
    maxPerClient: meta.maxHeldSlotsPerClient,
    maxPerIp: meta.maxHeldSlotsPerIp,
  };
}
