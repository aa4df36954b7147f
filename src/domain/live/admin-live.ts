/**
 * The business's live stream (GET /v1/admin/live): for signed-in business users, the live entries
 * (viewing, held, booked) of several staff members over up to 14 local dates, in one stream.
 *
 * Unlike the public stream (live-stream.ts) it does not subscribe: a range of staff members and
 * dates is up to hundreds of channels, and the public stream's per-channel bookkeeping (message
 * order, marker expiries, lost subscriptions) would be multiplied by them. It re-reads the range
 * every `ADMIN_READ_MS` instead, with one `live_watch` call per staff member covering all the
 * dates (a staff member's keys share one Redis Cluster slot, `{<prefix>live:<staffId>}`; two staff
 * members' keys do not, so one script cannot read both), and sends a `change` carrying the
 * (staff, date) cells whose version moved. A read is the whole truth, so nothing can be missed
 * between reads, and a failover needs no special care: a read that finds Redis gone is served by
 * the fallback, which answers "poll". docs/adr/0807-admin-live-stream.md has the reasons.
 */
import { DomainError } from "../errors.ts";
import type { DomainContext } from "../ports.ts";
import { addDays } from "../time/zoned-time.ts";
import { liveVersion, liveWindow, onLocalDate, presentSlots } from "./heartbeat.ts";
import { PING_MS, STREAM_LIFETIME_MS } from "./live-stream.ts";
import type { LiveEntry } from "./types.ts";

/** How often the stream re-reads its range (one store call per staff member). */
export const ADMIN_READ_MS = 2_000;
/** Open business streams per credential (API key, business account, or the ADMIN_TOKEN). */
export const ADMIN_STREAMS_PER_CREDENTIAL = 3;
/** The widest range one stream covers, counting both ends. */
export const ADMIN_LIVE_MAX_DAYS = 14;
/**
 * The most staff members one stream reads (each costs a store call per read): a larger business
 * names one staff member per stream.
 */
export const ADMIN_LIVE_MAX_STAFF = 25;
/** A stream's place lapses unless a read renews it: the heal for a stream whose isolate died. */
const LEASE_MS = 5 * ADMIN_READ_MS;

/** One (staff member, local date) of the range: its live entries, without anyone's identity. */
export interface AdminLiveDay {
  staffId: string;
  date: string;
  /** The cell's version, as the heartbeat computes it for a client that owns nothing. */
  version: string;
  slots: { start: string; end: string; state: LiveEntry["kind"] }[];
}

/** The body of `snapshot` (every cell of the range) and `change` (the cells that changed). */
export interface AdminLiveBody {
  serverTime: string;
  storage: "redis" | "fallback";
  version: string;
  days: AdminLiveDay[];
}

export type AdminLiveEvent =
  | { kind: "snapshot" | "change"; id: string; body: AdminLiveBody }
  | { kind: "mode"; mode: "poll" }
  | { kind: "reconnect" }
  | { kind: "ping" };

export interface AdminLiveSink {
  send(event: AdminLiveEvent): boolean;
  end(): void;
}

export interface AdminLiveInput {
  staffIds: string[];
  from: string;
  to: string;
  /** Whose places the stream counts against: one group per credential. */
  credential: string;
  lastEventId?: string | undefined;
}

/** The local dates from `from` to `to`, both included. */
export function datesOf(from: string, to: string): string[] {
  const dates: string[] = [];
  for (let d = from; d <= to && dates.length <= ADMIN_LIVE_MAX_DAYS; d = addDays(d, 1))
    dates.push(d);
  return dates;
}

