/** A direct Redis connection to the test database, for assertions that look behind the API. */
import Redis from "ioredis";
import { TEST_STACK } from "./stack-env.ts";

export function directRedis(): Redis {
  return new Redis(TEST_STACK.redisUrl, { lazyConnect: false, maxRetriesPerRequest: 1 });
}
