import type { Client } from "@planetscale/database";
import type { AuthRepo } from "../../domain/ports.ts";
import { writeAnnouncement } from "./outbox-tables.ts";
import { fromSqlDateTime, toInt, toSqlDateTime } from "./sql-values.ts";

type Row = Record<string, unknown>;

/**
 * Sign-in codes and sessions, as hashes only. (The code itself is in the email outbox until it is
 * delivered, then blanked; in development, where the outbox is the mailbox, it stays there.)
 */
export class MysqlAuthRepo implements AuthRepo {
  constructor(private readonly db: Client) {}

  async createCode(input: Parameters<AuthRepo["createCode"]>[0]): Promise<void> {
    const now = toSqlDateTime(input.nowMs);
    await this.db.transaction(async (tx) => {
      // A new code supersedes the email's older ones: only one can ever be used.
      await tx.execute("UPDATE auth_codes SET used_at = ? WHERE email = ? AND used_at IS NULL", [
        now,
        input.email,
      ]);
      await tx.execute(
        "INSERT INTO auth_codes (id, email, code_hash, created_at, expires_at, attempts, used_at) VALUES (?, ?, ?, ?, ?, 0, NULL)",
        [input.id, input.email, input.codeHash, now, toSqlDateTime(input.expiresAtMs)],
      );
      await writeAnnouncement(tx, { emails: [input.message], events: [] }, now);
    });
  }

  async verifyCode(input: Parameters<AuthRepo["verifyCode"]>[0]): Promise<"ok" | "wrong" | "dead"> {
    return this.db.transaction(async (tx) => {
      // Only the unused (latest) code counts, and its row is locked: concurrent guesses are serialised,
      // so the attempt limit is exact.
      const { rows } = await tx.execute(
        "SELECT id, code_hash, expires_at, attempts, used_at FROM auth_codes WHERE email = ? AND used_at IS NULL ORDER BY created_at DESC LIMIT 1 FOR UPDATE",
        [input.email],
      );
      const code = rows[0] as Row | undefined;
      if (
        !code ||
        code.used_at !== null ||
        fromSqlDateTime(code.expires_at) <= input.nowMs ||
        toInt(code.attempts) >= input.maxAttempts
      )
        return "dead";
      if (code.code_hash !== input.codeHash) {
        await tx.execute("UPDATE auth_codes SET attempts = attempts + 1 WHERE id = ?", [code.id]);
        return "wrong";
      }
      const now = toSqlDateTime(input.nowMs);
      await tx.execute("UPDATE auth_codes SET used_at = ? WHERE id = ?", [now, code.id]);
      await tx.execute(
        "INSERT INTO sessions (token_hash, email, created_at, expires_at, revoked_at) VALUES (?, ?, ?, ?, NULL)",
        [input.session.tokenHash, input.email, now, toSqlDateTime(input.session.expiresAtMs)],
      );
      return "ok";
    });
  }

  async findSession(
    tokenHash: string,
    nowMs: number,
  ): Promise<{ email: string; expiresAtMs: number } | null> {
    const { rows } = await this.db.execute(
      "SELECT email, expires_at FROM sessions WHERE token_hash = ? AND revoked_at IS NULL AND expires_at > ?",
      [tokenHash, toSqlDateTime(nowMs)],
    );
    const row = rows[0] as Row | undefined;
    return row ? { email: String(row.email), expiresAtMs: fromSqlDateTime(row.expires_at) } : null;
  }

  async revokeSession(tokenHash: string, nowMs: number): Promise<boolean> {
    const result = await this.db.execute(
      "UPDATE sessions SET revoked_at = ? WHERE token_hash = ? AND revoked_at IS NULL",
      [toSqlDateTime(nowMs), tokenHash],
    );
    return result.rowsAffected > 0;
  }
}
