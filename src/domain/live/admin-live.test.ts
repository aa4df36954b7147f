import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { fakeContext } from "../../../test/fixtures/fakes.ts";
import { DomainError } from "../errors.ts";
import type { LiveStateStore } from "../ports.ts";
import {
  ADMIN_READ_MS,
  ADMIN_STREAMS_PER_CREDENTIAL,
  type AdminLiveEvent,
  cellsOf,
  datesOf,
  openAdminLiveStream,
  rangeVersion,
} from "./admin-live.ts";
import { liveVersion } from "./heartbeat.ts";
import type { LiveEntryDump, WatchedEntry, WatchOutcome } from "./types.ts";

const NOW = Date.UTC(2026, 11, 1, 9);
/** 23:30 on Dec 7 at +01:00 is 22:30 UTC: the entry is on the 7th, not the 8th. */
const at = (day: number, hour: number, minute = 0) => Date.UTC(2026, 11, day, hour, minute);

function entry(id: string, startMs: number, mine = false, expiresAtMs = NOW + 600_000) {
  const kind = id.startsWith("v") ? "viewing" : id.startsWith("b") ? "booked" : "held";
  return {
    id,
    kind,
    mine,
    startMs,
    endMs: startMs + 1_800_000,
    offsetMin: 60,
    expiresAtMs,
  } as WatchedEntry;
}

describe("the range's cells", () => {
  it("lists the dates of a range, both ends included", () => {
    expect(datesOf("2026-12-30", "2027-01-02")).toEqual([
      "2026-12-30",
      "2026-12-31",
      "2027-01-01",
      "2027-01-02",
    ]);
    expect(datesOf("2026-12-07", "2026-12-07")).toEqual(["2026-12-07"]);
  });

  it("files entries by their local date, drops expired ones and every `mine`", () => {
    const late = entry("h:k1:0", at(7, 22, 30), true); // 23:30 local on the 7th
    const next = entry("b:appt1", at(8, 8)); // 09:00 local on the 8th
    const gone = entry("h:k2:0", at(8, 9), false, NOW - 1);
    const days = cellsOf(
      new Map([
        ["stf_a", [late, next, gone]],
        ["stf_b", []],
      ]),
      ["2026-12-07", "2026-12-08"],
      NOW,
    );
    const own = { ...late, mine: false };
    expect(days).toEqual([
      {
        staffId: "stf_a",
        date: "2026-12-07",
        version: liveVersion([own]),
        slots: [
          { start: "2026-12-07T23:30:00+01:00", end: "2026-12-08T00:00:00+01:00", state: "held" },
        ],
      },
      {
        staffId: "stf_a",
        date: "2026-12-08",
        version: liveVersion([next]),
        slots: [
          {
            start: "2026-12-08T09:00:00+01:00",
            end: "2026-12-08T09:30:00+01:00",
            state: "booked",
          },
        ],
      },
      { staffId: "stf_b", date: "2026-12-07", version: liveVersion([]), slots: [] },
      { staffId: "stf_b", date: "2026-12-08", version: liveVersion([]), slots: [] },
    ]);
  });

  it("the range's version moves with any cell, and names which staff member's", () => {
    const empty = cellsOf(new Map([["stf_a", []]]), ["2026-12-07"], NOW);
    const held = cellsOf(new Map([["stf_a", [entry("h:1", at(7, 9))]]]), ["2026-12-07"], NOW);
    const other = cellsOf(new Map([["stf_b", []]]), ["2026-12-07"], NOW);
    expect(rangeVersion(empty)).toBe(rangeVersion(empty));
    expect(new Set([rangeVersion(empty), rangeVersion(held), rangeVersion(other)]).size).toBe(3);
  });
});

/** A stream of two staff members over fake ports; reads answer from `reads`. */
function harness(reads: (staffId: string, most: number) => WatchOutcome) {
  const events: AdminLiveEvent[] = [];
  let ended = false;
  const calls: { staffId: string; group: string; most: number }[] = [];
  const unwatch = vi.fn(async () => {});
  const scan = vi.fn(async (input: { staffId?: string }) => ({
    cursor: "0",
    entries: [
      {
        staffId: input.staffId ?? "",
        kind: "held",
        id: "h:secret:0",
        startMs: at(7, 9),
        endMs: at(7, 9, 30),
        offsetMin: 60,
        expiresAtMs: NOW + 60_000,
      } satisfies LiveEntryDump,
    ],
  }));
  const liveState = {
    watch: async (input: Parameters<LiveStateStore["watch"]>[0]) => {
      calls.push({ staffId: input.staffId, group: input.stream.ipGroup, most: input.stream.most });
      return reads(input.staffId, input.stream.most);
    },
    unwatch,
    scan,
  } as unknown as LiveStateStore;
  const ctx = fakeContext({
    clock: { nowMs: () => Date.now() },
    liveState,
    defer: (work) => void work(),
  });
  const open = (lastEventId?: string) =>
    openAdminLiveStream({
      ctx,
      input: {
        staffIds: ["stf_a", "stf_b"],
        from: "2026-12-07",
        to: "2026-12-08",
        credential: "admin:key:k1",
        lastEventId,
      },
      sink: {
        send: (event) => {
          events.push(event);
          return true;
        },
        end: () => {
          ended = true;
        },
      },
    });
  return { events, open, calls, unwatch, scan, ended: () => ended };
}

