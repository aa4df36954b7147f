/**
 * System alerts end to end (docs/adr/1201-system-alerts.md): real isolates over their own fault
 * gateways, real Redis and MySQL, a real operator webhook receiver. Each incident alerts once,
 * however many isolates see it.
 *
 * The test database is shared with other test files, whose isolates fail over too (each under its
 * own key prefix, so with incidents of its own). An endpoint subscribed to `system.*` events gets
 * theirs as well while it exists, so each test counts the events of its own incident (by the id
 * its deployment's incident row holds) and deletes its endpoint at the end.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createTestService,
  createTestStaff,
  upcomingMonday,
} from "../../../test/fixtures/catalog-fixtures.ts";
import { type Receiver, startReceiver } from "../../../test/drivers/integrations.ts";
import { withDb } from "../../../test/stack/db-direct.ts";
import {
  type FaultGateways,
  type Isolate,
  isolateOver,
  startFaultGateways,
} from "../../../test/stack/fault-gateways.ts";
import { uniqueId } from "../../../test/stack/stack-env.ts";
import { runScheduled } from "../../cron/scheduled.ts";
import { checkOutboxBacklog, redisDown, redisUp } from "../../domain/alerts/system-alerts.ts";
import type { SyncReport } from "../../domain/health/store-status.ts";

let healthy: FaultGateways;
let cut: FaultGateways;
let receiver: Receiver;

beforeAll(async () => {
  [healthy, cut, receiver] = await Promise.all([
    startFaultGateways(),
    startFaultGateways(),
    startReceiver(),
  ]);
});

afterAll(async () => {
  await Promise.all([healthy?.close(), cut?.close(), receiver?.close()]);
});

type Event = { type: string; timestamp: string; data: Record<string, unknown> };

/** The events the receiver got of `type` about `incidentId`. */
function eventsOf(type: string, incidentId: string): Event[] {
  return receiver.received
    .map((r) => JSON.parse(r.body) as Event)
    .filter((e) => e.type === type && e.data.incidentId === incidentId);
}

async function incidentOf(
  prefix: string,
  kind: string,
): Promise<{ open: number; incident_id: string; alerted: number } | undefined> {
  return withDb(async (conn) => {
    const [rows] = await conn.query(
      "SELECT open, incident_id, alerted FROM system_incidents WHERE scope = ? AND kind = ?",
      [prefix, kind],
    );
    return (rows as { open: number; incident_id: string; alerted: number }[])[0];
  });
}

/** Registers the receiver for `events` through `api`; deleted by the returned function. */
async function subscribe(api: Isolate, events: string[]): Promise<() => Promise<void>> {
  const res = await api.admin("POST", "/v1/admin/webhooks", { url: receiver.url, events });
  expect(res.status, await res.clone().text()).toBe(201);
  const { webhook } = (await res.json()) as { webhook: { id: string } };
  return async () => {
    expect((await api.admin("DELETE", `/v1/admin/webhooks/${webhook.id}`)).status).toBe(204);
  };
}

const report = (over: Partial<SyncReport>): SyncReport => ({
  trigger: "cron",
  startedAtMs: Date.now(),
  durationMs: 42,
  outcome: "synced",
  synced: 3,
  conflicts: 0,
  alreadyInRedis: 0,
  offerFields: 0,
  idempotencyClaims: 0,
  rateEvents: 0,
  ...over,
});

