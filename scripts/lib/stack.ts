/**
 * The local stack: Redis and MySQL (started when not running), migrations, optional demo seed,
 * and the two gateways that let the unmodified Upstash and PlanetScale clients talk to them.
 * Used by `npm run dev`, the test setup, the benchmark and the failure drill.
 */
import { join } from "node:path";
// Node's URL: the global one is typed as the Workers runtime's, which fileURLToPath does not take.
import { fileURLToPath, URL } from "node:url";
import {
  type PlanetscaleGateway,
  startPlanetscaleGateway,
} from "../gateways/planetscale-gateway.ts";
import { startUpstashGateway, type UpstashGateway } from "../gateways/upstash-gateway.ts";
import { migrate } from "./migrate.ts";
import { seedDemo } from "./seed.ts";
import { ensureMysql, ensureRedis, type Log, type StartedService } from "./services.ts";

export const DATA_DIR = fileURLToPath(new URL("../../.data", import.meta.url));

export interface StackConfig {
  redisUrl: string;
  mysqlUrl: string;
  upstashPort: number;
  planetscalePort: number;
  upstashToken: string;
  planetscaleUsername: string;
  planetscalePassword: string;
  seed: boolean;
  /** The PlanetScale gateway's bound on a pool wait (its default when unset). */
  poolWaitMs?: number;
}

/** The worker bindings that point at this stack's gateways. */
export interface StackBindings {
  UPSTASH_REDIS_REST_URL: string;
  UPSTASH_REDIS_REST_TOKEN: string;
  DATABASE_URL: string;
}

export interface Stack {
  bindings: StackBindings;
  upstash: UpstashGateway;
  planetscale: PlanetscaleGateway;
  /** Stops the gateways and whatever servers this stack started, in reverse order. */
  stop(): Promise<void>;
}

export async function startStack(config: StackConfig, log: Log): Promise<Stack> {
  const started: StartedService[] = [];
  const gateways: { close(): Promise<void> }[] = [];
  const stop = async () => {
    for (const gateway of gateways.reverse()) await gateway.close().catch(() => {});
    for (const service of started.reverse()) await service.stop();
  };
  try {
    const redis = await ensureRedis(config.redisUrl, DATA_DIR, log);
    if (redis) started.push(redis);
    const mysql = await ensureMysql(config.mysqlUrl, DATA_DIR, log);
    if (mysql) started.push(mysql);
    log(`redis ${config.redisUrl} and mysql ${redactUrl(config.mysqlUrl)} are up`);

    const applied = await migrate(config.mysqlUrl, log);
    log(applied.length === 0 ? "migrations up to date" : `applied ${applied.length} migration(s)`);
    if (config.seed) {
      await seedDemo(config.mysqlUrl);
      log("seeded demo data (Studio Lumen: 3 services, 3 staff)");
    }

    const upstash = await startUpstashGateway({
      port: config.upstashPort,
      redisUrl: config.redisUrl,
      token: config.upstashToken,
    });
    gateways.push(upstash);
    const planetscale = await startPlanetscaleGateway({
      port: config.planetscalePort,
      mysqlUrl: config.mysqlUrl,
      username: config.planetscaleUsername,
      password: config.planetscalePassword,
      ...(config.poolWaitMs === undefined ? {} : { poolWaitMs: config.poolWaitMs }),
    });
    gateways.push(planetscale);
    log(`upstash gateway ${upstash.url} -> ${config.redisUrl}`);
    log(
      `planetscale gateway http://127.0.0.1:${planetscale.port} -> ${redactUrl(config.mysqlUrl)}`,
    );
    return {
      bindings: {
        UPSTASH_REDIS_REST_URL: upstash.url,
        UPSTASH_REDIS_REST_TOKEN: config.upstashToken,
        DATABASE_URL: planetscale.url,
      },
      upstash,
      planetscale,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** A URL safe to print: the password replaced by "***". */
export function redactUrl(raw: string): string {
  const url = new URL(raw);
  if (url.password) url.password = "***";
  return url.toString();
}

export const DEFAULTS = {
  redisUrl: "redis://127.0.0.1:6379",
  mysqlUrl: "mysql://root@127.0.0.1:3306/appointease",
  upstashPort: 8079,
  planetscalePort: 3900,
  port: 8787,
} as const;

export function dataPath(...parts: string[]): string {
  return join(DATA_DIR, ...parts);
}
