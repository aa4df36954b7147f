/**
 * What both drill modes start and print: the drill's own Redis (stopped and started by the
 * single-location drill), the stack in front of it, the bundled worker, and the answers by status.
 */
import Redis from "ioredis";
import { bundleWorker } from "../bench/harness.ts";
import { putLoadTestSettings } from "../lib/seed.ts";
import { ensureRedis, findBinary, isListening, type StartedService } from "../lib/services.ts";
import { dataPath, type Stack, startStack } from "../lib/stack.ts";
import type { Recorder } from "./load.ts";

export const DRILL = {
  redisUrl: process.env.DRILL_REDIS_URL ?? "redis://127.0.0.1:6391",
  mysqlUrl: process.env.DRILL_MYSQL_URL ?? "mysql://root@127.0.0.1:3306/appointease_drill",
  upstashPort: Number(process.env.DRILL_UPSTASH_GATEWAY_PORT ?? 8379),
  planetscalePort: Number(process.env.DRILL_PLANETSCALE_GATEWAY_PORT ?? 4101),
  upstashToken: "drill-upstash-token",
  planetscaleUsername: "drill",
  planetscalePassword: "drill-planetscale-password",
  adminToken: "drill-admin-token-0123456789abcdef0123456789",
};
export const CLIENTS = Number(process.env.DRILL_CLIENTS ?? 20);
/** The first location's port; location i listens on this + i (0: any free port each). */
export const WORKER_PORT = Number(process.env.DRILL_WORKER_PORT ?? 0);
export const LOAD_MS = 25_000;
/** When the drill takes Redis away (stops it, or cuts a location's way to it), and gives it back. */
export const STOP_AT_MS = 8_000;
export const START_AT_MS = 16_000;
export const WAIT_FOR_REDIS_MODE_MS = 10_000;
/** Bindings every drilled worker gets besides the stores' addresses. */
export const DRILL_BINDINGS = {
  ENVIRONMENT: "test",
  ADMIN_TOKEN: DRILL.adminToken,
  REDIS_KEY_PREFIX: "drill:",
  REDIS_TIMEOUT_MS: "300",
  REDIS_COOLDOWN_MS: "2000",
};
export const adminHeaders = { Authorization: `Bearer ${DRILL.adminToken}` };

export const log = (line: string) => console.log(`[drill] ${line}`);
export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
export const ms = (value: number | undefined) =>
  value === undefined ? "never" : `${Math.round(value)} ms`;

export async function startOwnRedis(): Promise<StartedService> {
  const url = new URL(DRILL.redisUrl);
  const port = Number(url.port || 6379);
  if (await isListening(url.hostname, port)) {
    throw new Error(
      `something already listens on ${url.hostname}:${port}; the drill stops and restarts its own Redis there, so that port must be free (set DRILL_REDIS_URL to another port)`,
    );
  }
  const started = await ensureRedis(DRILL.redisUrl, dataPath("drill"), log);
  if (!started) throw new Error(`could not start redis-server on ${DRILL.redisUrl}`);
  return started;
}

export async function redisKeyCount(): Promise<number> {
  const client = new Redis(DRILL.redisUrl, { lazyConnect: true, maxRetriesPerRequest: 0 });
  try {
    await client.connect();
    return await client.dbsize();
  } finally {
    client.disconnect();
  }
}

/** What the drill starts before its workers; `stop` stops whatever of it was started. */
export class DrillStack {
  /** The drill's redis-server, while running (the single-location drill stops and starts it). */
  redis: StartedService | null = null;
  stack: Stack | null = null;

  /** Its Redis, MySQL database, gateways and settings; returns the stack and the bundled worker. */
  async start(): Promise<{ stack: Stack; script: string }> {
    if (!findBinary(["redis-server"])) {
      throw new Error(
        "redis-server is not installed: the drill needs the binary to start and stop its own Redis (Debian: `apt-get install redis-server`)",
      );
    }
    this.redis = await startOwnRedis();
    this.stack = await startStack({ ...DRILL, seed: false }, log);
    await putLoadTestSettings(DRILL.mysqlUrl);
    log("bundling the worker (wrangler deploy --dry-run)");
    return { stack: this.stack, script: bundleWorker("dist/drill") };
  }

  async stop(): Promise<void> {
    await this.stack?.stop().catch(() => {});
    this.stack = null;
    await this.redis?.stop().catch(() => {});
    this.redis = null;
  }
}

/** Answers by status over every route, and the request count. */
export function statusTotals(rec: Recorder): { totals: Map<number, number>; requests: number } {
  const totals = new Map<number, number>();
  let requests = 0;
  for (const statuses of rec.byRoute.values())
    for (const [code, count] of statuses) {
      totals.set(code, (totals.get(code) ?? 0) + count);
      requests += count;
    }
  return { totals, requests };
}

export const formatStatuses = (m: Map<number, number>) =>
  [...m]
    .sort(([a], [b]) => a - b)
    .map(([code, count]) => `${code === 0 ? "no-response" : code}: ${count}`)
    .join(", ");

/**
 * Prints the answers by route and status; returns the 5xx (and of them the 503 OVERLOADED: busy,
 * nothing changed) and the requests without an answer.
 */
export function printAnswers(rec: Recorder): {
  serverErrors: number;
  overloaded: number;
  noResponse: number;
} {
  const { totals, requests } = statusTotals(rec);
  console.log(`requests: ${requests} (${formatStatuses(totals)})`);
  for (const [route, statuses] of [...rec.byRoute].sort(([a], [b]) => a.localeCompare(b)))
    console.log(`  ${route}: ${formatStatuses(statuses)}`);
  const serverErrors = [...totals].filter(([c]) => c >= 500).reduce((n, [, c]) => n + c, 0);
  const noResponse = totals.get(0) ?? 0;
  const overloaded = [...rec.overloaded.values()].reduce((n, c) => n + c, 0);
  console.log(
    `5xx: ${serverErrors} (of them 503 OVERLOADED: ${overloaded}${overloaded ? `: ${[...rec.overloaded].map(([route, n]) => `${route} ${n}`).join(", ")}` : ""}); no response: ${noResponse}`,
  );
  for (const failure of rec.failures) console.log(`  ! ${failure}`);
  return { serverErrors, overloaded, noResponse };
}
