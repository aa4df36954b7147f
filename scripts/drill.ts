/**
 * `npm run drill`: the Redis failure drill (docs/architecture/failover.md). Starts its own redis-server (no
 * persistence) on a dedicated port, its own MySQL database and gateway ports, serves the bundled
 * workers with Miniflare in their deployed layout (the edge worker, which forwards bookings to the
 * placed worker: scripts/lib/split-workers.ts), runs a mixed load of holds and bookings, stops that Redis server in the
 * middle and starts it again empty, then audits MySQL and prints one report. Exit code 1 when a
 * request got a 5xx (or no answer), a booking was doubled or lost, or Redis mode never came back.
 *
 * It never touches the shared Redis on 6379, so it runs beside `npm run dev` and the tests.
 * Environment: DRILL_REDIS_URL, DRILL_MYSQL_URL, DRILL_UPSTASH_GATEWAY_PORT,
 * DRILL_PLANETSCALE_GATEWAY_PORT, DRILL_CLIENTS (default 20).
 */
import Redis from "ioredis";
import { seedCatalog } from "./bench/catalog.ts";
import { bundleWorker } from "./bench/harness.ts";
import type { BenchContext } from "./bench/run.ts";
import { auditBookings } from "./drill/audit.ts";
import {
  createRecorder,
  getRedisStatus,
  pollStatus,
  pollStorage,
  type RedisStatus,
  runClients,
} from "./drill/load.ts";
import { putLoadTestSettings } from "./lib/seed.ts";
import { ensureRedis, findBinary, isListening, type StartedService } from "./lib/services.ts";
import { distancesFor, type SplitWorkers, startSplitWorkers } from "./lib/split-workers.ts";
import { dataPath, type Stack, startStack } from "./lib/stack.ts";

const DRILL = {
  redisUrl: process.env.DRILL_REDIS_URL ?? "redis://127.0.0.1:6391",
  mysqlUrl: process.env.DRILL_MYSQL_URL ?? "mysql://root@127.0.0.1:3306/appointease_drill",
  upstashPort: Number(process.env.DRILL_UPSTASH_GATEWAY_PORT ?? 8379),
  planetscalePort: Number(process.env.DRILL_PLANETSCALE_GATEWAY_PORT ?? 4101),
  upstashToken: "drill-upstash-token",
  planetscaleUsername: "drill",
  planetscalePassword: "drill-planetscale-password",
  adminToken: "drill-admin-token-0123456789abcdef0123456789",
};
const CLIENTS = Number(process.env.DRILL_CLIENTS ?? 20);
const LOAD_MS = 25_000;
const STOP_AT_MS = 8_000;
const START_AT_MS = 16_000;
const WAIT_FOR_REDIS_MODE_MS = 10_000;
const DRILL_DATA = dataPath("drill");

