import type { DomainContext } from "../domain/ports.ts";
import type { Services } from "../runtime/services.ts";
import type { RequestTrace } from "../storage/failover/failover-stores.ts";

/** Who is calling the admin API (set by src/http/admin-auth.ts). */
export interface AdminCaller {
  /** "admin-token", "key:<id>" for an API key, "account:<id>" for a business session: the audit log's actor. */
  actor: string;
  keyId: string | null;
  /** A business account's session (src/domain/auth/accounts.ts): its role, and a staff account's staff member. */
  account?: { id: string; role: "owner" | "manager" | "staff"; staffId: string | null };
  /** The owner's ADMIN_TOKEN holds every scope. */
  scopes: "all" | readonly string[];
}

/** Hono's environment type for this app. */
export interface AppEnv {
  Bindings: Record<string, unknown>;
  Variables: {
    requestId: string;
    services: Services;
    ctx: DomainContext;
    trace: RequestTrace;
    /** The admin caller, once its credential is checked (src/http/admin-auth.ts). */
    admin?: AdminCaller;
    /** The admin caller holds the scope of the operation it calls (set by requireAdmin). */
    adminAuthorized?: boolean;
    /** The route wrote its own audit entry, in its own transaction (src/http/admin-audit.ts). */
    audited?: boolean;
    /**
     * The request passed its operation's own schemas and carries one of its declared headers
     * (set by `screen`, for critical paths only): it may take the critical reserve.
     */
    wellFormed?: boolean;
  };
}
