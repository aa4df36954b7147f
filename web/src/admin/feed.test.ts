import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import {
  adminLiveOpener,
  type LiveDay,
  type LiveSlot,
  overlayLive,
  type Snapshot,
  type StreamAnswer,
  type StreamItem,
  StreamingSource,
  type WatchQuery,
} from "./feed.ts";

/** A stream the test writes to: items are yielded as pushed; `end` finishes it. */
class FakeStream {
  private readonly queue: StreamItem[] = [];
  private wake: (() => void) | undefined;
  private ended = false;
  closed = false;

  constructor(private readonly signal: AbortSignal) {
    signal.addEventListener("abort", () => {
      this.closed = true;
      this.end();
    });
  }

  push(event: string, data: unknown): void {
    this.queue.push({ event, id: undefined, data: JSON.stringify(data) });
    this.wake?.();
  }

  ping(): void {
    this.queue.push({ event: "alive", id: undefined, data: "" });
    this.wake?.();
  }

  end(): void {
    this.ended = true;
    this.wake?.();
  }

  async *items(): AsyncGenerator<StreamItem> {
    for (;;) {
      const next = this.queue.shift();
      if (next) {
        yield next;
        continue;
      }
      if (this.ended || this.signal.aborted) return;
      await new Promise<void>((resolve) => (this.wake = resolve));
    }
  }
}

const QUERY: WatchQuery = { dates: ["2030-03-04", "2030-03-05"], staffId: "stf_a" };

function cell(date: string, slots: LiveDay["slots"], version = "1"): LiveDay {
  return { staffId: "stf_a", date, version, slots };
}

const event = (days: LiveDay[]) => ({ storage: "redis", version: "v", days });

/** The source under test with a counting loader and an opener the test answers. */
function setUp(refusals: StreamAnswer[] = [], failingLoads = 0) {
  let loads = 0;
  const streams: FakeStream[] = [];
  const load = vi.fn(async (): Promise<Snapshot> => {
    loads++;
    if (loads <= failingLoads) throw new Error("down");
    return { appointments: [], closures: [], live: [], atMs: loads };
  });
  const open = vi.fn(async (_q: WatchQuery, signal: AbortSignal): Promise<StreamAnswer> => {
    const refusal = refusals.shift();
    if (refusal) return refusal;
    const stream = new FakeStream(signal);
    streams.push(stream);
    return { ok: true, items: stream.items() };
  });
  const snapshots: Snapshot[] = [];
  const errors: string[] = [];
  const source = new StreamingSource(load, open);
  const stop = source.watch(
    QUERY,
    (s) => snapshots.push(s),
    (m) => errors.push(m),
  );
  return { load, open, streams, snapshots, errors, stop, loads: () => loads };
}

/** Lets queued promises run (the fake timers do not advance). */
const settle = () => vi.advanceTimersByTimeAsync(0);

