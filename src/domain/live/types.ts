/**
 * Live slot state (docs/spec.md, "Slot states"): viewing markers, holds and recent bookings, kept per
 * staff member in the live-state store (Redis, or the MySQL fallback while Redis is down).
 *
 * Conflicts are decided on 5-minute UTC cells: a slot occupies the cells from its start minus
 * its buffer before to its end plus its buffer after, and two slots conflict exactly when they
 * share a cell, whatever their lengths.
 */
export const CELL_MS = 5 * 60_000;

export type LiveKind = "held" | "viewing" | "booked";

/** One live entry as seen by one client. */
export interface LiveEntry {
  kind: LiveKind;
  /** The entry belongs to the asking client. */
  mine: boolean;
  startMs: number;
  endMs: number;
  /** The UTC offset the slot was named with (the staff member's), for formatting. */
  offsetMin: number;
  expiresAtMs: number;
}

/** A live entry with its identity (its field in the store), as a live stream tracks it. */
export interface WatchedEntry extends LiveEntry {
  id: string;
}

/**
 * One change a store published for a staff member's date (GET /v1/live): an entry as it now is
 * (`mine` already decided for the subscriber), or the id of an entry that is gone.
 */
export type LiveChange = { kind: "put"; entry: WatchedEntry } | { kind: "gone"; id: string };

/** A live stream's read: its entries, or its address has too many streams open, or no push now. */
export type WatchOutcome =
  | { kind: "ok"; entries: WatchedEntry[] }
  | { kind: "limit"; untilMs: number }
  | { kind: "poll" };

/**
 * A live-stream ticket as stored, under the hash of the ticket: the client (its tag) it stands
 * for, the one staff member and date it opens, and its end.
 */
export interface LiveTicket {
  staffId: string;
  date: string;
  clientTag: string;
  expiresAtMs: number;
}

/** A live entry as cells, for overlaying availability. */
export interface LiveCells {
  kind: LiveKind;
  mine: boolean;
  cellStart: number;
  cellEnd: number;
}

/** What the store needs to check a slot without SQL, published with each availability read. */
export interface OfferMeta {
  durationMin: number;
  bufferBeforeMin: number;
  bufferAfterMin: number;
  holdTtlS: number;
  viewingTtlS: number;
  holdExtensionCapS: number;
  minNoticeMin: number;
  maxHeldSlotsPerClient: number;
  maxHeldSlotsPerIp: number;
}

/**
 * The offered starts of one local date: bit i ⇔ a slot at baseMs + i × CELL_MS is offered.
 * `offsets`: the staff member's UTC offset from baseMs on, and from each later `fromMs` on (a
 * date whose offset changes has two), over every instant a slot of the date starts or ends at,
 * so that select and hold answer in the staff member's offset without knowing the zone.
 */
export interface OfferDay {
  date: string;
  baseMs: number;
  bitmapHex: string;
  offsets: OfferOffset[];
}

/** From `fromMs` on (until the next one), the staff member's UTC offset is `offsetMin`. */
export interface OfferOffset {
  fromMs: number;
  offsetMin: number;
}

/**
 * A slot named by the client: its instant and the offset it was written with. Only the instant
 * names the slot in a store (its offer dates are candidateDates); answers use the staff member's
 * offset, which the store reads from the offer.
 */
export interface SlotRef {
  startMs: number;
  offsetMin: number;
}

/** Another client's hold, or a booking, covers a cell of the slot. */
export type Blocked =
  /** `mine`: the one hold in the way is the asking client's own (a hold repeated without its token). */
  { kind: "held"; untilMs: number; mine?: true } | { kind: "booked"; untilMs: number };

export interface GrantedSlot {
  endMs: number;
  cellStart: number;
  cellEnd: number;
  offsetMin: number;
  endOffsetMin: number;
}

export interface HoldGranted {
  holdKey: string;
  expiresAtMs: number;
  /** Creation + the extension cap: the hold (and its token) can live no longer. */
  capAtMs: number;
  /**
   * Per requested slot, in request order: its end, its occupied cells, and the staff member's
   * UTC offset at its start and at its end (from the offer).
   */
  slots: GrantedSlot[];
}

/**
 * Who holds, for the hold limits: the client's tag and its address's tag (IPv6 by /64), both
 * hashes. A hold token names them, so extend, release and book keep the counts right.
 */
export interface HolderTags {
  client: string;
  ip: string;
}

export type HoldOutcome =
  | ({ kind: "ok" } & HoldGranted)
  | ({ kind: "existing" } & HoldGranted)
  /** "series": the client already holds a series (a series counts as one hold, one at a time). */
  | { kind: "limit"; holder: "client" | "ip" | "series"; untilMs: number }
  | Blocked
  | { kind: "unavailable"; index: number; reason: "not-offered" | "notice" }
  | { kind: "overlap"; first: number; second: number }
  /** The hold key names a hold that was released (a keyed hold's repeat): nothing is held. */
  | { kind: "released" }
  /** This attempt was undone before its call reached the store (see undoHold): nothing is held. */
  | { kind: "undone" };

/** One request's attempt at a hold (see LiveStateStore.undoHold). */
export interface HoldAttempt {
  /** Random, one per request. */
  id: string;
  /** The request carries an Idempotency-Key: its retries name the same hold. */
  keyed: boolean;
}

/** What undoHold found: removed it, kept it (a retry was handed it), or nothing to remove. */
export type HoldUndo = "undone" | "kept" | "gone";

export type SelectOutcome =
  /** offsetMin, endOffsetMin: the staff member's UTC offset at the slot's start and end. */
  | { kind: "ok"; expiresAtMs: number; endMs: number; offsetMin: number; endOffsetMin: number }
  | Blocked
  | { kind: "unavailable"; reason: "not-offered" | "notice" };

/** One live entry as the debug listing shows it (admin only). */
export interface LiveEntryDump {
  staffId: string;
  kind: LiveKind;
  /** The hold id for holds, the client tag for markers, the appointment id for bookings. */
  id: string;
  startMs: number;
  endMs: number;
  offsetMin: number;
  expiresAtMs: number;
}

/** What Redis said before a booking's SQL transaction (see lua/begin_booking.lua). */
export type BeginBookingOutcome =
  | { kind: "ok"; ownHold: boolean; restore: string[] }
  | { kind: "idempotency-seen" }
  | { kind: "idempotency-conflict" }
  | { kind: "wrong-token" }
  | { kind: "released" }
  | { kind: "held"; untilMs: number; ownHold: boolean }
  | { kind: "booked"; untilMs: number; ownHold: boolean };
