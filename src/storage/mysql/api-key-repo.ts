import type { Client, Transaction } from "@planetscale/database";
import type { ApiKeyRecord, ApiKeyRepo, PendingAudit } from "../../domain/ports.ts";
import { auditedTransaction } from "./audit-repo.ts";
import { fromSqlDateTime, parseJsonColumn, toSqlDateTime } from "./sql-values.ts";

type Row = Record<string, unknown>;

const COLUMNS = "id, name, secret_hash, scopes, created_by, created_at, expires_at, revoked_at";

function fromRow(row: Row): ApiKeyRecord & { secretHash: string } {
  const scopes = parseJsonColumn(row.scopes);
  return {
    id: String(row.id),
    name: String(row.name),
    secretHash: String(row.secret_hash),
    scopes: Array.isArray(scopes) ? scopes.map(String) : [],
    createdBy: String(row.created_by),
    createdAtMs: fromSqlDateTime(row.created_at),
    expiresAtMs: row.expires_at == null ? null : fromSqlDateTime(row.expires_at),
    revokedAtMs: row.revoked_at == null ? null : fromSqlDateTime(row.revoked_at),
  };
}

function withoutSecret({ secretHash: _, ...key }: ApiKeyRecord & { secretHash: string }) {
  return key;
}

/** API keys (migrations/0023_api_keys.sql); create and revoke audit in their own transaction. */
export class MysqlApiKeyRepo implements ApiKeyRepo {
  constructor(private readonly db: Client) {}

  async create(key: ApiKeyRecord & { secretHash: string }, audit?: PendingAudit): Promise<void> {
    await auditedTransaction(this.db, audit, key.id, async (tx: Transaction) => {
      await tx.execute(`INSERT INTO api_keys (${COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, [
        key.id,
        key.name,
        key.secretHash,
        JSON.stringify(key.scopes),
        key.createdBy,
        toSqlDateTime(key.createdAtMs),
        key.expiresAtMs === null ? null : toSqlDateTime(key.expiresAtMs),
        null,
      ]);
    });
  }

  async find(id: string) {
    const { rows } = await this.db.execute(`SELECT ${COLUMNS} FROM api_keys WHERE id = ?`, [id]);
    const row = rows[0] as Row | undefined;
    return row ? fromRow(row) : null;
  }

  async list(): Promise<ApiKeyRecord[]> {
    const { rows } = await this.db.execute(
      `SELECT ${COLUMNS} FROM api_keys ORDER BY created_at DESC, id DESC`,
    );
    return (rows as Row[]).map((row) => withoutSecret(fromRow(row)));
  }

  async revoke(id: string, nowMs: number, audit?: PendingAudit): Promise<ApiKeyRecord | null> {
    let revoked = false;
    return auditedTransaction(
      this.db,
      audit,
      id,
      async (tx: Transaction) => {
        const { rows } = await tx.execute(
          `SELECT ${COLUMNS} FROM api_keys WHERE id = ? FOR UPDATE`,
          [id],
        );
        const row = rows[0] as Row | undefined;
        if (!row) return null;
        const key = withoutSecret(fromRow(row));
        if (key.revokedAtMs !== null) return key;
        await tx.execute("UPDATE api_keys SET revoked_at = ? WHERE id = ?", [
          toSqlDateTime(nowMs),
          id,
        ]);
        revoked = true;
        return { ...key, revokedAtMs: nowMs };
      },
      () => revoked,
    );
  }
}
