/**
 * The live-push port on Redis: one `redis.subscribe` (Upstash's Server-Sent Events over HTTP) per
 * live stream, on the channel of the stream's staff member and local date, where every live
 * script publishes what it changed (the message format is in lua/lib/live.lua).
 *
 * A Worker cannot share an I/O object between requests, so each stream holds its own
 * subscription (one HTTP connection to Upstash); docs/architecture/live-push.md has the cost model. For the
 * same reason a failover found by another request cannot end the stream from there: each
 * subscription checks the isolate's failover count from a timer of its own.
 */
import type { Redis } from "@upstash/redis/cloudflare";
import type { LiveChange } from "../../domain/live/types.ts";
import type { LivePush } from "../../domain/ports.ts";
import type { RedisKeys } from "./keys.ts";
import { kindOf } from "./live-state-store.ts";
import { RedisFailure } from "./run-script.ts";

export interface RedisLivePushOptions {
  /**
   * How long Redis may take to confirm a subscription before the stream gives up (ms), asked as
   * it subscribes: the probes' budget, never below the learned timeout of a call.
   */
  confirmTimeoutMs: () => number;
  /** Whether this isolate uses Redis now (false: it is on the fallback, nothing is subscribed). */
  available: () => boolean;
  /** How many times this isolate has failed over (a change ends the subscription). */
  failovers: () => number;
  /** How often a subscription checks the failover count (ms; default FAILOVER_CHECK_MS). */
  failoverCheckMs?: number;
}

/** A stream learns of its isolate's failover within this (one integer compare per stream). */
export const FAILOVER_CHECK_MS = 500;

export class RedisLivePush implements LivePush {
  constructor(
    private readonly redis: Redis,
    private readonly keys: RedisKeys,
    private readonly options: RedisLivePushOptions,
  ) {}

  subscribe(input: Parameters<LivePush["subscribe"]>[0]): Promise<{ close(): void }> {
    if (!this.options.available())
      return Promise.reject(new RedisFailure("subscribe: this isolate is on the fallback"));
    const channel = this.keys.liveChannel(input.staffId, input.date);
    const failoversAtStart = this.options.failovers();
    const subscriber = this.redis.subscribe<string>([channel]);
    return new Promise((resolve, reject) => {
      let confirmed = false;
      let ended = false;
      const close = () => {
        if (ended) return;
        ended = true;
        clearTimeout(timer);
        clearInterval(gateCheck);
        // Aborts the subscription's HTTP request: Upstash (or the gateway) unsubscribes.
        subscriber.unsubscribe().catch(() => undefined);
      };
      const fail = (error: unknown) => {
        if (ended) return;
        close();
        if (confirmed) input.onEnd(error);
        else reject(error instanceof RedisFailure ? error : new RedisFailure(String(error)));
      };
      const timer = setTimeout(
        () => fail(new RedisFailure("subscribe: not confirmed in time")),
        this.options.confirmTimeoutMs(),
      );
      // The isolate failed over (another call found Redis down): the subscription is not
      // trusted, even if it is back already (changes made on the fallback were not published).
      const gateCheck = setInterval(() => {
        if (this.options.failovers() !== failoversAtStart)
          fail(new RedisFailure("live push: this isolate failed over"));
      }, this.options.failoverCheckMs ?? FAILOVER_CHECK_MS);
      subscriber.on("subscribe", () => {
        if (ended || confirmed) return;
        confirmed = true;
        clearTimeout(timer);
        resolve({ close });
      });
      subscriber.on("message", ({ message }) => {
        if (ended) return;
        const changes = parseChanges(String(message), input.clientTag);
        if (changes) input.onChanges(changes);
        // A message this code cannot read means the publisher and reader disagree: the stream
        // ends (its client reconnects and reads afresh) rather than drift silently.
        else
          fail(new RedisFailure(`live push: unreadable message ${String(message).slice(0, 80)}`));
      });
      subscriber.on("error", (error) => fail(error));
    });
  }
}

/**
 * One published message as changes, `mine` decided for the subscriber's client tag; null when
 * the message is not in the format of lua/lib/live.lua.
 */
export function parseChanges(message: string, clientTag: string): LiveChange[] | null {
  const changes: LiveChange[] = [];
  for (const item of message.split(";")) {
    if (item.startsWith("-") && item.length > 1) {
      changes.push({ kind: "gone", id: item.slice(1) });
      continue;
    }
    const parts = item.slice(1).split("|");
    if (!item.startsWith("+") || parts.length !== 6) return null;
    const [id = "", startMin, endMin, offsetMin, expiresAtMs, tag] = parts.map((p) => p);
    const numbers = [startMin, endMin, offsetMin, expiresAtMs].map(Number);
    if (!numbers.every(Number.isSafeInteger)) return null;
    const [start = 0, end = 0, offset = 0, expires = 0] = numbers;
    let kind: ReturnType<typeof kindOf>;
    try {
      kind = kindOf(id[0]);
    } catch {
      return null;
    }
    changes.push({
      kind: "put",
      entry: {
        id,
        kind,
        mine: tag === clientTag && tag !== "",
        startMs: start * 60_000,
        endMs: end * 60_000,
        offsetMin: offset,
        expiresAtMs: expires,
      },
    });
  }
  return changes;
}
