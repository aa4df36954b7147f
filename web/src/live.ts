/**
 * Live state of one staff member on one date, by Server-Sent Events when the server offers them
 * (`GET /v1/live`, issue 15's contract: events `snapshot`, `change`, `mode`, `reconnect`; `id:` is
 * the version; snapshot and change carry the heartbeat's answer) and otherwise by
 * `POST /v1/heartbeat` once a second. The page works the same with either.
 */
import { call } from "./api.ts";

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

/** Once the stream has failed in this tab, every feed polls (no repeated 404s). */
let streamUnavailable = false;

export class LiveFeed {
  private source: EventSource | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private version: string | undefined;
  private stopped = false;
  private inFlight = false;
  private again = false;
  mode: "stream" | "poll" = "poll";

  constructor(private readonly options: LiveFeedOptions) {}

  start(): void {
    if (streamUnavailable || typeof EventSource === "undefined") this.poll();
    else this.stream();
  }

  stop(): void {
    this.stopped = true;
    this.source?.close();
    clearTimeout(this.timer);
  }

  /** Ask now (after this client changed something), instead of at the next tick. */
  refresh(): void {
    if (this.stopped) return;
    if (this.mode === "stream") {
      if (this.options.isViewing()) void this.beat();
    } else if (this.inFlight) {
      this.again = true;
    } else {
      clearTimeout(this.timer);
      void this.beat();
    }
  }

  private accept(answer: LiveAnswer): void {
    if (answer.serverTime) this.options.onServerTime?.(Date.parse(answer.serverTime));
    if (answer.version) this.version = answer.version;
    if (answer.slots) this.options.onEntries(answer.slots);
  }

  private stream(): void {
    const { staffId, date, clientId } = this.options;
    const query = new URLSearchParams({ staffId, date, clientId });
    const source = new EventSource(`/v1/live?${query}`);
    this.source = source;
    this.mode = "stream";
    let snapshot = false;
    const read = (event: MessageEvent<string>) => {
      try {
        this.accept(JSON.parse(event.data) as LiveAnswer);
      } catch {
        // A malformed event is ignored; the next one carries the whole state again.
      }
    };
    source.addEventListener("snapshot", (event) => {
      snapshot = true;
      read(event);
    });
    source.addEventListener("change", read);
    source.addEventListener("mode", (event) => {
      const mode = (JSON.parse(event.data || "{}") as { mode?: string }).mode;
      if (mode === "poll") this.fallBack();
    });
    source.addEventListener("reconnect", () => {
      source.close();
      if (!this.stopped) this.timer = setTimeout(() => this.stream(), POLL_MS);
    });
    source.onerror = () => {
      // Before the first snapshot (a 404, a refused stream) the stream is not offered here;
      // afterwards EventSource reconnects by itself unless the server closed it for good.
      if (!snapshot) streamUnavailable = true;
      if (!snapshot || source.readyState === EventSource.CLOSED) this.fallBack();
    };
    this.keepAlive();
  }

  private fallBack(): void {
    this.source?.close();
    this.source = undefined;
    clearTimeout(this.timer);
    if (!this.stopped) this.poll();
  }

  private keepAlive(): void {
    this.timer = setTimeout(async () => {
      if (this.stopped || this.mode !== "stream") return;
      if (this.options.isViewing()) await this.beat();
      this.keepAlive();
    }, KEEPALIVE_MS);
  }

  private poll(): void {
    this.mode = "poll";
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
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.beat(), delay);
  }
}
