import type { DomainContext } from "../domain/ports.ts";
import type { Services } from "../runtime/services.ts";
import type { RequestTrace } from "../storage/failover/failover-stores.ts";

/** Hono's environment type for this app. */
export interface AppEnv {
  Bindings: Record<string, unknown>;
  Variables: {
    requestId: string;
    services: Services;
    ctx: DomainContext;
    trace: RequestTrace;
    /** The admin token was checked and is right (set by requireAdmin). */
    adminVerified?: boolean;
    /**
     * The request passed its operation's own schemas and carries one of its declared headers
     * (set by `screen`, for critical paths only): it may take the critical reserve.
     */
    wellFormed?: boolean;
  };
}
