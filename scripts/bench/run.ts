/**
 * `npm run bench`: starts the local stack (own database and Redis logical database), serves the
 * bundled worker with Miniflare, runs every case with autocannon (50 connections, bounded
 * duration, loopback only), and prints one table plus bench/results/latest.json. Ratios compare
 * each case with a baseline measured in the same run, because these machines are shared.
 *
 * Environment: BENCH_DURATION_S (default 8), BENCH_CONNECTIONS (default 50), or
 * `npm run bench -- --connections 1000`. Each case also reports successful answers per second
 * (every answer below 500), 503 OVERLOADED answers, any other 5xx, and the worker's failovers
 * while it ran. Results go to bench/results/latest.json and connections-<N>.json; a run at
 * another number of connections is compared with the latest run at 50, when there is one.
 * BENCH_ONLY: a comma-separated list of groups to run (cpu, availability, live, scale, booking,
 * memory, sync, push, distance, reminders; default all); the load groups run after the baselines. The cpu
 * group prints the bundle size (gzipped), the cold start and the CPU ms per request of each public
 * route, measured on the worker's workerd process, before any load. The distance group runs the edge
 * and placed workers behind emulated distances (0, 50, 150 ms; BENCH_DISTANCE_SAMPLES sequential
 * requests per operation, default 10; PLACED_MS and REPLICA_MS as for `npm run dev`).
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { putLoadTestSettings } from "../lib/seed.ts";
import { startStack } from "../lib/stack.ts";
import { availabilityCases, engineCase } from "./cases/availability.ts";
import { bookingCases } from "./cases/booking.ts";
import { bundleSizes, coldStart, cpuCase, formatCpu, workerdPids } from "./cases/cpu.ts";
import { type DistanceRow, distanceCase, formatDistance } from "./cases/distance.ts";
import { liveCases, memoryPerHold } from "./cases/live.ts";
import { type LiveScaleRow, liveScaleCase } from "./cases/live-scale.ts";
import { type PushResult, pushCase } from "./cases/push.ts";
import { formatReminders, type RemindersResult, remindersCase } from "./cases/reminders.ts";
import { syncCase } from "./cases/sync.ts";
import {
  answerStats,
  bundleWorker,
  type CaseResult,
  caseHooks,
  countersDelta,
  formatComparison,
  formatTable,
  machineLine,
  runLoad,
  serveWorker,
  type WorkerCounters,
} from "./harness.ts";

const BENCH = {
  redisUrl: process.env.BENCH_REDIS_URL ?? "redis://127.0.0.1:6379/3",
  mysqlUrl: process.env.BENCH_MYSQL_URL ?? "mysql://root@127.0.0.1:3306/appointease_bench",
  upstashPort: Number(process.env.BENCH_UPSTASH_GATEWAY_PORT ?? 8279),
  planetscalePort: Number(process.env.BENCH_PLANETSCALE_GATEWAY_PORT ?? 4001),
  upstashToken: "bench-upstash-token",
  planetscaleUsername: "bench",
  planetscalePassword: "bench-planetscale-password",
  adminToken: "bench-admin-token-0123456789abcdef0123456789",
};
const durationS = Number(process.env.BENCH_DURATION_S ?? 8);
const connections = connectionsFromArgs() ?? Number(process.env.BENCH_CONNECTIONS ?? 50);

function connectionsFromArgs(): number | undefined {
  const args = process.argv.slice(2);
  const at = args.findIndex((a) => a === "--connections" || a.startsWith("--connections="));
  if (at < 0) return undefined;
  const value = Number(args[at]?.includes("=") ? args[at]?.split("=")[1] : args[at + 1]);
  if (!Number.isInteger(value) || value < 1) throw new Error("--connections needs a whole number");
  return value;
}
const log = (line: string) => console.log(`[bench] ${line}`);
const only = process.env.BENCH_ONLY?.split(",").map((group) => group.trim());
const runs = (group: string) => !only || only.includes(group);
/** The groups that put the worker under load (and so need the baselines). */
const LOAD_GROUPS = [
  "availability",
  "live",
  "scale",
  "booking",
  "memory",
  "sync",
  "push",
  "distance",
];

