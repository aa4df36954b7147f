import type { Client, Transaction } from "@planetscale/database";
import type { AuthRepo } from "../../domain/ports.ts";
import { retryConflicts } from "./conflict-retry.ts";
import { writeAnnouncement } from "./outbox-tables.ts";
import { fromSqlDateTime, toInt, toSqlDateTime } from "./sql-values.ts";

type Row = Record<string, unknown>;

/**
 * Takes the email's row lock in `auth_emails` for the rest of the transaction and returns its
 * recorded failure instants (oldest first). With `create`, the row is made if missing (one
 * INSERT … ON DUPLICATE KEY UPDATE: concurrent first requests queue on the new row's lock);
 * without, a missing row answers null and nothing is written.
 */
async function lockEmail(
  tx: Transaction,
  email: string,
  create: boolean,
): Promise<number[] | null> {
  if (create) {
    await tx.execute(
      "INSERT INTO auth_emails (email, failures) VALUES (?, '') ON DUPLICATE KEY UPDATE email = email",
      [email],
    );
    return [];
  }
  const { rows } = await tx.execute("SELECT failures FROM auth_emails WHERE email = ? FOR UPDATE", [
    email,
  ]);
  const row = rows[0] as Row | undefined;
  if (!row) return null;
  const text = String(row.failures);
  return text === "" ? [] : text.split(",").map(Number);
}

/**
 * Sign-in codes and sessions, as hashes only (about 160 lines: one adapter per port, and the
 * two per-email limits share the email's row lock). Both per-email limits (codes issued, failed
 * verifications) are kept here, under the email's row lock, so they hold in fallback mode too. (The code itself is in the email outbox until it is
 * delivered, then blanked; in development, where the outbox is the mailbox, it stays there.)
 */
export class MysqlAuthRepo implements AuthRepo {
  constructor(private readonly db: Client) {}

  async createCode(
    input: Parameters<AuthRepo["createCode"]>[0],
  ): ReturnType<AuthRepo["createCode"]> {
    return retryConflicts(() =>
      this.db.transaction(async (tx) => {
        await lockEmail(tx, input.email, true);
        // Exact per-email limit, whichever live-state store answers: the codes table is the log
        // of issued codes, and the email's row lock (taken above) serialises this count with
        // every other issuance for the email, so two requests never both take the last place.
        const since = toSqlDateTime(input.nowMs - input.limit.windowMs);
        const { rows } = await tx.execute(
          "SELECT created_at FROM auth_codes WHERE email = ? AND created_at > ? ORDER BY created_at DESC LIMIT ?",
          [input.email, since, input.limit.max],
        );
        const oldest = rows[input.limit.max - 1] as Row | undefined;
        if (oldest) {
          const retryAfterMs =
            fromSqlDateTime(oldest.created_at) + input.limit.windowMs - input.nowMs;
          return { issued: false as const, retryAfterMs };
        }
        const now = toSqlDateTime(input.nowMs);
        // A new code supersedes the email's older ones: only one can ever be used.
        await tx.execute("UPDATE auth_codes SET used_at = ? WHERE email = ? AND used_at IS NULL", [
          now,
          input.email,
        ]);
        await tx.execute(
          "INSERT INTO auth_codes (id, email, code_hash, created_at, expires_at, attempts, used_at) VALUES (?, ?, ?, ?, ?, 0, NULL)",
          [input.id, input.email, input.codeHash, now, toSqlDateTime(input.expiresAtMs)],
        );
        if (input.message)
          await writeAnnouncement(tx, { emails: [input.message], events: [] }, now);
        return { issued: true as const };
      }),
    );
  }

  async verifyCode(
    input: Parameters<AuthRepo["verifyCode"]>[0],
  ): ReturnType<AuthRepo["verifyCode"]> {
    return this.db.transaction(async (tx) => {
      // The email's row lock serialises every verification (and issuance) for the email, so the
      // failure count below is exact under concurrency. No row: no code was ever sent.
      const guard = await lockEmail(tx, input.email, false);
      if (guard === null) return "dead";
      const cap = input.failureCap;
      const failures = guard.filter((ms) => ms > input.nowMs - cap.windowMs);
      const blocking = failures[failures.length - cap.max];
      if (blocking !== undefined)
        return { locked: true as const, retryAfterMs: blocking + cap.windowMs - input.nowMs };
      // Only the unused (latest) code counts, and its row is locked too.
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
      if (!input.codeHashes.includes(String(code.code_hash))) {
        await tx.execute("UPDATE auth_codes SET attempts = attempts + 1 WHERE id = ?", [code.id]);
        const kept = [...failures, input.nowMs].slice(-cap.max);
        await tx.execute("UPDATE auth_emails SET failures = ? WHERE email = ?", [
          kept.join(","),
          input.email,
        ]);
        return "wrong";
      }
      const now = toSqlDateTime(input.nowMs);
      await tx.execute("UPDATE auth_codes SET used_at = ? WHERE id = ?", [now, code.id]);
      const session = input.session;
      if (session?.accountId !== undefined) {
        // A business session: its own table, so a customer token is never looked up here.
        await tx.execute(
          "INSERT INTO business_sessions (token_hash, account_id, created_at, expires_at, revoked_at) VALUES (?, ?, ?, ?, NULL)",
          [session.tokenHash, session.accountId, now, toSqlDateTime(session.expiresAtMs)],
        );
      } else if (session) {
        await tx.execute(
          "INSERT INTO sessions (token_hash, email, created_at, expires_at, revoked_at) VALUES (?, ?, ?, ?, NULL)",
          [session.tokenHash, input.email, now, toSqlDateTime(session.expiresAtMs)],
        );
      }
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
