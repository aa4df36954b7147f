/**
 * Vitest global setup: brings up the test stack (Redis, MySQL with the test database migrated,
 * and both gateways on the test ports) unless it is already up, writes the test business
 * settings, and tears down what it started.
 */
import mysql from "mysql2/promise";
import { isListening } from "../scripts/lib/services.ts";
import { startStack } from "../scripts/lib/stack.ts";
import { TEST_SETTINGS, TEST_STACK } from "./stack-env.ts";

/** Tests rely on these settings; a test that changes settings must restore them. */
async function writeTestSettings(): Promise<void> {
  const conn = await mysql.createConnection({ uri: TEST_STACK.mysqlUrl });
  try {
    await conn.query(
      `INSERT INTO settings (id, document, updated_at) VALUES (1, ?, UTC_TIMESTAMP(3))
       ON DUPLICATE KEY UPDATE document = VALUES(document), updated_at = VALUES(updated_at)`,
      [JSON.stringify(TEST_SETTINGS)],
    );
  } finally {
    await conn.end();
  }
}

export default async function setup(): Promise<() => Promise<void>> {
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
