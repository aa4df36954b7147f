import type { Client } from "@planetscale/database";
import type { AccountRecord, AccountRepo, AccountRole, PendingAudit } from "../../domain/ports.ts";
import { auditedStatement, auditedTransaction } from "./audit-repo.ts";
import { fromSqlDateTime, toSqlDateTime } from "./sql-values.ts";

type Row = Record<string, unknown>;

const COLUMNS =
  "id, email, name, role, staff_id, created_by, created_at, updated_at, deactivated_at";

function fromRow(row: Row): AccountRecord {
  return {
    id: String(row.id),
    email: String(row.email),
    name: String(row.name),
    role: String(row.role) as AccountRole,
    staffId: row.staff_id == null ? null : String(row.staff_id),
    createdBy: String(row.created_by),
    createdAtMs: fromSqlDateTime(row.created_at),
    updatedAtMs: fromSqlDateTime(row.updated_at),
    deactivatedAtMs: row.deactivated_at == null ? null : fromSqlDateTime(row.deactivated_at),
  };
}

function isDuplicateKey(error: unknown): boolean {
  return error instanceof Error && /Duplicate entry|1062|ER_DUP_ENTRY/.test(error.message);
}

/** Business accounts and their sessions (migrations/0026_business_accounts.sql). */
export class MysqlAccountRepo implements AccountRepo {
  constructor(private readonly db: Client) {}

  async create(account: AccountRecord, audit?: PendingAudit): Promise<"created" | "email-taken"> {
    try {
      await auditedStatement(this.db, audit, account.id, (db) =>
        db.execute(`INSERT INTO accounts (${COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, [
          account.id,
          account.email,
          account.name,
          account.role,
          account.staffId,
          account.createdBy,
          toSqlDateTime(account.createdAtMs),
          toSqlDateTime(account.updatedAtMs),
          null,
        ]),
      );
      return "created";
    } catch (error) {
      // The unique email is the arbiter: two concurrent creates for one email, exactly one wins.
      if (isDuplicateKey(error)) return "email-taken";
      throw error;
    }
  }

  async find(id: string): Promise<AccountRecord | null> {
    const { rows } = await this.db.execute(`SELECT ${COLUMNS} FROM accounts WHERE id = ?`, [id]);
    const row = rows[0] as Row | undefined;
    return row ? fromRow(row) : null;
  }

  async findByEmail(email: string): Promise<AccountRecord | null> {
    const { rows } = await this.db.execute(`SELECT ${COLUMNS} FROM accounts WHERE email = ?`, [
      email,
    ]);
    const row = rows[0] as Row | undefined;
    return row ? fromRow(row) : null;
  }

  async list(): Promise<AccountRecord[]> {
    const { rows } = await this.db.execute(
      `SELECT ${COLUMNS} FROM accounts ORDER BY created_at DESC, id DESC`,
    );
    return (rows as Row[]).map(fromRow);
  }

  async update(
    id: string,
    change: { name: string; role: AccountRole; staffId: string | null },
    nowMs: number,
    audit?: PendingAudit,
  ): Promise<AccountRecord | null | "deactivated"> {
    const result = await auditedStatement(
      this.db,
      audit,
      id,
      (db) =>
        db.execute(
          "UPDATE accounts SET name = ?, role = ?, staff_id = ?, updated_at = ? WHERE id = ? AND deactivated_at IS NULL",
          [change.name, change.role, change.staffId, toSqlDateTime(nowMs), id],
        ),
      (result) => result.rowsAffected > 0,
    );
    const account = await this.find(id);
    if (result.rowsAffected === 0 && account?.deactivatedAtMs != null) return "deactivated";
    return account;
  }

  async deactivate(id: string, nowMs: number, audit?: PendingAudit): Promise<AccountRecord | null> {
    const now = toSqlDateTime(nowMs);
    await auditedTransaction(
      this.db,
      audit,
      id,
      async (tx) => {
        const result = await tx.execute(
          "UPDATE accounts SET deactivated_at = ?, updated_at = ? WHERE id = ? AND deactivated_at IS NULL",
          [now, now, id],
        );
        await tx.execute(
          "UPDATE business_sessions SET revoked_at = ? WHERE account_id = ? AND revoked_at IS NULL",
          [now, id],
        );
        return result.rowsAffected > 0;
      },
      (deactivated) => deactivated,
    );
    return this.find(id);
  }

  async findSession(tokenHash: string, nowMs: number): Promise<AccountRecord | null> {
    // One read: the session and its account's current role; a deactivated account has none.
    const { rows } = await this.db.execute(
      `SELECT ${COLUMNS.split(", ")
        .map((column) => `a.${column}`)
        .join(", ")} FROM business_sessions s JOIN accounts a ON a.id = s.account_id
       WHERE s.token_hash = ? AND s.revoked_at IS NULL AND s.expires_at > ? AND a.deactivated_at IS NULL`,
      [tokenHash, toSqlDateTime(nowMs)],
    );
    const row = rows[0] as Row | undefined;
    return row ? fromRow(row) : null;
  }

  async revokeSession(tokenHash: string, nowMs: number): Promise<boolean> {
    const result = await this.db.execute(
      "UPDATE business_sessions SET revoked_at = ? WHERE token_hash = ? AND revoked_at IS NULL",
      [toSqlDateTime(nowMs), tokenHash],
    );
    return result.rowsAffected > 0;
  }
}
