import type { Redis } from "@upstash/redis/cloudflare";
import { z } from "zod";
import type { ProbeResult } from "../../domain/health/store-status.ts";
import type { Clock, StoreProbe } from "../../domain/ports.ts";
import { healthProbe } from "../../lua/scripts.gen.ts";
import type { RedisKeys } from "./keys.ts";
import { RedisFailure, runScript } from "./run-script.ts";

const HEALTH_KEY_TTL_MS = 5_000;

/** Probes Redis by writing a random value to the health key (5 s TTL) and reading it back. */
export class RedisHealthProbe implements StoreProbe {
  constructor(
    private readonly redis: Redis,
    private readonly keys: RedisKeys,
    private readonly clock: Clock,
  ) {}

  async probe(): Promise<ProbeResult> {
    const startedMs = this.clock.nowMs();
    const nonce = crypto.randomUUID();
    try {
      const readBack = await runScript(
        this.redis,
        healthProbe,
        [this.keys.health()],
        [nonce, HEALTH_KEY_TTL_MS],
        z.string(),
      );
      const latencyMs = this.clock.nowMs() - startedMs;
      if (readBack !== nonce) return { ok: false, latencyMs, error: "read-back mismatch" };
      return { ok: true, latencyMs };
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      const timedOut = error instanceof RedisFailure && error.timedOut;
      return { ok: false, latencyMs: this.clock.nowMs() - startedMs, error: message, timedOut };
    }
  }
}
