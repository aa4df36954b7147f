/**
 * The benchmark harness: builds the worker with wrangler (bundle only), serves it with Miniflare
 * (workerd without wrangler dev's proxy, which costs 4–7×), and drives it with autocannon over
 * loopback with bounded durations. Everything runs against the real local stack.
 */
import { execFileSync } from "node:child_process";
import { cpus } from "node:os";
import autocannon from "autocannon";
import { convertV4MiniflareOptions, Miniflare } from "miniflare";

export interface CaseResult {
  name: string;
  requests: number;
  throughputRps: number;
  p50Ms: number;
  p90Ms: number;
  p99Ms: number;
  errors: number;
  non2xx: number;
  /** Responses by status, e.g. "201: 12, 409: 3000". */
  statuses?: string;
  /** p50 relative to the named baseline's p50, measured in the same run. */
  baseline?: string;
  ratioP50?: number;
  note?: string;
  /** Successful answers per second: every answer below 500 (a 409 is a correct answer). */
  okRps?: number;
  /** Answers 503 OVERLOADED (shed), and any other 5xx (must be 0). */
  overloaded?: number;
  other5xx?: number;
  /** Failovers of the worker's isolate while the case ran (must be 0: Redis is up). */
  failovers?: number;
}

/** What the worker's isolate has counted so far (GET /v1/debug/metrics). */
export interface WorkerCounters {
  failovers: number;
  /** Error answers by code, e.g. OVERLOADED. */
  errors: Record<string, number>;
}

/**
 * Reads the worker's counters; run.ts sets it, so that every case reports the failovers and the
 * 503 OVERLOADED answers of its own time window.
 */
export const caseHooks: { counters: () => Promise<WorkerCounters> } = {
  counters: async () => ({ failovers: 0, errors: {} }),
};

/** Failovers and OVERLOADED answers between two readings. */
export function countersDelta(before: WorkerCounters, after: WorkerCounters) {
  return {
    failovers: after.failovers - before.failovers,
    overloaded: (after.errors.OVERLOADED ?? 0) - (before.errors.OVERLOADED ?? 0),
  };
}

/** Successful answers per second and the 5xx split, from a status → count map. */
export function answerStats(
  statuses: Map<number, number> | Record<string, number>,
  elapsedMs: number,
  overloaded = 0,
): Pick<CaseResult, "okRps" | "overloaded" | "other5xx"> {
  const entries =
    statuses instanceof Map
      ? [...statuses]
      : Object.entries(statuses).map(([s, n]) => [Number(s), n] as const);
  const ok = entries.filter(([s]) => s < 500).reduce((n, [, c]) => n + c, 0);
  const all5xx = entries.filter(([s]) => s >= 500).reduce((n, [, c]) => n + c, 0);
  const all503 = entries.filter(([s]) => s === 503).reduce((n, [, c]) => n + c, 0);
  // The worker also counts answers to requests the load generator had already given up on
  // (queued when the case ended): only as many OVERLOADED as 503s were received are this case's.
  const shed = Math.min(overloaded, all503);
  return {
    okRps: elapsedMs > 0 ? Math.round((ok / elapsedMs) * 1000) : 0,
    overloaded: shed,
    other5xx: all5xx - shed,
  };
}

/** Bundles the worker as `wrangler deploy` would (minified, per the config), without uploading. */
export function bundleWorker(outdir: string, config = "wrangler.toml"): string {
  execFileSync(
    "node_modules/.bin/wrangler",
    ["deploy", "--dry-run", "--outdir", outdir, "-c", config],
    {
      stdio: ["ignore", "ignore", "inherit"],
      env: { ...process.env, WRANGLER_SEND_METRICS: "false" },
    },
  );
  return `${outdir}/worker.js`;
}

/** The runtime settings of wrangler.toml. */
export const WORKER_RUNTIME = {
  compatibilityDate: "2025-09-01",
  // As wrangler.toml: a live stream whose client left ends at its next write.
  compatibilityFlags: ["enable_request_signal"],
};

export async function serveWorker(
  scriptPath: string,
  bindings: Record<string, string>,
): Promise<{ url: string; dispose(): Promise<void> }> {
  const mf = new Miniflare(
    convertV4MiniflareOptions({
      modules: true,
      scriptPath,
      ...WORKER_RUNTIME,
      bindings,
      host: "127.0.0.1",
      port: 0,
    }),
  );
  const url = (await mf.ready).toString().replace(/\/$/, "");
  return { url, dispose: () => mf.dispose() };
}

