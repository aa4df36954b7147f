/**
 * Waiting for work that another request may finish, without leaving one's own request.
 *
 * In Workers, the continuation of a promise runs in the context of the request that settled it.
 * A request that awaits a promise another request settles (a shared cache load, a place freed
 * in the admission queue, a failback check in flight) therefore goes on in that other request's
 * context, and its next I/O is refused: "Cannot perform I/O on behalf of a different request
 * (I/O type: SpanParent)". At 1 000 connections that turned most answers into 500s and failed
 * an isolate over while Redis was healthy (bench, 2026-11-29).
 *
 * So a waiter never awaits the shared promise itself: the settler only records the outcome (plain
 * data), and the waiter reads it from timers of its own, which run in its own context.
 */

interface Settled<T> {
  done: boolean;
  ok?: boolean;
  value?: T;
  error?: unknown;
}

const outcomes = new WeakMap<Promise<unknown>, Settled<unknown>>();

/** The outcome record of `shared`, filled in when it settles (by whoever settles it). */
function outcomeOf<T>(shared: Promise<T>): Settled<T> {
  let outcome = outcomes.get(shared) as Settled<T> | undefined;
  if (!outcome) {
    const record: Settled<T> = { done: false };
    outcome = record;
    outcomes.set(shared, record);
    shared.then(
      (value) => Object.assign(record, { done: true, ok: true, value }),
      (error: unknown) => Object.assign(record, { done: true, ok: false, error }),
    );
  }
  return outcome;
}

/** Backoff for polls of work of unknown length: 1, 2, 4 … 32 ms, then every 50 ms. */
export function backoffMs(polls: number): number {
  return Math.min(50, 2 ** polls);
}

/**
 * `shared`'s outcome, read from this request's own timers: resolves or rejects as `shared` did,
 * in the caller's context. `delayMs(polls)` says how long to wait before the next look. With
 * `giveUp`, a `shared` still unsettled after `afterMs` (its request may have been cancelled) is
 * left for `orElse()`, this request's own attempt.
 */
export function settledHere<T>(
  shared: Promise<T>,
  delayMs: (polls: number) => number = backoffMs,
  giveUp?: { afterMs: number; orElse: () => Promise<T> },
): Promise<T> {
  const outcome = outcomeOf(shared);
  const deadlineMs = giveUp ? Date.now() + giveUp.afterMs : Number.POSITIVE_INFINITY;
  return new Promise<T>((resolve, reject) => {
    let polls = 0;
    const look = () => {
      if (outcome.done) {
        if (outcome.ok) resolve(outcome.value as T);
        else reject(outcome.error);
      } else if (giveUp && Date.now() >= deadlineMs) {
        giveUp.orElse().then(resolve, reject);
      } else {
        setTimeout(look, delayMs(polls++));
      }
    };
    // Even an outcome known now is read from a timer: its promise may be another request's.
    setTimeout(look, 0);
  });
}
