/**
 * `npm run burst -- <url> [concurrency]`: one burst of concurrent GETs against a running worker
 * (`npm run dev`), each with its own CF-Connecting-IP and its own connection, as the issue-13
 * report did (700 × GET /v1/services). `npm run burst -- --miniflare [path] [concurrency]`
 * starts the dev stack (REDIS_URL, MYSQL_URL, UPSTASH_GATEWAY_PORT, PLANETSCALE_GATEWAY_PORT, as
 * `npm run dev`) and serves the bundled worker with Miniflare instead of `wrangler dev`.
 * Prints the answers by status, latency percentiles, the slowest answer, and the requests with no
 * answer within BURST_TIMEOUT_MS (60 s; the issue saw 303 s). Exits 1 when any request got no
 * answer or a 5xx other than 503 OVERLOADED.
 */
import { bundleWorker, serveWorker } from "./bench/harness.ts";
import { loadDevVars } from "./lib/dev-vars.ts";
import { DEFAULTS, startStack } from "./lib/stack.ts";

const miniflare = process.argv[2] === "--miniflare";
const args = miniflare ? process.argv.slice(3) : process.argv.slice(2);
const target = args[0] ?? (miniflare ? "/v1/services" : "http://127.0.0.1:8787/v1/services");
const concurrency = Number(args[1] ?? 700);
const timeoutMs = Number(process.env.BURST_TIMEOUT_MS ?? 60_000);

/** The dev stack and the bundled worker under Miniflare; returns its base URL and a stop. */
async function serveWithMiniflare(): Promise<{ url: string; stop(): Promise<void> }> {
  const log = (line: string) => console.log(`[burst] ${line}`);
  const vars = loadDevVars(log);
  const stack = await startStack(
    {
      redisUrl: process.env.REDIS_URL ?? DEFAULTS.redisUrl,
      mysqlUrl: process.env.MYSQL_URL ?? DEFAULTS.mysqlUrl,
      upstashPort: Number(process.env.UPSTASH_GATEWAY_PORT ?? DEFAULTS.upstashPort),
      planetscalePort: Number(process.env.PLANETSCALE_GATEWAY_PORT ?? DEFAULTS.planetscalePort),
      upstashToken: vars.UPSTASH_REDIS_REST_TOKEN ?? "",
      planetscaleUsername: vars.PLANETSCALE_USERNAME ?? "",
      planetscalePassword: vars.PLANETSCALE_PASSWORD ?? "",
      seed: true,
    },
    log,
  );
  const worker = await serveWorker(bundleWorker("dist/burst"), {
    ...vars,
    ...stack.bindings,
    ENVIRONMENT: "development",
  });
  return {
    url: worker.url,
    stop: async () => {
      await worker.dispose();
      await stack.stop();
    },
  };
}

async function main(): Promise<void> {
  const served = miniflare ? await serveWithMiniflare() : null;
  const url = served ? `${served.url}${target}` : target;
  // Node's fetch opens as many connections to one origin as there are requests in flight.
  const started = performance.now();
  const results = await Promise.all(
    Array.from({ length: concurrency }, async (_, i) => {
      const t0 = performance.now();
      try {
        const res = await fetch(url, {
          headers: { "CF-Connecting-IP": `198.51.${Math.floor(i / 250)}.${(i % 250) + 1}` },
          signal: AbortSignal.timeout(timeoutMs),
        });
        const body = await res.text();
        const code = res.status >= 500 ? /"code":"([A-Z_]+)"/.exec(body)?.[1] : undefined;
        return {
          status: String(res.status) + (code ? ` ${code}` : ""),
          ms: performance.now() - t0,
        };
      } catch (error) {
        const name = (error as Error).name;
        return {
          status: name === "TimeoutError" ? "no answer" : `error ${name}`,
          ms: performance.now() - t0,
        };
      }
    }),
  );
  const took = performance.now() - started;
  const byStatus = new Map<string, number>();
  for (const r of results) byStatus.set(r.status, (byStatus.get(r.status) ?? 0) + 1);
  const sorted = results.map((r) => r.ms).sort((a, b) => a - b);
  const at = (p: number) =>
    Math.round(sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? 0);
  console.log(`burst: ${concurrency} × GET ${url}`);
  console.log(`answers: ${[...byStatus].map(([s, n]) => `${s}: ${n}`).join(", ")}`);
  console.log(
    `latency ms: p50 ${at(0.5)}, p99 ${at(0.99)}, max ${Math.round(sorted.at(-1) ?? 0)}; all done in ${Math.round(took)} ms`,
  );
  const bad = results.filter(
    (r) =>
      r.status === "no answer" ||
      r.status.startsWith("error") ||
      (r.status.startsWith("5") && !r.status.startsWith("503 OVERLOADED")),
  );
  await served?.stop();
  process.exit(bad.length > 0 ? 1 : 0);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
