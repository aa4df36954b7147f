/** Direct MySQL access to the test database, for setup and assertions behind the API. */
import mysql from "mysql2/promise";
import { TEST_STACK, uniqueId } from "./stack-env.ts";

export async function withDb<T>(fn: (conn: mysql.Connection) => Promise<T>): Promise<T> {
  const conn = await mysql.createConnection({ uri: TEST_STACK.mysqlUrl, timezone: "Z" });
  try {
    return await fn(conn);
  } finally {
    await conn.end();
  }
}

const sqlTime = (ms: number) => new Date(ms).toISOString().replace("T", " ").replace("Z", "");

/**
 * Inserts a confirmed appointment row directly (occupied range = start − before … end + after),
 * for availability tests written before the booking API existed.
 */
export async function insertAppointment(a: {
  staffId: string;
  serviceId: string;
  startMs: number;
  endMs: number;
  bufferBeforeMin?: number;
  bufferAfterMin?: number;
}): Promise<string> {
  const id = uniqueId("apt_");
  const occupiedStart = a.startMs - (a.bufferBeforeMin ?? 0) * 60_000;
  const occupiedEnd = a.endMs + (a.bufferAfterMin ?? 0) * 60_000;
  await withDb((conn) =>
    conn.query(
      `INSERT INTO appointments (id, staff_id, service_id, customer_id, status, start_at, end_at, occupied_start, occupied_end,
         customer_name, customer_email, customer_phone, notes, manage_token_hash, rescheduled_from, created_at, updated_at, cancelled_at)
       VALUES (?, ?, ?, 'cus_test', 'confirmed', ?, ?, ?, ?, 'Test', 'test@example.test', NULL, '', REPEAT('0', 64), NULL, UTC_TIMESTAMP(3), UTC_TIMESTAMP(3), NULL)`,
      [
        id,
        a.staffId,
        a.serviceId,
        sqlTime(a.startMs),
        sqlTime(a.endMs),
        sqlTime(occupiedStart),
        sqlTime(occupiedEnd),
      ],
    ),
  );
  return id;
}
