/**
 * The day and week views' data: one `DaySource` the views watch. A load reads the admin API
 * (appointments of the dates, closures, hours) and the public availability (the next hours'
 * states). `StreamingSource` keeps the range's live entries (viewing, held, booked) from the
 * authenticated stream `GET /v1/admin/live` and loads again when the stream shows a booking
 * change; when the stream is refused, fails or answers `mode: poll`, it polls the load instead
 * and tries the stream again later.
 */
import { type SseEvent, sseParser } from "../sse.ts";

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
  /** The range's live entries by (staff member, date), while the stream delivers them. */
  liveDays?: LiveDay[];
  /** How the live part arrives now: pushed by the stream, or read by polling. */
  via?: "stream" | "poll";
}

/** One live entry of the stream: what a customer is viewing, holding or has booked. */
export interface LiveEntry {
  start: string;
  end: string;
  state: "viewing" | "held" | "booked";
}

/** One (staff member, date) cell of the stream, with its version. */
export interface LiveDay {
  staffId: string;
  date: string;
  version: string;
  slots: LiveEntry[];
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

/** The body of the stream's `snapshot` and `change` events (the API's `AdminLiveEvent`). */
interface LiveEventBody {
  storage: "redis" | "fallback";
  version: string;
  days: LiveDay[];
}

/**
 * What an opened stream yields: its events, and `alive` whenever bytes arrived (the server's
 * pings are comments, which make no event, but prove the connection lives).
 */
export type StreamItem = SseEvent | { event: "alive"; id: undefined; data: "" };

export type StreamAnswer =
  | { ok: true; items: AsyncIterable<StreamItem> }
  | { ok: false; status: number; retryAfterMs?: number };

/** Opens `GET /v1/admin/live` for a query; `signal` closes it. */
export type StreamOpener = (query: WatchQuery, signal: AbortSignal) => Promise<StreamAnswer>;

export interface StreamTimings {
  /** Loads while polling (the stream is refused, failed or said `mode: poll`). */
  pollMs: number;
  /** Loads while streaming: what the stream does not carry (closures, hours, attendance). */
  refreshMs: number;
  /** The server pings every 3 s: this long without a byte, the connection is dead. */
  silenceMs: number;
  /** After a stream the server ended (`reconnect`, its lifetime), open the next this soon. */
  reconnectMs: number;
  /** Waits before trying the stream again after a failure: doubling from the first to the cap. */
  retryFirstMs: number;
  retryCapMs: number;
}

const TIMINGS: StreamTimings = {
  pollMs: 15_000,
  refreshMs: 60_000,
  silenceMs: 12_000,
  reconnectMs: 1_000,
  retryFirstMs: 5_000,
  retryCapMs: 120_000,
};

/** How one connection ended, which decides what comes next. */
type Ending = { kind: "reconnect" | "poll" | "ended" | "failed"; retryAfterMs?: number };

/** A cell's booked entries, as one comparable string. */
function bookedOf(day: LiveDay | undefined): string {
  if (!day) return "";
  return day.slots
    .filter((s) => s.state === "booked")
    .map((s) => `${s.start}/${s.end}`)
    .join(",");
}

const cellKey = (day: { staffId: string; date: string }) => `${day.staffId}|${day.date}`;

/**
 * The next hours' slots with the stream's states laid over them: an entry at a slot's start gives
 * its state; a slot the load saw viewing or held that the stream no longer lists is available
 * again. A booked slot stays booked (the appointment is still there until a load says otherwise).
 */
export function overlayLive(slots: LiveSlot[], days: readonly LiveDay[] | undefined): LiveSlot[] {
  if (!days) return slots;
  const states = new Map<string, LiveEntry["state"]>();
  const covered = new Set<string>();
  for (const day of days) {
    covered.add(day.staffId);
    for (const entry of day.slots)
      states.set(`${day.staffId}|${Date.parse(entry.start)}`, entry.state);
  }
  return slots.map((slot) => {
    if (!covered.has(slot.staffId)) return slot;
    const state = states.get(`${slot.staffId}|${Date.parse(slot.start)}`);
    if (state) return { ...slot, state };
    return slot.state === "viewing" || slot.state === "held"
      ? { ...slot, state: "available" }
      : slot;
  });
}

/**
 * The live stream as a `DaySource`: one load to start (and every `refreshMs`), the stream's
 * cells on top, a load again when a cell's booked entries change (a booking, a cancel, a move).
 * Without the stream it polls, and it never gives the stream up: it tries again with a growing
 * wait, or at the server's `Retry-After`.
 */
export class StreamingSource implements DaySource {
  private readonly timings: StreamTimings;

