import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { backoffMs, settledHere } from "./own-context.ts";

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

/** A promise settled later by "another request" (the test). */
function deferred<T>() {
  let resolve: (value: T) => void = () => {};
  let reject: (error: unknown) => void = () => {};
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe("settledHere", () => {
  it("answers with the shared promise's value, from a timer of the waiter's, not from the settler's turn", async () => {
    const shared = deferred<string>();
    let answer: string | undefined;
    void settledHere(shared.promise).then((value) => {
      answer = value;
    });
    shared.resolve("catalog");
    await Promise.resolve();
    await Promise.resolve();
    expect(answer).toBeUndefined(); // the settler's microtasks do not run the waiter
    await vi.advanceTimersByTimeAsync(backoffMs(0) + backoffMs(1));
    expect(answer).toBe("catalog");
  });

  it("rejects as the shared promise did", async () => {
    const shared = deferred<string>();
    const waited = settledHere(shared.promise);
    const caught = waited.catch((error: unknown) => error);
    shared.reject(new Error("store down"));
    await vi.advanceTimersByTimeAsync(10);
    expect(await caught).toMatchObject({ message: "store down" });
  });

  it("gives up on a promise that never settles and runs its own attempt instead", async () => {
    const never = new Promise<string>(() => {});
    const own = vi.fn(async () => "own");
    const waited = settledHere(never, backoffMs, { afterMs: 1_000, orElse: own });
    await vi.advanceTimersByTimeAsync(999);
    expect(own).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(100);
    expect(await waited).toBe("own");
    expect(own).toHaveBeenCalledOnce();
  });

  it("looks less often the longer it waits: 1, 2, 4 … ms, then every 50 ms", () => {
    expect([0, 1, 2, 5, 6, 20].map(backoffMs)).toEqual([1, 2, 4, 32, 50, 50]);
  });
});
