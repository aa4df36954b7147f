import type { Client } from "@planetscale/database";
import type { AdminIdempotencyRepo } from "../../domain/ports.ts";
import { isDuplicateKey, toInt, toSqlDateTime } from "./sql-values.ts";

type Row = Record<string, unknown>;

/** The admin API's Idempotency-Key records (migrations/0013_admin_idempotency.sql). */
export class MysqlAdminIdempotencyRepo implements AdminIdempotencyRepo {
  constructor(private readonly db: Client) {}

  async claim(input: { keyHash: string; bodyHash: string; nowMs: number }) {
    try {
      // The primary key decides between concurrent claims: exactly one runs the operation.
      await this.db.execute(
        "INSERT INTO admin_idempotency (key_hash, body_hash, status, response, created_at) VALUES (?, ?, 0, NULL, ?)",
        [input.keyHash, input.bodyHash, toSqlDateTime(input.nowMs)],
      );
      return { kind: "claimed" as const };
    } catch (error) {
      if (!isDuplicateKey(error)) throw error;
    }
    const { rows } = await this.db.execute(
      "SELECT body_hash, status, response FROM admin_idempotency WHERE key_hash = ?",
      [input.keyHash],
    );
    const row = rows[0] as Row | undefined;
    // Freed between the INSERT and this read (the first attempt failed): in flight, retry.
    if (!row) return { kind: "in-flight" as const, bodyHash: input.bodyHash };
    const bodyHash = String(row.body_hash);
    const status = toInt(row.status);
    if (status === 0) return { kind: "in-flight" as const, bodyHash };
    return { kind: "done" as const, bodyHash, status, response: String(row.response ?? "") };
  }

  async complete(input: { keyHash: string; status: number; response: string }) {
    await this.db.execute(
      "UPDATE admin_idempotency SET status = ?, response = ? WHERE key_hash = ?",
      [input.status, input.response, input.keyHash],
    );
  }

  async forget(keyHash: string) {
    await this.db.execute("DELETE FROM admin_idempotency WHERE key_hash = ?", [keyHash]);
  }
}
