/**
 * `npm run dev`: the whole local stack in one command. Makes sure Redis and MySQL listen
 * (starting them when they do not), applies migrations, seeds demo data, starts the Upstash and
 * PlanetScale gateways, and runs `wrangler dev` with scheduled-event testing on. Ctrl-C stops
 * everything it started and nothing else.
 *
 * The booking pages (web/) are built into public/ first; the page is then at http://127.0.0.1:PORT/.
 *
 * Environment: REDIS_URL, MYSQL_URL, PORT, UPSTASH_GATEWAY_PORT, PLANETSCALE_GATEWAY_PORT.
 */
import { spawn } from "node:child_process";
import { buildWeb } from "./build-web.ts";
import { loadDevVars } from "./lib/dev-vars.ts";
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
  log(
    `starting wrangler dev on http://127.0.0.1:${port} (booking page: /, docs: /docs, health: /v1/health, cron: /__scheduled)`,
  );
  // Its own process group, so that shutdown stops wrangler and the workerd processes it spawns.
  const wrangler = spawn(
    "node_modules/.bin/wrangler",
    [
      "dev",
      "--port",
      String(port),
      "--ip",
      "127.0.0.1",
      "--test-scheduled",
      "--var",
      `UPSTASH_REDIS_REST_URL:${stack.bindings.UPSTASH_REDIS_REST_URL}`,
      "--var",
      `DATABASE_URL:${stack.bindings.DATABASE_URL}`,
    ],
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
    await stack.stop();
    log("stopped everything this command started");
    process.exit(code);
  };
  process.on("SIGINT", () => void shutdown(0));
  process.on("SIGTERM", () => void shutdown(0));
  wrangler.on("exit", (code) => void shutdown(code ?? 0));
}

main().catch((error: unknown) => {
  console.error(`[dev] ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
