/**
 * A test file's own fault-injecting gateways, in front of the shared test Redis and MySQL, and
 * "isolates" over them (each its own `buildServices`: gate, admission, metrics), so that a file
 * can break its stores without any other test seeing it.
 */
import {
  type PlanetscaleGateway,
  startPlanetscaleGateway,
} from "../../scripts/gateways/planetscale-gateway.ts";
import {
  startUpstashGateway,
  type UpstashGateway,
} from "../../scripts/gateways/upstash-gateway.ts";
import { buildServices } from "../../src/compose.ts";
import type { Clock } from "../../src/domain/ports.ts";
import type { Services } from "../../src/runtime/services.ts";
import { expect } from "vitest";
import { adminVia } from "../drivers/admin-call.ts";
import { testApp } from "../drivers/api.ts";
import {
  createTestService,
  createTestStaff,
  upcomingMonday,
} from "../fixtures/catalog-fixtures.ts";
import { TEST_STACK, testBindings } from "./stack-env.ts";

export interface FaultGateways {
  upstash: UpstashGateway;
  planetscale: PlanetscaleGateway;
  /** Clears the faults and closes both gateways. */
  close(): Promise<void>;
}

/** `upstashDelayMs`: the distance to Redis, added to every request (see UpstashGatewayOptions). */
export async function startFaultGateways(
  options: { upstashDelayMs?: number } = {},
): Promise<FaultGateways> {
  const upstash = await startUpstashGateway({
    port: 0,
    redisUrl: TEST_STACK.redisUrl,
    token: TEST_STACK.upstashToken,
    delayMs: options.upstashDelayMs ?? 0,
  });
  const planetscale = await startPlanetscaleGateway({
    port: 0,
    mysqlUrl: TEST_STACK.mysqlUrl,
    username: TEST_STACK.planetscaleUsername,
    password: TEST_STACK.planetscalePassword,
  });
  return {
    upstash,
    planetscale,
    close: async () => {
      upstash.setFault("none");
      planetscale.setFault("none");
      await upstash.close();
      await planetscale.close();
    },
  };
}

/** One isolate of the deployment over `gateways`. */
export interface Isolate {
  services: Services;
  request(path: string, init?: RequestInit): Promise<Response>;
  json(
    method: string,
    path: string,
    body: unknown,
    headers?: Record<string, string>,
  ): Promise<Response>;
  admin(method: string, path: string, body?: unknown): Promise<Response>;
  /**
   * With `options.waitUntil`: resolves once the work requests handed to waitUntil so far has
   * settled (as Workers keep it running after the response).
   */
  background(): Promise<void>;
}

/**
 * An isolate with key prefix `prefix` over `gateways`: Redis calls time out after 300 ms and a
 * cool-down lasts 10 minutes (tests end it explicitly) unless `overrides` say otherwise.
 */
export function isolateOver(
  gateways: FaultGateways,
  prefix: string,
  overrides: Record<string, string> = {},
  /**
   * `waitUntil`: requests get an execution context whose waitUntil runs work to its end.
   * `clock`: the isolate's clock (to move time, or to stand on a date far ahead).
   */
  options: { waitUntil?: boolean; clock?: Clock } = {},
): Isolate {
  const bindings = testBindings(prefix, {
    UPSTASH_REDIS_REST_URL: gateways.upstash.url,
    DATABASE_URL: `http://${TEST_STACK.planetscaleUsername}:${TEST_STACK.planetscalePassword}@127.0.0.1:${gateways.planetscale.port}`,
    REDIS_TIMEOUT_MS: "300",
    REDIS_COOLDOWN_MS: "600000",
    ...overrides,
  });
  const services = buildServices(bindings, options.clock);
  const app = testApp(() => services);
  const pending = new Set<Promise<unknown>>();
  const executionCtx = options.waitUntil
    ? {
        waitUntil: (work: Promise<unknown>) => {
          const settled = work.catch(() => undefined).finally(() => pending.delete(settled));
          pending.add(settled);
        },
        passThroughOnException: () => {},
        props: {},
      }
    : undefined;
  const request = async (path: string, init: RequestInit = {}) =>
    app.request(path, init, bindings, executionCtx as never);
  return {
    services,
    request,
    background: async () => {
      while (pending.size > 0) await Promise.all([...pending]);
    },
    json: (method, path, body, headers = {}) =>
      request(path, {
        method,
        headers: { "Content-Type": "application/json", ...headers },
        body: JSON.stringify(body),
      }),
    admin: adminVia(request, TEST_STACK.adminToken),
  };
}

/** A staff member with one service, 9–17 on weekdays, and the date the tests use. */
export interface IsolateCatalog {
  serviceId: string;
  staffId: string;
  date: string;
}

/** Creates a service of `durationMin` (no buffer) and a staff member for it, through `api`. */
export async function catalogOver(api: Isolate, durationMin = 30): Promise<IsolateCatalog> {
  const admin = { bindings: {}, request: api.request, admin: api.admin };
  const { id: serviceId } = await createTestService(admin, { durationMin, bufferAfterMin: 0 });
  const { id: staffId } = await createTestStaff(admin, { serviceIds: [serviceId] });
  return { serviceId, staffId, date: upcomingMonday() };
}

export type IsolateSlot = { start: string; state: string; staffId: string };

/** Reads availability from `from` to `to` (which publishes the offers holds check): its slots. */
export async function slotsOver(
  api: Isolate,
  c: { serviceId: string; staffId: string },
  from: string,
  to = from,
): Promise<IsolateSlot[]> {
  const query = new URLSearchParams({ serviceId: c.serviceId, staffId: c.staffId, from, to });
  const res = await api.request(`/v1/availability?${query}`);
  expect(res.status, await res.clone().text()).toBe(200);
  return ((await res.json()) as { days: { slots: IsolateSlot[] }[] }).days.flatMap((d) => d.slots);
}

/** The start of the slot at local `hhmm` among `slots` (the test's dates have one each). */
export function slotAt(slots: readonly { start: string }[], hhmm: string): string {
  const slot = slots.find((s) => s.start.slice(11, 16) === hhmm);
  if (!slot) throw new Error(`no slot at ${hhmm}`);
  return slot.start;
}

/** The start of the catalog date's slot at `hhmm` (reading availability publishes its offer). */
export async function startOver(api: Isolate, c: IsolateCatalog, hhmm: string): Promise<string> {
  return slotAt(await slotsOver(api, c, c.date), hhmm);
}
