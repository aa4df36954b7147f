/**
 * The benchmark harness: builds the worker with wrangler (bundle only), serves it with Miniflare
 * (workerd without wrangler dev's proxy, which costs 4–7×), and drives it with autocannon over
 * loopback with bounded durations. Everything runs against the real local stack.
 */
import { execFileSync } from "node:child_process";
import { cpus } from "node:os";
import autocannon from "autocannon";
import { Miniflare } from "miniflare";

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
}

export function bundleWorker(outdir: string): string {
  execFileSync("node_modules/.bin/wrangler", ["deploy", "--dry-run", "--outdir", outdir], {
    stdio: ["ignore", "ignore", "inherit"],
    env: { ...process.env, WRANGLER_SEND_METRICS: "false" },
  });
  return `${outdir}/worker.js`;
}

export async function serveWorker(
  scriptPath: string,
  bindings: Record<string, string>,
): Promise<{ url: string; dispose(): Promise<void> }> {
  const mf = new Miniflare({
    modules: true,
    scriptPath,
    compatibilityDate: "2025-09-01",
    bindings,
    host: "127.0.0.1",
    port: 0,
  });
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
  const result = await autocannon({
    url: options.url,
    connections: options.connections,
    duration: options.durationS,
    headers: options.headers ?? {},
    ...(options.requests ? { requests: options.requests } : {}),
    ...(options.overallRate ? { overallRate: options.overallRate } : {}),
  });
  const statuses = Object.entries(result.statusCodeStats ?? {})
    .map(([status, stat]) => `${status}: ${stat.count ?? 0}`)
    .join(", ");
  return {
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
    "| case | requests | req/s | p50 ms | p90 ms | p99 ms | errors | statuses | vs baseline (p50) |";
  const rule = "| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- | --- |";
  const rows = results.map((r) => {
    const ratio = r.ratioP50 === undefined ? "—" : `${r.ratioP50.toFixed(2)}× ${r.baseline}`;
    return `| ${r.name} | ${r.requests} | ${r.throughputRps} | ${r.p50Ms} | ${r.p90Ms} | ${r.p99Ms} | ${r.errors} | ${r.statuses ?? ""} | ${ratio}${r.note ? ` (${r.note})` : ""} |`;
  });
  return [header, rule, ...rows].join("\n");
}
