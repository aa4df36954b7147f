import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { fakeContext } from "../../../test/fixtures/fakes.ts";
import { DomainError } from "../errors.ts";
import type { LivePush, LiveStateStore } from "../ports.ts";
import { liveVersion } from "./heartbeat.ts";
import {
  CHECK_MS,
  type LiveStreamEvent,
  openLiveStream,
  PING_MS,
  STREAM_LIFETIME_MS,
  STREAMS_PER_ADDRESS,
} from "./live-stream.ts";
import type { LiveChange, WatchedEntry, WatchOutcome } from "./types.ts";

const DATE = "2026-12-07";
const NOW = Date.UTC(2026, 11, 1, 9);
const at = (hour: number) => Date.UTC(2026, 11, 7, hour); // 10:00 local at hour 9 (+01:00)

function entry(id: string, hour: number, expiresAtMs: number, mine = false): WatchedEntry {
  const kind = id.startsWith("v") ? "viewing" : id.startsWith("b") ? "booked" : "held";
  return {
    id,
    kind,
    mine,
    startMs: at(hour),
    endMs: at(hour) + 1_800_000,
    offsetMin: 60,
    expiresAtMs,
  };
}

/** A stream over fake ports: its reads answer from `reads` (a function of the read's `most`). */
function harness(reads: (most: number) => Promise<WatchOutcome> | WatchOutcome) {
  const events: LiveStreamEvent[] = [];
  let ended = false;
  let clientGone = false;
  let deliver: (changes: LiveChange[]) => void = () => {};
  const closeSubscription = vi.fn();
  let subscriptions = 0;
  const unwatch = vi.fn(async () => {});
  const readsMade: number[] = [];
  const livePush: LivePush = {
    subscribe: async (input) => {
      subscriptions++;
      deliver = input.onChanges;
      return { close: closeSubscription };
    },
  };
  const liveState = {
    watch: async (input: Parameters<LiveStateStore["watch"]>[0]) => {
      readsMade.push(input.stream.most);
      return reads(input.stream.most);
    },
    unwatch,
  } as unknown as LiveStateStore;
  const deferred: Promise<unknown>[] = [];
  const ctx = fakeContext({
    clock: { nowMs: () => Date.now() },
    liveState,
    livePush,
    defer: (work) => void deferred.push(work()),
  });
  const sink = {
    send: (event: LiveStreamEvent) => {
      if (clientGone) return false;
      events.push(event);
      return true;
    },
    end: () => {
      ended = true;
    },
  };
  const open = (lastEventId?: string) =>
    openLiveStream({
      ctx,
      input: {
        staffId: "stf_1",
        date: DATE,
        clientId: "c_test_client",
        ipGroup: "10.0.0.1",
        lastEventId,
      },
      sink,
    });
  return {
    events,
    open,
    deliver: (changes: LiveChange[]) => deliver(changes),
    closeSubscription,
    subscriptions: () => subscriptions,
    unwatch,
    readsMade,
    deferred,
    ended: () => ended,
    leave: () => {
      clientGone = true;
    },
    kinds: () => events.map((e) => e.kind),
  };
}

beforeEach(() => {
  vi.useFakeTimers();
  vi.setSystemTime(NOW);
  vi.spyOn(Math, "random").mockReturnValue(0.5);
});

afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

