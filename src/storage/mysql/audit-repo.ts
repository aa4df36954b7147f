import type { Client, Transaction } from "@planetscale/database";
import type { AuditEntry, AuditFilter, AuditLog } from "../../domain/ports.ts";
import { fromSqlDateTime, parseJsonColumn, toInt, toSqlDateTime } from "./sql-values.ts";

type Row = Record<string, unknown>;

const COLUMNS =
  "id, at, actor, operation, method, path, target_id, `change`, status, address, request_id";

/** Writes one entry with `db`: a client, or the transaction of the change it records. */
export async function insertAuditEntry(db: Client | Transaction, entry: AuditEntry): Promise<void> {
  await db.execute(`INSERT INTO audit_log (${COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, [
    entry.id,
    toSqlDateTime(entry.atMs),
    entry.actor,
    entry.operation,
    entry.method,
    entry.path,
    entry.targetId,
    entry.change === undefined ? null : JSON.stringify(entry.change),
    entry.status,
    entry.address,
    entry.requestId,
  ]);
}

function fromRow(row: Row): AuditEntry {
  return {
    id: String(row.id),
    atMs: fromSqlDateTime(row.at),
    actor: String(row.actor),
    operation: String(row.operation),
    method: String(row.method),
    path: String(row.path),
    targetId: row.target_id == null ? null : String(row.target_id),
    change: row.change == null ? null : parseJsonColumn(row.change),
    status: toInt(row.status),
    address: String(row.address),
    requestId: String(row.request_id),
  };
}

/** The audit log (migrations/0024_audit_log.sql). */
export class MysqlAuditLog implements AuditLog {
  constructor(private readonly db: Client) {}

  async record(entry: AuditEntry): Promise<void> {
    await insertAuditEntry(this.db, entry);
  }

  async list(filter: AuditFilter): Promise<AuditEntry[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    if (filter.actor !== undefined) where.push("actor = ?") && params.push(filter.actor);
    if (filter.operation !== undefined)
      where.push("operation = ?") && params.push(filter.operation);
    if (filter.targetId !== undefined) where.push("target_id = ?") && params.push(filter.targetId);
    if (filter.fromMs !== undefined)
      where.push("at >= ?") && params.push(toSqlDateTime(filter.fromMs));
    if (filter.toMs !== undefined) where.push("at < ?") && params.push(toSqlDateTime(filter.toMs));
    if (filter.before !== undefined) {
      const at = toSqlDateTime(filter.before.atMs);
      where.push("(at < ? OR (at = ? AND id < ?))");
      params.push(at, at, filter.before.id);
    }
    const { rows } = await this.db.execute(
      `SELECT ${COLUMNS} FROM audit_log ${where.length ? `WHERE ${where.join(" AND ")}` : ""} ORDER BY at DESC, id DESC LIMIT ?`,
      [...params, filter.limit],
    );
    return (rows as Row[]).map(fromRow);
  }
}
