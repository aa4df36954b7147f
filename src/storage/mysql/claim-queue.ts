/**
 * Lets the claims of one isolate's concurrent holds share a statement (hold-arbiter.ts).
 *
 * Why: a busy isolate's cost per hold is mostly its outgoing requests (workerd's HTTP work, not
 * the JavaScript), and the claim is a hold's second one. While one statement of claims is in
 * flight, the claims that arrive queue; when it answers, everything queued goes as the next
 * statement. An isolate alone, or with no statement in flight, sends at once: nothing waits.
 *
 * When the booking store is far (its learned round trip above `nearMs`), nothing queues: a wait
 * for the statement in flight would cost up to a whole crossing, more than the request saved.
 *
 * Who sends: in Workers a request's outgoing calls end with the request, so a statement is sent
 * by a request whose own claim is in it, and the next one is handed to a request waiting in the
 * queue (its own continuation sends it). A request that goes away mid-statement (cancelled)
 * leaves its statement's other claims waiting; each claim has a timer of its own (`waitMs`,
 * above the SQL timeout) after which it goes alone, and a statement that old no longer makes
 * others queue.
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

interface Entry<C> {
  claim: C;
  answer: Deferred<QueuedAnswer>;
  /** Resolved when this entry's request is to send what has queued. */
  lead: Deferred<void>;
  answered: boolean;
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
  /** When the statement in flight was sent, and which it is (null: none). */
  private inFlight: { sentMs: number; id: number } | null = null;
  private sent = 0;

  constructor(private readonly options: ClaimQueueOptions<C>) {}

  async claim(claim: C): Promise<QueuedAnswer> {
    const entry: Entry<C> = { claim, answer: deferred(), lead: deferred(), answered: false };
    const answered = entry.answer.promise.then((answer) => {
      entry.answered = true;
      return answer;
    });
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
      else if (!entry.answered) void this.options.sendAlone(claim).then(entry.answer.resolve);
    }, this.options.waitMs());
    try {
      const first = await Promise.race([answered, entry.lead.promise.then(() => null)]);
      if (first !== null) return first;
      // Its own answer may come first, from the watchdog, when the statement never answers.
      await Promise.race([this.send(entry), answered]);
      return await answered;
    } finally {
      clearTimeout(watchdog);
      clearTimeout(patience);
    }
  }

  /** A statement in flight that is not so old that its request must have gone away. */
  private busy(): boolean {
    return (
      this.inFlight !== null && this.options.nowMs() - this.inFlight.sentMs < this.options.waitMs()
    );
  }

  /**
   * Sends `own` with what has queued, then hands on the queue. A request sends only a statement
   * its own claim is in (so it stays to the answer); when another took it meanwhile, that one's
   * answer is awaited.
   */
  private async send(own: Entry<C>): Promise<void> {
    const at = this.queue.indexOf(own);
    if (at < 0) return;
    this.queue.splice(at, 1);
    const batch = [own, ...this.queue.splice(0, MAX_TOGETHER - 1)];
    const id = ++this.sent;
    this.inFlight = { sentMs: this.options.nowMs(), id };
    try {
      const together: Entry<C>[] = [];
      const alone: Entry<C>[] = [];
      for (const entry of batch)
        (together.some((t) => this.options.overlaps(t.claim, entry.claim)) ? alone : together).push(
          entry,
        );
      const single = async (entry: Entry<C>) =>
        entry.answer.resolve(await this.options.sendAlone(entry.claim));
      await Promise.all([
        ...alone.map(single),
        (async () => {
          if (together.length === 1) return single(together[0] as Entry<C>);
          const answer = await this.options.sendTogether(together.map((e) => e.claim));
          // One refused claim refuses the statement: each goes again alone to learn whose.
          if (answer === "conflict") await Promise.all(together.map(single));
          else for (const entry of together) entry.answer.resolve(answer);
        })(),
      ]);
    } finally {
      if (this.inFlight?.id === id) this.inFlight = null;
      this.queue[0]?.lead.resolve();
    }
  }
}
