/**
 * The availability engine's vocabulary (docs/spec.md, "Slots"). Wall times are minutes of a
 * local day; instants are UTC epoch milliseconds.
 */

/** Working time within one local day: minutes 0..1440 (1440 = 24:00), start < end. */
export interface Interval {
  startMin: number;
  endMin: number;
}

/** ISO weekday: Monday = 1 … Sunday = 7. */
export type Weekday = 1 | 2 | 3 | 4 | 5 | 6 | 7;

/** Working intervals per weekday; a missing or empty weekday is a day off. */
export type WeeklySchedule = Partial<Record<Weekday, Interval[]>>;

/** What the engine needs of a service: its length and the buffers around it. */
export interface ServiceSpec {
  id: string;
  durationMin: number;
  bufferBeforeMin: number;
  bufferAfterMin: number;
}

/** A confirmed appointment's occupied time, half-open, INCLUDING its buffers. */
export interface BusyRange {
  startMs: number;
  endMs: number;
}

/** One staff member's working time and existing appointments. */
export interface StaffCalendar {
  staffId: string;
  /** IANA zone in which the schedule, the overrides and the query dates are read. */
  timeZone: string;
  weekly: WeeklySchedule;
  /** Local date → intervals replacing the weekly ones on that date; [] = day off. */
  overrides: ReadonlyMap<string, Interval[]>;
  /** In any order. */
  busy: BusyRange[];
}

/** A business closure: inclusive local dates in the BUSINESS time zone. */
export interface Closure {
  startDate: string;
  endDate: string;
}

export interface AvailabilityQuery {
  service: ServiceSpec;
  staff: StaffCalendar[];
  closures: Closure[];
  businessTimeZone: string;
  /** Slot starts lie on this grid of local wall minutes (minute of day % slotIntervalMin === 0). */
  slotIntervalMin: number;
  /** A slot must start at least this long after `nowMs`. */
  minNoticeMin: number;
  /** A slot must start less than this many days (of 24 h) after `nowMs`. */
  horizonDays: number;
  /** Inclusive, each interpreted in each staff member's own time zone. */
  fromDate: string;
  toDate: string;
  nowMs: number;
}

/** "booked": an appointment overlaps the slot's occupied time (returned so clients can draw it). */
export type SlotState = "available" | "booked";

export interface Slot {
  staffId: string;
  /** The slot's local start date in the staff member's zone. */
  localDate: string;
  startMs: number;
  endMs: number;
  /** startMs − bufferBefore. */
  occupiedStartMs: number;
  /** endMs + bufferAfter. */
  occupiedEndMs: number;
  /** ISO 8601 with the staff member's offset at that instant. */
  start: string;
  end: string;
  state: SlotState;
}

/** One requested date and its slots, sorted by start then staff id. */
export interface AvailabilityDay {
  date: string;
  slots: Slot[];
}
