import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { ClaimQueue, lookDelayMs, type QueuedAnswer } from "./claim-queue.ts";

/** A claim of cells [from, to) of one staff member. */
type Claim = { id: string; from: number; to: number };

interface Statement {
  claims: string[];
  answer(value: QueuedAnswer): void;
}

/** A booking store that answers each statement when the test says. */
function fakeStore() {
  const statements: Statement[] = [];
  const send = (claims: readonly Claim[]) =>
    new Promise<QueuedAnswer>((resolve) => {
      statements.push({ claims: claims.map((c) => c.id), answer: resolve });
    });
  return { statements, send };
}

const WAIT_MS = 6_000;

function queueOver(store: ReturnType<typeof fakeStore>) {
  return new ClaimQueue<Claim>({
    sendTogether: (claims) => store.send(claims),
    sendAlone: (claim) => store.send([claim]),
    overlaps: (a, b) => a.from < b.to && b.from < a.to,
    maxWaitMs: 10,
    waitMs: () => WAIT_MS,
    nowMs: () => Date.now(),
  });
}

const claim = (id: string, from: number) => ({ id, from, to: from + 6 });

/** Runs the timers of `ms` milliseconds and every continuation they lead to. */
const pass = (ms = 0) => vi.advanceTimersByTimeAsync(ms);

/** Answers statement `at` and lets the claims waiting on it look (a few milliseconds). */
async function answered(
  store: ReturnType<typeof fakeStore>,
  at: number,
  value: QueuedAnswer,
): Promise<void> {
  store.statements[at]?.answer(value);
  await pass(4);
}

/** Claim "a" in flight, and "b" and "c" (cells apart unless told) made meanwhile. */
async function twoQueuedBehindOne(cFrom = 100) {
  const store = fakeStore();
  const queue = queueOver(store);
  const a = queue.claim(claim("a", 0));
  await pass();
  const b = queue.claim(claim("b", 50));
  const c = queue.claim(claim("c", cFrom));
  await pass(1);
  return { store, queue, a, b, c };
}

