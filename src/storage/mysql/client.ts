import { Client } from "@planetscale/database";

export interface MysqlClientOptions {
  /** PlanetScale URL, `https://user:password@host` (locally `http://…@127.0.0.1:3900`). */
  url: string;
  /** Upper bound of one SQL round trip. The driver has no timeout option of its own. */
  timeoutMs: number;
}

/**
 * Builds the PlanetScale client. Every HTTP request the driver makes (one per statement, and one
 * each for BEGIN and COMMIT in a transaction) is bounded by `timeoutMs`.
 */
export function createMysqlClient(options: MysqlClientOptions): Client {
  const timeoutFetch: typeof fetch = (input, init) =>
    fetch(input, { ...init, signal: AbortSignal.timeout(options.timeoutMs) });
  return new Client({ url: options.url, fetch: timeoutFetch });
}
