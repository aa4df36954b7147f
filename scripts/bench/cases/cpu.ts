/**
 * What Workers bills and what a cold isolate costs, measured on the worker's own workerd process:
 * - bundle size: `wrangler deploy --dry-run --outdir` of both configs, raw and gzipped;
 * - cold start: CPU the workerd process has spent once the worker is ready (workerd compiles and
 *   evaluates the modules at start-up) minus the same for a worker of one line, median of a few
 *   starts;
 * - CPU per request: utime + stime of the workerd process (/proc/PID/stat) around sequential
 *   requests, after a warm-up, divided by their number. Miniflare's own entry worker runs in the
 *   same process, so the constant route shows the floor every request pays locally.
 * Linux only (/proc); elsewhere the CPU columns are left out.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { convertV4MiniflareOptions, Miniflare } from "miniflare";
import { addDays } from "../../../src/domain/time/zoned-time.ts";
import { seedCatalog, tomorrow } from "../catalog.ts";
import { bundleWorker, WORKER_RUNTIME } from "../harness.ts";
import type { BenchContext } from "../run.ts";

export interface BundleRow {
  config: string;
  kib: number;
  gzipKib: number;
}

export interface CpuRow {
  name: string;
  requests: number;
  cpuMsPerRequest: number;
  /** Wall time per sequential request, for comparison. */
  wallMsPerRequest: number;
  statuses: string;
}

export interface ColdStart {
  /** Median CPU ms of workerd until ready: the bundle, an empty worker, and their difference. */
  bundleMs: number;
  emptyMs: number;
  moduleMs: number;
  starts: number;
}

/** Budget of every public route but multi-week availability (docs/adr/0010-current-toolchain-and-lean-bundle.md). */
export const CPU_BUDGET_MS = 5;

const TICKS_PER_S = (() => {
  try {
    return Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100;
  } catch {
    return 100;
  }
})();

/** utime + stime of a process, in ms (every thread counted). */
export function processCpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  // Fields after the command name, which is in parentheses and may hold spaces.
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  const ticks = Number(fields[11]) + Number(fields[12]);
  return (ticks * 1000) / TICKS_PER_S;
}

/** The workerd processes started by this process (Miniflare spawns one per instance). */
export function workerdPids(): number[] {
  if (!existsSync("/proc")) return [];
  const pids: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const comm = stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")"));
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      if (comm === "workerd" && ppid === process.pid) pids.push(Number(entry));
    } catch {
      // The process ended meanwhile.
    }
  }
  return pids;
}

export function bundleSizes(): BundleRow[] {
  return ["wrangler.toml", "wrangler.placed.toml"].map((config) => {
    const outdir = join("dist", "bench-size", config.replace(/\.toml$/, ""));
    const code = readFileSync(bundleWorker(outdir, config));
    return {
      config,
      kib: Math.round((code.length / 1024) * 10) / 10,
      gzipKib: Math.round((gzipSync(code).length / 1024) * 10) / 10,
    };
  });
}

