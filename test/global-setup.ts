/**
 * Vitest global setup: brings up the test stack (Redis, MySQL with the test database migrated,
 * and both gateways on the test ports) unless it is already up, and tears down what it started.
 */

import { isListening } from "../scripts/lib/services.ts";
import { startStack } from "../scripts/lib/stack.ts";
import { TEST_STACK } from "./stack-env.ts";

export default async function setup(): Promise<() => Promise<void>> {
  const up =
    (await isListening("127.0.0.1", TEST_STACK.upstashPort)) &&
    (await isListening("127.0.0.1", TEST_STACK.planetscalePort));
  if (up) return async () => {};
  const stack = await startStack({ ...TEST_STACK, seed: false }, (line) =>
    console.log(`[test stack] ${line}`),
  );
  return () => stack.stop();
}