export interface LoadOptions {
  name: string;
  url: string;
  connections: number;
  durationS: number;
  headers?: Record<string, string>;
  /** Requests built per call (method, path, body); default: GET of `url`. */
  requests?: autocannon.Request[];
  overallRate?: number;
}

export async function runLoad(options: LoadOptions): Promise<CaseResult> {
  const before = await caseHooks.counters();
  const startedMs = Date.now();
  const result = await autocannon({
    url: options.url,
    connections: options.connections,
    duration: options.durationS,
    // At 1 000 connections an answer can take seconds by Little's law; autocannon's 10 s
    // default would count the slowest ones as errors.
    timeout: 30,
    headers: options.headers ?? {},
    ...(options.requests ? { requests: options.requests } : {}),
    ...(options.overallRate ? { overallRate: options.overallRate } : {}),
  });
  const elapsedMs = Date.now() - startedMs;
  // autocannon stops sending at the end, but the worker still works through what it queued:
  // let that finish inside this case (its answers count here, and the next case starts clean).
  if (options.connections > 100) await new Promise((resolve) => setTimeout(resolve, 3_000));
  const { failovers, overloaded } = countersDelta(before, await caseHooks.counters());
  const counts = Object.fromEntries(
    Object.entries(result.statusCodeStats ?? {}).map(([status, stat]) => [status, stat.count ?? 0]),
  );
  const statuses = Object.entries(counts)
    .map(([status, count]) => `${status}: ${count}`)
    .join(", ");
  return {
    ...answerStats(counts, elapsedMs, overloaded),
    failovers,
    name: options.name,
    statuses,
    requests: result.requests.total,
    throughputRps: Math.round(result.requests.average),
    p50Ms: result.latency.p50,
    p90Ms: result.latency.p90,
    p99Ms: result.latency.p99,
    errors: result.errors + result.timeouts,
    non2xx: result.non2xx,
  };
}

/** Median of `repeats` timings of `fn`, in milliseconds. */
export function medianMs(repeats: number, fn: () => void): number {
  const times: number[] = [];
  for (let i = 0; i < repeats; i++) {
    const started = performance.now();
    fn();
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)] ?? Number.NaN;
}

export function machineLine(): string {
  const cpu = cpus();
  return `${cpu.length} cores (${cpu[0]?.model.trim() ?? "unknown CPU"}), node ${process.version}`;
}

export function formatTable(results: CaseResult[]): string {
  const header =
    "| case | requests | req/s | ok/s | p50 ms | p90 ms | p99 ms | errors | 503 OVERLOADED | other 5xx | failovers | statuses | vs baseline (p50) |";
  const rule =
    "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | --- |";
  const rows = results.map((r) => {
    const ratio = r.ratioP50 === undefined ? "—" : `${r.ratioP50.toFixed(2)}× ${r.baseline}`;
    return `| ${r.name} | ${r.requests} | ${r.throughputRps} | ${r.okRps ?? "—"} | ${r.p50Ms} | ${r.p90Ms} | ${r.p99Ms} | ${r.errors} | ${r.overloaded ?? 0} | ${r.other5xx ?? 0} | ${r.failovers ?? "—"} | ${r.statuses ?? ""} | ${ratio}${r.note ? ` (${r.note})` : ""} |`;
  });
  return [header, rule, ...rows].join("\n");
}

/** Successful throughput of each case against the same case in an earlier run (e.g. at 50). */
export function formatComparison(
  results: CaseResult[],
  earlier: CaseResult[],
  earlierConnections: number,
): string {
  const rows = results.flatMap((r) => {
    const before = earlier.find((e) => e.name === r.name);
    if (!before?.okRps || r.okRps === undefined) return [];
    return [
      `| ${r.name} | ${before.okRps} | ${r.okRps} | ${(r.okRps / before.okRps).toFixed(2)}× |`,
    ];
  });
  return [
    `| case | ok/s at ${earlierConnections} | ok/s now | ratio |`,
    "| --- | ---: | ---: | ---: |",
    ...rows,
  ].join("\n");
}
