/** A direct Redis connection to the test database, for assertions that look behind the API. */
import Redis from "ioredis";
import { RedisKeys } from "../../src/storage/redis/keys.ts";
import { TEST_STACK } from "./stack-env.ts";

export function directRedis(): Redis {
  return new Redis(TEST_STACK.redisUrl, { lazyConnect: false, maxRetriesPerRequest: 1 });
}

/** Every key of a staff member's live state and one offer, as a Redis restart would lose them. */
export function liveStateKeys(prefix: string, staffId: string, serviceId: string): string[] {
  const keys = new RedisKeys(prefix);
  return [...keys.liveKeys(staffId), keys.offer(serviceId, staffId)];
}

/** The Redis key of a claimed Idempotency-Key (in the slot of the staff member it books). */
export function idempotencyClaimKey(prefix: string, staffId: string, keyHash: string): string {
  return new RedisKeys(prefix).idempotency(staffId, keyHash);
}

/** The pub/sub channel of a staff member's local date (live scripts publish their changes there). */
export function liveChannel(prefix: string, staffId: string, date: string): string {
  return new RedisKeys(prefix).liveChannel(staffId, date);
}

/** The offer hash of (service, staff member). */
export function offerKey(prefix: string, serviceId: string, staffId: string): string {
  return new RedisKeys(prefix).offer(serviceId, staffId);
}
