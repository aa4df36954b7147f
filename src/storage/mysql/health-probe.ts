import type { Client } from "@planetscale/database";
import type { ProbeResult } from "../../domain/health/store-status.ts";
import type { Clock, StoreProbe } from "../../domain/ports.ts";

/** Probes MySQL with `SELECT 1`, bounded by the client's fetch timeout. */
export class MysqlHealthProbe implements StoreProbe {
  constructor(
    private readonly db: Client,
    private readonly clock: Clock,
  ) {}

  async probe(): Promise<ProbeResult> {
    const startedMs = this.clock.nowMs();
    try {
      const result = await this.db.execute("SELECT 1 AS ok");
      const latencyMs = this.clock.nowMs() - startedMs;
      const row = result.rows[0] as { ok?: unknown } | undefined;
      if (Number(row?.ok) !== 1)
        return { ok: false, latencyMs, error: "unexpected reply to SELECT 1" };
      return { ok: true, latencyMs };
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      return { ok: false, latencyMs: this.clock.nowMs() - startedMs, error: message };
    }
  }
}
