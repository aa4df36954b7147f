import { describe, expect, it } from "vitest";
import { FixedClock } from "../../../test/fixtures/fakes.ts";
import { drainOutbox, LEASE_MS, RETRY_WINDOW_MS, retryDelayMs } from "./drain-outbox.ts";
import {
  type OutboxItem,
  type OutboxOutcome,
  type OutboxQueue,
  PermanentDeliveryError,
} from "./types.ts";

/** An in-memory queue with the adapter's contract: leases, settle by lease holder only. */
function memoryQueue(ids: string[], clock: FixedClock) {
  const rows = new Map(
    ids.map((id) => [
      id,
      { attempts: 0, createdAtMs: clock.nowMs(), dueMs: 0, leaseUntil: 0, lease: "", done: false },
    ]),
  );
  const settled: [string, OutboxOutcome][] = [];
  let leases = 0;
  const queue: OutboxQueue<string> = {
    claim: async ({ groups, limit, nowMs, leaseMs }) => {
      const items: OutboxItem<string>[] = [];
      for (const [id, row] of rows) {
        if (items.length >= limit || row.done || row.dueMs > nowMs || row.leaseUntil > nowMs)
          continue;
        if (groups && !groups.includes(id)) continue;
        row.lease = `lease${++leases}`;
        row.leaseUntil = nowMs + leaseMs;
        items.push({
          id,
          leaseToken: row.lease,
          attempts: row.attempts,
          createdAtMs: row.createdAtMs,
          payload: id,
        });
      }
      return items;
    },
    settle: async (item, outcome) => {
      const row = rows.get(item.id);
      if (!row || row.lease !== item.leaseToken) return false;
      row.attempts++;
      row.lease = "";
      row.leaseUntil = 0;
      if (outcome.kind === "retry") row.dueMs = outcome.nextAttemptAtMs;
      else row.done = true;
      settled.push([item.id, outcome]);
      return true;
    },
  };
  return { queue, settled, rows };
}

describe("drainOutbox", () => {
  it("backs off exponentially from 1 minute, at most 6 hours", () => {
    expect([1, 2, 3, 4, 10, 30].map(retryDelayMs)).toEqual([
      60_000,
      120_000,
      240_000,
      480_000,
      6 * 3_600_000,
      6 * 3_600_000,
    ]);
  });

  it("sends, retries a failure with backoff, and gives up once the next try would pass 3 days", async () => {
    const clock = new FixedClock(Date.UTC(2026, 0, 5, 9));
    const { queue, settled } = memoryQueue(["a", "b"], clock);
    const gaveUp: string[] = [];
    const send = async (item: OutboxItem<string>) => {
      if (item.payload === "b") throw new Error("503");
    };
    const report = await drainOutbox({
      queue,
      clock,
      send,
      onGiveUp: async (i) => void gaveUp.push(i.id),
    });
    expect(report).toEqual({ sent: 1, retried: 1, gaveUp: 0, lost: 0 });
    expect(settled).toEqual([
      ["a", { kind: "sent" }],
      ["b", { kind: "retry", nextAttemptAtMs: clock.nowMs() + 60_000, error: "503" }],
    ]);

    clock.advance(30_000); // not due yet
    expect(await drainOutbox({ queue, clock, send })).toEqual({
      sent: 0,
      retried: 0,
      gaveUp: 0,
      lost: 0,
    });

    clock.advance(RETRY_WINDOW_MS);
    expect(
      await drainOutbox({ queue, clock, send, onGiveUp: async (i) => void gaveUp.push(i.id) }),
    ).toMatchObject({ gaveUp: 1 });
    expect(gaveUp).toEqual(["b"]);
  });

  it("gives up at once on a permanent failure, and tells onGiveUp so", async () => {
    const clock = new FixedClock(Date.UTC(2026, 0, 5, 9));
    const { queue } = memoryQueue(["gone"], clock);
    const calls: boolean[] = [];
    await drainOutbox({
      queue,
      clock,
      send: async () => {
        throw new PermanentDeliveryError("the endpoint was deleted");
      },
      onGiveUp: async (_item, _error, permanent) => void calls.push(permanent),
    });
    expect(calls).toEqual([true]);
  });

  it("leaves a row another runner holds alone until its lease ends", async () => {
    const clock = new FixedClock(Date.UTC(2026, 0, 5, 9));
    const { queue } = memoryQueue(["x"], clock);
    const first = await queue.claim({ limit: 10, nowMs: clock.nowMs(), leaseMs: LEASE_MS });
    expect(first).toHaveLength(1);
    let sent = 0;
    const send = async () => void sent++;
    expect(await drainOutbox({ queue, clock, send })).toMatchObject({ sent: 0 });
    clock.advance(LEASE_MS); // the first runner died: its lease lapses and the row is retried
    expect(await drainOutbox({ queue, clock, send })).toMatchObject({ sent: 1 });
    // The dead runner's late settle is refused: the row has one writer at a time.
    expect(
      await queue.settle(first[0] as OutboxItem<string>, { kind: "sent" }, clock.nowMs()),
    ).toBe(false);
    expect(sent).toBe(1);
  });
});