describe("StreamingSource: the day views' data from the live stream", () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("loads once, opens the stream for the query, and draws its cells without polling", async () => {
    const t = setUp();
    await settle();
    expect(t.open).toHaveBeenCalledTimes(1);
    expect(t.open.mock.calls[0]?.[0]).toEqual(QUERY);
    expect(t.loads()).toBe(1);
    const stream = t.streams[0];
    if (!stream) throw new Error("no stream");
    stream.push("snapshot", event([cell("2030-03-04", []), cell("2030-03-05", [])]));
    await settle();
    const held = { start: "2030-03-04T10:00:00Z", end: "2030-03-04T10:30:00Z", state: "held" };
    stream.push("change", event([cell("2030-03-04", [held as LiveDay["slots"][0]], "2")]));
    await settle();
    const last = t.snapshots.at(-1);
    expect(last?.via).toBe("stream");
    expect(last?.liveDays?.find((d) => d.date === "2030-03-04")?.slots).toEqual([held]);
    expect(last?.liveDays).toHaveLength(2);
    // Pings keep it open past the poll interval: no load is made for a hold.
    for (let i = 0; i < 6; i++) {
      stream.ping();
      await vi.advanceTimersByTimeAsync(3_000);
    }
    expect(t.loads()).toBe(1);
    expect(t.open).toHaveBeenCalledTimes(1);
    t.stop();
  });

  it("loads again when a cell's booked entries change (a booking), not for views and holds", async () => {
    const t = setUp();
    await settle();
    const stream = t.streams[0];
    if (!stream) throw new Error("no stream");
    stream.push("snapshot", event([cell("2030-03-04", [])]));
    await settle();
    const at = (state: string) => ({
      start: "2030-03-04T10:00:00Z",
      end: "2030-03-04T10:30:00Z",
      state: state as "held",
    });
    stream.push("change", event([cell("2030-03-04", [at("viewing")], "2")]));
    stream.push("change", event([cell("2030-03-04", [at("held")], "3")]));
    await settle();
    expect(t.loads()).toBe(1);
    stream.push("change", event([cell("2030-03-04", [at("booked")], "4")]));
    await settle();
    expect(t.loads()).toBe(2);
    // A cancel frees the cell: its booked entries change again.
    stream.push("change", event([cell("2030-03-04", [], "5")]));
    await settle();
    expect(t.loads()).toBe(3);
    t.stop();
  });

  it("polls on `mode: poll`, and opens the stream again later", async () => {
    const t = setUp();
    await settle();
    const first = t.streams[0];
    if (!first) throw new Error("no stream");
    first.push("snapshot", { ...event([cell("2030-03-04", [])]), storage: "fallback" });
    first.push("mode", { mode: "poll" });
    await settle();
    expect(first.closed).toBe(true);
    expect(t.snapshots.at(-1)?.via).toBe("poll");
    expect(t.snapshots.at(-1)?.liveDays).toBeUndefined();
    const loadsAfterFallback = t.loads();
    await vi.advanceTimersByTimeAsync(15_000);
    expect(t.loads()).toBe(loadsAfterFallback + 1);
    // The first retry waits 5 s (already passed): the stream is open again.
    expect(t.open).toHaveBeenCalledTimes(2);
    t.streams[1]?.push("snapshot", event([cell("2030-03-04", [])]));
    await settle();
    expect(t.snapshots.at(-1)?.via).toBe("stream");
    t.stop();
  });

  it("a refused stream polls and retries at the server's Retry-After, then with a growing wait", async () => {
    const t = setUp([
      { ok: false, status: 429, retryAfterMs: 8_000 },
      { ok: false, status: 500 },
      { ok: false, status: 500 },
    ]);
    await settle();
    expect(t.open).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(7_999);
    expect(t.open).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(t.open).toHaveBeenCalledTimes(2);
    // Second failure: 5 s × 2.
    await vi.advanceTimersByTimeAsync(9_999);
    expect(t.open).toHaveBeenCalledTimes(2);
    await vi.advanceTimersByTimeAsync(1);
    expect(t.open).toHaveBeenCalledTimes(3);
    // Meanwhile it polled every 15 s.
    expect(t.loads()).toBe(2);
    t.stop();
  });

  it("reports a failed load and keeps polling while the stream is refused", async () => {
    const t = setUp([{ ok: false, status: 503 }], 1);
    await settle();
    expect(t.errors).toEqual(["down"]);
    expect(t.snapshots).toEqual([]);
    await vi.advanceTimersByTimeAsync(15_000);
    expect(t.snapshots.map((s) => [s.atMs, s.via])).toEqual([[2, "poll"]]);
    t.stop();
  });

  it("a silent connection is closed after 12 s and the views poll", async () => {
    const t = setUp();
    await settle();
    const stream = t.streams[0];
    if (!stream) throw new Error("no stream");
    stream.push("snapshot", event([cell("2030-03-04", [])]));
    await settle();
    await vi.advanceTimersByTimeAsync(12_000);
    expect(stream.closed).toBe(true);
    expect(t.snapshots.at(-1)?.via).toBe("poll");
    t.stop();
  });

  it("`reconnect` opens the next stream a second later, without polling", async () => {
    const t = setUp();
    await settle();
    t.streams[0]?.push("snapshot", event([cell("2030-03-04", [])]));
    t.streams[0]?.push("reconnect", {});
    await settle();
    expect(t.snapshots.at(-1)?.via).toBe("stream");
    await vi.advanceTimersByTimeAsync(1_000);
    expect(t.open).toHaveBeenCalledTimes(2);
    expect(t.loads()).toBe(1);
    t.stop();
  });

  it("a stopped watch closes its stream and draws nothing more", async () => {
    const t = setUp();
    await settle();
    const stream = t.streams[0];
    if (!stream) throw new Error("no stream");
    const drawn = t.snapshots.length;
    t.stop();
    expect(stream.closed).toBe(true);
    stream.push("snapshot", event([cell("2030-03-04", [])]));
    await vi.advanceTimersByTimeAsync(120_000);
    expect(t.snapshots.length).toBe(drawn);
    expect(t.open).toHaveBeenCalledTimes(1);
    expect(t.loads()).toBe(1);
  });
});

