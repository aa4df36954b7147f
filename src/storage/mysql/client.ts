import { Client } from "@planetscale/database";
import { OverloadedError, StoreUnavailableError } from "../../domain/errors.ts";

export interface MysqlClientOptions {
  /** PlanetScale URL, `https://user:password@host` (locally `http://…@127.0.0.1:3900`). */
  url: string;
  /** Upper bound of one SQL round trip. The driver has no timeout option of its own. */
  timeoutMs: number;
}

/**
 * Builds the PlanetScale client. Every HTTP request the driver makes (one per statement, and one
 * each for BEGIN and COMMIT in a transaction) is bounded by `timeoutMs` and reported to
 * `onRoundTrip` (metrics).
 *
 * A database that cannot be reached, times out, or answers HTTP 5xx surfaces as a
 * StoreUnavailableError (503 STORE_UNAVAILABLE), wherever the request was; SQL errors still
 * arrive as the driver's DatabaseError (HTTP 200 with an error body). The body is read here,
 * inside the timeout, so a response that stalls midway fails the same way.
 */
export function createMysqlClient(options: MysqlClientOptions, onRoundTrip?: () => void): Client {
  const boundedFetch: typeof fetch = async (input, init) => {
    onRoundTrip?.();
    let response: Response;
    let body: string;
    try {
      response = await fetch(input, { ...init, signal: AbortSignal.timeout(options.timeoutMs) });
      body = await response.text();
    } catch (error) {
      throw new StoreUnavailableError("database", error);
    }
    if (response.status >= 500) {
      throw new StoreUnavailableError("database", new Error(`HTTP ${response.status}`));
    }
    // Busy (rate limit, pool exhausted): nothing ran; the caller should come back shortly.
    if (response.status === 429) throw new OverloadedError(false, new Error(body.slice(0, 200)));
    return new Response(body, {
      status: response.status,
      statusText: response.statusText,
      headers: response.headers,
    });
  };
  return new Client({ url: options.url, fetch: boundedFetch });
}
