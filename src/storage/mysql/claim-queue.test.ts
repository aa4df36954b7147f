import { AsyncLocalStorage } from "node:async_hooks";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { ClaimQueue, type QueuedAnswer } from "./claim-queue.ts";

/** A claim of cells [from, to) of one staff member. */
type Claim = { id: string; from: number; to: number };

interface Statement {
  claims: string[];
  /** The claim whose request sent it (see `request`). */
  sentBy: string | undefined;
  answer(value: QueuedAnswer): void;
}

/**
 * Which request runs: in Workers a request's outgoing calls end with it, so each statement must
 * be sent by a request whose own claim is in it.
 */
const request = new AsyncLocalStorage<string>();

/** A booking store that answers each statement when the test says. */
function fakeStore() {
  const statements: Statement[] = [];
  const send = (claims: readonly Claim[]) =>
    new Promise<QueuedAnswer>((resolve) => {
      statements.push({
        claims: claims.map((c) => c.id),
        sentBy: request.getStore(),
        answer: resolve,
      });
    });
  return { statements, send };
}

function queueOver(store: ReturnType<typeof fakeStore>, waitMs = 10_000) {
  return new ClaimQueue<Claim>({
    sendTogether: (claims) => store.send(claims),
    sendAlone: (claim) => store.send([claim]),
    overlaps: (a, b) => a.from < b.to && b.from < a.to,
    maxWaitMs: 10,
    waitMs: () => waitMs,
    nowMs: () => Date.now(),
  });
}

const claim = (id: string, from: number) => ({ id, from, to: from + 6 });

/** `queue.claim` as the request of claim `id` makes it. */
const claimAs = (queue: ClaimQueue<Claim>, id: string, from: number) =>
  request.run(id, () => queue.claim(claim(id, from)));

/** Lets every settled promise's continuations run (no timer moves). */
const settle = () => vi.advanceTimersByTimeAsync(0);

/** Claim "a" in flight, and "b" and "c" made meanwhile: queued behind it. */
async function twoQueuedBehindOne(waitMs?: number) {
  const store = fakeStore();
  const queue = queueOver(store, waitMs);
  const a = queue.claim(claim("a", 0));
  await settle();
  const b = queue.claim(claim("b", 10));
  const c = queue.claim(claim("c", 20));
  return { store, queue, a, b, c };
}

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe("claims of one isolate's holds", () => {
  it("a claim with no statement in flight goes at once, alone", async () => {
    const store = fakeStore();
    const answer = queueOver(store).claim(claim("a", 0));
    await settle();
    expect(store.statements.map((s) => s.claims)).toEqual([["a"]]);
    store.statements[0]?.answer("granted");
    expect(await answer).toBe("granted");
  });

  it("claims made while a statement is in flight go together in one statement when it answers", async () => {
    const { store, a, b, c } = await twoQueuedBehindOne();
    await settle();
    expect(store.statements).toHaveLength(1);
    store.statements[0]?.answer("granted");
    await settle();
    expect(store.statements.map((s) => s.claims)).toEqual([["a"], ["b", "c"]]);
    store.statements[1]?.answer("granted");
    expect(await Promise.all([a, b, c])).toEqual(["granted", "granted", "granted"]);
  });

  it("a shared statement refused by one claim is sent again claim by claim, and each gets its own answer", async () => {
    const { store, a, b, c } = await twoQueuedBehindOne();
    store.statements[0]?.answer("granted");
    await settle();
    store.statements[1]?.answer("conflict");
    await settle();
    expect(store.statements.slice(2).map((s) => s.claims)).toEqual([["b"], ["c"]]);
    store.statements[2]?.answer("granted");
    store.statements[3]?.answer("conflict");
    expect(await Promise.all([a, b, c])).toEqual(["granted", "granted", "conflict"]);
  });

  it("claims of the same cells never share a statement (they would refuse each other)", async () => {
    const store = fakeStore();
    const queue = queueOver(store);
    void queue.claim(claim("a", 0));
    await settle();
    void queue.claim(claim("b", 10));
    void queue.claim(claim("c", 12));
    store.statements[0]?.answer("granted");
    await settle();
    expect(store.statements.slice(1).map((s) => s.claims)).toEqual([["c"], ["b"]]);
  });

  it("a queued claim waits for the statement in flight at most 10 ms, then goes with what queued", async () => {
    const { store, b, c } = await twoQueuedBehindOne();
    await vi.advanceTimersByTimeAsync(9);
    expect(store.statements).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(store.statements.map((s) => s.claims)).toEqual([["a"], ["b", "c"]]);
    store.statements[1]?.answer("granted");
    expect(await Promise.all([b, c])).toEqual(["granted", "granted"]);
  });

  it("when a statement never answers (its request went away), its claims go alone after waitMs, and new claims no longer queue behind it", async () => {
    // "a" goes alone, sent by its own request (the SQL client's timeout bounds that one).
    const { store, queue, b, c } = await twoQueuedBehindOne(1_000);
    await vi.advanceTimersByTimeAsync(10);
    // "b" and "c" went out together, sent by b's request, and neither statement answers.
    expect(store.statements.map((s) => s.claims)).toEqual([["a"], ["b", "c"]]);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(store.statements.slice(2).map((s) => s.claims)).toEqual([["b"], ["c"]]);
    store.statements[2]?.answer("granted");
    store.statements[3]?.answer("unreachable");
    expect(await Promise.all([b, c])).toEqual(["granted", "unreachable"]);
    // The statements in flight are older than waitMs: a new claim goes at once.
    void queue.claim(claim("d", 30));
    await settle();
    expect(store.statements.at(-1)?.claims).toEqual(["d"]);
  });

  it("every statement is sent by a request whose own claim is in it: shared, refused and split, same cells, after the 10 ms wait", async () => {
    const store = fakeStore();
    const queue = queueOver(store);
    const a = claimAs(queue, "a", 0);
    await settle();
    const b = claimAs(queue, "b", 10);
    const c = claimAs(queue, "c", 20);
    const d = claimAs(queue, "d", 22);
    store.statements[0]?.answer("granted");
    await settle();
    // b and c together; d (c's cells) alone.
    store.statements[1]?.answer("conflict");
    store.statements[2]?.answer("granted");
    await settle();
    for (const statement of store.statements.slice(3)) statement.answer("granted");
    const e = claimAs(queue, "e", 40);
    const f = claimAs(queue, "f", 50);
    await settle();
    const g = claimAs(queue, "g", 60);
    await vi.advanceTimersByTimeAsync(10);
    for (const statement of store.statements) statement.answer("granted");
    await Promise.all([a, b, c, d, e, f, g]);
    expect(store.statements.length).toBeGreaterThan(6);
    for (const statement of store.statements)
      expect(statement.claims, `sent by ${statement.sentBy}`).toContain(statement.sentBy);
  });
});