describe("system.redis_down and system.redis_up", () => {
  it("three isolates failing over under load send ONE redis_down; the failback sends ONE redis_up with the sync's report", async () => {
    const prefix = `${uniqueId("sa")}:`;
    const admin = isolateOver(healthy, prefix);
    const unsubscribe = await subscribe(admin, ["system.redis_down", "system.redis_up"]);
    const api = { bindings: {}, request: admin.request, admin: admin.admin };
    const { id: serviceId } = await createTestService(api, { durationMin: 30, bufferAfterMin: 0 });
    const { id: staffId } = await createTestStaff(api, { serviceIds: [serviceId] });
    const date = upcomingMonday();
    const query = new URLSearchParams({ serviceId, staffId, from: date, to: date });
    // Three isolates of one deployment, each with its own gate, all cut off from Redis.
    const isolates = [0, 1, 2].map(() => isolateOver(cut, prefix, {}, { waitUntil: true }));
    try {
      const before = await (isolates[0] as Isolate).request(`/v1/availability?${query}`);
      const body = (await before.json()) as { days: { slots: { start: string }[] }[] };
      const slots = body.days[0]?.slots;
      expect(slots?.length).toBeGreaterThan(0);
      cut.upstash.setFault("refuse");
      // 30 requests at once, 10 per isolate: every isolate fails over within them.
      const answers = await Promise.all(
        Array.from({ length: 30 }, (_, i) =>
          (isolates[i % 3] as Isolate).request(`/v1/availability?${query}`).then((r) => r.status),
        ),
      );
      expect(answers.every((s) => s === 200)).toBe(true);
      // One hold made on the fallback: the failback sync copies it.
      const held = await (isolates[0] as Isolate).json("POST", "/v1/holds", {
        clientId: uniqueId("client_"),
        serviceId,
        staffId,
        start: slots?.[0]?.start,
      });
      expect(held.status, await held.clone().text()).toBe(201);
      await Promise.all(isolates.map((i) => i.background()));
      for (const isolate of isolates) {
        expect(isolate.services.failover?.gate.status()).toMatchObject({
          mode: "fallback",
          failovers: 1,
        });
      }
      const incident = await incidentOf(prefix, "redis");
      expect(incident).toMatchObject({ open: 1, alerted: 1 });
      const id = incident?.incident_id as string;
      const down = eventsOf("system.redis_down", id);
      expect(down).toHaveLength(1);
      expect(down[0]?.data).toMatchObject({ incidentId: id, operation: "overlay" });
      const since = down[0]?.data.since as string;
      expect(String(down[0]?.data.error)).not.toBe("");

      // Redis is back: each isolate's check syncs and fails back; only the first says so.
      cut.upstash.setFault("none");
      for (const isolate of isolates) {
        const sync = await isolate.admin("POST", "/v1/admin/sync");
        expect(sync.status, await sync.clone().text()).toBe(200);
        expect(((await sync.json()) as { mode: string }).mode).toBe("redis");
      }
      const up = eventsOf("system.redis_up", id);
      expect(up).toHaveLength(1);
      expect(up[0]?.data).toMatchObject({
        incidentId: id,
        downSince: since,
        sync: { trigger: "admin", outcome: "synced", copied: 1, conflicts: 0 },
      });
      expect(up[0]?.data.sync).toHaveProperty("durationMs", expect.any(Number));
      expect(await incidentOf(prefix, "redis")).toMatchObject({ open: 0, alerted: 0 });
      expect(eventsOf("system.redis_down", id)).toHaveLength(1);
    } finally {
      cut.upstash.setFault("none");
      await unsubscribe();
    }
  }, 60_000);

  it("ten isolates raising the same outage at the same instant: exactly one alert is written", async () => {
    const prefix = `${uniqueId("sa")}:`;
    const admin = isolateOver(healthy, prefix);
    const unsubscribe = await subscribe(admin, ["system.redis_down"]);
    try {
      const isolates = Array.from({ length: 10 }, () => isolateOver(healthy, prefix));
      // Each isolate's MySQL client is warm, so the ten transitions start together.
      await Promise.all(isolates.map((i) => i.services.ctx.catalog.getSettings()));
      const failure = { operation: "hold", error: "connect ECONNREFUSED", atMs: Date.now() };
      const alerted = await Promise.all(isolates.map((i) => redisDown(i.services.ctx, failure)));
      expect(alerted.filter(Boolean)).toHaveLength(1);
      const incident = await incidentOf(prefix, "redis");
      const events = eventsOf("system.redis_down", incident?.incident_id as string);
      expect(events).toHaveLength(1);
      expect(events[0]?.data).toEqual({
        incidentId: incident?.incident_id,
        since: new Date(failure.atMs).toISOString(),
        operation: "hold",
        error: "connect ECONNREFUSED",
      });
    } finally {
      await unsubscribe();
    }
  });

  it("a flapping Redis alerts once per cool-down: the second outage within it is quiet, and so is its recovery", async () => {
    const prefix = `${uniqueId("sa")}:`;
    const admin = isolateOver(healthy, prefix);
    const unsubscribe = await subscribe(admin, ["system.redis_down", "system.redis_up"]);
    const isolate = isolateOver(cut, prefix, {}, { waitUntil: true });
    try {
      const flap = async () => {
        cut.upstash.setFault("refuse");
        const gate = isolate.services.failover?.gate;
        // The cron's check finds Redis refused: this isolate fails over and alerts.
        await gate?.check("cron");
        expect(gate?.status().mode).toBe("fallback");
        const incident = await incidentOf(prefix, "redis");
        cut.upstash.setFault("none");
        expect(await gate?.check("cron")).toBe("redis");
        return incident?.incident_id as string;
      };
      const first = await flap();
      const second = await flap();
      expect(second).not.toBe(first);
      expect(eventsOf("system.redis_down", first)).toHaveLength(1);
      expect(eventsOf("system.redis_up", first)).toHaveLength(1);
      expect(eventsOf("system.redis_down", second)).toHaveLength(0);
      expect(eventsOf("system.redis_up", second)).toHaveLength(0);
    } finally {
      cut.upstash.setFault("none");
      await unsubscribe();
    }
  }, 60_000);
});