describe("ClaimQueue", () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("sends a claim at once, alone, when nothing is in flight", async () => {
    const store = fakeStore();
    const queue = queueOver(store);
    const a = queue.claim(claim("a", 0));
    await pass();
    expect(store.statements.map((s) => s.claims)).toEqual([["a"]]);
    expect(queue.queued).toBe(0);
    store.statements[0]?.answer("granted");
    await expect(a).resolves.toBe("granted");
  });

  it("queues the claims made while one is in flight, and sends them as one statement when it answers", async () => {
    const { store, queue, a, b, c } = await twoQueuedBehindOne();
    expect(store.statements).toHaveLength(1);
    expect(queue.queued).toBe(2);
    store.statements[0]?.answer("granted");
    await expect(a).resolves.toBe("granted");
    await pass(4);
    expect(store.statements.map((s) => s.claims)).toEqual([["a"], ["b", "c"]]);
    expect(queue.queued).toBe(0);
    await answered(store, 1, "granted");
    await expect(b).resolves.toBe("granted");
    await expect(c).resolves.toBe("granted");
  });

  it("sends each claim of a refused shared statement again alone (nothing of it was written)", async () => {
    const { store, b, c } = await twoQueuedBehindOne();
    await answered(store, 0, "granted");
    await answered(store, 1, "conflict");
    expect(store.statements.slice(2).map((s) => s.claims)).toEqual([["b"], ["c"]]);
    store.statements[2]?.answer("conflict");
    await answered(store, 3, "granted");
    await expect(b).resolves.toBe("conflict");
    await expect(c).resolves.toBe("granted");
  });

  it("passes an unreachable store's answer to every claim of the statement", async () => {
    const { store, b, c } = await twoQueuedBehindOne();
    await answered(store, 0, "granted");
    await answered(store, 1, "unreachable");
    await expect(b).resolves.toBe("unreachable");
    await expect(c).resolves.toBe("unreachable");
    expect(store.statements).toHaveLength(2);
  });

  it("does not put claims of the same cells in one statement: the later goes alone", async () => {
    const { store, b, c } = await twoQueuedBehindOne(52);
    await answered(store, 0, "granted");
    const sent = store.statements.slice(1).map((s) => s.claims);
    expect(sent).toContainEqual(["b"]);
    expect(sent).toContainEqual(["c"]);
    expect(sent).toHaveLength(2);
    for (const statement of store.statements.slice(1)) statement.answer("granted");
    await pass(4);
    await expect(b).resolves.toBe("granted");
    await expect(c).resolves.toBe("granted");
  });

  it("sends what has queued beside a slow statement once a claim has waited maxWaitMs", async () => {
    const { store, b, c } = await twoQueuedBehindOne();
    await pass(8);
    expect(store.statements).toHaveLength(1);
    await pass(6);
    expect(store.statements.map((s) => s.claims)).toEqual([["a"], ["b", "c"]]);
    await answered(store, 1, "granted");
    await expect(b).resolves.toBe("granted");
    await expect(c).resolves.toBe("granted");
  });

  it("sends a taken claim alone when its statement has not answered within waitMs (its leader went away)", async () => {
    const { store, queue, c } = await twoQueuedBehindOne();
    await answered(store, 0, "granted");
    expect(store.statements[1]?.claims).toEqual(["b", "c"]);
    // "b"'s request sent the shared statement and never hears back; "c" goes alone.
    await pass(WAIT_MS + 4);
    expect(store.statements.slice(2).map((s) => s.claims)).toEqual([["c"]]);
    await answered(store, 2, "granted");
    await expect(c).resolves.toBe("granted");
    // The unanswered statement no longer makes claims queue.
    void queue.claim(claim("d", 200));
    await pass();
    expect(store.statements.at(-1)?.claims).toEqual(["d"]);
    expect(queue.queued).toBe(0);
  });

  it("first looks when the statement in flight should have answered, by the round trip it learned", async () => {
    const store = fakeStore();
    const queue = queueOver(store);
    const a = queue.claim(claim("a", 0));
    await pass(20);
    store.statements[0]?.answer("granted");
    await expect(a).resolves.toBe("granted");
    // Learned: 0.8 × 5 + 0.2 × 20 = 8 ms.
    void queue.claim(claim("b", 50));
    await pass();
    void queue.claim(claim("c", 100));
    await pass(1);
    store.statements[1]?.answer("granted");
    await pass(5);
    expect(store.statements).toHaveLength(2);
    await pass(3);
    expect(store.statements.map((st) => st.claims)).toEqual([["a"], ["b"], ["c"]]);
  });

  it("does not let one slow statement make the next claims look late", async () => {
    const store = fakeStore();
    const queue = queueOver(store);
    const a = queue.claim(claim("a", 0));
    await pass(5_000);
    store.statements[0]?.answer("unreachable");
    await expect(a).resolves.toBe("unreachable");
    // Learned: 0.8 × 5 + 0.2 × min(5 000, 2 × 5 + 5) = 7 ms, not 1 004 ms.
    void queue.claim(claim("b", 50));
    await pass();
    const c = queue.claim(claim("c", 100));
    await pass(1);
    store.statements[1]?.answer("granted");
    await pass(8);
    expect(store.statements.map((st) => st.claims)).toEqual([["a"], ["b"], ["c"]]);
    store.statements[2]?.answer("granted");
    await pass(12);
    await expect(c).resolves.toBe("granted");
  });

  describe("a claim its request withdraws (Redis refused the hold)", () => {
    /** Claim "a" in flight, and "b" (withdrawable) and "c" made meanwhile. */
    async function withdrawableBehindOne() {
      const store = fakeStore();
      const queue = queueOver(store);
      void queue.claim(claim("a", 0));
      await pass();
      const withdraw = new AbortController();
      const b = queue.claim(claim("b", 50), withdraw.signal);
      const c = queue.claim(claim("c", 100));
      await pass(1);
      return { store, queue, withdraw, b, c };
    }

    it("unsent: leaves the queue, answers at once, and is never sent", async () => {
      const { store, queue, withdraw, b, c } = await withdrawableBehindOne();
      withdraw.abort();
      expect(queue.queued).toBe(1);
      await expect(b).resolves.toBe("withdrawn");
      await answered(store, 0, "granted");
      expect(store.statements.map((s) => s.claims)).toEqual([["a"], ["c"]]);
      await answered(store, 1, "granted");
      await expect(c).resolves.toBe("granted");
    });

    it("in a shared statement that met a live holder: not sent again, while the others are", async () => {
      const { store, withdraw, b, c } = await withdrawableBehindOne();
      await answered(store, 0, "granted");
      expect(store.statements[1]?.claims).toEqual(["b", "c"]);
      withdraw.abort();
      await answered(store, 1, "conflict");
      expect(store.statements.slice(2).map((s) => s.claims)).toEqual([["c"]]);
      await answered(store, 2, "granted");
      await expect(b).resolves.toBe("withdrawn");
      await expect(c).resolves.toBe("granted");
    });

    it("in a statement that was written: answers as the store did (the caller frees it)", async () => {
      const { store, withdraw, b } = await withdrawableBehindOne();
      await answered(store, 0, "granted");
      withdraw.abort();
      await answered(store, 1, "granted");
      await expect(b).resolves.toBe("granted");
      expect(store.statements).toHaveLength(2);
    });
  });

  it("looks every 1 ms once late, then every 2 and 4 ms", () => {
    expect([0, 3, 4, 7, 8, 50].map(lookDelayMs)).toEqual([1, 1, 2, 2, 4, 4]);
  });
});
