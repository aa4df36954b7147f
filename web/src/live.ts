/**
 * Live state of one staff member on one date: pushed by `GET /v1/live` (Server-Sent Events:
 * `snapshot`, `change`, `mode`, `reconnect`; `id:` is the version; snapshot and change carry the
 * heartbeat's answer) when the server offers it, and otherwise by `POST /v1/heartbeat` once a
 * second. The page works the same with either, and goes back to the stream when it can.
 *
 * The stream is read with `fetch`, not EventSource, so that the client id travels in the
 * `X-Client-Id` header as on every other call: it never goes in a URL (URLs end up in logs, and
 * whoever has the client id can fill its hold limit).
 *
 * The server counts open streams per address and learns that a stream's client left only a few
 * seconds later, so this tab counts its own (stream-places.ts): a feed that finds no place polls
 * meanwhile and opens its stream when one frees, instead of being refused. A refusal from the
 * server all the same (another tab, another visitor behind the same address), a 404 or
 * `mode: poll` make it poll and try the stream again later, with a growing wait: never for good.
 */
import { call } from "./api.ts";
import { sseParser } from "./sse.ts";
import { StreamPlaces } from "./stream-places.ts";

export interface LiveEntry {
  start: string;
  end: string;
  state: "viewing" | "held" | "booked";
  mine: boolean;
}

interface LiveAnswer {
  serverTime?: string;
  version?: string;
  slots?: LiveEntry[];
}

export interface LiveFeedOptions {
  staffId: string;
  date: string;
  clientId: string;
  /** Whether this client has a time of this staff member selected (keeps its marker alive). */
  isViewing: () => boolean;
  onEntries: (entries: LiveEntry[]) => void;
  onServerTime?: (serverMs: number) => void;
}

const POLL_MS = 1000;
/** While streaming, a selection's marker is still refreshed by a heartbeat this often. */
const KEEPALIVE_MS = 4000;
/** The server pings every 3 s: this long without a byte, the connection is dead. */
const SILENCE_MS = 12_000;
/** Waits before trying the stream again after a failure: doubling from the first to the cap. */
const RETRY_FIRST_MS = 2_000;
const RETRY_CAP_MS = 30_000;

/** This tab's count of the places its streams take under the server's per-address limit. */
const places = new StreamPlaces();

/** How one connection ended, which decides what comes next. */
type Ending = "reconnect" | "poll" | "ended" | "failed";

export class LiveFeed {
  private connection: AbortController | undefined;
  /** The next heartbeat while polling (undefined: no poll is scheduled). */
  private pollTimer: ReturnType<typeof setTimeout> | undefined;
  private keepAliveTimer: ReturnType<typeof setTimeout> | undefined;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private version: string | undefined;
  private stopped = false;
  private inFlight = false;
  private again = false;
  /** Failed attempts since the stream last delivered the state (the wait grows with them). */
  private failures = 0;
  /** The server's `retry:` (how soon to reconnect after a stream it ended). */
  private reconnectMs = 1000;
  mode: "stream" | "poll" = "poll";

  constructor(private readonly options: LiveFeedOptions) {}

  start(): void {
    if (typeof ReadableStream === "undefined" || typeof AbortController === "undefined")
      this.poll();
    else void this.connect();
  }

  /** Closes the stream (its place frees on the server within RELEASE_LAG_MS) and stops. */
  stop(): void {
    this.stopped = true;
    this.connection?.abort();
    clearTimeout(this.pollTimer);
    clearTimeout(this.keepAliveTimer);
    clearTimeout(this.retryTimer);
  }

  /** Ask now (after this client changed something), instead of at the next tick. */
  refresh(): void {
    if (this.stopped) return;
    if (this.mode === "stream") {
      if (this.options.isViewing()) void this.beat();
    } else if (this.inFlight) {
      this.again = true;
    } else {
      clearTimeout(this.pollTimer);
      this.pollTimer = undefined;
      void this.beat();
    }
  }

  private accept(answer: LiveAnswer): void {
    if (answer.serverTime) this.options.onServerTime?.(Date.parse(answer.serverTime));
    if (answer.version) this.version = answer.version;
    if (answer.slots) this.options.onEntries(answer.slots);
  }

  /** Opens the stream when this tab has a place for it; polls until then. */
  private async connect(): Promise<void> {
    clearTimeout(this.retryTimer);
    if (this.stopped || this.connection) return;
    const place = places.take();
    if (!place) {
      this.poll();
      const wait = places.freeInMs();
      this.retryIn(Number.isFinite(wait) ? wait + 250 : this.backoffMs());
      return;
    }
    const connection = new AbortController();
    this.connection = connection;
    const ending = await this.stream(connection.signal);
    this.connection = undefined;
    // Closed by this side (stop, silence) or dropped: the server learns it a little later.
    // Ended by the server, or refused by it: its place is already free there.
    place.release(ending.kind === "failed" && ending.admitted);
    if (this.stopped) return;
    if (ending.kind === "reconnect" || (ending.kind === "ended" && ending.delivered)) {
      this.retryIn(this.reconnectMs);
      return;
    }
    this.failures++;
    this.poll();
    this.retryIn(this.backoffMs(ending.retryAfterMs));
  }

