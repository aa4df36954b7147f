/**
 * A per-isolate cache of computed answers: each key's answer is kept for `ttlMs`, a miss is
 * single-flight (a cold burst computes once), a failed computation is not kept, and `clear()`
 * drops everything, including answers still being computed when it was called, so that a write
 * through this isolate is never hidden from its later reads. At most `maxEntries` keys are kept
 * (all are dropped when that is reached: the keys are few and cheap to rebuild).
 */
import type { Clock } from "../../domain/ports.ts";

interface Entry<T> {
  generation: number;
  loadedAtMs: number;
  value: Promise<T>;
}

export class ResultCache<T> {
  private generation = 0;
  private readonly entries = new Map<string, Entry<T>>();

  constructor(
    private readonly clock: Clock,
    private readonly ttlMs: number,
    private readonly maxEntries = 256,
  ) {}

  get(key: string, compute: () => Promise<T>): Promise<T> {
    const nowMs = this.clock.nowMs();
    const entry = this.entries.get(key);
    if (entry && entry.generation === this.generation && nowMs - entry.loadedAtMs < this.ttlMs) {
      return entry.value;
    }
    if (this.ttlMs <= 0) return compute();
    if (this.entries.size >= this.maxEntries) this.entries.clear();
    const value = compute();
    this.entries.set(key, { generation: this.generation, loadedAtMs: nowMs, value });
    value.catch(() => {
      if (this.entries.get(key)?.value === value) this.entries.delete(key);
    });
    return value;
  }

  /** Forgets every answer, and every answer being computed now. */
  clear(): void {
    this.generation++;
    this.entries.clear();
  }
}
