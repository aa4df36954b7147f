/**
 * Lets the claims of one isolate's concurrent holds share a statement (hold-arbiter.ts).
 *
 * Why: on a busy isolate a hold's claim is its second outgoing request, and the outgoing
 * requests are most of what a granted hold costs beyond the Lua script
 * (docs/adr/0215-the-claims-cost.md).
 *
 * How, without any request going on in another's context (src/runtime/own-context.ts): requests
 * share plain data here, never a promise.
 * - Nothing in flight: the claim goes at once, alone, sent by its own request.
 * - A statement in flight: the claim queues and looks from its own request's timers. The first
 *   queued claim that looks once nothing is in flight (or that has waited `maxWaitMs`) leads:
 *   its request sends one statement of itself and what has queued, waits for the answer, and
 *   writes each claim's answer into its entry.
 * - A claim first looks when the statement it waits for should have answered (the queue learns
 *   the statements' round trip), then every 1, 2, 4 ms: each look is a timer of the isolate's one
 *   thread, which a busy isolate feels.
 * - A claim another request took reads its answer when it next looks. A shared statement that
 *   met a live holder wrote nothing ("conflict"); its claims, and a claim whose cells meet
 *   another's in the batch, then go alone, each sent by its own request.
 * - A claim taken but unanswered after `waitMs` (its leader's request went away: in Workers a
 *   request's I/O ends with it) goes alone. Sending it twice is harmless: the statement takes
 *   over the claim's own rows.
 * - A claim whose own request no longer needs it (Redis refused the hold) is withdrawn through
 *   its signal: unsent, it leaves the queue and answers "withdrawn" at once; in a statement
 *   that met a live holder, it is not sent again. The abort runs in the claim's own request.
 */

/** Claims in one statement at most (six cells each for a 30-minute hold). */
const MAX_TOGETHER = 64;

export type QueuedAnswer = "granted" | "conflict" | "unreachable";

/** A claim's answer: the store's, or "withdrawn" (never written: its request withdrew it). */
export type ClaimAnswer = QueuedAnswer | "withdrawn";

/** What a queued claim learns: the store's answer, or to send itself alone. */
type Told = ClaimAnswer | "alone";

interface Entry<C> {
  claim: C;
  queuedMs: number;
  /** When its statement should answer (once taken). */
  dueMs: number;
  /** In a statement another request sends (or sent). */
  taken: boolean;
  told?: Told;
}

export interface ClaimQueueOptions<C> {
  /** One statement for all of `claims`: "conflict" when any of them meets a live holder. */
  sendTogether(claims: readonly C[]): Promise<QueuedAnswer>;
  /** One claim alone. */
  sendAlone(claim: C): Promise<QueuedAnswer>;
  /** Whether two claims would refuse each other in one statement (the same cells). */
  overlaps(a: C, b: C): boolean;
  /** The longest a queued claim waits for the statement in flight before it leads anyway. */
  maxWaitMs: number;
  /** How long a taken claim waits for its answer before it goes alone (above the SQL timeout). */
  waitMs(): number;
  nowMs(): number;
  /** Told of each statement sent, with how many claims it carried. */
  sent?(claims: number): void;
}

/**
 * The delay before a queued claim's next look once its answer is due and has not come: 1 ms for
 * the first four, 2 ms for the next four, then 4 ms.
 */
export const lookDelayMs = (lateLooks: number) => Math.min(4, 2 ** Math.floor(lateLooks / 4));

/** The round trip a statement is expected to take before the queue has seen one. */
const FIRST_RTT_MS = 5;

export class ClaimQueue<C> {
  private queue: Entry<C>[] = [];
  /** The statements in flight: id → when sent. */
  private readonly flying = new Map<number, number>();
  private statements = 0;
  /** The statements' round trip, learned (a moving average). */
  private rttMs = FIRST_RTT_MS;

  constructor(private readonly options: ClaimQueueOptions<C>) {}

  /**
   * `withdraw`: aborted by the claim's own request when it no longer needs the claim. Only a
   * claim that was never written answers "withdrawn"; one already sent answers as the store did.
   */
  claim(claim: C): Promise<QueuedAnswer>;
  claim(claim: C, withdraw: AbortSignal): Promise<ClaimAnswer>;
  async claim(claim: C, withdraw?: AbortSignal): Promise<ClaimAnswer> {
    if (!this.busy()) return this.flight(() => this.options.sendAlone(claim));
    const nowMs = this.options.nowMs();
    const entry: Entry<C> = { claim, queuedMs: nowMs, dueMs: nowMs, taken: false };
    this.queue.push(entry);
    const told = await this.turn(entry, withdraw);
    if (told !== "alone") return told;
    return withdraw?.aborted ? "withdrawn" : this.flight(() => this.options.sendAlone(claim));
  }

