/**
 * Fakes for domain unit tests and route tests only. Integration tests use the real stack.
 */

import type { ProbeResult } from "../src/domain/health/store-status.ts";
import type {
  AuthRepo,
  AvailabilitySource,
  BookingRepo,
  CatalogRepo,
  Clock,
  DomainContext,
  ExactLimiter,
  LiveStateStore,
  StoreProbe,
} from "../src/domain/ports.ts";
import { parseConfig } from "../src/env.ts";
import { Metrics } from "../src/observability/metrics.ts";
import type { ResolveServices, Services } from "../src/runtime/services.ts";
import { testBindings } from "./stack-env.ts";

export class FixedClock implements Clock {
  constructor(public current: number) {}
  nowMs(): number {
    return this.current;
  }
  advance(ms: number): void {
    this.current += ms;
  }
}

export function fakeProbe(result: ProbeResult): StoreProbe {
  return { probe: async () => result };
}

export const UP: ProbeResult = { ok: true, latencyMs: 3 };
export const DOWN: ProbeResult = { ok: false, latencyMs: 300, error: "timeout" };

/** A port whose every method throws: a route test that reaches it did not fake what it uses. */
function unfaked<T extends object>(name: string): T {
  return new Proxy({} as T, {
    get: (_target, method) => () => {
      throw new Error(`${name}.${String(method)} is not faked in this test`);
    },
  });
}

export function fakeContext(overrides: Partial<DomainContext> = {}): DomainContext {
  return {
    clock: new FixedClock(Date.UTC(2026, 0, 5, 9, 0)),
    liveStateProbe: fakeProbe(UP),
    bookingStoreProbe: fakeProbe(UP),
    catalog: unfaked<CatalogRepo>("catalog"),
    availability: unfaked<AvailabilitySource>("availability"),
    liveState: unfaked<LiveStateStore>("liveState"),
    livePush: null,
    bookings: unfaked<BookingRepo>("bookings"),
    auth: unfaked<AuthRepo>("auth"),
    limiter: unfaked<ExactLimiter>("limiter"),
    emailOutbox: unfaked<DomainContext["emailOutbox"]>("emailOutbox"),
    webhookOutbox: unfaked<DomainContext["webhookOutbox"]>("webhookOutbox"),
    mailer: null,
    webhooks: unfaked<DomainContext["webhooks"]>("webhooks"),
    webhookSender: unfaked<DomainContext["webhookSender"]>("webhookSender"),
    calendarKeys: unfaked<DomainContext["calendarKeys"]>("calendarKeys"),
    adminIdempotency: unfaked<DomainContext["adminIdempotency"]>("adminIdempotency"),
    defer: () => undefined,
    deployment: { publicBaseUrl: "https://book.example", production: false },
    secrets: {
      holdTokenKey: "test-hold-key",
      manageTokenKey: "test-manage-key",
      codeKey: "test-code-key",
      previous: null,
    },
    ...overrides,
  };
}

/** Services with a real parsed config and fake ports, for `createApp(…)` in route tests. */
export function fakeServices(ctx: Partial<DomainContext> = {}): Services {
  return {
    config: parseConfig(testBindings("fake:")),
    ctx: fakeContext(ctx),
    metrics: new Metrics(),
    failover: null,
  };
}

export function resolveFake(services: Services): ResolveServices {
  return () => services;
}