beforeEach(() => {
  vi.useFakeTimers();
  vi.setSystemTime(NOW);
});

afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

describe("a business live stream", () => {
  it("reads once per staff member, sends the snapshot, then only the cells that changed", async () => {
    let a: WatchedEntry[] = [];
    const s = harness((staffId) => ({ kind: "ok", entries: staffId === "stf_a" ? a : [] }));
    const stream = await s.open();
    expect(s.calls).toEqual([
      { staffId: "stf_a", group: "admin:key:k1", most: ADMIN_STREAMS_PER_CREDENTIAL },
      { staffId: "stf_b", group: "admin:key:k1", most: ADMIN_STREAMS_PER_CREDENTIAL },
    ]);
    const [snapshot] = s.events;
    expect(snapshot?.kind).toBe("snapshot");
    if (snapshot?.kind !== "snapshot") return;
    expect(snapshot.body.days.map((d) => `${d.staffId}@${d.date}`)).toEqual([
      "stf_a@2026-12-07",
      "stf_a@2026-12-08",
      "stf_b@2026-12-07",
      "stf_b@2026-12-08",
    ]);
    expect(snapshot.id).toBe(snapshot.body.version);

    // Nothing moved: a read, no event.
    await vi.advanceTimersByTimeAsync(ADMIN_READ_MS);
    expect(s.calls).toHaveLength(4);
    expect(s.events.filter((e) => e.kind !== "ping")).toHaveLength(1);

    a = [entry("h:k1:0", at(8, 9))];
    await vi.advanceTimersByTimeAsync(ADMIN_READ_MS);
    const changes = s.events.filter((e) => e.kind === "change");
    expect(changes).toHaveLength(1);
    const [change] = changes;
    if (change?.kind !== "change") return;
    expect(change.body.days).toEqual([
      {
        staffId: "stf_a",
        date: "2026-12-08",
        version: liveVersion([{ ...entry("h:k1:0", at(8, 9)) }]),
        slots: [
          { start: "2026-12-08T10:00:00+01:00", end: "2026-12-08T10:30:00+01:00", state: "held" },
        ],
      },
    ]);
    expect(change.id).not.toBe(snapshot.id);
    stream.close();
    expect(s.unwatch).toHaveBeenCalledWith({
      streamId: expect.any(String),
      ipGroup: "admin:key:k1",
    });
    expect(s.ended()).toBe(true);
  });

  it("skips the snapshot when Last-Event-ID is the range's version", async () => {
    const first = harness(() => ({ kind: "ok", entries: [] }));
    (await first.open()).close();
    const id = first.events[0]?.kind === "snapshot" ? first.events[0].id : "";
    const again = harness(() => ({ kind: "ok", entries: [] }));
    (await again.open(id)).close();
    expect(again.events).toEqual([]);
  });

  it("is refused with RATE_LIMITED when the credential has its streams open", async () => {
    const s = harness(() => ({ kind: "limit", untilMs: NOW + 4_200 }));
    const refused = await s.open().catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(DomainError);
    expect((refused as DomainError).code).toBe("RATE_LIMITED");
    expect((refused as DomainError).retryAfterSeconds).toBe(5);
    expect(s.events).toEqual([]);
    expect(s.calls).toHaveLength(1); // the admitting read is the first staff member's alone
  });

  it("ends with mode: poll when a read is served by the fallback", async () => {
    let down = false;
    const s = harness(() => (down ? { kind: "poll" } : { kind: "ok", entries: [] }));
    await s.open();
    down = true;
    await vi.advanceTimersByTimeAsync(ADMIN_READ_MS);
    expect(s.events.at(-1)).toEqual({ kind: "mode", mode: "poll" });
    expect(s.ended()).toBe(true);
    expect(s.unwatch).toHaveBeenCalled();
  });

  it("opened on the fallback: one snapshot from the store's scan (no ids), then mode: poll", async () => {
    const s = harness(() => ({ kind: "poll" }));
    await s.open();
    expect(s.scan).toHaveBeenCalledTimes(2);
    expect(s.events.map((e) => e.kind)).toEqual(["snapshot", "mode"]);
    const [snapshot] = s.events;
    if (snapshot?.kind !== "snapshot") return;
    expect(snapshot.body.storage).toBe("fallback");
    expect(snapshot.body.days[0]?.slots).toEqual([
      { start: "2026-12-07T10:00:00+01:00", end: "2026-12-07T10:30:00+01:00", state: "held" },
    ]);
    expect(JSON.stringify(snapshot)).not.toContain("secret");
    expect(s.ended()).toBe(true);
  });
});
