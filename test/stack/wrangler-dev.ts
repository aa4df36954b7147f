/**
 * The worker under a real `wrangler dev` (workerd, static assets, `_headers`, the rate-limit
 * binding, the compatibility flags of wrangler.toml) against the test stack: what a visitor or a
 * `curl` meets. Tests that depend on how the Workers runtime treats a connection (a client that
 * leaves mid-stream) need it; `app.request` in Node cannot show that.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { createServer } from "node:net";
// Node's URL: the global one is typed as the Workers runtime's, which fileURLToPath does not take.
import { fileURLToPath, URL } from "node:url";
import { sharedStoreConfigArgsWith } from "../../scripts/lib/dev-workers.ts";
import { testBindings, uniqueId } from "./stack-env.ts";

const root = fileURLToPath(new URL("../..", import.meta.url));

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer().listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() =>
        typeof address === "object" && address
          ? resolve(address.port)
          : reject(new Error("no port")),
      );
    });
  });
}

export interface Worker {
  url: string;
  /** The Redis key prefix of this worker's bindings (its own, so tests never collide). */
  prefix: string;
  stop(): Promise<void>;
}

/**
 * `wrangler dev` on a free port with the test stack's bindings (and `overrides`) and its own
 * Redis key prefix.
 */
export async function startWorker(
  label = "web",
  overrides: Record<string, string> = {},
): Promise<Worker> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const prefix = `${uniqueId(label)}:`;
  let output = "";
  // Its own process group, so that stopping it also stops the workerd it spawns.
  const wrangler: ChildProcess = spawn(
    "node_modules/.bin/wrangler",
    [
      "dev",
      // Both workers (src/http/placement.ts) get the bindings: `--var` would reach the first only.
      ...sharedStoreConfigArgsWith(testBindings(prefix, overrides), prefix.slice(0, -1)),
      "--port",
      String(port),
      "--ip",
      "127.0.0.1",
      "--inspector-port",
      "0",
    ],
    {
      cwd: root,
      env: { ...process.env, WRANGLER_SEND_METRICS: "false", CI: "true" },
      stdio: ["ignore", "pipe", "pipe"],
      detached: true,
    },
  );
  wrangler.stdout?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  wrangler.stderr?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const stop = async () => {
    if (wrangler.exitCode !== null || !wrangler.pid) return;
    const exited = new Promise((resolve) => wrangler.once("exit", resolve));
    process.kill(-wrangler.pid, "SIGTERM");
    await exited;
  };
  const deadline = Date.now() + 90_000;
  while (Date.now() < deadline) {
    try {
      const res = await fetch(`${url}/v1/health`);
      if (res.ok) return { url, prefix, stop };
    } catch {
      // not listening yet
    }
    if (wrangler.exitCode !== null) break;
    await new Promise((r) => setTimeout(r, 300));
  }
  await stop();
  throw new Error(`wrangler dev did not come up on ${url}:\n${output.slice(-3000)}`);
}
