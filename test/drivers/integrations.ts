/**
 * Helpers for the integration tests of the integrations (outbox, webhooks, calendar): the real app on its
 * own fixed clock with the background work of each request collected (the tests await the first
 * delivery attempt instead of sleeping), a real local HTTP receiver, and a booking helper.
 */

import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";
import ICAL from "ical.js";
import { expect } from "vitest";
import { buildServices } from "../../src/compose.ts";
import { deliverWebhooks } from "../../src/domain/outbox/deliver.ts";
import type { Services } from "../../src/runtime/services.ts";
import { FixedClock } from "../fixtures/fakes.ts";
import { type LiveFixture, newClientId } from "../fixtures/live-fixtures.ts";
import { TEST_STACK, testBindings, uniqueId } from "../stack/stack-env.ts";
import { adminVia } from "./admin-call.ts";
import { type Api, testApp } from "./api.ts";

export interface Harness extends Api {
  clock: FixedClock;
  services: Services;
  /** Awaits every piece of work the requests so far handed to waitUntil (first delivery attempts). */
  settle(): Promise<void>;
  /**
   * The Cron Trigger's webhook pass on this isolate (`deliverDue` runs it after the health
   * checks), limited to the given events: the test database is shared, and other test files'
   * rows are theirs. Not the whole trigger either: with a clock moved ahead, its clean-up of
   * expired fallback rows would delete live rows of other test files.
   */
  cron(eventIds: string[]): Promise<unknown>;
}

export function harness(overrides: Record<string, string> = {}): Harness {
  const clock = new FixedClock(Date.now());
  const bindings = testBindings(`${uniqueId("r")}:`, overrides);
  const services = buildServices(bindings, clock);
  const app = testApp(() => services);
  const pending: Promise<unknown>[] = [];
  const executionCtx = {
    waitUntil: (work: Promise<unknown>) => void pending.push(work),
    passThroughOnException: () => undefined,
    props: {},
  };
  const request = (path: string, init: RequestInit = {}) =>
    app.request(path, init, bindings, executionCtx as never);
  return {
    bindings,
    clock,
    services,
    request,
    admin: adminVia(request, TEST_STACK.adminToken),
    settle: async () => {
      while (pending.length) await Promise.all(pending.splice(0));
    },
    cron: (eventIds) => deliverWebhooks(services.ctx, eventIds),
  };
}

export interface Received {
  headers: IncomingHttpHeaders;
  body: string;
  status: number;
}

export interface Receiver {
  url: string;
  received: Received[];
  close(): Promise<void>;
}

/**
 * A real HTTP server on 127.0.0.1 (the local receiver of webhooks or the email API). `respond`
 * picks each answer's status from the request, and may hold the answer `until` a promise settles
 * (so a test can keep a delivery in flight while it starts another run, without timing).
 */
export async function startReceiver(
  respond: (request: { headers: IncomingHttpHeaders; body: string }) => {
    status: number;
    until?: Promise<unknown>;
  } = () => ({ status: 204 }),
): Promise<Receiver> {
  const received: Received[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      const { status, until } = respond({ headers: req.headers, body });
      received.push({ headers: req.headers, body, status });
      void Promise.resolve(until).then(() => res.writeHead(status).end());
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A promise the test resolves by hand, and a way to wait until a condition holds. */
export function gate(): { promise: Promise<void>; open(): void } {
  let open = () => {};
  const promise = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { promise, open };
}

/**
 * Resolves once `condition()` holds, checked every few milliseconds (a timer, not setImmediate:
 * an immediate loop keeps a core busy while the test waits, and slows the stores it waits on).
 */
export function whenReceived(
  receiver: Receiver,
  condition: (r: Received[]) => boolean,
  timeoutMs = 30_000,
) {
  const deadline = Date.now() + timeoutMs;
  return new Promise<void>((resolve, reject) => {
    const check = () => {
      if (condition(receiver.received)) return resolve();
      // A wait that cannot end says what did arrive, instead of running into the test's timeout.
      if (Date.now() > deadline)
        return reject(
          new Error(
            `the receiver's condition did not hold in ${timeoutMs} ms; received: ${JSON.stringify(
              receiver.received.map((r) => ({ id: r.headers["webhook-id"], status: r.status })),
            )}`,
          ),
        );
      setTimeout(check, 5);
    };
    check();
  });
}

export interface Booked {
  appointment: { id: string; start: string; end: string; status: string };
  manageToken: string;
}

/** Holds the offered slot at the local wall time `hhmm` and books it. */
export async function bookAt(
  api: Api,
  live: LiveFixture,
  hhmm: string,
  customer = { name: "Mia Weber", email: `${uniqueId("c")}@example.test` },
): Promise<Booked> {
  const start = await live.start(hhmm);
  const held = await live.post("/v1/holds", {
    clientId: newClientId(),
    serviceId: live.serviceId,
    staffId: live.staffId,
    start,
  });
  expect(held.status, await held.clone().text()).toBe(201);
  const { holdId, holdToken } = (await held.json()) as { holdId: string; holdToken: string };
  const res = await api.request("/v1/appointments", {
    method: "POST",
    headers: { "Content-Type": "application/json", "Idempotency-Key": uniqueId("idem-") },
    body: JSON.stringify({ holdId, holdToken, customer }),
  });
  expect(res.status, await res.clone().text()).toBe(201);
  return (await res.json()) as Booked;
}

/** Holds the slot at `hhmm` and moves the appointment there with its manage token. */
export async function rescheduleTo(
  api: Api,
  live: LiveFixture,
  booked: { id: string; manageToken: string },
  hhmm: string,
): Promise<{ id: string; start: string }> {
  const start = await live.start(hhmm);
  const held = await live.post("/v1/holds", {
    clientId: newClientId(),
    serviceId: live.serviceId,
    staffId: live.staffId,
    start,
  });
  expect(held.status, await held.clone().text()).toBe(201);
  const { holdId, holdToken } = (await held.json()) as { holdId: string; holdToken: string };
  const res = await api.request(`/v1/appointments/${booked.id}/reschedule`, {
    method: "POST",
    headers: { "Content-Type": "application/json", "X-Manage-Token": booked.manageToken },
    body: JSON.stringify({ holdId, holdToken }),
  });
  expect(res.status, await res.clone().text()).toBe(200);
  const body = (await res.json()) as { appointment: { id: string; start: string } };
  return body.appointment;
}

export interface ParsedEvent {
  uid: string;
  sequence: number;
  status: string | null;
  startMs: number;
  endMs: number;
  summary: string;
  location: string;
  description: string;
}

/** Parses a calendar file with ical.js (a real RFC 5545 parser): its METHOD and its events. */
export function parseCalendar(text: string): { method: string | null; events: ParsedEvent[] } {
  const calendar = new ICAL.Component(ICAL.parse(text));
  return {
    method: (calendar.getFirstPropertyValue("method") as string | null) ?? null,
    events: calendar.getAllSubcomponents("vevent").map((vevent) => {
      const event = new ICAL.Event(vevent);
      return {
        uid: event.uid,
        sequence: event.sequence,
        status: (vevent.getFirstPropertyValue("status") as string | null) ?? null,
        startMs: event.startDate.toJSDate().getTime(),
        endMs: event.endDate.toJSDate().getTime(),
        summary: event.summary,
        location: event.location,
        description: event.description,
      };
    }),
  };
}