describe("a live stream", () => {
  it("sends the snapshot (id = the heartbeat's version), then a change only when the version moves", async () => {
    const hold = entry("h:k1:0", 9, NOW + 600_000);
    const s = harness(() => ({ kind: "ok", entries: [hold] }));
    await s.open();
    expect(s.events).toEqual([
      {
        kind: "snapshot",
        id: liveVersion([hold]),
        body: {
          serverTime: new Date(NOW).toISOString(),
          storage: "redis",
          version: liveVersion([hold]),
          slots: [
            {
              start: "2026-12-07T10:00:00+01:00",
              end: "2026-12-07T10:30:00+01:00",
              state: "held",
              mine: false,
            },
          ],
        },
      },
    ]);
    // The admission (taking a place under the address's limit), then the snapshot's read.
    expect(s.readsMade).toEqual([STREAMS_PER_ADDRESS, 0]);
    // An extension changes no version: nothing is sent.
    s.deliver([{ kind: "put", entry: { ...hold, expiresAtMs: NOW + 900_000 } }]);
    // Another date's entry (11:00 on the 8th) changes nothing here either.
    s.deliver([{ kind: "put", entry: { ...entry("h:k2:0", 33, NOW + 600_000) } }]);
    expect(s.kinds()).toEqual(["snapshot"]);
    s.deliver([{ kind: "gone", id: "h:k1:0" }]);
    expect(s.kinds()).toEqual(["snapshot", "change"]);
    expect(s.events[1]).toMatchObject({ kind: "change", id: liveVersion([]), body: { slots: [] } });
  });

  it("applies a change that arrives while the snapshot is read on top of it (published before or after the read)", async () => {
    const hold = entry("h:k1:0", 9, NOW + 600_000);
    let s: ReturnType<typeof harness> | undefined;
    s = harness(() => {
      // Published before the read ran (the read already has it) and after it (it has not).
      s?.deliver([{ kind: "put", entry: hold }]);
      s?.deliver([{ kind: "gone", id: "h:k1:0" }]);
      return { kind: "ok", entries: [hold] };
    });
    await s.open();
    expect(s.events).toHaveLength(1);
    expect(s.events[0]).toMatchObject({ kind: "snapshot", id: liveVersion([]) });
  });

  it("skips the snapshot when Last-Event-ID is the current version, and not otherwise", async () => {
    const hold = entry("h:k1:0", 9, NOW + 600_000);
    const current = harness(() => ({ kind: "ok", entries: [hold] }));
    await current.open(liveVersion([hold]));
    expect(current.events).toEqual([]);
    const stale = harness(() => ({ kind: "ok", entries: [hold] }));
    await stale.open(liveVersion([]));
    expect(stale.kinds()).toEqual(["snapshot"]);
  });

  it("drops a hold at its expiry without a read, and re-reads the date at a marker's expiry", async () => {
    const hold = entry("h:k1:0", 9, NOW + 5_000);
    const marker = entry("v:tagA", 10, NOW + 10_000);
    let kept = true;
    let reads = 0;
    vi.spyOn(Math, "random").mockReturnValue(0.99); // the first periodic check: at ~25 s
    const s = harness(() => {
      reads++;
      if (reads <= 2) return { kind: "ok", entries: [hold, marker] }; // admission, snapshot
      return { kind: "ok", entries: kept ? [{ ...marker, expiresAtMs: NOW + 14_000 }] : [] };
    });
    const shown = () => s.kinds().filter((k) => k !== "ping");
    await s.open();
    await vi.advanceTimersByTimeAsync(5_000);
    expect(shown()).toEqual(["snapshot", "change"]); // the hold lapsed
    expect(s.readsMade).toEqual([STREAMS_PER_ADDRESS, 0]);
    await vi.advanceTimersByTimeAsync(5_000 + 250);
    // The marker was kept alive by its client's heartbeats: a read, and no change.
    expect(s.readsMade).toEqual([STREAMS_PER_ADDRESS, 0, 0]);
    expect(shown()).toEqual(["snapshot", "change"]);
    kept = false;
    await vi.advanceTimersByTimeAsync(4_000 + 250);
    expect(s.readsMade).toEqual([STREAMS_PER_ADDRESS, 0, 0, 0]);
    expect(shown()).toEqual(["snapshot", "change", "change"]);
    expect(s.events.filter((e) => e.kind !== "ping")[2]).toMatchObject({ body: { slots: [] } });
  });

  it("pings every 3 s without a Redis call; only the check every 25 s reads (and renews the lease)", async () => {
    const s = harness(() => ({ kind: "ok", entries: [] }));
    await s.open();
    const opening = s.readsMade.length; // the admission and the snapshot's read
    const pings = () => s.kinds().filter((k) => k === "ping").length;
    await vi.advanceTimersByTimeAsync(PING_MS - 1);
    expect(pings()).toBe(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(pings()).toBe(1);
    expect(s.readsMade.length).toBe(opening);
    // 99 s: a ping every 3 s (33), a read at each check (12.5 s, then every 25 s: 4).
    await vi.advanceTimersByTimeAsync(99_000 - PING_MS);
    expect(pings()).toBe(99_000 / PING_MS);
    expect(s.readsMade.length - opening).toBe(4);
    // Finding a client that left takes up to two writes: two pings fit in the 10 s promised.
    expect(2 * PING_MS).toBeLessThanOrEqual(6_000);
    expect(CHECK_MS).toBe(25_000);
  });

  it("a failed write of a ping ends the stream at once: subscription, timers and lease go, with no read first", async () => {
    const s = harness(() => ({ kind: "ok", entries: [] }));
    await s.open();
    const reads = s.readsMade.length;
    s.leave();
    await vi.advanceTimersByTimeAsync(5_000); // the next ping, at most 5 s away
    expect(s.closeSubscription).toHaveBeenCalledOnce();
    expect(s.unwatch).toHaveBeenCalledOnce();
    expect(s.readsMade.length).toBe(reads);
    await vi.advanceTimersByTimeAsync(STREAM_LIFETIME_MS);
    expect(s.readsMade.length).toBe(reads);
  });

  it("keeps its request alive (defer) until it closes, so that its clean-up runs after its client left", async () => {
    const s = harness(() => ({ kind: "ok", entries: [] }));
    const settled = vi.fn();
    await s.open();
    expect(s.deferred.length).toBeGreaterThan(0);
    void Promise.all(s.deferred).then(settled);
    await vi.advanceTimersByTimeAsync(CHECK_MS);
    expect(settled).not.toHaveBeenCalled();
    s.leave();
    await vi.advanceTimersByTimeAsync(PING_MS);
    void Promise.all(s.deferred).then(settled); // the lease's release, deferred at the close
    await vi.advanceTimersByTimeAsync(0);
    expect(settled).toHaveBeenCalled();
  });

  it("reads every 25 s; when the read shows a change and no message comes within 2 s, it sends the change and ends", async () => {
    const hold = entry("h:k1:0", 9, NOW + 3_600_000);
    let lost = false;
    const s = harness(() => ({ kind: "ok", entries: lost ? [] : [hold] }));
    const shown = () => s.kinds().filter((k) => k !== "ping");
    await s.open();
    await vi.advanceTimersByTimeAsync(CHECK_MS / 2); // the first check: at a random phase
    expect(s.readsMade).toEqual([STREAMS_PER_ADDRESS, 0, 0]);
    lost = true; // released, and the message never comes: the subscription is gone
    await vi.advanceTimersByTimeAsync(CHECK_MS);
    expect(shown()).toEqual(["snapshot"]); // not yet: it may be on its way
    await vi.advanceTimersByTimeAsync(2_000);
    expect(shown()).toEqual(["snapshot", "change"]);
    expect(s.events.at(-1)).toMatchObject({ body: { slots: [] } });
    expect(s.ended()).toBe(true);
    expect(s.closeSubscription).toHaveBeenCalledOnce();
    expect(s.unwatch).toHaveBeenCalledOnce();
  });

  it("a read ahead of a message on its way changes nothing: the message brings the change, the stream lives", async () => {
    const hold = entry("h:k1:0", 9, NOW + 3_600_000);
    let released = false;
    const s = harness(() => ({ kind: "ok", entries: released ? [] : [hold] }));
    const shown = () => s.kinds().filter((k) => k !== "ping");
    await s.open();
    released = true;
    await vi.advanceTimersByTimeAsync(CHECK_MS / 2);
    expect(shown()).toEqual(["snapshot"]); // the read is not adopted
    await vi.advanceTimersByTimeAsync(500);
    s.deliver([{ kind: "gone", id: "h:k1:0" }]);
    await vi.advanceTimersByTimeAsync(5_000);
    expect(shown()).toEqual(["snapshot", "change"]);
    expect(s.ended()).toBe(false);
  });

  it("a re-read at a marker's expiry that fails (Redis busy) is tried again a check later, not at once", async () => {
    const marker = entry("v:tagA", 10, NOW + 1_000);
    let busy = false;
    const s = harness(() => {
      if (busy) throw new Error("answered too late");
      return { kind: "ok", entries: [marker] };
    });
    await s.open();
    const opening = s.readsMade.length;
    busy = true;
    await vi.advanceTimersByTimeAsync(10_000);
    // The expiry's re-read, and at most the first periodic check: no loop while Redis is busy.
    expect(s.readsMade.length - opening).toBeLessThanOrEqual(2);
    expect(s.ended()).toBe(false);
  });

  it("sends reconnect at its maximum lifetime and ends", async () => {
    const s = harness(() => ({ kind: "ok", entries: [] }));
    await s.open();
    await vi.advanceTimersByTimeAsync(STREAM_LIFETIME_MS);
    expect(s.kinds().at(-1)).toBe("reconnect");
    expect(s.ended()).toBe(true);
    expect(s.closeSubscription).toHaveBeenCalledOnce();
  });

  it("sends mode: poll and ends when the store cannot push (the fallback), or the subscription is refused", async () => {
    const fallback = harness(() => ({ kind: "poll" }));
    await fallback.open();
    expect(fallback.events).toEqual([{ kind: "mode", mode: "poll" }]);
    expect(fallback.ended()).toBe(true);
    expect(fallback.subscriptions()).toBe(0);
    // Released once the admitting read was sent, admitted or not (idempotent).
    expect(fallback.unwatch).toHaveBeenCalledOnce();

    const events: LiveStreamEvent[] = [];
    let ended = false;
    await openLiveStream({
      ctx: fakeContext({
        livePush: { subscribe: () => Promise.reject(new Error("down")) },
        liveState: {
          watch: async () => ({ kind: "ok", entries: [] }),
          unwatch: async () => {},
        } as unknown as LiveStateStore,
      }),
      input: { staffId: "stf_1", date: DATE, clientId: "c_test_client", ipGroup: "x" },
      sink: {
        send: (e) => events.push(e) > 0,
        end: () => {
          ended = true;
        },
      },
    });
    expect(events).toEqual([{ kind: "mode", mode: "poll" }]);
    expect(ended).toBe(true);
  });

  it("refuses the 11th stream of an address with RATE_LIMITED and a Retry-After, sending nothing and subscribing to nothing", async () => {
    const s = harness(() => ({ kind: "limit", untilMs: NOW + 30_500 }));
    const refused = await s.open().catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(DomainError);
    expect(refused).toMatchObject({ code: "RATE_LIMITED", retryAfterSeconds: 31 });
    expect(s.events).toEqual([]);
    expect(s.subscriptions()).toBe(0);
  });

  it("refuses a date outside the supported range with 400 naming query.date", async () => {
    const s = harness(() => ({ kind: "ok", entries: [] }));
    const error = await openLiveStream({
      ctx: fakeContext(),
      input: { staffId: "stf_1", date: "2026-02-30", clientId: "c_test_client", ipGroup: "x" },
      sink: { send: () => true, end: () => {} },
    }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "BAD_REQUEST" });
    expect((error as Error).message.startsWith("query.date:")).toBe(true);
    expect(s.events).toEqual([]);
  });
});
