/** Direct MySQL access to the test database, for setup and assertions behind the API. */
import mysql from "mysql2/promise";
import { TEST_STACK, uniqueId } from "./stack-env.ts";

export async function withDb<T>(fn: (conn: mysql.Connection) => Promise<T>): Promise<T> {
  const conn = await mysql.createConnection({ uri: TEST_STACK.mysqlUrl, timezone: "Z" });
  try {
    await conn.query("SET time_zone = '+00:00'");
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

const CELL_MS = 5 * 60_000;

/**
 * Like `insertAppointment`, and also writes its appointment_cells (one per 5-minute UTC cell of
 * the occupied range), so MySQL knows the time is taken, as a booking would have left it.
 */
export async function insertAppointmentWithCells(a: {
  staffId: string;
  serviceId: string;
  startMs: number;
  endMs: number;
  bufferBeforeMin?: number;
  bufferAfterMin?: number;
  customerEmail?: string;
}): Promise<string> {
  const id = await insertAppointment(a);
  const occupiedStart = a.startMs - (a.bufferBeforeMin ?? 0) * 60_000;
  const occupiedEnd = a.endMs + (a.bufferAfterMin ?? 0) * 60_000;
  const cells: [string, string, string][] = [];
  const last = Math.ceil(occupiedEnd / CELL_MS);
  for (let cell = Math.floor(occupiedStart / CELL_MS); cell < last; cell++) {
    cells.push([a.staffId, sqlTime(cell * CELL_MS).slice(0, 19), id]);
  }
  await withDb(async (conn) => {
    if (a.customerEmail !== undefined) {
      await conn.query("UPDATE appointments SET customer_email = ? WHERE id = ?", [
        a.customerEmail,
        id,
      ]);
    }
    await conn.query(
      "INSERT INTO appointment_cells (staff_id, cell_start, appointment_id) VALUES ?",
      [cells],
    );
  });
  return id;
}
