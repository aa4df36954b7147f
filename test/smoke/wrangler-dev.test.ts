/**
 * Smoke test of the real dev server: `wrangler dev` (with scheduled-event testing on) serves
 * /v1/health from the test stack, and `/__scheduled` runs the Cron Trigger handler.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { createServer } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sharedStoreConfigArgsWith } from "../../scripts/lib/dev-workers.ts";
import { checkedFetch } from "../drivers/api.ts";
import { TEST_STACK, testBindings, uniqueId } from "../stack/stack-env.ts";

let wrangler: ChildProcess;
let baseUrl: string;
let output = "";

function freePort(): Promise<number> {
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

async function waitForHealth(deadlineMs: number): Promise<Response> {
  let lastError: unknown;
  while (Date.now() < deadlineMs) {
    try {
      return await checkedFetch(`${baseUrl}/v1/health`);
    } catch (error) {
      lastError = error;
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  throw new Error(`wrangler dev did not answer: ${String(lastError)}\n${output.slice(-2000)}`);
}

beforeAll(async () => {
  const port = await freePort();
  baseUrl = `http://127.0.0.1:${port}`;
  const run = uniqueId("smk");
  // Its own process group, so that stopping it also stops the workerd it spawns.
  wrangler = spawn(
    "node_modules/.bin/wrangler",
    [
      "dev",
      // Both workers get the bindings (`--var` would reach the first only).
      ...sharedStoreConfigArgsWith(testBindings(`${run}:`), run),
      "--port",
      String(port),
      "--ip",
      "127.0.0.1",
      "--test-scheduled",
      "--inspector-port",
      "0",
    ],
    {
      env: { ...process.env, WRANGLER_SEND_METRICS: "false", CI: "true" },
      stdio: ["ignore", "pipe", "pipe"],
      detached: true,
    },
  );
  wrangler.stdout?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  wrangler.stderr?.on("data", (chunk: Buffer) => (output += chunk.toString()));
}, 60_000);

afterAll(async () => {
  if (wrangler.exitCode === null) {
    const exited = new Promise((resolve) => wrangler.once("exit", resolve));
    if (wrangler.pid) process.kill(-wrangler.pid, "SIGTERM");
    await exited;
  }
});

describe("wrangler dev", () => {
  it("serves GET /v1/health = 200 ok", async () => {
    const res = await waitForHealth(Date.now() + 60_000);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: "ok", storage: "redis" });
  }, 70_000);

  it("serves a placed path through the edge worker's PLACED binding (both workers run)", async () => {
    const res = await fetch(`${baseUrl}/v1/admin/settings`, {
      headers: { Authorization: `Bearer ${TEST_STACK.adminToken}` },
    });
    expect(res.status, await res.clone().text()).toBe(200);
    expect(await res.json()).toMatchObject({ timeZone: expect.any(String) });
  });

  it("runs the scheduled handler through /__scheduled", async () => {
    const res = await fetch(`${baseUrl}/__scheduled?cron=${encodeURIComponent("* * * * *")}`);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain("Ran scheduled event");
  });

  it("serves the /docs page and its Swagger UI assets", async () => {
    const page = await fetch(`${baseUrl}/docs`);
    expect(page.status).toBe(200);
    const bundle = await fetch(`${baseUrl}/docs/swagger-ui-bundle.js`);
    expect(bundle.status).toBe(200);
    expect((await bundle.text()).length).toBeGreaterThan(100_000);
  });
});
