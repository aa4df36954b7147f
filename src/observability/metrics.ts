/**
 * Per-isolate counters behind GET /v1/debug/metrics: requests and latency by route, store round
 * trips, and calls served by the fallback store. An isolate's numbers are its own (Workers runs
 * many isolates); they reset when the isolate is recycled.
 */

/** The latest latencies kept per route, enough for stable p50/p90/p99 at little memory. */
const LATENCY_WINDOW = 512;

interface RouteStats {
  count: number;
  byStatus: Record<string, number>;
  /** A ring buffer of the latest latencies (ms). */
  latencies: number[];
  next: number;
}

export type Store = "redis" | "mysql";

export class Metrics {
  private readonly routes = new Map<string, RouteStats>();
  private readonly roundTrips: Record<Store, number> = { redis: 0, mysql: 0 };
  private readonly fallbackHits = new Map<string, number>();
  private readonly shed = new Map<string, number>();
  private readonly errorCodes = new Map<string, number>();
  private readonly holdUndos = { undone: 0, kept: 0, gone: 0, failed: 0 };
  private readonly claims = { statements: 0, shared: 0 };
  readonly sinceMs = Date.now();

  recordRequest(route: string, status: number, latencyMs: number): void {
    let stats = this.routes.get(route);
    if (!stats) {
      stats = { count: 0, byStatus: {}, latencies: [], next: 0 };
      this.routes.set(route, stats);
    }
    stats.count++;
    const statusClass = `${Math.floor(status / 100)}xx`;
    stats.byStatus[statusClass] = (stats.byStatus[statusClass] ?? 0) + 1;
    stats.latencies[stats.next] = latencyMs;
    stats.next = (stats.next + 1) % LATENCY_WINDOW;
  }

  roundTrip(store: Store): void {
    this.roundTrips[store]++;
  }

  fallbackHit(operation: string): void {
    this.fallbackHits.set(operation, (this.fallbackHits.get(operation) ?? 0) + 1);
  }

  /** An error answer, by its code (OVERLOADED and STORE_UNAVAILABLE are told apart here). */
  countError(code: string): void {
    this.errorCodes.set(code, (this.errorCodes.get(code) ?? 0) + 1);
  }

  /**
   * An undo of a hold whose request was answered with an error: "undone" (it had run, and was
   * taken back), "kept" (a retry with the same key was handed it), "gone" (it had not run), or
   * "failed" (the store did not answer the undo; it is retried in the background).
   */
  holdUndo(outcome: "undone" | "kept" | "gone" | "failed"): void {
    this.holdUndos[outcome]++;
  }

  /** A statement of hold claims sent to the booking store, with how many claims it carried. */
  claimStatement(claims: number): void {
    this.claims.statements++;
    if (claims > 1) this.claims.shared += claims;
  }

  /** A fallback call refused because the isolate's fallback bound was reached. */
  fallbackShed(operation: string): void {
    this.countShed(`fallback:${operation}`);
  }

  /** A request answered 503 OVERLOADED by the admission control, by reason. */
  countShed(reason: string): void {
    this.shed.set(reason, (this.shed.get(reason) ?? 0) + 1);
  }

  snapshot() {
    const routes = [...this.routes.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([route, stats]) => {
        const sorted = [...stats.latencies].sort((a, b) => a - b);
        return {
          route,
          count: stats.count,
          byStatus: { ...stats.byStatus },
          latencyMs: {
            p50: percentile(sorted, 0.5),
            p90: percentile(sorted, 0.9),
            p99: percentile(sorted, 0.99),
          },
        };
      });
    return {
      since: new Date(this.sinceMs).toISOString(),
      routes,
      roundTrips: { ...this.roundTrips },
      fallbackHits: Object.fromEntries(
        [...this.fallbackHits.entries()].sort(([a], [b]) => a.localeCompare(b)),
      ),
      shed: Object.fromEntries([...this.shed.entries()].sort(([a], [b]) => a.localeCompare(b))),
      errors: Object.fromEntries(
        [...this.errorCodes.entries()].sort(([a], [b]) => a.localeCompare(b)),
      ),
      holdUndos: { ...this.holdUndos },
      claims: { ...this.claims },
    };
  }
}

/** The nearest-rank percentile of sorted samples (0 when there are none). */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1));
  return Math.round((sorted[rank] ?? 0) * 10) / 10;
}
