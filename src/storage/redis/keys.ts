/**
 * Every Redis key the application uses is built here, under one configurable prefix, so that
 * several deployments (or test runs) can share a Redis without colliding.
 */
export class RedisKeys {
  constructor(private readonly prefix: string) {}

  /** The health-check key written and read back by the probe (5 s TTL). */
  health(): string {
    return `${this.prefix}health`;
  }
}