  constructor(
    private readonly load: Loader,
    private readonly open: StreamOpener,
    timings: Partial<StreamTimings> = {},
  ) {
    this.timings = { ...TIMINGS, ...timings };
  }

  watch(
    query: WatchQuery,
    onSnapshot: (snapshot: Snapshot) => void,
    onError: (message: string) => void,
  ): () => void {
    const run = new StreamWatch(query, this.load, this.open, this.timings, onSnapshot, onError);
    run.start();
    return () => run.stop();
  }
}

/** One watched query: its last load, its stream's cells and its timers. */
class StreamWatch {
  private base: Snapshot | undefined;
  /** The stream's cells; undefined while polling. */
  private cells: Map<string, LiveDay> | undefined;
  private mode: "stream" | "poll" = "poll";
  private stopped = false;
  private loading = false;
  private again = false;
  private failures = 0;
  private connection: AbortController | undefined;
  private loadTimer: ReturnType<typeof setTimeout> | undefined;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private silenceTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly query: WatchQuery,
    private readonly load: Loader,
    private readonly open: StreamOpener,
    private readonly timings: StreamTimings,
    private readonly onSnapshot: (snapshot: Snapshot) => void,
    private readonly onError: (message: string) => void,
  ) {}

  start(): void {
    void this.reload();
    void this.connect();
  }

  stop(): void {
    this.stopped = true;
    this.connection?.abort();
    clearTimeout(this.loadTimer);
    clearTimeout(this.retryTimer);
    clearTimeout(this.silenceTimer);
  }

  /** One load; a load asked for while one runs is made once after it, never in parallel. */
  private async reload(): Promise<void> {
    if (this.stopped) return;
    if (this.loading) {
      this.again = true;
      return;
    }
    this.loading = true;
    clearTimeout(this.loadTimer);
    try {
      const snapshot = await this.load(this.query);
      if (this.stopped) return;
      this.base = snapshot;
      this.emit();
    } catch (error) {
      if (!this.stopped) this.onError(error instanceof Error ? error.message : String(error));
    } finally {
      this.loading = false;
    }
    if (this.stopped) return;
    if (this.again) {
      this.again = false;
      void this.reload();
      return;
    }
    this.scheduleLoad();
  }

  private scheduleLoad(): void {
    clearTimeout(this.loadTimer);
    const wait = this.mode === "stream" ? this.timings.refreshMs : this.timings.pollMs;
    this.loadTimer = setTimeout(() => void this.reload(), wait);
  }

  private emit(): void {
    if (!this.base || this.stopped) return;
    const liveDays = this.cells ? [...this.cells.values()] : undefined;
    this.onSnapshot({
      ...this.base,
      live: overlayLive(this.base.live, liveDays),
      ...(liveDays ? { liveDays } : {}),
      via: this.mode,
    });
  }

  private async connect(): Promise<void> {
    if (this.stopped) return;
    const connection = new AbortController();
    this.connection = connection;
    const ending = await this.read(connection);
    clearTimeout(this.silenceTimer);
    connection.abort();
    this.connection = undefined;
    if (this.stopped) return;
    if (ending.kind === "reconnect" || ending.kind === "ended") {
      this.retryTimer = setTimeout(() => void this.connect(), this.timings.reconnectMs);
      return;
    }
    this.failures++;
    if (this.mode === "stream" || this.cells) {
      this.mode = "poll";
      this.cells = undefined;
      this.emit();
      void this.reload();
    }
    const backoff = Math.min(
      this.timings.retryCapMs,
      this.timings.retryFirstMs * 2 ** (this.failures - 1),
    );
    this.retryTimer = setTimeout(() => void this.connect(), ending.retryAfterMs ?? backoff);
  }

