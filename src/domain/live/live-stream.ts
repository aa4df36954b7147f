/**
 * GET /v1/live: one staff member's live state on one local date, pushed (docs/architecture/live-push.md). The stream
 * takes its place under the per-address limit, subscribes to the date's changes, then reads the
 * date once (its snapshot: the heartbeat's answer, `id` = its version), and from then on keeps
 * the date's entries itself:
 * each published change is applied in memory and, when the version the heartbeat would give
 * moves, sent as a `change` with the full slot list. No Redis call per change.
 *
 * Expiries publish nothing. A hold or a booking expires when the stream was told it does (an
 * extension is published); a viewing marker is kept alive by its client's heartbeats, which do
 * not publish, so at a marker's known expiry the stream re-reads the date. Every CHECK_MS the
 * stream also reads (renewing its lease under the per-address limit): that read finds Redis
 * gone, and a subscription that stopped delivering. While Redis is unavailable the stream sends
 * `mode: poll` and ends; the client polls the heartbeat instead.
 *
 * A stream's whole life (subscription, reads, expiries, checks, lease) is one state machine, and
 * its invariants read best in one place.
 *
 * A client that leaves says nothing: the stream learns it only when a write fails. So a ping
 * goes out every PING_MS (no Redis call), a failed write ends the stream and frees its place at
 * once, and the stream keeps its request alive (`defer`) until it ends: the Workers runtime
 * otherwise stops running a request whose client is gone, and its place would stay taken until
 * the lease lapsed.
 */
import { DomainError } from "../errors.ts";
import type { DomainContext } from "../ports.ts";
import { isSupportedDate, SUPPORTED_DATES_TEXT } from "../time/supported-range.ts";
import {
  type HeartbeatResult,
  liveVersion,
  liveWindow,
  onLocalDate,
  presentSlots,
} from "./heartbeat.ts";
import { redeemLiveTicket } from "./live-tickets.ts";
import { clientTag } from "./tokens.ts";
import type { LiveChange, WatchedEntry, WatchOutcome } from "./types.ts";

/**
 * A comment every 3 s: it keeps proxies from closing an idle stream, and its write is what finds
 * a client that left (a failed write ends the stream). It costs no Redis call. The first write
 * after a client left can still be accepted (by the socket, or a proxy in between: measured under
 * `wrangler dev`), so finding it takes up to two pings: 6 s, well inside the 10 s promised even
 * on a busy isolate.
 */
export const PING_MS = 3_000;
/** The periodic read (lease renewal, subscription check) every 25 s. */
export const CHECK_MS = 25_000;
/** A stream ends (with `reconnect`) after 5 minutes: its client opens a new one. */
export const STREAM_LIFETIME_MS = 5 * 60_000;
/** Open streams per client address (IPv6: per /64). */
export const STREAMS_PER_ADDRESS = 10;
/**
 * A stream's place under the limit lapses unless renewed (at every check): the heal for a stream
 * whose isolate died, so that nothing of it runs any more. A live stream frees it itself.
 */
const LEASE_MS = 3 * CHECK_MS;
/** How long a periodic read may disagree with the messages before the subscription counts as lost. */
const CONFIRM_MS = 2_000;
/** Re-reads at a marker's expiry are spread over this much, so a crowd does not read at once. */
const EXPIRY_SPREAD_MS = 250;

/** The body of `snapshot` and `change`: the heartbeat's answer. */
export interface LiveBody {
  serverTime: string;
  storage: "redis";
  version: string;
  slots: NonNullable<HeartbeatResult["slots"]>;
}

export type LiveStreamEvent =
  | { kind: "snapshot" | "change"; id: string; body: LiveBody }
  | { kind: "mode"; mode: "poll" }
  | { kind: "reconnect" }
  | { kind: "ping" };

/** Where a stream writes. `send` answers false when the client is gone. */
export interface LiveStreamSink {
  send(event: LiveStreamEvent): boolean;
  end(): void;
}

export interface LiveStreamInput {
  staffId: string;
  date: string;
  /**
   * Who watches, for `mine`: its client id (the X-Client-Id header), or a ticket that stands for
   * one (live-tickets.ts), or neither (nothing is `mine`). Not both.
   */
  clientId?: string | undefined;
  ticket?: string | undefined;
  /** The client's address group (src/http/client-ip.ts), for the per-address limit. */
  ipGroup: string;
  /** The version the client last saw (Last-Event-ID): no snapshot when it is still current. */
  lastEventId?: string | undefined;
}