  /**
   * One connection, from the request to its end. `admitted`: the server answered the stream (so
   * it counts its place until it learns the client left); `delivered`: the state came through.
   */
  private async stream(signal: AbortSignal): Promise<{
    kind: Ending;
    admitted: boolean;
    delivered: boolean;
    retryAfterMs?: number;
  }> {
    const { staffId, date, clientId } = this.options;
    const headers: Record<string, string> = {
      Accept: "text/event-stream",
      "X-Client-Id": clientId,
    };
    if (this.version) headers["Last-Event-ID"] = this.version;
    let res: Response;
    try {
      res = await fetch(`/v1/live?${new URLSearchParams({ staffId, date })}`, {
        headers,
        signal,
        cache: "no-store",
        credentials: "same-origin",
      });
    } catch {
      // The request may have reached the server before the network failed.
      return { kind: "failed", admitted: true, delivered: false };
    }
    const type = res.headers.get("Content-Type") ?? "";
    if (!res.ok || !res.body || !type.startsWith("text/event-stream")) {
      void res.body?.cancel().catch(() => undefined);
      const retryAfterS = Number(res.headers.get("Retry-After"));
      return {
        kind: "failed",
        admitted: false,
        delivered: false,
        ...(retryAfterS > 0 ? { retryAfterMs: retryAfterS * 1000 } : {}),
      };
    }
    this.mode = "stream";
    clearTimeout(this.pollTimer);
    this.pollTimer = undefined;
    this.keepAlive();
    return this.read(res.body, signal);
  }

  /** Reads the stream until it ends; a silent connection is closed after SILENCE_MS. */
  private async read(
    body: ReadableStream<Uint8Array>,
    signal: AbortSignal,
  ): Promise<{ kind: Ending; admitted: true; delivered: boolean }> {
    const reader = body.getReader();
    const decoder = new TextDecoder();
    let ending: Ending | undefined;
    let delivered = false;
    const parse = sseParser({
      onRetry: (ms) => {
        this.reconnectMs = ms;
      },
      onEvent: (event) => {
        if (event.event === "snapshot" || event.event === "change") {
          delivered = true;
          this.failures = 0;
          try {
            this.accept(JSON.parse(event.data) as LiveAnswer);
          } catch {
            // A malformed event is ignored; the next one carries the whole state again.
          }
        } else if (event.event === "mode") {
          if (/"mode"\s*:\s*"poll"/.test(event.data)) ending = "poll";
        } else if (event.event === "reconnect") {
          ending = "reconnect";
        }
      },
    });
    let silence: ReturnType<typeof setTimeout> | undefined;
    let silent = false;
    const listen = () => {
      clearTimeout(silence);
      silence = setTimeout(() => {
        silent = true;
        void reader.cancel().catch(() => undefined);
      }, SILENCE_MS);
    };
    try {
      listen();
      for (;;) {
        const { value, done } = await reader.read();
        if (done || signal.aborted) break;
        listen();
        parse(decoder.decode(value, { stream: true }));
        if (ending) break;
      }
    } catch {
      ending = "failed";
    } finally {
      clearTimeout(silence);
      void reader.cancel().catch(() => undefined);
    }
    // Read to its end without a last word: the server ended it, unless this side cut it.
    ending ??= signal.aborted || silent ? "failed" : "ended";
    clearTimeout(this.keepAliveTimer);
    this.mode = "poll";
    return { kind: ending, admitted: true, delivered };
  }

  /** The wait before the next attempt: doubling with each failure, at least `atLeastMs`. */
  private backoffMs(atLeastMs = 0): number {
    const doubling = RETRY_FIRST_MS * 2 ** Math.min(Math.max(0, this.failures - 1), 8);
    const wait = Math.min(RETRY_CAP_MS, Math.max(atLeastMs, doubling));
    // Spread so that many feeds refused together do not come back together.
    return Math.round(wait * (0.8 + Math.random() * 0.4));
  }

  private retryIn(ms: number): void {
    clearTimeout(this.retryTimer);
    if (this.stopped) return;
    this.retryTimer = setTimeout(() => void this.connect(), ms);
  }

  private keepAlive(): void {
    this.keepAliveTimer = setTimeout(async () => {
      if (this.stopped || this.mode !== "stream") return;
      if (this.options.isViewing()) await this.beat();
      this.keepAlive();
    }, KEEPALIVE_MS);
  }

  /** Polls until the stream is back (a poll already under way goes on). */
  private poll(): void {
    if (this.stopped) return;
    this.mode = "poll";
    clearTimeout(this.keepAliveTimer);
    // A heartbeat in flight schedules the next one itself.
    if (this.inFlight || this.pollTimer !== undefined) return;
    void this.beat();
  }

  private async beat(): Promise<void> {
    const { staffId, date, clientId } = this.options;
    const body = {
      clientId,
      staffId,
      date,
      viewing: this.options.isViewing(),
      ...(this.version && this.mode === "poll" ? { since: this.version } : {}),
    };
    this.inFlight = true;
    const result = await call<LiveAnswer>("POST", "/v1/heartbeat", { body, timeoutMs: 8000 });
    this.inFlight = false;
    if (this.stopped) return;
    if (result.ok && this.mode === "poll") this.accept(result.body);
    if (this.mode !== "poll") return;
    let delay = result.ok ? POLL_MS : (result.retryAfterS ?? 3) * 1000;
    if (this.again && result.ok) delay = 0;
    this.again = false;
    clearTimeout(this.pollTimer);
    this.pollTimer = setTimeout(() => {
      this.pollTimer = undefined;
      void this.beat();
    }, delay);
  }
}
