/**
 * A per-isolate cache of computed answers: each key's answer is kept for `ttlMs`, a miss is
 * single-flight (a cold burst computes once; the others wait for it from their own timers, never
 * on its promise: src/runtime/own-context.ts), a failed computation is not kept, and `clear()`
 * drops everything, including answers still being computed when it was called, so that a write
 * through this isolate is never hidden from its later reads. At most `maxEntries` keys are kept
 * (all are dropped when that is reached: the keys are few and cheap to rebuild).
 */
import type { Clock } from "../../domain/ports.ts";
import { backoffMs, settledHere } from "../../runtime/own-context.ts";

interface Entry<T> {
  generation: number;
  loadedAtMs: number;
  /** The computation, as the request that started it awaits it. */
  pending: Promise<T>;
  /** Its answer once there: plain data, safe to hand to any request. */
  answer?: { value: T };
}

export class ResultCache<T> {
  private generation = 0;
  private readonly entries = new Map<string, Entry<T>>();

  constructor(
    private readonly clock: Clock,
    private readonly ttlMs: number,
    private readonly maxEntries = 256,
    /** How long a request waits for another's computation before computing itself. */
    private readonly waitMs = 10_000,
  ) {}

  get(key: string, compute: () => Promise<T>): Promise<T> {
    const nowMs = this.clock.nowMs();
    const entry = this.entries.get(key);
    if (entry && entry.generation === this.generation && nowMs - entry.loadedAtMs < this.ttlMs) {
      if (entry.answer) return Promise.resolve(entry.answer.value);
      // Computed by another request: waited for from this one's timers, up to `waitMs`.
      return settledHere(entry.pending, backoffMs, { afterMs: this.waitMs, orElse: compute });
    }
    if (this.ttlMs <= 0) return compute();
    if (this.entries.size >= this.maxEntries) this.entries.clear();
    const pending = compute();
    const fresh: Entry<T> = { generation: this.generation, loadedAtMs: nowMs, pending };
    this.entries.set(key, fresh);
    pending.then(
      (value) => {
        fresh.answer = { value };
      },
      () => {
        if (this.entries.get(key) === fresh) this.entries.delete(key);
      },
    );
    return pending;
  }

  /** Forgets every answer, and every answer being computed now. */
  clear(): void {
    this.generation++;
    this.entries.clear();
  }
}