/**
 * Opens the stream: subscribes, reads the date, sends the snapshot. Throws BAD_REQUEST for a bad
 * date or ticket (a ticket is spent by being presented) and RATE_LIMITED when the address has its
 * streams open (nothing is sent then). When push is unavailable (Redis down, the isolate on the
 * fallback) it sends `mode: poll` and ends. `close()` on the result stops it (the client went
 * away).
 */
export async function openLiveStream({
  ctx,
  input,
  sink,
}: {
  ctx: DomainContext;
  input: LiveStreamInput;
  sink: LiveStreamSink;
}): Promise<{ close(): void }> {
  if (!isSupportedDate(input.date)) {
    throw new DomainError(
      "BAD_REQUEST",
      `query.date: must be a calendar date YYYY-MM-DD ${SUPPORTED_DATES_TEXT}`,
    );
  }
  const stream = new LiveStream(ctx, input, await watcherTag(ctx, input), sink);
  await stream.open();
  return stream;
}

/** The client tag the stream marks `mine` for; "" (nothing is mine) without a client id. */
async function watcherTag(ctx: DomainContext, input: LiveStreamInput): Promise<string> {
  if (input.ticket !== undefined && input.clientId !== undefined)
    throw new DomainError(
      "BAD_REQUEST",
      "query.ticket: send either the X-Client-Id header or a ticket, not both",
    );
  if (input.ticket !== undefined)
    return redeemLiveTicket({
      ctx,
      input: { ticket: input.ticket, staffId: input.staffId, date: input.date },
    });
  return input.clientId === undefined ? "" : clientTag(input.clientId);
}

/** The live entries on `date` at `nowMs` (as the heartbeat keeps them). */
function liveOnDate(entries: Iterable<WatchedEntry>, date: string, nowMs: number): WatchedEntry[] {
  return onLocalDate(
    [...entries].filter((e) => e.expiresAtMs > nowMs),
    date,
  );
}

/** The version a read's entries give now. */
function versionOf(entries: WatchedEntry[], stream: { nowMs(): number; date: string }): string {
  return liveVersion(liveOnDate(entries, stream.date, stream.nowMs()));
}

class LiveStream {
  private readonly id = crypto.randomUUID();
  private readonly entries = new Map<string, WatchedEntry>();
  /** Changes that arrive while a read is in flight, applied on top of its result. */
  private pending: LiveChange[][] | null = [];
  private version = "";
  private subscription: { close(): void } | null = null;
  private readonly timers = new Map<string, ReturnType<typeof setTimeout>>();
  private reading = false;
  /** Messages received so far (a subscription that still delivers is alive). */
  private received = 0;
  private readAgain = false;
  private closed = false;
  /** Resolves when the stream closes: the request is kept alive until then. */
  private readonly ended: Promise<void>;
  private markEnded: () => void = () => {};
  /** The admitting read was sent: a lease may exist (even if that read failed or was refused). */
  private leaseAsked = false;

  readonly date: string;

  constructor(
    private readonly ctx: DomainContext,
    private readonly input: LiveStreamInput,
    private readonly tag: string,
    private readonly sink: LiveStreamSink,
  ) {
    this.date = input.date;
    this.ended = new Promise((resolve) => {
      this.markEnded = resolve;
    });
  }

  nowMs(): number {
    return this.ctx.clock.nowMs();
  }

  /**
   * Takes the stream's place under the address's limit first (a refused stream opens no
   * subscription), then subscribes, then reads the date: a change published after that read
   * arrives as a message, one published before it is in the read.
   */
  async open(): Promise<void> {
    // Until the stream ends, its timers must run even when its client has left: that is how the
    // failed write is seen and the lease freed.
    this.ctx.defer(() => this.ended);
    if (!this.ctx.livePush) return this.poll();
    const admitted = await this.readOrClose(STREAMS_PER_ADDRESS);
    // Closed meanwhile (the client went): the lease just taken goes too.
    if (this.closed) return this.releaseLease();
    if (admitted.kind === "poll") return this.poll();
    if (admitted.kind === "limit") {
      this.close();
      throw new DomainError(
        "RATE_LIMITED",
        `Too many live streams open from this address (at most ${STREAMS_PER_ADDRESS}); close one, or poll POST /v1/heartbeat.`,
        {
          retryAfterSeconds: Math.max(
            1,
            Math.ceil((admitted.untilMs - this.ctx.clock.nowMs()) / 1000),
          ),
        },
      );
    }
    try {
      this.subscription = await this.ctx.livePush.subscribe({
        staffId: this.input.staffId,
        date: this.input.date,
        clientTag: this.tag,
        onChanges: (changes) => this.onChanges(changes),
        onEnd: () => void this.onSubscriptionEnd(),
      });
    } catch {
      return this.poll(); // the store cannot subscribe now: the client polls
    }
    const outcome = await this.readOrClose(0);
    if (this.closed) return;
    if (outcome.kind !== "ok") return this.poll();
    this.adopt(outcome.entries);
    this.version = this.current().version;
    if (this.input.lastEventId !== this.version) this.emit("snapshot");
    this.schedule("ping", PING_MS, () => this.ping());
    this.schedule("check", Math.floor(Math.random() * CHECK_MS), () => this.check());
    this.schedule("lifetime", STREAM_LIFETIME_MS, () => this.finish({ kind: "reconnect" }));
    this.scheduleExpiry();
  }