describe("system.redis_memory_high", () => {
  it("with a 1000-byte limit, two cron runs send it exactly once", async () => {
    const prefix = `${uniqueId("sa")}:`;
    const isolate = isolateOver(healthy, prefix, { REDIS_MEMORY_LIMIT_BYTES: "1000" });
    const unsubscribe = await subscribe(isolate, ["system.redis_memory_high"]);
    try {
      await runScheduled(isolate.services, "* * * * *");
      await runScheduled(isolate.services, "* * * * *");
      const incident = await incidentOf(prefix, "redis_memory");
      expect(incident).toMatchObject({ open: 1, alerted: 1 });
      const events = eventsOf("system.redis_memory_high", incident?.incident_id as string);
      expect(events).toHaveLength(1);
      expect(events[0]?.data).toMatchObject({
        limitBytes: 1000,
        thresholdPercent: 80,
        thresholdBytes: 800,
      });
      expect(events[0]?.data.usedBytes as number).toBeGreaterThan(800);
    } finally {
      await unsubscribe();
    }
  }, 60_000);
});

describe("system.sync_conflicts", () => {
  it("a failback whose sync found conflicts alerts once; a second one within the cool-down does not", async () => {
    const prefix = `${uniqueId("sa")}:`;
    const isolate = isolateOver(healthy, prefix);
    const unsubscribe = await subscribe(isolate, ["system.sync_conflicts"]);
    try {
      await redisUp(isolate.services.ctx, report({ synced: 5, conflicts: 2, durationMs: 17 }));
      await redisUp(isolate.services.ctx, report({ synced: 1, conflicts: 1 }));
      const incident = await incidentOf(prefix, "sync_conflicts");
      expect(incident).toMatchObject({ open: 0 });
      const events = eventsOf("system.sync_conflicts", incident?.incident_id as string);
      expect(events).toHaveLength(1);
      expect(events[0]?.data).toEqual({
        incidentId: incident?.incident_id,
        sync: { trigger: "cron", outcome: "synced", copied: 5, conflicts: 2, durationMs: 17 },
      });
    } finally {
      await unsubscribe();
    }
  });
});

describe("system.outbox_backlog", () => {
  it("a delivery failing for longer than the threshold alerts once over two checks", async () => {
    const prefix = `${uniqueId("sa")}:`;
    const isolate = isolateOver(healthy, prefix, { OUTBOX_BACKLOG_ALERT_MS: "60000" });
    const unsubscribe = await subscribe(isolate, ["system.outbox_backlog"]);
    // A delivery written 2 minutes ago that failed once, next tried in an hour (no runner takes it).
    const rowId = uniqueId("msg_");
    await withDb((conn) =>
      conn.query(
        `INSERT INTO webhook_deliveries (id, event_id, endpoint_id, event_type, payload, created_at, attempts, next_attempt_at, last_error)
         VALUES (?, ?, 'whk_gone', 'appointment.created', '{}', UTC_TIMESTAMP(3) - INTERVAL 2 MINUTE, 1,
                 UTC_TIMESTAMP(3) + INTERVAL 1 HOUR, 'the receiver answered 500')`,
        [rowId, rowId],
      ),
    );
    try {
      const first = await checkOutboxBacklog(isolate.services.ctx);
      const second = await checkOutboxBacklog(isolate.services.ctx);
      expect(first.alerted).toBe(true);
      expect(second.alerted).toBe(false);
      // Other test files' failing deliveries may count too; this one is among them.
      expect(first.backlog.failing).toBeGreaterThanOrEqual(1);
      const incident = await incidentOf(prefix, "outbox_backlog");
      expect(incident).toMatchObject({ open: 1, alerted: 1 });
      const events = eventsOf("system.outbox_backlog", incident?.incident_id as string);
      expect(events).toHaveLength(1);
      expect(events[0]?.data).toMatchObject({
        failing: first.backlog.failing,
        waiting: first.backlog.waiting,
        thresholdMs: 60_000,
      });
      expect(Date.parse(events[0]?.data.oldestSince as string)).toBeLessThanOrEqual(
        Date.now() - 60_000,
      );
    } finally {
      await withDb((conn) => conn.query("DELETE FROM webhook_deliveries WHERE id = ?", [rowId]));
      await unsubscribe();
    }
  });
});
