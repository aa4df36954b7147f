/**
 * The day and week views' data: one `DaySource` the views watch. Today it polls the admin API
 * (appointments of the dates, closures) and the public availability (the next hours' live
 * states: holds carry no identity). When the authenticated live stream (`GET /v1/admin/live`)
 * exists, a streaming source implements the same interface and nothing else changes.
 */
export interface AdminAppointment {
  id: string;
  status: "confirmed" | "cancelled" | "attended" | "no_show";
  staffId: string;
  serviceId: string;
  start: string;
  end: string;
  customer: { name: string; email: string; phone: string | null };
  notes: string;
  /** Each with its question as it was asked (labels by language, `en` always there). */
  answers: {
    id: string;
    kind: string;
    label: Record<string, string>;
    value: unknown;
    options?: { value: string; label: Record<string, string> }[];
  }[];
  rescheduledFrom: string | null;
}

export interface Closure {
  id: string;
  startDate: string;
  endDate: string;
  reason: string;
}

export interface LiveSlot {
  start: string;
  end: string;
  staffId: string;
  state: "available" | "viewing" | "held" | "booked";
}

/** One staff member's working hours: weekly (by weekday name) and the range's overrides. */
export interface StaffHours {
  weekly: Partial<Record<string, { start: string; end: string }[]>>;
  overrides: { date: string; intervals: { start: string; end: string }[]; note: string }[];
}

/** What the views draw: the range's appointments, closures, hours and live states, and when. */
export interface Snapshot {
  appointments: AdminAppointment[];
  closures: Closure[];
  /** Only when the query is one staff member's. */
  hours?: StaffHours;
  live: LiveSlot[];
  atMs: number;
}

export interface WatchQuery {
  dates: string[];
  /** One staff member, or everyone. */
  staffId?: string;
}

export interface DaySource {
  /** Calls `onSnapshot` now and on every change until the returned function is called. */
  watch(
    query: WatchQuery,
    onSnapshot: (snapshot: Snapshot) => void,
    onError: (message: string) => void,
  ): () => void;
}

/** One load of a query; rejects with a message the view can show. */
export type Loader = (query: WatchQuery) => Promise<Snapshot>;

/**
 * Polls `load` every `intervalMs` (a slower cadence while the tab is hidden is left to the
 * browser's timer throttling). A load never overlaps the previous one, and a stopped watch
 * drops a late answer instead of drawing it.
 */
export class PollingSource implements DaySource {
  constructor(
    private readonly load: Loader,
    private readonly intervalMs = 15_000,
  ) {}

  watch(
    query: WatchQuery,
    onSnapshot: (snapshot: Snapshot) => void,
    onError: (message: string) => void,
  ): () => void {
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const tick = async () => {
      try {
        const snapshot = await this.load(query);
        if (!stopped) onSnapshot(snapshot);
      } catch (error) {
        if (!stopped) onError(error instanceof Error ? error.message : String(error));
      }
      if (!stopped) timer = setTimeout(() => void tick(), this.intervalMs);
    };
    void tick();
    return () => {
      stopped = true;
      if (timer !== undefined) clearTimeout(timer);
    };
  }
}