  /** An opening read; when it fails (503 OVERLOADED: Redis answered too late) the stream closes. */
  private async readOrClose(most: number): Promise<WatchOutcome> {
    this.leaseAsked = true;
    try {
      return await this.read(most);
    } catch (error) {
      this.close(); // its lease, if the read took one, is dropped
      throw error;
    }
  }

  /** The stream's read: the date's entries, with its lease (`most` > 0 only when admitting). */
  private read(most: number): Promise<WatchOutcome> {
    const read = this.ctx.liveState.watch({
      staffId: this.input.staffId,
      clientTag: this.tag,
      ...liveWindow(this.input.date),
      stream: { id: this.id, ipGroup: this.input.ipGroup, leaseMs: LEASE_MS, most },
      nowMs: this.ctx.clock.nowMs(),
    });
    // A read renews the lease: one that lands after the stream closed must not leave it behind.
    void read.then(
      () => this.closed && this.releaseLease(),
      () => this.closed && this.releaseLease(),
    );
    return read;
  }

  private onChanges(changes: LiveChange[]): void {
    if (this.closed) return;
    this.received++;
    if (this.pending) {
      this.pending.push(changes);
      return;
    }
    this.apply(changes);
    this.publish();
    this.scheduleExpiry();
  }

  private apply(changes: LiveChange[]): void {
    for (const change of changes) {
      if (change.kind === "gone") this.entries.delete(change.id);
      else this.entries.set(change.entry.id, change.entry);
    }
  }

  /**
   * Replaces the entries by a read's, then applies what arrived meanwhile: a change published
   * before the read ran is applied again, which ends in the same state (each change sets or
   * deletes whole entries, in publication order).
   */
  private adopt(entries: WatchedEntry[]): void {
    this.entries.clear();
    for (const entry of entries) this.entries.set(entry.id, entry);
    for (const changes of this.pending ?? []) this.apply(changes);
    this.pending = null;
  }

  /** The live entries on the stream's date now, and their version (as the heartbeat computes them). */
  private current(): { version: string; nowMs: number; onDate: WatchedEntry[] } {
    const nowMs = this.ctx.clock.nowMs();
    const onDate = liveOnDate(this.entries.values(), this.input.date, nowMs);
    return { version: liveVersion(onDate), nowMs, onDate };
  }

  /** Sends a `change` when the version moved. */
  private publish(): void {
    const now = this.current();
    if (now.version !== this.version) this.emit("change", now);
  }

  private emit(kind: "snapshot" | "change", now = this.current()): void {
    const { version, nowMs, onDate } = now;
    this.version = version;
    const body: LiveBody = {
      serverTime: new Date(nowMs).toISOString(),
      storage: "redis",
      version,
      slots: presentSlots(onDate),
    };
    this.send({ kind, id: version, body });
  }

  private send(event: LiveStreamEvent): void {
    if (this.closed) return;
    if (!this.sink.send(event)) this.close(); // the client is gone
  }

  /** At the next expiry: holds and bookings lapse as known; a marker's expiry is re-read. */
  private scheduleExpiry(): void {
    const nowMs = this.ctx.clock.nowMs();
    let next = Number.POSITIVE_INFINITY;
    let marker = false;
    for (const e of this.entries.values()) {
      // A lapsed hold or booking is gone; a lapsed marker may have been kept alive: re-read.
      if (e.expiresAtMs <= nowMs && e.kind !== "viewing") this.entries.delete(e.id);
      else if (e.expiresAtMs < next) [next, marker] = [e.expiresAtMs, e.kind === "viewing"];
    }
    this.clear("expiry");
    if (next === Number.POSITIVE_INFINITY) return;
    const spread = marker ? Math.floor(Math.random() * EXPIRY_SPREAD_MS) : 0;
    const delay = Math.max(0, next - nowMs) + spread;
    this.schedule("expiry", delay, () => {
      if (marker) void this.reread();
      else {
        this.publish();
        this.scheduleExpiry();
      }
    });
  }

