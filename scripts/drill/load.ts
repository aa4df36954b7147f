/**
 * The drill's traffic: virtual clients that view, hold, heartbeat and book (or release, or
 * abandon) random slots; a heartbeat poller that records which store served each call; and a
 * redis-status poller that records mode changes and every failback sync report it sees.
 */
import { addDays } from "../../src/domain/time/zoned-time.ts";
import type { HoldGrant } from "./holders.ts";

type Slot = { start: string; staffId: string; state: string };
type HeldBody = {
  holdId: string;
  holdToken: string;
  expiresAt: string;
  slots: { start: string; end: string }[];
};

export interface Recorder {
  /** Milliseconds since the drill's load started. */
  now(): number;
  record(route: string, status: number): void;
  byRoute: Map<string, Map<number, number>>;
  /** The first few 5xx or transport failures, for the report. */
  failures: string[];
  bookedIds: string[];
  /** 503 OVERLOADED answers (busy, nothing changed: docs/architecture/overload.md), by route. */
  overloaded: Map<string, number>;
  /** Every hold granted, with the window it was certainly live in (holders.ts). */
  grants: HoldGrant[];
}

export function createRecorder(): Recorder {
  const t0 = performance.now();
  const byRoute = new Map<string, Map<number, number>>();
  return {
    now: () => performance.now() - t0,
    record(route, status) {
      const statuses = byRoute.get(route) ?? new Map<number, number>();
      statuses.set(status, (statuses.get(status) ?? 0) + 1);
      byRoute.set(route, statuses);
    },
    byRoute,
    failures: [],
    bookedIds: [],
    overloaded: new Map(),
    grants: [],
  };
}

const json = { "Content-Type": "application/json" };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const REQUEST_TIMEOUT_MS = 10_000;