const log = (line: string) => console.log(`[drill] ${line}`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let redis: StartedService | null = null;
let stack: Stack | null = null;
let worker: SplitWorkers | null = null;
let cleaning: Promise<void> | null = null;

/** Stops what the drill started (worker, gateways, MySQL if it started it, its Redis); once. */
function cleanup(): Promise<void> {
  cleaning ??= (async () => {
    await worker?.dispose().catch(() => {});
    await stack?.stop().catch(() => {});
    await redis?.stop().catch(() => {});
    redis = null;
  })();
  return cleaning;
}

async function startOwnRedis(): Promise<StartedService> {
  const url = new URL(DRILL.redisUrl);
  const port = Number(url.port || 6379);
  if (await isListening(url.hostname, port)) {
    throw new Error(
      `something already listens on ${url.hostname}:${port}; the drill stops and restarts its own Redis there, so that port must be free (set DRILL_REDIS_URL to another port)`,
    );
  }
  const started = await ensureRedis(DRILL.redisUrl, DRILL_DATA, log);
  if (!started) throw new Error(`could not start redis-server on ${DRILL.redisUrl}`);
  return started;
}

async function redisKeyCount(): Promise<number> {
  const client = new Redis(DRILL.redisUrl, { lazyConnect: true, maxRetriesPerRequest: 0 });
  try {
    await client.connect();
    return await client.dbsize();
  } finally {
    client.disconnect();
  }
}

const ms = (value: number | undefined) =>
  value === undefined ? "never" : `${Math.round(value)} ms`;

async function main(): Promise<number> {
  const startedMs = Date.now();
  if (!findBinary(["redis-server"])) {
    throw new Error(
      "redis-server is not installed: the drill needs the binary to start and stop its own Redis (Debian: `apt-get install redis-server`)",
    );
  }
  redis = await startOwnRedis();
  stack = await startStack({ ...DRILL, seed: false }, log);
  await putLoadTestSettings(DRILL.mysqlUrl);
  log("bundling the worker (wrangler deploy --dry-run)");
  const script = bundleWorker("dist/drill");
  worker = await startSplitWorkers({
    scriptPath: script,
    bindings: {
      ...stack.bindings,
      ENVIRONMENT: "test",
      ADMIN_TOKEN: DRILL.adminToken,
      REDIS_KEY_PREFIX: "drill:",
      REDIS_TIMEOUT_MS: "300",
      REDIS_COOLDOWN_MS: "2000",
    },
    distances: distancesFor(0),
  });
  const adminHeaders = { Authorization: `Bearer ${DRILL.adminToken}` };
  const ctx: BenchContext = { url: worker.url, adminHeaders, durationS: 0, connections: 0, log };
  const { serviceId, staffIds } = await seedCatalog(ctx, `Drill ${process.pid}`, 5, {
    durationMin: 30,
  });
  const before = await getRedisStatus(worker.url, adminHeaders);
  if (before.mode !== "redis") throw new Error(`worker starts in ${before.mode} mode`);
  log(
    `worker on ${worker.url}; ${CLIENTS} clients for ${LOAD_MS / 1000} s; Redis stop at ${STOP_AT_MS / 1000} s, start at ${START_AT_MS / 1000} s`,
  );

  const rec = createRecorder();
  const storage = pollStorage(rec, worker.url, staffIds[0] as string, 50);
  const status = pollStatus(rec, worker.url, adminHeaders, 500);
  const load = runClients(rec, {
    url: worker.url,
    serviceId,
    clients: CLIENTS,
    untilMs: LOAD_MS,
    spreadDays: 120,
  });

  await sleep(STOP_AT_MS - rec.now());
  const keysBeforeStop = await redisKeyCount();
  const stopAtMs = rec.now();
  await redis.stop();
  // From here on Redis refuses connections (stop returns once the process has exited).
  const refusedAtMs = rec.now();
  redis = null;
  log(`t=${Math.round(stopAtMs)} ms: stopped redis-server (${keysBeforeStop} keys in it)`);

  await sleep(START_AT_MS - rec.now());
  const startAtMs = rec.now();
  redis = await startOwnRedis();
  const listeningAtMs = rec.now();
  const keysAfterStart = await redisKeyCount();
  log(
    `t=${Math.round(startAtMs)} ms: started redis-server again (listening after ${Math.round(listeningAtMs - startAtMs)} ms, ${keysAfterStart} keys)`,
  );

  await load;
  const loadEndMs = rec.now();
  // Redis mode should be back by now; if not, keep watching a little longer (without load) to
  // measure when it does come back.
  const deadline = rec.now() + WAIT_FOR_REDIS_MODE_MS;
  while (rec.now() < deadline) {
    const heartbeatBack = storage.samples.some((s) => s.atMs > startAtMs && s.storage === "redis");
    const statusBack = status.modes.some((m) => m.atMs > startAtMs && m.mode === "redis");
    if (heartbeatBack && statusBack) break;
    await sleep(100);
  }
  await storage.stop();
  await status.stop();
  const after: RedisStatus = await getRedisStatus(worker.url, adminHeaders);
  const audit = await auditBookings(DRILL.mysqlUrl, staffIds, rec.bookedIds);

  const firstFallback = storage.samples.find((s) => s.atMs > stopAtMs && s.storage === "fallback");
  const backToRedis = storage.samples.find(
    (s) => s.atMs > startAtMs && s.storage === "redis" && firstFallback !== undefined,
  );
  const redisModeSeen = status.modes.find((m) => m.atMs > startAtMs && m.mode === "redis");
  const syncs = status.syncs;
  if (after.lastSync && !syncs.some((s) => s.at === after.lastSync?.at)) syncs.push(after.lastSync);

  // ---------------------------------------------------------------- report
  const totals = new Map<number, number>();
  let requests = 0;
  for (const statuses of rec.byRoute.values())
    for (const [code, count] of statuses) {
      totals.set(code, (totals.get(code) ?? 0) + count);
      requests += count;
    }
  const fmt = (m: Map<number, number>) =>
    [...m]
      .sort(([a], [b]) => a - b)
      .map(([code, count]) => `${code === 0 ? "no-response" : code}: ${count}`)
      .join(", ");
  const serverErrors = [...totals].filter(([c]) => c >= 500).reduce((n, [, c]) => n + c, 0);
  const noResponse = totals.get(0) ?? 0;
  const synced = syncs.reduce((n, s) => n + s.synced, 0);
  const conflicts = syncs.reduce((n, s) => n + s.conflicts, 0);
  const fallbackAnswers = storage.samples.filter((s) => s.storage === "fallback").length;

  console.log("\n== Redis failover drill ==");
  console.log(
    `load: ${CLIENTS} clients, ${Math.round(rec.now() / 1000)} s; redis-server stopped at ${(stopAtMs / 1000).toFixed(1)} s, started at ${(startAtMs / 1000).toFixed(1)} s (keys: ${keysBeforeStop} before stop, ${keysAfterStart} after start)`,
  );
  console.log(`requests: ${requests} (${fmt(totals)})`);
  for (const [route, statuses] of [...rec.byRoute].sort(([a], [b]) => a.localeCompare(b)))
    console.log(`  ${route}: ${fmt(statuses)}`);
  console.log(`5xx: ${serverErrors}; no response: ${noResponse}`);
  for (const failure of rec.failures) console.log(`  ! ${failure}`);
  console.log(
    `bookings: ${rec.bookedIds.length} answered 201; ${audit.confirmedInDb} confirmed in MySQL`,
  );
  console.log(`double bookings (SQL): ${audit.doubleBookings}`);
  console.log(`confirmed bookings lost: ${audit.lost}`);
  console.log(
    `failback syncs: ${syncs.length} (${syncs.map((s) => `${s.trigger} ${s.outcome} ${s.synced}/${s.conflicts} in ${s.durationMs} ms`).join("; ") || "none"})`,
  );
  console.log(`synced into Redis: ${synced} holds, markers and bookings; conflicts: ${conflicts}`);
  console.log(
    `time to fallback: ${ms(firstFallback && firstFallback.atMs - refusedAtMs)} (Redis refusing connections -> first heartbeat served by fallback; the stop itself took ${ms(refusedAtMs - stopAtMs)}; ${fallbackAnswers} fallback answers)`,
  );
  console.log(
    `time back to Redis: ${ms(backToRedis && backToRedis.atMs - startAtMs)} (Redis start -> first heartbeat served by Redis; redis-status mode "redis" seen after ${ms(redisModeSeen && redisModeSeen.atMs - startAtMs)})`,
  );
  if (backToRedis && backToRedis.atMs > loadEndMs)
    console.log(
      `  ! Redis mode came back only after the load had stopped (load ended at ${(loadEndMs / 1000).toFixed(1)} s)`,
    );
  for (const sync of syncs.filter((s) => s.outcome === "failed"))
    console.log(`  ! sync at ${sync.at} failed: ${sync.error ?? "?"}`);
  console.log(
    `redis-status: mode ${after.mode}, failovers ${after.failovers}, failbacks ${after.failbacks}`,
  );
  console.log(`took ${Math.round((Date.now() - startedMs) / 1000)} s`);

  const problems: string[] = [];
  if (serverErrors > 0) problems.push(`${serverErrors} 5xx`);
  if (noResponse > 0) problems.push(`${noResponse} requests without a response`);
  if (audit.doubleBookings > 0) problems.push(`${audit.doubleBookings} double bookings`);
  if (audit.lost > 0) problems.push(`${audit.lost} confirmed bookings lost`);
  if (!firstFallback) problems.push("no request was served by the fallback");
  if (!backToRedis || after.mode !== "redis") problems.push("Redis mode never came back");
  else if (backToRedis.atMs > loadEndMs)
    problems.push("Redis mode did not come back while the load was running");
  console.log(problems.length === 0 ? "PASS" : `FAIL: ${problems.join("; ")}`);
  return problems.length === 0 ? 0 : 1;
}

process.once("SIGINT", () => {
  log("interrupted: stopping what the drill started");
  void cleanup().finally(() => process.exit(130));
});

main().then(
  async (code) => {
    await cleanup();
    process.exit(code);
  },
  async (error: unknown) => {
    console.error(
      `[drill] ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
    );
    await cleanup();
    process.exit(1);
  },
);
