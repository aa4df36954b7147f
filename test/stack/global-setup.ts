/**
 * Vitest global setup: brings up the test stack (Redis, MySQL with the test database migrated,
 * and both gateways on the test ports) unless it is already up, and a second Upstash gateway
 * whose faults the workerd tier sets over HTTP; writes the test business settings, loads every
 * Lua script into Redis, builds the booking pages into public/, and tears down what it started.
 */
import Redis from "ioredis";
import type { TestProject } from "vitest/node";
import { buildWeb } from "../../scripts/build-web.ts";
import { startUpstashGateway } from "../../scripts/gateways/upstash-gateway.ts";
import { putSettings } from "../../scripts/lib/seed.ts";
import { isListening } from "../../scripts/lib/services.ts";
import { startStack } from "../../scripts/lib/stack.ts";
import * as scripts from "../../src/lua/scripts.gen.ts";
import { TEST_SETTINGS, TEST_STACK } from "./stack-env.ts";

/** Tests rely on these settings; a test that changes settings must restore them. */
const writeTestSettings = () => putSettings(TEST_STACK.mysqlUrl, TEST_SETTINGS);

/**
 * Tests that count round trips count those of a deployment whose scripts Redis already has
 * (as after its first call of each): a script's first call on a fresh Redis is EVALSHA, NOSCRIPT,
 * then EVAL, and whether a test file was the first to call it must not change its count.
 */
async function loadScripts(): Promise<void> {
  const redis = new Redis(TEST_STACK.redisUrl, { lazyConnect: true });
  try {
    await redis.connect();
    for (const script of Object.values(scripts))
      if (typeof script === "object") await redis.script("LOAD", script.source);
  } finally {
    redis.disconnect();
  }
}

/** The unit project needs no service: a run of it alone starts nothing. */
function onlyUnitTests(project: TestProject): boolean {
  const names = project.vitest.projects.map((p) => p.name);
  return names.length > 0 && names.every((name) => name === "unit");
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  if (onlyUnitTests(project)) return async () => {};
  // The browser tier serves the pages from public/: build them from web/ first.
  await buildWeb((line) => console.log(`[test stack] ${line}`));
  const up =
    (await isListening("127.0.0.1", TEST_STACK.upstashPort)) &&
    (await isListening("127.0.0.1", TEST_STACK.planetscalePort));
  const stack = up
    ? null
    : await startStack({ ...TEST_STACK, seed: false }, (line) =>
        console.log(`[test stack] ${line}`),
      );
  await writeTestSettings();
  await loadScripts();
  const faults = (await isListening("127.0.0.1", TEST_STACK.faultUpstashPort))
    ? null
    : await startUpstashGateway({
        port: TEST_STACK.faultUpstashPort,
        redisUrl: TEST_STACK.redisUrl,
        token: TEST_STACK.upstashToken,
        faultControl: true,
      });
  return async () => {
    await faults?.close();
    await stack?.stop();
  };
}