describe("overlayLive", () => {
  const slot = (start: string, state: LiveSlot["state"], staffId = "stf_a"): LiveSlot => ({
    start,
    end: start,
    staffId,
    state,
  });

  it("gives the stream's state at a slot's start, frees what it no longer holds, keeps other staff", () => {
    const slots = [
      slot("2030-03-04T10:00:00+01:00", "available"),
      slot("2030-03-04T10:30:00+01:00", "held"),
      slot("2030-03-04T11:00:00+01:00", "booked"),
      slot("2030-03-04T10:30:00+01:00", "held", "stf_b"),
    ];
    const days = [
      cell("2030-03-04", [{ start: "2030-03-04T09:00:00Z", end: "", state: "viewing" }]),
    ];
    expect(overlayLive(slots, days).map((s) => s.state)).toEqual([
      "viewing",
      "available",
      "booked",
      "held",
    ]);
    expect(overlayLive(slots, undefined)).toBe(slots);
  });
});

describe("adminLiveOpener: the stream read with fetch", () => {
  afterEach(() => {
    vi.unstubAllGlobals();
  });

  /** A streamed body that sends `chunks` one by one, then ends. */
  function body(chunks: string[]): ReadableStream<Uint8Array> {
    const encoder = new TextEncoder();
    return new ReadableStream({
      start(controller) {
        for (const chunk of chunks) controller.enqueue(encoder.encode(chunk));
        controller.close();
      },
    });
  }

  it("sends the session in Authorization with the range, and yields events split anywhere", async () => {
    const fetchFake = vi.fn(
      async (_url: string, _init: RequestInit) =>
        new Response(
          body([
            "retry: 1000\n\nevent: snap",
            'shot\nid: 1-a\ndata: {"days":[]}\n\n: ping\n\n',
            'event: mode\ndata: {"mode":"poll"}\n\n',
          ]),
          { status: 200, headers: { "Content-Type": "text/event-stream" } },
        ),
    );
    vi.stubGlobal("fetch", fetchFake);
    const open = adminLiveOpener(
      () => "ae_bs_token",
      () => {
        throw new Error("not a 401");
      },
    );
    const answer = await open(
      { dates: ["2030-03-04", "2030-03-05", "2030-03-06"], staffId: "stf_a" },
      new AbortController().signal,
    );
    const [url, init] = fetchFake.mock.calls[0] ?? [];
    expect(url).toBe("/v1/admin/live?from=2030-03-04&to=2030-03-06&staffId=stf_a");
    expect(new Headers(init?.headers).get("Authorization")).toBe("Bearer ae_bs_token");
    if (!answer.ok) throw new Error("refused");
    const seen: string[] = [];
    for await (const item of answer.items) seen.push(item.event);
    expect(seen).toEqual(["alive", "alive", "snapshot", "alive", "mode"]);
  });

  it("a 429 carries its Retry-After; a 401 ends the session", async () => {
    let ended = 0;
    const open = adminLiveOpener(
      () => "ae_bs_token",
      () => ended++,
    );
    vi.stubGlobal(
      "fetch",
      vi.fn(async () => new Response("{}", { status: 429, headers: { "Retry-After": "7" } })),
    );
    expect(await open({ dates: ["2030-03-04"] }, new AbortController().signal)).toEqual({
      ok: false,
      status: 429,
      retryAfterMs: 7_000,
    });
    expect(ended).toBe(0);
    vi.stubGlobal(
      "fetch",
      vi.fn(async () => new Response("{}", { status: 401 })),
    );
    expect(await open({ dates: ["2030-03-04"] }, new AbortController().signal)).toEqual({
      ok: false,
      status: 401,
    });
    expect(ended).toBe(1);
  });
});
