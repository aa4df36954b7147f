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