  /** Claims waiting to be taken into a statement (what the tests look at). */
  get queued(): number {
    return this.queue.length;
  }

  /**
   * Looks from this request's own timers until its claim has an answer or is to lead. Even an
   * answer already written is read from a timer: it was written by another request.
   */
  private turn(entry: Entry<C>, withdraw?: AbortSignal): Promise<Told> {
    return new Promise<Told>((resolve) => {
      let lateLooks = 0;
      let timer: ReturnType<typeof setTimeout> | undefined;
      const next = () => {
        const nowMs = this.options.nowMs();
        const dueMs = entry.taken
          ? entry.dueMs
          : Math.min(this.freeAtMs(), entry.queuedMs + this.options.maxWaitMs);
        timer = setTimeout(look, dueMs - nowMs >= 1 ? dueMs - nowMs : lookDelayMs(lateLooks++));
      };
      // Unsent: out of the queue, answered now. Taken: its statement's answer is awaited still.
      withdraw?.addEventListener(
        "abort",
        () => {
          if (entry.taken || entry.told) return;
          this.unqueue(entry);
          clearTimeout(timer);
          resolve("withdrawn");
        },
        { once: true },
      );
      const look = () => {
        if (entry.told) return resolve(entry.told);
        const waitedMs = this.options.nowMs() - entry.queuedMs;
        if (!entry.taken && (!this.busy() || waitedMs >= this.options.maxWaitMs))
          return resolve(this.lead(entry));
        if (entry.taken && waitedMs >= this.options.waitMs()) return resolve("alone");
        next();
      };
      next();
    });
  }

  /** Takes an entry out of the queue (a leader may have dropped it as too old already). */
  private unqueue(entry: Entry<C>): void {
    const at = this.queue.indexOf(entry);
    if (at >= 0) this.queue.splice(at, 1);
  }

  /** When the statements in flight should all have answered. */
  private freeAtMs(): number {
    let freeAtMs = 0;
    for (const sentMs of this.flying.values()) freeAtMs = Math.max(freeAtMs, sentMs + this.rttMs);
    return freeAtMs;
  }

  /**
   * Sends `own` with what has queued, from `own`'s request. Claims queued so long ago that their
   * requests must have gone away are dropped: nobody would read their answers.
   */
  private async lead(own: Entry<C>): Promise<Told> {
    this.unqueue(own);
    const oldestMs = this.options.nowMs() - this.options.waitMs();
    this.queue = this.queue.filter((entry) => entry.queuedMs >= oldestMs);
    const together: Entry<C>[] = [own];
    const dueMs = this.options.nowMs() + this.rttMs;
    for (const entry of this.queue.splice(0, MAX_TOGETHER - 1)) {
      entry.taken = true;
      entry.dueMs = dueMs;
      if (together.some((t) => this.options.overlaps(t.claim, entry.claim))) entry.told = "alone";
      else together.push(entry);
    }
    own.taken = true;
    if (together.length === 1) return "alone";
    const answer = await this.flight(
      () => this.options.sendTogether(together.map((entry) => entry.claim)),
      together.length,
    );
    const told: Told = answer === "conflict" ? "alone" : answer;
    for (const entry of together) entry.told = told;
    return told;
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

  /** Sends a statement, marked in flight until it answers; learns its round trip. */
  private async flight(statement: () => Promise<QueuedAnswer>, claims = 1): Promise<QueuedAnswer> {
    const id = ++this.statements;
    const sentMs = this.options.nowMs();
    this.flying.set(id, sentMs);
    this.options.sent?.(claims);
    try {
      return await statement();
    } finally {
      this.flying.delete(id);
      // One slow statement (a timeout) moves the estimate by at most 40 %: otherwise the next
      // claims would look a second late for answers that came in milliseconds.
      const tookMs = Math.min(this.options.nowMs() - sentMs, 2 * this.rttMs + FIRST_RTT_MS);
      this.rttMs = 0.8 * this.rttMs + 0.2 * tookMs;
    }
  }
}
