import type { Client, Transaction } from "@planetscale/database";
import type { AuditEntry, AuditFilter, AuditLog, PendingAudit } from "../../domain/ports.ts";
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

/**
 * Runs an admin write in a transaction of its own and, when `changed` says it changed something,
 * records the request's audit entry in that same transaction: the change and its entry commit
 * together or not at all. The entry's target is `targetId` where the request's path named none
 * (a create: the new id). `written` is set only once the transaction committed. Without an entry
 * to record (not an admin request, or already recorded) it is a plain transaction.
 */
export async function auditedTransaction<T>(
  db: Client,
  audit: PendingAudit | undefined,
  targetId: string | null,
  write: (tx: Transaction) => Promise<T>,
  changed: (result: T) => boolean = () => true,
): Promise<T> {
  const entry = audit && !audit.written ? audit.entry : undefined;
  let recorded = false;
  const result = await db.transaction(async (tx) => {
    const result = await write(tx);
    if (entry && changed(result)) {
      await insertAuditEntry(tx, { ...entry, targetId: entry.targetId ?? targetId });
      recorded = true;
    }
    return result;
  });
  if (audit && recorded) audit.written = true;
  return result;
}

/**
 * A write of one statement: alone (one round trip) when there is no entry to record, else in a
 * transaction with its entry as `auditedTransaction` does. The driver cannot batch statements,
 * so the entry costs BEGIN and COMMIT around the two statements.
 */
export function auditedStatement<T>(
  db: Client,
  audit: PendingAudit | undefined,
  targetId: string | null,
  write: (db: Client | Transaction) => Promise<T>,
  changed?: (result: T) => boolean,
): Promise<T> {
  if (!audit || audit.written) return write(db);
  return auditedTransaction(db, audit, targetId, write, changed);
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
