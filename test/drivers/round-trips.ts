/**
 * Counts the HTTP round trips the app makes to each store while `fn` runs, by wrapping the
 * global fetch that both clients call: Redis = requests to the Upstash gateway, SQL = requests
 * to the PlanetScale gateway (one per statement; BEGIN and COMMIT count too).
 */
import { TEST_STACK } from "../stack/stack-env.ts";

export interface RoundTrips<T> {
  result: T;
  redis: number;
  /** The paths of the Redis requests ("/" for a command or script, "/subscribe/<channel>", …). */
  redisPaths: string[];
  sql: number;
  sqlStatements: string[];
}

export async function countRoundTrips<T>(fn: () => Promise<T>): Promise<RoundTrips<T>> {
  const original = globalThis.fetch;
  const counts = { redis: 0, redisPaths: [] as string[], sql: 0, sqlStatements: [] as string[] };
  globalThis.fetch = async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    if (url.port === String(TEST_STACK.upstashPort)) {
      counts.redis++;
      counts.redisPaths.push(url.pathname);
    }
    if (url.port === String(TEST_STACK.planetscalePort) && url.pathname.endsWith("/Execute")) {
      counts.sql++;
      counts.sqlStatements.push(
        String((JSON.parse(String(init?.body ?? "{}")) as { query?: string }).query),
      );
    }
    return original(input, init);
  };
  try {
    const result = await fn();
    return { result, ...counts };
  } finally {
    globalThis.fetch = original;
  }
}