export interface BenchContext {
  url: string;
  adminHeaders: Record<string, string>;
  durationS: number;
  connections: number;
  log: (line: string) => void;
  /** The worker's workerd process (absent or 0: unknown), for CPU per request. */
  workerPid?: number;
}

/** The ratio to `baseline`, unless the case measured its own (paired rounds). */
function withRatio(result: CaseResult, baseline: CaseResult | undefined): CaseResult {
  if (!baseline || result.ratioP50 !== undefined) return result;
  return {
    ...result,
    baseline: baseline.name,
    ratioP50: result.p50Ms / Math.max(baseline.p50Ms, 0.001),
  };
}

/** The constant route, one Redis call, and /v1/health, under load: the cases' baselines. */
async function baselineCases(ctx: BenchContext): Promise<CaseResult[]> {
  const load = (name: string, path: string, headers?: Record<string, string>) =>
    runLoad({
      name,
      url: `${ctx.url}${path}`,
      connections,
      durationS,
      ...(headers ? { headers } : {}),
    });
  return [
    await load("baseline: constant route", "/v1/debug/noop", ctx.adminHeaders),
    await load("baseline: one Redis call", "/v1/debug/redis-ping", ctx.adminHeaders),
    await load("baseline: /v1/health (Redis + SQL)", "/v1/health"),
  ];
}

