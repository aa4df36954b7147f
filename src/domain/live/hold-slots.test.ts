/**
 * holdSlots when its store call fails (fake ports): the hold the call may have made is taken
 * back before the error is answered, with exactly the hold key, token hash and attempt the call
 * carried; when the store does not answer the undo either, it is tried again in the background.
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import { fakeContext } from "../../../test/fixtures/fakes.ts";
import { OverloadedError, StoreUnavailableError } from "../errors.ts";
import type { LiveStateStore } from "../ports.ts";
import { holdSlots, UNDO_RETRY_DELAYS_MS } from "./hold-slots.ts";
import type { HoldUndo } from "./types.ts";

type HoldInput = Parameters<LiveStateStore["hold"]>[0];
type UndoInput = Parameters<LiveStateStore["undoHold"]>[0];

/** A store whose hold call fails with `error`, and whose undo answers `undos` in turn. */
function failingStore(error: Error, undos: (HoldUndo | Error)[]) {
  const holds: HoldInput[] = [];
  const undoCalls: UndoInput[] = [];
  const deferred: (() => Promise<unknown>)[] = [];
  const liveState = {
    hold: async (input: HoldInput) => {
      holds.push(input);
      throw error;
    },
    undoHold: async (input: UndoInput) => {
      undoCalls.push(input);
      const next = undos.shift() ?? new Error("no more undos");
      if (next instanceof Error) throw next;
      return next;
    },
  } as unknown as LiveStateStore;
  const ctx = fakeContext({ liveState, defer: (work) => void deferred.push(work) });
  const hold = (idempotencyKey?: string) =>
    holdSlots({
      ctx,
      input: {
        clientId: "client_undo_test",
        slots: [{ serviceId: "svc_undo", staffId: "stf_undo", start: "2026-01-07T10:00:00Z" }],
        field: "body",
        idempotencyKey,
        ipGroup: "203.0.113.7",
      },
    });
  return { hold, holds, undoCalls, deferred };
}

const mayHaveRun = () => new OverloadedError(true);

afterEach(() => {
  vi.useRealTimers();
});

describe("a hold whose store call failed", () => {
  it("is undone before the answer, with the call's own hold key, token hash and attempt; the 503 then says nothing was changed", async () => {
    const store = failingStore(mayHaveRun(), ["undone"]);
    const error = await store.hold().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OverloadedError);
    expect((error as Error).message).toMatch(/^The service is busy; nothing was changed\./);
    const [call] = store.holds;
    expect(store.undoCalls).toEqual([
      expect.objectContaining({
        staffId: "stf_undo",
        holdKey: call?.holdKey,
        tokenHash: call?.tokenHash,
        attempt: call?.attempt,
        holders: call?.holders,
      }),
    ]);
    expect(call?.attempt).toEqual({ id: expect.stringMatching(/^[0-9a-z]{16}$/), keyed: false });
    expect(store.deferred).toHaveLength(0);
  });

  it("keyed: the attempt says so; a hold a retry was handed (kept) keeps the 503's may-have-run message", async () => {
    const store = failingStore(mayHaveRun(), ["kept"]);
    const error = await store.hold("key-1").catch((e: unknown) => e);
    expect((error as Error).message).toMatch(/may or may not have taken effect/);
    expect(store.holds[0]?.attempt?.keyed).toBe(true);
    expect(store.undoCalls).toHaveLength(1);
  });

  it("each request has an attempt of its own, even with the same key", async () => {
    const store = failingStore(mayHaveRun(), ["gone", "gone"]);
    await store.hold("key-1").catch(() => undefined);
    await store.hold("key-1").catch(() => undefined);
    const [a, b] = store.holds;
    expect(a?.holdKey).toBe(b?.holdKey); // the key names the same hold
    expect(a?.attempt?.id).not.toBe(b?.attempt?.id);
  });

  it("when the undo fails too, the original error is answered and the undo is retried in the background until it succeeds", async () => {
    vi.useFakeTimers();
    const unavailable = new StoreUnavailableError("database");
    const store = failingStore(unavailable, [new Error("timeout"), new Error("timeout"), "undone"]);
    await expect(store.hold()).rejects.toBe(unavailable);
    expect(store.undoCalls).toHaveLength(1);
    expect(store.deferred).toHaveLength(1);
    const background = store.deferred[0]?.();
    await vi.advanceTimersByTimeAsync(UNDO_RETRY_DELAYS_MS[0] + UNDO_RETRY_DELAYS_MS[1]);
    await background;
    expect(store.undoCalls).toHaveLength(3);
    // The same hold every time.
    expect(new Set(store.undoCalls.map((u) => `${u.holdKey}|${u.attempt.id}`)).size).toBe(1);
  });

  it("the background undo gives up after about 25 s", async () => {
    vi.useFakeTimers();
    const store = failingStore(mayHaveRun(), []);
    await store.hold().catch(() => undefined);
    const background = store.deferred[0]?.();
    await vi.advanceTimersByTimeAsync(30_000);
    await background;
    expect(store.undoCalls).toHaveLength(1 + UNDO_RETRY_DELAYS_MS.length);
    const total = UNDO_RETRY_DELAYS_MS.reduce((a, b) => a + b, 0);
    expect(total).toBeLessThanOrEqual(25_000);
  });
});
