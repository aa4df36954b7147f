/**
 * The waitlist's records and the port that keeps them (migrations/0029_waitlist.sql;
 * docs/adr/0315-waitlist-offers-hold-the-freed-time.md).
 */
import type { OutboxEmail } from "../booking/types.ts";
import type { Locale } from "../settings/settings.ts";

/**
 * `pending`: the emailed code is not yet confirmed; `waiting`: in the queue (FIFO by
 * confirmation); `booked`: booked through an offer; `left`, `expired`: out of the queue.
 */
export type WaitlistStatus = "pending" | "waiting" | "booked" | "left" | "expired";

export interface WaitlistEntry {
  id: string;
  email: string;
  name: string;
  locale: Locale;
  serviceId: string;
  /** null: any staff member who performs the service. */
  staffId: string | null;
  /** The local date waited for (the staff member's zone, or the business's for anyone). */
  date: string;
  /** The window of local start times, minutes of the day [from, to); null: the whole day. */
  fromMin: number | null;
  toMin: number | null;
  status: WaitlistStatus;
  createdAtMs: number;
  confirmedAtMs: number | null;
  /** The end of `date`: the entry lapses then. */
  expiresAtMs: number;
}

/** One offer: the primary key (entry, staff member, start) is made at most once. */
export interface WaitlistOfferKey {
  entryId: string;
  staffId: string;
  startMs: number;
}

export interface WaitlistOffer extends WaitlistOfferKey {
  serviceId: string;
  state: "claimed" | "offered" | "booked";
  holdId: string | null;
  expiresAtMs: number;
}

/** The entry id of a freed time's lock row in waitlist_offers (no entry id has this shape). */
export const SLOT_LOCK = "~slot";

export interface WaitlistRepo {
  /**
   * In one transaction under the email's lock: refuses ("too-many") when the email already has
   * `maxActive` active entries (waiting, or pending with a code younger than `pendingForMs`,
   * none past its date); else writes the entry, its code (auth_codes under `codeKey`, its own
   * realm) and the code's email.
   */
  join(input: {
    entry: WaitlistEntry;
    code: { id: string; key: string; hash: string; expiresAtMs: number };
    message: OutboxEmail;
    maxActive: number;
    pendingForMs: number;
    nowMs: number;
  }): Promise<"joined" | "too-many">;
  get(id: string): Promise<WaitlistEntry | null>;
  /** pending → waiting (the queue's order is this instant); false when not pending or expired. */
  confirm(id: string, nowMs: number): Promise<boolean>;
  /** pending or waiting → left; false otherwise. */
  leave(id: string, nowMs: number): Promise<boolean>;
  /** Entries past their date → expired; how many. */
  expire(nowMs: number, limit: number): Promise<number>;
  /**
   * The waiting entries that may be offered this time, first confirmed first: same service,
   * this staff member or anyone, the slot's local date, no live offer of their own and never
   * offered this very time before.
   */
  candidates(input: {
    serviceId: string;
    staffId: string;
    date: string;
    startMs: number;
    nowMs: number;
    limit: number;
  }): Promise<WaitlistEntry[]>;
  /** The (service, staff member or null, date) groups that have waiting entries. */
  waitingGroups(
    nowMs: number,
    limit: number,
  ): Promise<{ serviceId: string; staffId: string | null; date: string }[]>;
  /**
   * The freed time's own lock, so that runners offering one time (a cancel, crons, isolates on
   * either store) take turns and the first person waiting is chosen by the one holding it: a row
   * of waitlist_offers under the entry id `SLOT_LOCK`, taken when missing or lapsed (until
   * `untilMs`). False while another runner holds it.
   */
  lockSlot(input: {
    staffId: string;
    startMs: number;
    serviceId: string;
    nowMs: number;
    untilMs: number;
  }): Promise<boolean>;
  /** Ends the lock at once (else it lapses at its `untilMs`). */
  unlockSlot(input: { staffId: string; startMs: number; nowMs: number }): Promise<void>;
  /**
   * Writes the offer's row (state claimed) under its primary key; false when it exists (someone
   * else is making this offer, or made it).
   */
  claimOffer(
    input: WaitlistOfferKey & { serviceId: string; nowMs: number; untilMs: number },
  ): Promise<boolean>;
  /** claimed → offered with its hold, and the offer's email, in one transaction. */
  settleOffer(
    input: WaitlistOfferKey & {
      holdId: string;
      expiresAtMs: number;
      message: OutboxEmail;
      nowMs: number;
    },
  ): Promise<void>;
  /** The hold was refused: the row goes, so this time may be offered to the entry again later. */
  dropOffer(input: WaitlistOfferKey): Promise<void>;
  /** The entry's offer of this hold, if any. */
  offerOf(entryId: string, holdId: string): Promise<WaitlistOffer | null>;
  /** The entry booked its offer: entry → booked, offer → booked. */
  markBooked(input: WaitlistOfferKey & { nowMs: number }): Promise<void>;
}
