/**
 * Store calls slower than they should be, counted per store and operation where the counts add
 * up across isolates (docs/adr/1205-the-booking-funnel.md): this isolate keeps what it saw since
 * its last write, and writes it at most every FLUSH_INTERVAL_MS, in the background.
 *
 * "Slow" knows the distance (docs/adr/0506-timeouts-that-know-the-distance.md): the round trip
 * the isolate learned for the store is a floor under every call, so a call is slow when it takes
 * more than SLOW_CALL_MS beyond that floor (beyond SLOW_CALL_MS alone before anything was
 * learned). A store 300 ms away is not slow on every call; a store next door taking 150 ms is.
 */

/** How often an isolate writes its counts at most: one background write per interval. */
export const FLUSH_INTERVAL_MS = 10_000;

/** Where a call was served: Redis, or the MySQL fallback (whose floor is MySQL's round trip). */
export type SlowCallStore = "redis" | "fallback";

export class SlowCalls {
  private pending = new Map<string, number>();
  private lastFlushMs: number | null = null;

  constructor(
    private readonly options: {
      /** SLOW_CALL_MS: the margin above the store's learned round trip. */
      thresholdMs: number;
      /** The store's learned round trip (null before its first answer). */
      baselineOf: (store: SlowCallStore) => number | null;
      /** A monotonic clock (ms): it spaces the writes. */
      clock: { nowMs(): number };
    },
  ) {}

  /** The duration above which a call of `store` counts as slow now. */
  thresholdFor(store: SlowCallStore): number {
    return this.options.thresholdMs + (this.options.baselineOf(store) ?? 0);
  }

  /** One answered call; true when it counted as slow. */
  record(store: SlowCallStore, operation: string, durationMs: number): boolean {
    if (!(durationMs > this.thresholdFor(store))) return false;
    const key = `${store}:${operation}`;
    this.pending.set(key, (this.pending.get(key) ?? 0) + 1);
    return true;
  }

  /**
   * The counts to write now, taken out of the isolate (null when there are none, or the last
   * write was less than FLUSH_INTERVAL_MS ago). A write that fails gives them back.
   */
  due(): Record<string, number> | null {
    if (this.pending.size === 0) return null;
    const now = this.options.clock.nowMs();
    if (this.lastFlushMs !== null && now - this.lastFlushMs < FLUSH_INTERVAL_MS) return null;
    this.lastFlushMs = now;
    const counts = Object.fromEntries(this.pending);
    this.pending = new Map();
    return counts;
  }

  /** Counts a write did not store: written with the next ones. */
  giveBack(counts: Record<string, number>): void {
    for (const [key, n] of Object.entries(counts))
      this.pending.set(key, (this.pending.get(key) ?? 0) + n);
  }

  /** What waits to be written (GET /v1/debug/metrics). */
  snapshot(): Record<string, number> {
    return Object.fromEntries(this.pending);
  }
}