async function cpuAtReady(options: { scriptPath?: string; script?: string }): Promise<number> {
  const before = new Set(workerdPids());
  const mf = new Miniflare(
    convertV4MiniflareOptions({
      modules: true,
      ...(options.scriptPath
        ? { scriptPath: options.scriptPath }
        : { script: options.script ?? "" }),
      ...WORKER_RUNTIME,
      host: "127.0.0.1",
      port: 0,
    }),
  );
  try {
    await mf.ready;
    const pid = workerdPids().find((p) => !before.has(p));
    if (pid === undefined) throw new Error("no workerd process found");
    return processCpuMs(pid);
  } finally {
    await mf.dispose();
  }
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

/** Module evaluation: workerd's CPU at ready with the bundle, less that of an empty worker. */
export async function coldStart(scriptPath: string, starts = 5): Promise<ColdStart> {
  // Inside the working directory: workerd refuses a module path that climbs out of it.
  mkdirSync("dist", { recursive: true });
  const empty = join("dist", "bench-empty-worker.js");
  writeFileSync(empty, 'export default { fetch: () => new Response("ok") };\n');
  const bundle: number[] = [];
  const bare: number[] = [];
  for (let i = 0; i < starts; i++) {
    bundle.push(await cpuAtReady({ scriptPath }));
    bare.push(await cpuAtReady({ scriptPath: empty }));
  }
  const bundleMs = median(bundle);
  const emptyMs = median(bare);
  return { bundleMs, emptyMs, moduleMs: Math.max(0, bundleMs - emptyMs), starts };
}

interface CpuProbe {
  name: string;
  path: string;
  init?: () => RequestInit;
  headers?: Record<string, string>;
}

/** Sequential requests per route; CPU of the worker's workerd process per request. */
export async function cpuCase(ctx: BenchContext, pid: number, requests = 200): Promise<CpuRow[]> {
  const { serviceId, staffIds } = await seedCatalog(ctx, "Bench CPU", 3, { durationMin: 30 });
  const from = tomorrow();
  const staffId = staffIds[0] ?? "";
  const probes: CpuProbe[] = [
    { name: "constant route (floor)", path: "/v1/debug/noop", headers: ctx.adminHeaders },
    { name: "GET /v1/services", path: "/v1/services" },
    {
      name: "POST /v1/heartbeat",
      path: "/v1/heartbeat",
      init: () => ({
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ clientId: "bench_cpu", staffId, date: from, viewing: true }),
      }),
    },
    { name: "GET /v1/health", path: "/v1/health" },
    {
      name: "availability, one day × 3 staff",
      path: `/v1/availability?serviceId=${serviceId}&from=${from}&to=${from}`,
    },
    {
      name: "availability, 31 days × 3 staff (outside the budget)",
      path: `/v1/availability?serviceId=${serviceId}&from=${from}&to=${addDays(from, 30)}`,
    },
    { name: "GET /openapi.json", path: "/openapi.json" },
  ];
  const rows: CpuRow[] = [];
  for (const probe of probes) {
    const statuses = new Map<number, number>();
    const once = async () => {
      const init = probe.init?.() ?? {};
      const res = await fetch(`${ctx.url}${probe.path}`, {
        ...init,
        headers: { ...(init.headers as Record<string, string>), ...probe.headers },
      });
      await res.arrayBuffer();
      statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
    };
    for (let i = 0; i < 20; i++) await once(); // warm-up: JIT, caches, kept-alive connection
    statuses.clear();
    const cpuBefore = processCpuMs(pid);
    const startedMs = performance.now();
    for (let i = 0; i < requests; i++) await once();
    const wallMs = performance.now() - startedMs;
    const cpuMs = processCpuMs(pid) - cpuBefore;
    rows.push({
      name: probe.name,
      requests,
      cpuMsPerRequest: Math.round((cpuMs / requests) * 100) / 100,
      wallMsPerRequest: Math.round((wallMs / requests) * 100) / 100,
      statuses: [...statuses].map(([s, n]) => `${s}: ${n}`).join(", "),
    });
  }
  return rows;
}

export function formatCpu(bundles: BundleRow[], cold: ColdStart | null, rows: CpuRow[]): string {
  const lines = [
    "| bundle | KiB | KiB gzipped |",
    "| --- | ---: | ---: |",
    ...bundles.map((b) => `| ${b.config} | ${b.kib} | ${b.gzipKib} |`),
  ];
  if (cold)
    lines.push(
      "",
      `Cold start: ${cold.moduleMs.toFixed(0)} ms of CPU to compile and evaluate the bundle (workerd at ready: ${cold.bundleMs.toFixed(0)} ms, with an empty worker ${cold.emptyMs.toFixed(0)} ms; median of ${cold.starts} starts)`,
    );
  if (rows.length > 0)
    lines.push(
      "",
      `| route (sequential requests) | CPU ms per request | wall ms per request | statuses |`,
      "| --- | ---: | ---: | --- |",
      ...rows.map(
        (r) => `| ${r.name} | ${r.cpuMsPerRequest} | ${r.wallMsPerRequest} | ${r.statuses} |`,
      ),
    );
  return lines.join("\n");
}
