/**
 * The audit log's entry, on its own: booking announcements carry one into their transaction
 * (src/domain/booking/types.ts), and the ports import the booking types.
 */
/** One admin write, as the audit log keeps it (src/http/admin-audit.ts). */
export interface AuditEntry {
  id: string;
  atMs: number;
  /** "admin-token" or "key:<id>" (never the secret). */
  actor: string;
  /** The operation's id in the OpenAPI document (adminCreateService, …). */
  operation: string;
  method: string;
  path: string;
  targetId: string | null;
  /** The request body with every secret-looking field replaced (src/http/admin-audit.ts). */
  change: unknown;
  status: number;
  address: string;
  requestId: string;
}

/**
 * An admin write's entry, prepared before the write (src/http/admin-audit.ts) and carried in the
 * request's context. The MySQL write that makes the change records it in the change's own
 * transaction and sets `written`; an entry no write took (a sync, a test delivery: changes
 * outside MySQL) is recorded right after the answer instead.
 */
export interface PendingAudit {
  entry: AuditEntry;
  written: boolean;
}
