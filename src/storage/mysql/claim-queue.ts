/**
 * Lets the claims of one isolate's concurrent holds share a statement (hold-arbiter.ts).
 *
 * Why: a busy isolate's cost per hold is mostly its outgoing requests (workerd's HTTP work, not
 * the JavaScript), and the claim is a hold's second one. While a statement of claims is in
 * flight, the claims that arrive queue; when it answers, everything queued goes as the next
 * statement. With nothing in flight a claim goes at once: nothing waits. A queued claim waits at
 * most `maxWaitMs` (then it sends what has queued itself), so far from the booking store a hold
 * still makes one crossing.
 *
 * Who sends: in Workers a request's outgoing calls end with the request. So a shared statement
 * is sent by a request whose own claim is in it (and which waits for its answer), the next one
 * is handed to a request waiting in the queue (its own continuation sends it), and a claim that
 * goes alone (its cells meet another's in the queue, or its statement was refused) is sent by
 * its own request. A request that goes away mid-statement (cancelled) leaves that statement's
 * other claims waiting; each has a timer of its own (`waitMs`, above the SQL timeout) after
 * which it goes alone, and a statement that old no longer makes others queue.
 * (docs/adr/0215-the-claims-cost.md)
 */

/** Claims in one statement at most (six cells each for a 30-minute hold). */
const MAX_TOGETHER = 64;

export type QueuedAnswer = "granted" | "conflict" | "unreachable";

interface Deferred<T> {
  promise: Promise<T>;
  resolve(value: T): void;
}

function deferred<T>(): Deferred<T> {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

/** What a queued claim is told: the store's answer, or to send itself alone. */
type Told = QueuedAnswer | "alone";

interface Entry<C> {
  claim: C;
  told: Deferred<Told>;
  /** Resolved when this entry's request is to send what has queued. */
  lead: Deferred<void>;
}

export interface ClaimQueueOptions<C> {
  /** One statement for all of `claims`: "conflict" when any of them meets a live holder. */
  sendTogether(claims: readonly C[]): Promise<QueuedAnswer>;
  /** One claim alone (after a conflict of the statement it was in, or when it goes alone). */
  sendAlone(claim: C): Promise<QueuedAnswer>;
  /** Whether two claims would refuse each other in one statement (the same cells). */
  overlaps(a: C, b: C): boolean;
  /** The longest a claim waits for others to share a statement with. */
  maxWaitMs: number;
  /** How long a claim waits for its statement before it goes alone. */
  waitMs(): number;
  nowMs(): number;
}

export class ClaimQueue<C> {
  private readonly queue: Entry<C>[] = [];
  /** The statements in flight: id → when sent. */
  private readonly flying = new Map<number, number>();
  private sent = 0;

  constructor(private readonly options: ClaimQueueOptions<C>) {}

  async claim(claim: C): Promise<QueuedAnswer> {
    const entry: Entry<C> = { claim, told: deferred(), lead: deferred() };
    this.queue.push(entry);
    const busy = this.busy();
    if (!busy) entry.lead.resolve();
    // A queued claim waits for the statement in flight at most `maxWaitMs`: then it sends what
    // has queued itself, beside that statement.
    const patience = busy
      ? setTimeout(() => {
          if (this.queue.includes(entry)) entry.lead.resolve();
        }, this.options.maxWaitMs)
      : undefined;
    const watchdog = setTimeout(() => {
      if (this.queue.includes(entry)) entry.lead.resolve();
      else entry.told.resolve("alone");
    }, this.options.waitMs());
    try {
      const first = await Promise.race([entry.told.promise, entry.lead.promise.then(() => null)]);
      // A request that sends a statement stays until it answers, or until its own watchdog
      // gives up on it.
      if (first === null) await Promise.race([this.send(entry), entry.told.promise]);
      const told = await entry.told.promise;
      // Every claim that goes alone is sent by its own request.
      return told === "alone" ? await this.flight(() => this.options.sendAlone(claim)) : told;
    } finally {
      clearTimeout(watchdog);
      clearTimeout(patience);
    }
  }

  /**
   * A statement in flight that is not so old that its request must have gone away. Those that
   * old are forgotten: they never answer.
   */
  private busy(): boolean {
    const nowMs = this.options.nowMs();
    let busy = false;
    for (const [id, sentMs] of this.flying)
      if (nowMs - sentMs < this.options.waitMs()) busy = true;
      else this.flying.delete(id);
    return busy;
  }

  /** Sends a statement, marked in flight; when it answers, the first queued claim sends next. */
  private async flight(statement: () => Promise<QueuedAnswer>): Promise<QueuedAnswer> {
    const id = ++this.sent;
    this.flying.set(id, this.options.nowMs());
    try {
      return await statement();
    } finally {
      this.flying.delete(id);
      this.queue[0]?.lead.resolve();
    }
  }

  /**
   * Sends `own` with what has queued. A request sends only a statement its own claim is in (so
   * it stays to the answer); a claim that goes alone is sent by its own request. When another
   * request took `own` meanwhile, that one's answer is awaited.
   */
  private async send(own: Entry<C>): Promise<void> {
    const at = this.queue.indexOf(own);
    if (at < 0) return;
    this.queue.splice(at, 1);
    const batch = [own, ...this.queue.splice(0, MAX_TOGETHER - 1)];
    const together: Entry<C>[] = [];
    for (const entry of batch)
      if (together.some((t) => this.options.overlaps(t.claim, entry.claim)))
        entry.told.resolve("alone");
      else together.push(entry);
    if (together.length === 1) {
      own.told.resolve("alone");
      return;
    }
    const answer = await this.flight(() => this.options.sendTogether(together.map((e) => e.claim)));
    // One refused claim refuses the statement: each goes again alone to learn whose.
    for (const entry of together) entry.told.resolve(answer === "conflict" ? "alone" : answer);
  }
}