  /** One connection, from the request to its end. */
  private async read(connection: AbortController): Promise<Ending> {
    let delivered = false;
    try {
      const answer = await this.open(this.query, connection.signal);
      if (!answer.ok) {
        return {
          kind: "failed",
          ...(answer.retryAfterMs !== undefined ? { retryAfterMs: answer.retryAfterMs } : {}),
        };
      }
      this.armSilence(connection);
      for await (const item of answer.items) {
        if (this.stopped) return { kind: "ended" };
        this.armSilence(connection);
        if (item.event === "snapshot" || item.event === "change") {
          this.apply(item.event, JSON.parse(item.data) as LiveEventBody);
          delivered = true;
        } else if (item.event === "mode") {
          // The live state is on its fallback: the stream has sent what it could and ends.
          return { kind: "poll" };
        } else if (item.event === "reconnect") {
          return { kind: "reconnect" };
        }
      }
    } catch {
      return { kind: "failed" };
    }
    // Closed by the silence timer: the connection was dead, not ended by the server.
    return { kind: delivered && !connection.signal.aborted ? "ended" : "failed" };
  }

  private armSilence(connection: AbortController): void {
    clearTimeout(this.silenceTimer);
    this.silenceTimer = setTimeout(() => connection.abort(), this.timings.silenceMs);
  }

  /** A snapshot replaces the cells, a change replaces the cells it names. */
  private apply(kind: "snapshot" | "change", body: LiveEventBody): void {
    const before = this.cells;
    const cells = kind === "snapshot" ? new Map<string, LiveDay>() : new Map(before ?? []);
    for (const day of body.days) cells.set(cellKey(day), day);
    this.cells = cells;
    let booked = false;
    if (before) {
      for (const day of body.days) {
        if (bookedOf(before.get(cellKey(day))) !== bookedOf(day)) booked = true;
      }
    }
    if (this.mode !== "stream") {
      this.mode = "stream";
      this.failures = 0;
      if (!this.loading) this.scheduleLoad();
    }
    // A booking, a cancel or a move changes a cell's booked entries: the appointments changed.
    if (booked) void this.reload();
    this.emit();
  }
}

/**
 * The real opener: `GET /v1/admin/live` for the query's dates (and staff member) with `fetch`, so
 * that the business session goes in `Authorization` as on every other call (EventSource cannot
 * send it, and a token in a URL ends up in logs). A 401 ends the session (`onUnauthorized`).
 */
export function adminLiveOpener(token: () => string | undefined, onUnauthorized: () => void) {
  return async (query: WatchQuery, signal: AbortSignal): Promise<StreamAnswer> => {
    const bearer = token();
    const from = query.dates[0];
    const to = query.dates[query.dates.length - 1];
    if (!bearer || !from || !to) return { ok: false, status: 0 };
    const params = new URLSearchParams({ from, to });
    if (query.staffId) params.set("staffId", query.staffId);
    let res: Response;
    try {
      res = await fetch(`/v1/admin/live?${params}`, {
        headers: { Accept: "text/event-stream", Authorization: `Bearer ${bearer}` },
        credentials: "same-origin",
        signal,
      });
    } catch {
      return { ok: false, status: 0 };
    }
    if (!res.ok || !res.body) {
      if (res.status === 401) onUnauthorized();
      const retry = Number(res.headers.get("Retry-After"));
      void res.body?.cancel().catch(() => undefined);
      return {
        ok: false,
        status: res.status,
        ...(Number.isFinite(retry) && retry > 0 ? { retryAfterMs: retry * 1000 } : {}),
      };
    }
    return { ok: true, items: streamItems(res.body) };
  };
}

/** A streamed body as events, with `alive` after every chunk (pings included). */
async function* streamItems(body: ReadableStream<Uint8Array>): AsyncGenerator<StreamItem> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  const events: SseEvent[] = [];
  const parse = sseParser({ onEvent: (event) => events.push(event), onRetry: () => undefined });
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      parse(decoder.decode(value, { stream: true }));
      yield { event: "alive", id: undefined, data: "" };
      for (const event of events.splice(0)) yield event;
    }
  } finally {
    void reader.cancel().catch(() => undefined);
  }
}