  /** Every PING_MS a comment; if its write fails, the client is gone and `send` closes. */
  private ping(): void {
    this.send({ kind: "ping" });
    this.schedule("ping", PING_MS, () => this.ping());
  }

  /** Every CHECK_MS: a read that renews the lease and checks the subscription. */
  private check(): void {
    this.schedule("check", CHECK_MS, () => this.check());
    void this.verify();
  }

  /**
   * The periodic read: renews the lease, finds Redis gone (`mode: poll`), and checks that the
   * subscription still delivers. A read that disagrees with what the messages built is normal
   * while a message is on its way; when no message at all arrives in the next CONFIRM_MS, the
   * subscription was lost silently (@upstash/redis does not report a stream that ends after it
   * opened): the stream re-reads, sends the state, and ends; its client reconnects. The periodic
   * read is not adopted: that could skip a version whose message is on its way.
   */
  private async verify(): Promise<void> {
    if (this.reading) return; // a re-read is on its way: it checks the same thing
    const received = this.received;
    let outcome: WatchOutcome;
    try {
      outcome = await this.read(0);
    } catch {
      return; // busy (answered too late) or odd: the next check tries again
    }
    if (this.closed) return;
    if (outcome.kind === "poll") return this.poll();
    if (outcome.kind !== "ok" || versionOf(outcome.entries, this) === this.current().version)
      return;
    this.schedule("confirm", CONFIRM_MS, () => {
      if (this.received !== received) return; // messages still arrive: the subscription lives
      // Still no message: read again, and end only if the state still disagrees (an expiry
      // re-read may have settled it meanwhile).
      void this.read(0).then(
        (again) => {
          if (this.closed) return;
          if (again.kind === "poll") return this.poll();
          if (again.kind !== "ok" || versionOf(again.entries, this) === this.current().version)
            return;
          this.adopt(again.entries);
          this.publish();
          this.finish();
        },
        () => undefined, // busy: the next check tries again
      );
    });
  }

  /** Reads the date again and adopts it; one at a time. Redis unavailable: `mode: poll`, end. */
  private async reread(): Promise<void> {
    if (this.reading) {
      this.readAgain = true;
      return;
    }
    this.reading = true;
    this.pending = [];
    let outcome: WatchOutcome | null = null;
    try {
      outcome = await this.read(0);
    } catch {
      // Busy (answered too late) or odd: keep what is known, try again at the next expiry/check.
    }
    this.reading = false;
    if (this.closed) return;
    if (outcome?.kind === "poll") return this.poll();
    if (outcome?.kind === "ok") {
      this.adopt(outcome.entries);
      this.publish();
      this.scheduleExpiry();
    } else {
      this.adopt([...this.entries.values()]);
      this.publish();
      // Not at the next expiry (an expired marker kept would make that at once, again and
      // again while Redis is busy): at the next check's distance.
      this.schedule("expiry", CHECK_MS, () => void this.reread());
    }
    if (this.readAgain) {
      this.readAgain = false;
      void this.reread();
    }
  }

  /** The subscription failed: `mode: poll` when Redis is gone, else end (the client reconnects). */
  private async onSubscriptionEnd(): Promise<void> {
    this.subscription = null;
    const outcome = await this.read(0).catch(() => null);
    if (outcome?.kind === "poll") this.poll();
    else this.finish();
  }

  private poll(): void {
    this.finish({ kind: "mode", mode: "poll" });
  }

  private finish(last?: LiveStreamEvent): void {
    if (this.closed) return;
    if (last) this.send(last);
    this.sink.end();
    this.close();
  }

  /** Stops everything the stream holds: timers, the subscription, its lease. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
    this.subscription?.close();
    this.subscription = null;
    this.releaseLease();
    this.markEnded();
  }

  /**
   * Drops the stream's place under the per-address limit once the admitting read was sent
   * (idempotent: a lease that a read still in flight may take, or one never taken, goes too),
   * kept alive past the response.
   */
  private releaseLease(): void {
    if (!this.leaseAsked) return;
    const released = this.ctx.liveState
      .unwatch({ streamId: this.id, ipGroup: this.input.ipGroup })
      .catch(() => undefined); // a lease not released lapses by itself
    this.ctx.defer(() => released);
  }

  private schedule(name: string, delayMs: number, run: () => void): void {
    if (this.closed) return;
    this.clear(name);
    this.timers.set(
      name,
      setTimeout(() => {
        this.timers.delete(name);
        if (!this.closed) run();
      }, delayMs),
    );
  }

  private clear(name: string): void {
    const timer = this.timers.get(name);
    if (timer !== undefined) clearTimeout(timer);
    this.timers.delete(name);
  }
}
