import { Client } from "@planetscale/database";
import { OverloadedError, StoreUnavailableError } from "../../domain/errors.ts";

export interface MysqlClientOptions {
  /** PlanetScale URL, `https://user:password@host` (locally `http://…@127.0.0.1:3900`). */
  url: string;
  /**
   * Upper bound of one HTTP request (the driver has no timeout option of its own). A function is
   * asked once per request, as it is sent: the isolate's learned timeout
   * (src/storage/round-trip-baseline.ts).
   */
  timeoutMs: number | (() => number);
}

/** Sees every HTTP request the driver makes: metrics count them, answers teach the timeout. */
export interface MysqlCallObserver {
  started(): void;
  /** The database answered (any response this client returns) after `durationMs`. */
  answered(durationMs: number): void;
}

/**
 * Builds the PlanetScale client. Every HTTP request the driver makes (one per statement, and one
 * each for BEGIN and COMMIT in a transaction) is bounded by `timeoutMs` and reported to
 * `observer` (metrics, the learned timeout): its start, and its duration once answered.
 *
 * A database that cannot be reached, times out, or answers HTTP 5xx surfaces as a
 * StoreUnavailableError (503 STORE_UNAVAILABLE), wherever the request was; SQL errors still
 * arrive as the driver's DatabaseError (HTTP 200 with an error body). The body is read here,
 * inside the timeout, so a response that stalls midway fails the same way.
 */
export function createMysqlClient(
  options: MysqlClientOptions,
  observer?: MysqlCallObserver,
): Client {
  const bound = options.timeoutMs;
  const timeoutMs = typeof bound === "number" ? () => bound : bound;
  const boundedFetch: typeof fetch = async (input, init) => {
    observer?.started();
    const sentMs = performance.now();
    let response: Response;
    let body: string;
    try {
      response = await fetch(input, { ...init, signal: AbortSignal.timeout(timeoutMs()) });
      body = await response.text();
    } catch (error) {
      throw new StoreUnavailableError("database", error);
    }
    if (response.status >= 500) {
      throw new StoreUnavailableError("database", new Error(`HTTP ${response.status}`));
    }
    // Busy (rate limit, pool exhausted): nothing ran; the caller should come back shortly.
    if (response.status === 429) throw new OverloadedError(false, new Error(body.slice(0, 200)));
    // Failures never reach the baseline: only what the database itself answered (a SQL error
    // included, which arrives as HTTP 200) measures the distance.
    observer?.answered(performance.now() - sentMs);
    return new Response(body, {
      status: response.status,
      statusText: response.statusText,
      headers: response.headers,
    });
  };
  return new Client({ url: options.url, fetch: boundedFetch });
}
