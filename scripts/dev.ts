/**
 * `npm run dev`: the whole local stack in one command. Makes sure Redis and MySQL listen
 * (starting them when they do not), applies migrations, seeds demo data, starts the Upstash and
 * PlanetScale gateways, and runs `wrangler dev` with scheduled-event testing on. Ctrl-C stops
 * everything it started and nothing else.
 *
 * The booking pages (web/) are built into public/ first; the page is then at http://127.0.0.1:PORT/.
 *
 * Both workers run: the edge worker answers on PORT and forwards bookings, availability,
 * sign-in and admin to the placed worker (src/http/placement.ts).
 *
 * Environment: REDIS_URL, MYSQL_URL, PORT, UPSTASH_GATEWAY_PORT, PLANETSCALE_GATEWAY_PORT, and the
 * distance emulation (docs/architecture/deployment.md): DISTANCE_MS, the round trip between the
 * location that receives a request and the stores' region (default 0: everything local);
 * PLACED_MS, the placed worker's round trip to the stores (default 2 when DISTANCE_MS > 0);
 * REPLICA_MS, the edge's round trip to its nearest Upstash read region (default 5, at most
 * DISTANCE_MS). They are real delays on local hops; the workers' code knows nothing of them.
 */
import { spawn } from "node:child_process";
import { buildWeb } from "./build-web.ts";
import { devPublicBaseUrl, loadDevVars } from "./lib/dev-vars.ts";
import { distanceConfigArgs, sharedStoreConfigArgsWith } from "./lib/dev-workers.ts";
import { distancesFor, startLocationProxies } from "./lib/split-workers.ts";
import { DEFAULTS, startStack } from "./lib/stack.ts";

const log = (line: string) => console.log(`[dev] ${line}`);

function requireVar(vars: Record<string, string>, name: string): string {
  const value = vars[name];
  if (!value) throw new Error(`.dev.vars has no ${name}; compare it with .dev.vars.example`);
  return value;
}

async function main(): Promise<void> {
  const vars = loadDevVars(log);
  // The booking pages are static assets: build them from web/ so the dev server shows this code.
  await buildWeb((line) => log(line));
  const port = Number(process.env.PORT ?? DEFAULTS.port);
  const stack = await startStack(
    {
      redisUrl: process.env.REDIS_URL ?? DEFAULTS.redisUrl,
      mysqlUrl: process.env.MYSQL_URL ?? DEFAULTS.mysqlUrl,
      upstashPort: Number(process.env.UPSTASH_GATEWAY_PORT ?? DEFAULTS.upstashPort),
      planetscalePort: Number(process.env.PLANETSCALE_GATEWAY_PORT ?? DEFAULTS.planetscalePort),
      upstashToken: requireVar(vars, "UPSTASH_REDIS_REST_TOKEN"),
      planetscaleUsername: requireVar(vars, "PLANETSCALE_USERNAME"),
      planetscalePassword: requireVar(vars, "PLANETSCALE_PASSWORD"),
      seed: true,
      poolWaitMs: 2_000,
    },
    log,
  );

  log(`admin token: ${requireVar(vars, "ADMIN_TOKEN")}`);
  // Email links point at this copy unless .dev.vars says otherwise.
  const publicBaseUrl = devPublicBaseUrl(vars, port);
  const distances = distancesFor(Number(process.env.DISTANCE_MS ?? 0), process.env);
  const located =
    distances.distanceMs > 0
      ? await locatedWorkers({ ...vars, PUBLIC_BASE_URL: publicBaseUrl }, stack, distances)
      : null;
  // Each worker reads its bindings from a .dev.vars of its own: `--var` reaches the first only.
  const configArgs =
    located?.configArgs ??
    sharedStoreConfigArgsWith(
      {
        ...vars,
        PUBLIC_BASE_URL: publicBaseUrl,
        UPSTASH_REDIS_REST_URL: stack.bindings.UPSTASH_REDIS_REST_URL,
        DATABASE_URL: stack.bindings.DATABASE_URL,
      },
      "dev",
    );
  log(
    `starting wrangler dev on http://127.0.0.1:${port} (booking page: /, docs: /docs, health: /v1/health, cron: /__scheduled)`,
  );
  // Its own process group, so that shutdown stops wrangler and the workerd processes it spawns.
  const wrangler = spawn(
    "node_modules/.bin/wrangler",
    ["dev", ...configArgs, "--port", String(port), "--ip", "127.0.0.1", "--test-scheduled"],
    { stdio: "inherit", detached: true, env: { ...process.env, WRANGLER_SEND_METRICS: "false" } },
  );
  const stopWrangler = () => {
    if (wrangler.exitCode !== null || !wrangler.pid) return Promise.resolve();
    const exited = new Promise((resolve) => wrangler.once("exit", resolve));
    process.kill(-wrangler.pid, "SIGTERM");
    return exited;
  };

  let stopping = false;
  const shutdown = async (code: number) => {
    if (stopping) return;
    stopping = true;
    log("stopping…");
    await stopWrangler();
    await located?.close();
    await stack.stop();
    log("stopped everything this command started");
    process.exit(code);
  };
  process.on("SIGINT", () => void shutdown(0));
  process.on("SIGTERM", () => void shutdown(0));
  wrangler.on("exit", (code) => void shutdown(code ?? 0));
}

/**
 * The edge worker behind far proxies, the placed worker behind near ones, and the hop between
 * them delayed: each worker gets its own store addresses (scripts/lib/dev-workers.ts).
 */
async function locatedWorkers(
  vars: Record<string, string>,
  stack: Awaited<ReturnType<typeof startStack>>,
  distances: ReturnType<typeof distancesFor>,
) {
  const proxies = await startLocationProxies(distances, {
    redisUrl: stack.bindings.UPSTASH_REDIS_REST_URL,
    databaseUrl: stack.bindings.DATABASE_URL,
  });
  log(
    `distance: ${distances.distanceMs} ms to the stores (reads from the nearest Upstash read region: ${distances.replicaMs} ms); the placed worker ${distances.placedMs} ms from them`,
  );
  const configArgs = distanceConfigArgs({
    hopMs: distances.distanceMs,
    edgeVars: {
      ...vars,
      UPSTASH_REDIS_REST_URL: proxies.edge.redisUrl,
      DATABASE_URL: proxies.edge.databaseUrl,
    },
    placedVars: {
      ...vars,
      UPSTASH_REDIS_REST_URL: proxies.placed.redisUrl,
      DATABASE_URL: proxies.placed.databaseUrl,
    },
  });
  return { configArgs, close: () => proxies.close() };
}

main().catch((error: unknown) => {
  console.error(`[dev] ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