async function main(): Promise<void> {
  const startedMs = Date.now();
  log(`machine: ${machineLine()}`);
  const stack = await startStack({ ...BENCH, seed: false, poolWaitMs: 2_000 }, log);
  let worker: Awaited<ReturnType<typeof serveWorker>> | undefined;
  try {
    await putLoadTestSettings(BENCH.mysqlUrl);
    log("bundling the worker (wrangler deploy --dry-run)");
    const script = bundleWorker("dist/bench");
    const bundles = runs("cpu") ? bundleSizes() : [];
    if (runs("cpu")) log("cold start: starting the bundle and an empty worker a few times");
    const cold = runs("cpu") && workerdPids().length === 0 ? await coldStart(script) : null;
    const bindings = {
      ...stack.bindings,
      ENVIRONMENT: "test",
      ADMIN_TOKEN: BENCH.adminToken,
      REDIS_KEY_PREFIX: "bench:",
      REDIS_TIMEOUT_MS: "1000",
    };
    const otherWorkerds = new Set(workerdPids());
    worker = await serveWorker(script, bindings);
    const workerPid = workerdPids().find((pid) => !otherWorkerds.has(pid)) ?? 0;
    log(`worker on ${worker.url} (Miniflare), ${connections} connections, ${durationS} s per case`);
    const ctx: BenchContext = {
      url: worker.url,
      adminHeaders: { Authorization: `Bearer ${BENCH.adminToken}` },
      durationS,
      connections,
      log,
      workerPid,
    };
    caseHooks.counters = () => workerCounters(ctx);

    // Bundle size, cold start and CPU per request first, on a worker no load has touched yet.
    const cpu = runs("cpu") ? await cpuCase(ctx, workerPid) : [];
    const baselines = LOAD_GROUPS.some(runs) ? await baselineCases(ctx) : [];
    const [constant, redisPing, health] = baselines;
    const results: CaseResult[] = [
      ...(constant ? [constant] : []),
      ...(redisPing ? [withRatio(redisPing, constant)] : []),
      ...(health ? [withRatio(health, constant)] : []),
    ];
    if (runs("availability"))
      for (const result of await availabilityCases(ctx)) results.push(withRatio(result, health));
    if (runs("live"))
      for (const result of await liveCases(ctx)) results.push(withRatio(result, redisPing));
    // Memory first: the scale case frees large keys, which would blur used_memory.
    if (runs("memory")) log("measuring Redis memory per hold (100 000 holds)");
    const memory = runs("memory") ? await memoryPerHold(BENCH.redisUrl) : null;
    const scale = runs("scale") ? await liveScaleCase(ctx, BENCH.redisUrl, "bench:") : [];
    const beforeBooking = await workerCounters(ctx);
    const booking = runs("booking")
      ? await bookingCases(ctx, BENCH.mysqlUrl)
      : { results: [], confirmed: 0, doubleBookings: 0, lost: 0 };
    const bookingDelta = countersDelta(beforeBooking, await workerCounters(ctx));
    booking.results.forEach((result, i) => {
      const counts = parseStatuses(result.statuses ?? "");
      const elapsedMs =
        result.throughputRps > 0 ? (result.requests / result.throughputRps) * 1000 : 0;
      // Both booking cases run in one call: their failovers and OVERLOADED answers are counted
      // together, on the first row.
      const shared = i === 0 ? bookingDelta : { failovers: 0, overloaded: 0 };
      results.push(
        withRatio(
          {
            ...result,
            ...answerStats(counts, elapsedMs, Math.min(shared.overloaded, counts.get(503) ?? 0)),
            failovers: shared.failovers,
            ...(i === 0 ? {} : { note: "counted with hold + book" }),
          },
          health,
        ),
      );
    });
    const push: PushResult | null = runs("push") ? await pushCase(ctx, stack.upstash) : null;
    if (runs("sync")) log("failback sync of 1 000 and 10 000 fallback holds");
    const syncs = runs("sync") ? await syncCase(stack.bindings, BENCH.mysqlUrl) : [];
    if (runs("reminders")) log("reminder pass over 10 000 upcoming appointments");
    const reminders: RemindersResult | null = runs("reminders")
      ? await remindersCase(bindings, BENCH.mysqlUrl)
      : null;

    // The production timeouts, not the bench's longer one: a store far away must not look down.
    const { REDIS_TIMEOUT_MS: _, ...productionTimeouts } = bindings;
    const distance: DistanceRow[] = runs("distance")
      ? await distanceCase(ctx, script, productionTimeouts)
      : [];

    const engine = engineCase();
    if (bundles.length > 0 || cpu.length > 0) {
      console.log("\nBundle, cold start and CPU per request (workerd's utime + stime):\n");
      console.log(formatCpu(bundles, cold, cpu));
    }
    const table = formatTable(results);
    console.log(
      `\n${machineLine()}; Miniflare; ${connections} connections; ${durationS} s per case\n`,
    );
    console.log(table);
    const earlierPath = "bench/results/connections-50.json";
    if (connections !== 50 && existsSync(earlierPath)) {
      const earlier = JSON.parse(readFileSync(earlierPath, "utf8")) as { results: CaseResult[] };
      console.log(`\nSuccessful answers per second, against the latest run at 50 connections:\n`);
      console.log(formatComparison(results, earlier.results, 50));
    }
    console.log(
      `\n${engine.name}: median ${engine.medianMs.toFixed(2)} ms over ${engine.repeats} runs (${engine.slots} slots)`,
    );
    if (scale.length > 0) {
      console.log("\nLive scale (one staff member; Redis CPU from INFO commandstats):\n");
      console.log(formatScale(scale));
    }
    for (const row of syncs)
      console.log(
        `Failback sync: ${row.entries} fallback holds back in Redis in ${row.durationMs} ms (synced ${row.synced}, conflicts ${row.conflicts})`,
      );
    if (push) console.log(`\n${formatPush(push)}`);
    if (reminders) console.log(`\n${formatReminders(reminders)}`);
    if (distance.length > 0) {
      console.log("\nDistance (one client, sequential requests; crossings of one request):\n");
      console.log(formatDistance(distance));
    }
    if (memory)
      console.log(
        `\nRedis memory: ${memory.bytesPerHold} bytes per hold (${memory.holds} holds = ${memory.totalMb} MB)`,
      );
    console.log(
      `Bookings: ${booking.confirmed} confirmed after the run; double bookings (SQL): ${booking.doubleBookings}; confirmed bookings lost: ${booking.lost}`,
    );
    mkdirSync("bench/results", { recursive: true });
    const report = {
      at: new Date().toISOString(),
      machine: machineLine(),
      runtime: "miniflare",
      connections,
      durationS,
      bundles,
      coldStart: cold,
      cpu,
      results,
      engine,
      memory,
      liveScale: scale,
      failbackSync: syncs,
      reminders,
      push,
      distance,
      bookingAudit: {
        doubleBookings: booking.doubleBookings,
        confirmed: booking.confirmed,
        lost: booking.lost,
      },
      tookS: Math.round((Date.now() - startedMs) / 1000),
    };
    writeFileSync("bench/results/latest.json", `${JSON.stringify(report, null, 2)}\n`);
    writeFileSync(
      `bench/results/connections-${connections}.json`,
      `${JSON.stringify(report, null, 2)}\n`,
    );
    log(`done in ${report.tookS} s; wrote bench/results/latest.json`);
  } finally {
    await worker?.dispose();
    await stack.stop();
  }
}

