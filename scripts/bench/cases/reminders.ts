/**
 * "Reminders": one Cron Trigger reminder pass over 10 000 upcoming appointments (one every ~13
 * minutes for 90 days, booked a day ago), against the bench stack's gateways with the real
 * clients and the real domain verb. Reported: the pass that sends the due ones (business default
 * offsets, 24 h and 2 h), a second pass that finds nothing left, and the EXPLAIN of the statement
 * that finds them (a range of appointments_by_start per offset, not a scan). The rows are written
 * straight into MySQL under ids of their own, replaced on every run.
 */
import mysql from "mysql2/promise";
import { buildServices } from "../../../src/compose.ts";
import { REMINDER_CATCH_UP_MS, sendDueReminders } from "../../../src/domain/booking/reminders.ts";
import { DEFAULT_SETTINGS } from "../../../src/domain/settings/settings.ts";
import { dueRemindersStatement } from "../../../src/storage/mysql/booking-repo.ts";

export interface RemindersResult {
  upcoming: number;
  expectedDue: number;
  sent: number;
  sendingRunMs: number;
  idleRunMs: number;
  explain: { table: string; type: string; key: string | null; rows: number }[];
}

const UPCOMING = 10_000;
const SPAN_MS = 90 * 24 * 3_600_000;
const sqlTime = (ms: number) => new Date(ms).toISOString().replace("T", " ").replace("Z", "");

export async function remindersCase(
  bindings: Record<string, string>,
  mysqlUrl: string,
): Promise<RemindersResult> {
  const conn = await mysql.createConnection({ uri: mysqlUrl, timezone: "Z" });
  try {
    await conn.query("SET time_zone = '+00:00'");
    await conn.query("DELETE FROM reminders_sent WHERE appointment_id LIKE 'apt_benchrem%'");
    await conn.query("DELETE FROM appointments WHERE id LIKE 'apt_benchrem%'");
    const nowMs = Date.now();
    await conn.query(
      `INSERT IGNORE INTO services (id, name, description, duration_min, buffer_before_min, buffer_after_min, price_minor, currency, active, created_at, updated_at, reminders)
       VALUES ('svc_benchrem', 'Bench reminders', '', 30, 0, 0, 1000, 'EUR', 1, ?, ?, NULL)`,
      [sqlTime(nowMs), sqlTime(nowMs)],
    );
    const starts = Array.from(
      { length: UPCOMING },
      (_, i) => nowMs + 3_600_000 + Math.floor((i * SPAN_MS) / UPCOMING),
    );
    for (let from = 0; from < UPCOMING; from += 1_000) {
      const rows = starts.slice(from, from + 1_000).map((startMs, j) => {
        const i = from + j;
        return [
          `apt_benchrem${String(i).padStart(6, "0")}`,
          "stf_benchrem",
          "svc_benchrem",
          "cus_benchrem",
          "confirmed",
          sqlTime(startMs),
          sqlTime(startMs + 1_800_000),
          sqlTime(startMs),
          sqlTime(startMs + 1_800_000),
          "Bench",
          `bench${i}@example.test`,
          "",
          "0".repeat(64),
          sqlTime(nowMs - 86_400_000),
          sqlTime(nowMs - 86_400_000),
        ];
      });
      await conn.query(
        `INSERT INTO appointments (id, staff_id, service_id, customer_id, status, start_at, end_at, occupied_start, occupied_end,
           customer_name, customer_email, notes, manage_token_hash, created_at, updated_at) VALUES ?`,
        [rows],
      );
    }
    await conn.query("ANALYZE TABLE appointments");
    const settings = await conn.query("SELECT document FROM settings WHERE id = 1");
    const document = (settings[0] as { document: unknown }[])[0]?.document;
    const offsets =
      (document
        ? (JSON.parse(String(document)) as { reminders?: number[] }).reminders
        : undefined) ?? DEFAULT_SETTINGS.reminders;
    const expectedDue = offsets
      .map(
        (offset) =>
          starts.filter(
            (s) =>
              s > Math.max(nowMs, nowMs + offset * 60_000 - REMINDER_CATCH_UP_MS) &&
              s <= nowMs + offset * 60_000,
          ).length,
      )
      .reduce((a, b) => a + b, 0);
    const services = buildServices(bindings);
    const started = performance.now();
    const first = await sendDueReminders(services.ctx);
    const sendingRunMs = performance.now() - started;
    const idleStarted = performance.now();
    await sendDueReminders(services.ctx);
    const idleRunMs = performance.now() - idleStarted;
    const { sql, params } = dueRemindersStatement(
      { nowMs: Date.now(), catchUpMs: REMINDER_CATCH_UP_MS, limit: 200 },
      offsets,
      offsets,
    );
    const [plan] = await conn.query(`EXPLAIN ${sql}`, params);
    return {
      upcoming: UPCOMING,
      expectedDue,
      sent: first.sent,
      sendingRunMs: Math.round(sendingRunMs),
      idleRunMs: Math.round(idleRunMs),
      explain: (plan as Record<string, unknown>[]).map((row) => ({
        table: String(row.table),
        type: String(row.type),
        key: row.key === null ? null : String(row.key),
        rows: Number(row.rows),
      })),
    };
  } finally {
    await conn.end();
  }
}

export function formatReminders(r: RemindersResult): string {
  return [
    `Reminders: one cron pass over ${r.upcoming} upcoming appointments sent ${r.sent} (expected ${r.expectedDue}) in ${r.sendingRunMs} ms; the next pass (nothing due) took ${r.idleRunMs} ms`,
    "EXPLAIN of the statement that finds them:",
    ...r.explain.map(
      (e) =>
        `  ${e.table.padEnd(14)} ${e.type.padEnd(8)} ${String(e.key).padEnd(28)} rows ${e.rows}`,
    ),
  ].join("\n");
}