/** One API call; status 0 means the request itself failed (no HTTP response). */
export async function call(
  rec: Recorder,
  route: string,
  url: string,
  init: RequestInit,
): Promise<{ status: number; body: unknown }> {
  try {
    const res = await fetch(url, { ...init, signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
    const text = await res.text();
    rec.record(route, res.status);
    if (res.status >= 500 && rec.failures.length < 5)
      rec.failures.push(
        `t=${Math.round(rec.now())}ms ${route} -> ${res.status} ${text.slice(0, 400)}`,
      );
    let body: unknown = null;
    try {
      body = text ? JSON.parse(text) : null;
    } catch {
      body = text;
    }
    if (res.status === 503 && (body as { error?: { code?: string } })?.error?.code === "OVERLOADED")
      rec.overloaded.set(route, (rec.overloaded.get(route) ?? 0) + 1);
    return { status: res.status, body };
  } catch (error) {
    rec.record(route, 0);
    if (rec.failures.length < 5)
      rec.failures.push(
        `t=${Math.round(rec.now())}ms ${route} -> no response: ${error instanceof Error ? error.message : String(error)}`,
      );
    return { status: 0, body: null };
  }
}

export interface LoadConfig {
  /** The locations' addresses: client i sends every request to urls[i % urls.length]. */
  urls: string[];
  serviceId: string;
  clients: number;
  /** The load stops starting new steps at this time (ms since the recorder's start). */
  untilMs: number;
  /** Days ahead that clients spread over (besides the first HOT_DAYS, which they favour). */
  spreadDays: number;
  /**
   * Hold only among the first `contested` available slots of the day picked, so that clients of
   * different locations race for the same slots (default: any available slot).
   */
  contested?: number;
}

const HOT_DAYS = 3;

/** One virtual client's loop: availability → hold → (heartbeat) → book | release | abandon. */
async function virtualClient(rec: Recorder, config: LoadConfig, index: number): Promise<void> {
  const first = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
  const clientId = `drill_${process.pid}_${index}`;
  const location = index % config.urls.length;
  const url = config.urls[location] as string;
  const address = `198.18.${Math.floor(index / 250)}.${(index % 250) + 1}`;
  let n = 0;
  while (rec.now() < config.untilMs) {
    n++;
    const offset =
      Math.random() < 0.5
        ? Math.floor(Math.random() * HOT_DAYS)
        : Math.floor(Math.random() * config.spreadDays);
    const date = addDays(first, offset);
    const query = new URLSearchParams({ serviceId: config.serviceId, from: date, to: date });
    const avail = await call(rec, "GET /v1/availability", `${url}/v1/availability?${query}`, {
      headers: { "X-Client-Id": clientId },
    });
    const slots =
      avail.status === 200
        ? (avail.body as { days: { slots: Slot[] }[] }).days
            .flatMap((d) => d.slots)
            .filter((s) => s.state === "available")
        : [];
    const pool = config.contested ? slots.slice(0, config.contested) : slots;
    const slot = pool[Math.floor(Math.random() * pool.length)];
    if (!slot) {
      await sleep(5);
      continue;
    }
    await sleep(10 + Math.random() * 30);
    const sentAtMs = Date.now();
    const held = await call(rec, "POST /v1/holds", `${url}/v1/holds`, {
      method: "POST",
      // Each client its own address, as customers have: the per-address hold limit (20 live
      // held slots) would otherwise refuse every client once the abandoned holds add up.
      headers: { ...json, "CF-Connecting-IP": address },
      body: JSON.stringify({
        clientId,
        serviceId: config.serviceId,
        staffId: slot.staffId,
        start: slot.start,
      }),
    });
    if (held.status !== 201 && held.status !== 200) continue;
    const { holdId, holdToken, expiresAt, slots: heldSlots } = held.body as HeldBody;
    const grant = {
      location,
      holdId,
      staffId: slot.staffId,
      slotStartMs: Math.min(...heldSlots.map((s) => Date.parse(s.start))),
      slotEndMs: Math.max(...heldSlots.map((s) => Date.parse(s.end))),
      sentAtMs,
      liveFromMs: Date.now(),
      liveUntilMs: Date.parse(expiresAt),
    };
    rec.grants.push(grant);
    // From the moment its booking or release is sent, the hold may be gone.
    const ending = () => {
      grant.liveUntilMs = Math.min(grant.liveUntilMs, Date.now());
    };
    if (Math.random() < 0.5) {
      await call(rec, "POST /v1/heartbeat", `${url}/v1/heartbeat`, {
        method: "POST",
        headers: json,
        body: JSON.stringify({ clientId, staffId: slot.staffId, date }),
      });
    }
    await sleep(10 + Math.random() * 30);
    const choice = Math.random();
    if (choice < 0.7) {
      ending();
      const booked = await call(rec, "POST /v1/appointments", `${url}/v1/appointments`, {
        method: "POST",
        headers: { ...json, "Idempotency-Key": `drill-${process.pid}-${index}-${n}` },
        body: JSON.stringify({
          holdId,
          holdToken,
          customer: { name: "Drill", email: `drill${index}.${n}@example.test` },
        }),
      });
      if (booked.status === 201)
        rec.bookedIds.push((booked.body as { appointment: { id: string } }).appointment.id);
    } else if (choice < 0.85) {
      ending();
      await call(rec, "DELETE /v1/holds/{id}", `${url}/v1/holds/${holdId}`, {
        method: "DELETE",
        headers: { "X-Hold-Token": holdToken },
      });
    }
    // else: abandon the hold (it expires by itself; the failback sync copies fallback ones).
  }
}

export function runClients(rec: Recorder, config: LoadConfig): Promise<void> {
  return Promise.all(
    Array.from({ length: config.clients }, (_, i) => virtualClient(rec, config, i)),
  ).then(() => {});
}

export interface StorageSample {
  atMs: number;
  status: number;
  storage: "redis" | "fallback" | null;
}

/** POST /v1/heartbeat every intervalMs until stopped; records the `storage` of every answer. */
export function pollStorage(
  rec: Recorder,
  url: string,
  staffId: string,
  intervalMs: number,
): { samples: StorageSample[]; stop(): Promise<void> } {
  const samples: StorageSample[] = [];
  let running = true;
  const date = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
  const loop = (async () => {
    while (running) {
      const started = rec.now();
      const res = await call(rec, "POST /v1/heartbeat (poller)", `${url}/v1/heartbeat`, {
        method: "POST",
        headers: json,
        body: JSON.stringify({ clientId: `drill_poller_${process.pid}`, staffId, date }),
      });
      const storage =
        res.status === 200
          ? ((res.body as { storage?: "redis" | "fallback" }).storage ?? null)
          : null;
      samples.push({ atMs: rec.now(), status: res.status, storage });
      await sleep(Math.max(0, intervalMs - (rec.now() - started)));
    }
  })();
  return {
    samples,
    stop: async () => {
      running = false;
      await loop;
    },
  };
}

export interface SyncSeen {
  at: string;
  trigger: string;
  outcome: string;
  synced: number;
  conflicts: number;
  durationMs: number;
  error?: string;
}

export interface RedisStatus {
  mode: "redis" | "fallback";
  failovers: number;
  failbacks: number;
  lastSync: SyncSeen | null;
  lastFailure: { at: string; operation: string; error: string } | null;
}

export async function getRedisStatus(
  url: string,
  adminHeaders: Record<string, string>,
): Promise<RedisStatus> {
  const res = await fetch(`${url}/v1/debug/redis-status`, {
    headers: adminHeaders,
    signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
  });
  const text = await res.text();
  if (res.status !== 200) throw new Error(`GET /v1/debug/redis-status: ${res.status} ${text}`);
  return JSON.parse(text) as RedisStatus;
}

/** GET /v1/debug/redis-status every intervalMs: mode changes and each distinct sync report. */
export function pollStatus(
  rec: Recorder,
  url: string,
  adminHeaders: Record<string, string>,
  intervalMs: number,
): {
  modes: { atMs: number; mode: string }[];
  syncs: SyncSeen[];
  stop(): Promise<void>;
} {
  const modes: { atMs: number; mode: string }[] = [];
  const syncs: SyncSeen[] = [];
  let running = true;
  const loop = (async () => {
    while (running) {
      const started = rec.now();
      const res = await call(rec, "GET /v1/debug/redis-status", `${url}/v1/debug/redis-status`, {
        headers: adminHeaders,
      });
      if (res.status === 200) {
        const status = res.body as RedisStatus;
        if (modes.at(-1)?.mode !== status.mode) modes.push({ atMs: rec.now(), mode: status.mode });
        const sync = status.lastSync;
        if (sync && !syncs.some((s) => s.at === sync.at)) syncs.push(sync);
      }
      await sleep(Math.max(0, intervalMs - (rec.now() - started)));
    }
  })();
  return {
    modes,
    syncs,
    stop: async () => {
      running = false;
      await loop;
    },
  };
}