/**
 * Per step and operation: Redis µs per call and p50, each relative to the same operation at 0;
 * throughput relative to the one-Redis-call route loaded the same way just before it.
 */
function formatScale(rows: LiveScaleRow[]): string {
  const lines = [
    "| live entries | operation | Redis µs/call, script alone | vs 0 | Redis µs/call, under load | p50 ms | vs 0 | req/s | one Redis call, req/s (just before) | vs one Redis call |",
    "| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
  ];
  for (const row of rows) {
    const zero = rows.find((r) => r.entries === 0 && r.op === row.op) ?? row;
    lines.push(
      `| ${row.entries} | ${row.op} | ${row.serialRedisUsPerCall.toFixed(1)} | ${(row.serialRedisUsPerCall / zero.serialRedisUsPerCall).toFixed(2)}× | ${row.redisUsPerCall.toFixed(1)} | ${row.p50Ms} | ${(row.p50Ms / Math.max(zero.p50Ms, 0.001)).toFixed(2)}× | ${row.throughputRps} | ${row.baselineRps} | ${(row.throughputRps / Math.max(row.baselineRps, 1)).toFixed(2)}× |`,
    );
  }
  return lines.join("\n");
}

/** The push case against its same-run polling baseline (targets in docs/benchmarks.md). */
function formatPush(p: PushResult): string {
  return [
    `Live push: ${p.streams} streams on one staff member and date; ${p.changes} changes in 10 s (${p.actionsPerS}/s; ${p.actionRetries} actions answered 503); streams open in ${p.openMs} ms (${p.openRetries} opens retried)`,
    "",
    "| | delivery p50 ms | p99 ms | max ms | missed | Redis commands/s | pub/sub messages delivered/s |",
    "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    `| push (GET /v1/live) | ${p.p50Ms} | ${p.p99Ms} | ${p.maxMs} | ${p.missed} of ${p.expected} | ${p.pushCommandsPerS} | ${p.pushDeliveredPerS} |`,
    `| polling, as served here (${p.pollsPerS} polls/s, ${p.pollErrors} failed) | — | — | — | — | ${p.pollCommandsPerS} | 0 |`,
    `| polling, nominal (${p.streams} polls/s × ${p.commandsPerPoll} commands, plus the driver's ${p.actionsPerS}/s × ${p.commandsPerAction}) | — | — | — | — | ${p.pollNominalCommandsPerS} | 0 |`,
    "",
    `Redis commands: ${p.ratio}× fewer with push than nominal polling (targets: p99 ≤ 250 ms, no misses, ≥ 10× fewer).`,
  ].join("\n");
}

/** The worker isolate's failovers and error answers by code so far (Miniflare runs one). */
async function workerCounters(ctx: BenchContext): Promise<WorkerCounters> {
  for (let attempt = 0; ; attempt++) {
    const res = await fetch(`${ctx.url}/v1/debug/metrics`, { headers: ctx.adminHeaders });
    if (res.ok) {
      const body = (await res.json()) as WorkerCounters;
      return { failovers: body.failovers, errors: body.errors ?? {} };
    }
    await res.arrayBuffer();
    if (attempt >= 20) throw new Error(`GET /v1/debug/metrics: ${res.status}`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

/** "201: 3, 409: 7" → Map { 201 → 3, 409 → 7 }. */
function parseStatuses(text: string): Map<number, number> {
  const counts = new Map<number, number>();
  for (const part of text.split(",")) {
    const [status, count] = part.split(":").map((x) => Number(x.trim()));
    if (status && count !== undefined && !Number.isNaN(count)) counts.set(status, count);
  }
  return counts;
}

main().catch((error: unknown) => {
  console.error(
    `[bench] ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
  );
  process.exit(1);
});
