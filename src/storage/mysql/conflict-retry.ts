import { isRetryableConflict } from "./sql-values.ts";

/**
 * How many times a unit of work runs when MySQL keeps rolling it back as a deadlock victim (or
 * on a lock wait timeout). InnoDB rolls the victim back whole, so running it again is safe, and
 * the rerun meets the winner's committed rows. Eight attempts with a short random pause between
 * them outlast the worst contention the tests produce (100 parallel holds on one slot in the
 * fallback store, the failback sync's deletes racing live writes); past that, the error is real.
 */
export const CONFLICT_ATTEMPTS = 8;

export interface ConflictRetryOptions {
  /** Also run again for these errors (the fallback store's own "run again" signal). */
  alsoRetry?: (error: unknown) => boolean;
  /**
   * Runs before the next attempt (e.g. deleting dead rows that caused the rerun). A deadlock in
   * it counts as a failed attempt; any other error fails at once.
   */
  beforeRetry?: (error: unknown) => Promise<void>;
}

/**
 * Runs `work` (a whole transaction, or one idempotent statement) and runs it again when MySQL
 * rolled it back as a deadlock victim, at most CONFLICT_ATTEMPTS times in all.
 */
export async function retryConflicts<T>(
  work: () => Promise<T>,
  options: ConflictRetryOptions = {},
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (error) {
      const again = isRetryableConflict(error) || options.alsoRetry?.(error) === true;
      if (!again || attempt >= CONFLICT_ATTEMPTS) throw error;
      try {
        await options.beforeRetry?.(error);
      } catch (beforeError) {
        // The step before a rerun (deleting dead rows) can itself be a deadlock victim, e.g. of a
        // Redis hold's claim on the same cells. It is idempotent and the rerun meets the same rows
        // and asks for it again, so that costs an attempt, not the request.
        if (!isRetryableConflict(beforeError)) throw beforeError;
      }
      // A short random pause, so that two victims of the same deadlock do not meet again at once.
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 5 * attempt));
    }
  }
}