/** The stream's version: the cells' versions in one FNV-1a hash (a changed cell changes it). */
export function rangeVersion(days: readonly AdminLiveDay[]): string {
  const canonical = days.map((d) => `${d.staffId}|${d.date}|${d.version}`).join("\n");
  let hash = 0x811c9dc5;
  for (let i = 0; i < canonical.length; i++) {
    hash ^= canonical.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return `${days.length.toString(36)}-${hash.toString(36)}`;
}

/** The cells of the range from each staff member's entries (anything `mine` is dropped). */
export function cellsOf(
  entriesByStaff: ReadonlyMap<string, readonly LiveEntry[]>,
  dates: readonly string[],
  nowMs: number,
): AdminLiveDay[] {
  const days: AdminLiveDay[] = [];
  for (const [staffId, entries] of entriesByStaff) {
    const live = entries
      .filter((e) => e.expiresAtMs > nowMs)
      .map((e) => ({ ...e, mine: false as const }));
    for (const date of dates) {
      const onDate = onLocalDate(live, date);
      days.push({
        staffId,
        date,
        version: liveVersion(onDate),
        slots: presentSlots(onDate).map(({ start, end, state }) => ({ start, end, state })),
      });
    }
  }
  return days;
}

/**
 * Opens the stream: takes its place under the credential's limit, reads the range, sends the
 * snapshot (none when `lastEventId` is still current). RATE_LIMITED when the credential has its
 * streams open. On the fallback it sends one snapshot read from the fallback and `mode: poll`, and
 * ends. `close()` on the result stops it (the client went away).
 */
export async function openAdminLiveStream({
  ctx,
  input,
  sink,
}: {
  ctx: DomainContext;
  input: AdminLiveInput;
  sink: AdminLiveSink;
}): Promise<{ close(): void }> {
  const stream = new AdminLiveStream(ctx, input, sink);
  await stream.open();
  return stream;
}

type ReadOutcome =
  | { kind: "ok"; days: AdminLiveDay[] }
  | { kind: "limit"; untilMs: number }
  | { kind: "poll" };

class AdminLiveStream {
  private readonly id = crypto.randomUUID();
  private readonly dates: string[];
  private readonly window: { fromMs: number; toMs: number };
  private versions = new Map<string, string>();
  private version = "";
  private closed = false;
  private leaseAsked = false;
  private readTimer: ReturnType<typeof setTimeout> | undefined;
  private lifetimeTimer: ReturnType<typeof setTimeout> | undefined;
  private pinger: ReturnType<typeof setInterval> | undefined;
  private reading = false;
  private markEnded: () => void = () => {};
  private readonly ended = new Promise<void>((resolve) => {
    this.markEnded = resolve;
  });

  constructor(
    private readonly ctx: DomainContext,
    private readonly input: AdminLiveInput,
    private readonly sink: AdminLiveSink,
  ) {
    this.dates = datesOf(input.from, input.to);
    this.window = {
      fromMs: liveWindow(input.from).fromMs,
      toMs: liveWindow(input.to).toMs,
    };
  }

  async open(): Promise<void> {
    // Until the stream ends its timers must run even when its client has left: that is how the
    // failed write is seen and the place freed.
    this.ctx.defer(() => this.ended);
    const first = await this.read(ADMIN_STREAMS_PER_CREDENTIAL);
    if (this.closed) return this.releaseLease();
    if (first.kind === "limit") {
      this.close();
      throw new DomainError(
        "RATE_LIMITED",
        `Too many business live streams open for this credential (at most ${ADMIN_STREAMS_PER_CREDENTIAL}); close one.`,
        {
          retryAfterSeconds: Math.max(
            1,
            Math.ceil((first.untilMs - this.ctx.clock.nowMs()) / 1000),
          ),
        },
      );
    }
    if (first.kind === "poll") return this.fallbackAnswer();
    this.adopt(first.days, "snapshot");
    this.pinger = setInterval(() => this.send({ kind: "ping" }), PING_MS);
    this.lifetimeTimer = setTimeout(() => {
      this.send({ kind: "reconnect" });
      this.close();
    }, STREAM_LIFETIME_MS);
    this.scheduleRead();
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.readTimer);
    clearTimeout(this.lifetimeTimer);
    if (this.pinger !== undefined) clearInterval(this.pinger);
    this.sink.end();
    this.releaseLease();
    this.markEnded();
  }

  /** Reads each staff member's range: the first call alone (it takes the place), then the rest. */
  private async read(most: number): Promise<ReadOutcome> {
    const nowMs = this.ctx.clock.nowMs();
    const watch = (staffId: string) => {
      this.leaseAsked = true;
      return this.ctx.liveState.watch({
        staffId,
        clientTag: "",
        ...this.window,
        stream: { id: this.id, ipGroup: this.input.credential, leaseMs: LEASE_MS, most },
        nowMs,
      });
    };
    const [firstStaff, ...others] = this.input.staffIds;
    const byStaff = new Map<string, LiveEntry[]>();
    if (firstStaff === undefined) return { kind: "ok", days: [] };
    try {
      const first = await watch(firstStaff);
      if (first.kind !== "ok") return first;
      byStaff.set(firstStaff, first.entries);
      const rest = await Promise.all(others.map(watch));
      for (const [i, outcome] of rest.entries()) {
        if (outcome.kind !== "ok") return outcome;
        byStaff.set(others[i] as string, outcome.entries);
      }
    } catch {
      return { kind: "poll" }; // the store failed outright: the client polls
    }
    return { kind: "ok", days: cellsOf(byStaff, this.dates, nowMs) };
  }

  /**
   * The fallback cannot stream: one snapshot read from it (one query per staff member, no
   * identities), then `mode: poll`, and the stream ends. Reopening the stream is the poll.
   */
  private async fallbackAnswer(): Promise<void> {
    try {
      const nowMs = this.ctx.clock.nowMs();
      const byStaff = new Map<string, LiveEntry[]>();
      for (const staffId of this.input.staffIds) {
        const entries: LiveEntry[] = [];
        let cursor = "0";
        do {
          const page = await this.ctx.liveState.scan({ cursor, staffId, nowMs });
          for (const e of page.entries)
            if (
              e.staffId === staffId &&
              e.endMs > this.window.fromMs &&
              e.startMs < this.window.toMs
            )
              entries.push({ ...e, mine: false });
          cursor = page.cursor;
        } while (cursor !== "0");
        byStaff.set(staffId, entries);
      }
      this.adopt(cellsOf(byStaff, this.dates, nowMs), "snapshot", "fallback");
    } catch {
      // Neither store answers: the client is told to poll, and finds out when it does.
    }
    this.send({ kind: "mode", mode: "poll" });
    this.close();
  }

  private scheduleRead(): void {
    if (this.closed) return;
    this.readTimer = setTimeout(() => void this.periodicRead(), ADMIN_READ_MS);
  }

  private async periodicRead(): Promise<void> {
    if (this.closed || this.reading) return;
    this.reading = true;
    // `most` stays set: a place that lapsed (a stalled isolate) is taken again only if free.
    const outcome = await this.read(ADMIN_STREAMS_PER_CREDENTIAL);
    this.reading = false;
    // Closed meanwhile: the place this read may have renewed goes too.
    if (this.closed) return this.releaseLease();
    if (outcome.kind === "poll") {
      // Failed over (or Redis failed): the client polls, as on the public stream.
      this.send({ kind: "mode", mode: "poll" });
      return this.close();
    }
    if (outcome.kind === "limit") {
      this.send({ kind: "reconnect" });
      return this.close();
    }
    this.adopt(outcome.days, "change");
    this.scheduleRead();
  }

  /** Sends the snapshot, or a `change` with the cells whose version moved. */
  private adopt(
    days: AdminLiveDay[],
    kind: "snapshot" | "change",
    storage: AdminLiveBody["storage"] = "redis",
  ): void {
    const version = rangeVersion(days);
    const changed =
      kind === "snapshot"
        ? days
        : days.filter((d) => this.versions.get(`${d.staffId}@${d.date}`) !== d.version);
    const moved = version !== this.version;
    this.version = version;
    this.versions = new Map(days.map((d) => [`${d.staffId}@${d.date}`, d.version]));
    if (kind === "snapshot" && this.input.lastEventId === version) return;
    if (kind === "change" && !moved) return;
    this.send({
      kind,
      id: version,
      body: {
        serverTime: new Date(this.ctx.clock.nowMs()).toISOString(),
        storage,
        version,
        days: changed,
      },
    });
  }

  private send(event: AdminLiveEvent): void {
    if (this.closed) return;
    if (!this.sink.send(event)) this.close(); // the client is gone
  }

  /** Frees the stream's place (best effort; a place not freed lapses with its lease). */
  private releaseLease(): void {
    if (!this.leaseAsked) return;
    const released = this.ctx.liveState
      .unwatch({ streamId: this.id, ipGroup: this.input.credential })
      .catch(() => undefined);
    this.ctx.defer(() => released);
  }
}
