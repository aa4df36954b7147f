/**
 * The narrow interfaces the domain needs from the outside world. Storage adapters implement them
 * (src/storage/*); the composition root (src/worker.ts) wires them; tests may fake them.
 */

/** Wall-clock time, injected so that domain logic is deterministic under test. */
export interface Clock {
  nowMs(): number;
}

/** The outcome of one health probe of a store. */
export type ProbeResult =
  | { ok: true; latencyMs: number }
  | { ok: false; latencyMs: number; error: string };

/** Checks a store end to end (Redis: write and read back a short-lived key; MySQL: SELECT 1). */
export interface StoreProbe {
  probe(): Promise<ProbeResult>;
}

/** Which store serves live slot state right now. */
export type StorageMode = "redis" | "fallback";

/** Everything a domain verb may use; built once per isolate by the composition root. */
export interface DomainContext {
  clock: Clock;
  liveStateProbe: StoreProbe;
  bookingStoreProbe: StoreProbe;
}
