/**
 * `npm run bench`: starts the local stack (own database and Redis logical database), serves the
 * bundled worker with Miniflare, runs every case with autocannon (50 connections, bounded
 * duration, loopback only), and prints one table plus bench/results/latest.json. Ratios compare
 * each case with a baseline measured in the same run, because these machines are shared.
 *
 * Environment: BENCH_DURATION_S (default 8), BENCH_CONNECTIONS (default 50), BENCH_ONLY (a
 * comma-separated list of groups to run after the baselines: availability, live, scale, booking,
 * memory, sync; default all).
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { putLoadTestSettings } from "../lib/seed.ts";
import { startStack } from "../lib/stack.ts";
import { availabilityCases, engineCase } from "./cases/availability.ts";
import { bookingCases } from "./cases/booking.ts";
import { liveCases, memoryPerHold } from "./cases/live.ts";
import { type LiveScaleRow, liveScaleCase } from "./cases/live-scale.ts";
import { syncCase } from "./cases/sync.ts";
import {
  bundleWorker,
  type CaseResult,
  formatTable,
  machineLine,
  runLoad,
  serveWorker,
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
const connections = Number(process.env.BENCH_CONNECTIONS ?? 50);
const log = (line: string) => console.log(`[bench] ${line}`);
const only = process.env.BENCH_ONLY?.split(",").map((group) => group.trim());
const runs = (group: string) => !only || only.includes(group);

export interface BenchContext {
  url: string;
  adminHeaders: Record<string, string>;
  durationS: number;
  connections: number;
  log: (line: string) => void;
}

function withRatio(result: CaseResult, baseline: CaseResult): CaseResult {
  return {
    ...result,
    baseline: baseline.name,
    ratioP50: result.p50Ms / Math.max(baseline.p50Ms, 0.001),
  };
}

async function main(): Promise<void> {
  const startedMs = Date.now();
  log(`machine: ${machineLine()}`);
  const stack = await startStack({ ...BENCH, seed: false }, log);
  let worker: Awaited<ReturnType<typeof serveWorker>> | undefined;
  try {
    await putLoadTestSettings(BENCH.mysqlUrl);
    log("bundling the worker (wrangler deploy --dry-run)");
    const script = bundleWorker("dist/bench");
    worker = await serveWorker(script, {
      ...stack.bindings,
      ENVIRONMENT: "test",
      ADMIN_TOKEN: BENCH.adminToken,
      REDIS_KEY_PREFIX: "bench:",
      REDIS_TIMEOUT_MS: "1000",
    });
    log(`worker on ${worker.url} (Miniflare), ${connections} connections, ${durationS} s per case`);
    const ctx: BenchContext = {
      url: worker.url,
      adminHeaders: { Authorization: `Bearer ${BENCH.adminToken}` },
      durationS,
      connections,
      log,
    };

    const constant = await runLoad({
      name: "baseline: constant route",
      url: `${ctx.url}/v1/debug/noop`,
      connections,
      durationS,
      headers: ctx.adminHeaders,
    });
    const redisPing = await runLoad({
      name: "baseline: one Redis call",
      url: `${ctx.url}/v1/debug/redis-ping`,
      connections,
      durationS,
      headers: ctx.adminHeaders,
    });
    const health = await runLoad({
      name: "baseline: /v1/health (Redis + SQL)",
      url: `${ctx.url}/v1/health`,
      connections,
      durationS,
    });
    const results: CaseResult[] = [
      constant,
      withRatio(redisPing, constant),
      withRatio(health, constant),
    ];
    if (runs("availability"))
      for (const result of await availabilityCases(ctx)) results.push(withRatio(result, health));
    if (runs("live"))
      for (const result of await liveCases(ctx)) results.push(withRatio(result, redisPing));
    const scale = runs("scale") ? await liveScaleCase(ctx, BENCH.redisUrl, "bench:") : [];
    const booking = runs("booking")
      ? await bookingCases(ctx, BENCH.mysqlUrl)
      : { results: [], confirmed: 0, doubleBookings: 0, lost: 0 };
    for (const result of booking.results) results.push(withRatio(result, health));
    if (runs("sync")) log("failback sync of 1 000 and 10 000 fallback holds");
    const syncs = runs("sync") ? await syncCase(stack.bindings, BENCH.mysqlUrl) : [];
    if (runs("memory")) log("measuring Redis memory per hold (100 000 holds)");
    const memory = runs("memory") ? await memoryPerHold(BENCH.redisUrl) : null;

    const engine = engineCase();
    const table = formatTable(results);
    console.log(
      `\n${machineLine()}; Miniflare; ${connections} connections; ${durationS} s per case\n`,
    );
    console.log(table);
    console.log(
      `\n${engine.name}: median ${engine.medianMs.toFixed(2)} ms over ${engine.repeats} runs (${engine.slots} slots)`,
    );
    if (scale.length > 0) {
      console.log("\nLive scale (one staff member; Redis CPU from INFO commandstats):\n");
      console.log(formatScale(scale, redisPing));
    }
    for (const row of syncs)
      console.log(
        `Failback sync: ${row.entries} fallback holds back in Redis in ${row.durationMs} ms (synced ${row.synced}, conflicts ${row.conflicts})`,
      );
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
      results,
      engine,
      memory,
      liveScale: scale,
      failbackSync: syncs,
      bookingAudit: {
        doubleBookings: booking.doubleBookings,
        confirmed: booking.confirmed,
        lost: booking.lost,
      },
      tookS: Math.round((Date.now() - startedMs) / 1000),
    };
    writeFileSync("bench/results/latest.json", `${JSON.stringify(report, null, 2)}\n`);
    log(`done in ${report.tookS} s; wrote bench/results/latest.json`);
  } finally {
    await worker?.dispose();
    await stack.stop();
  }
}

/** Per step and operation: Redis µs per call and p50, each relative to the same operation at 0. */
function formatScale(rows: LiveScaleRow[], redisPing: CaseResult): string {
  const lines = [
    "| live entries | operation | Redis µs/call | vs 0 | p50 ms | vs 0 | req/s | vs one Redis call |",
    "| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: |",
  ];
  for (const row of rows) {
    const zero = rows.find((r) => r.entries === 0 && r.op === row.op) ?? row;
    lines.push(
      `| ${row.entries} | ${row.op} | ${row.redisUsPerCall.toFixed(1)} | ${(row.redisUsPerCall / zero.redisUsPerCall).toFixed(2)}× | ${row.p50Ms} | ${(row.p50Ms / Math.max(zero.p50Ms, 0.001)).toFixed(2)}× | ${row.throughputRps} | ${(row.throughputRps / Math.max(redisPing.throughputRps, 1)).toFixed(2)}× |`,
    );
  }
  return lines.join("\n");
}

main().catch((error: unknown) => {
  console.error(
    `[bench] ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
  );
  process.exit(1);
});
