/**
 * Vitest global setup: brings up the test stack (Redis, MySQL with the test database migrated,
 * and both gateways on the test ports) unless it is already up, writes the test business
 * settings, builds the booking pages into public/, and tears down what it started.
 */
import { buildWeb } from "../scripts/build-web.ts";
import { putSettings } from "../scripts/lib/seed.ts";
import { isListening } from "../scripts/lib/services.ts";
import { startStack } from "../scripts/lib/stack.ts";
import { TEST_SETTINGS, TEST_STACK } from "./stack-env.ts";

/** Tests rely on these settings; a test that changes settings must restore them. */
const writeTestSettings = () => putSettings(TEST_STACK.mysqlUrl, TEST_SETTINGS);

export default async function setup(): Promise<() => Promise<void>> {
  // The browser tier serves the pages from public/: build them from web/ first.
  await buildWeb((line) => console.log(`[test stack] ${line}`));
  const up =
    (await isListening("127.0.0.1", TEST_STACK.upstashPort)) &&
    (await isListening("127.0.0.1", TEST_STACK.planetscalePort));
  if (up) {
    await writeTestSettings();
    return async () => {};
  }
  const stack = await startStack({ ...TEST_STACK, seed: false }, (line) =>
    console.log(`[test stack] ${line}`),
  );
  await writeTestSettings();
  return () => stack.stop();
}
