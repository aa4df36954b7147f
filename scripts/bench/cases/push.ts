/**
 * Bench case "push": 1 000 open live streams (GET /v1/live) on one staff member and
 * date while a driver sends a hold or a release there every 100 ms for 10 s (without waiting for
 * the previous answer). Measured: the delay from each change's HTTP answer to its receipt on
 * every stream (p50, p99, max), the changes a stream never showed, and the Redis commands per
 * second the Upstash gateway ran, next to 1 000 clients polling POST /v1/heartbeat once a second
 * (same run).
 *
 * A change is found in a stream by its content, whatever the order the actions reached Redis
 * in: a hold of time X is the first event after the hold was sent that shows X held; a release
 * is the first event after it was sent that shows X no longer held (the driver reuses a time
 * only after its release has answered).
 *
 * The polling baseline is given twice: as this shared machine serves it (it cannot serve 1 000
 * heartbeats a second next to everything else: it sheds and fails over), and at its nominal
 * rate: the commands one heartbeat costs, measured alone, × 1 000 a second, plus the driver's
 * holds and releases at the push run's rate.
 *
 * The streams' reader, the driver (with what a 503 or a reset connection leaves unknown), the
 * matching and the polling baseline belong to one measurement.
 */
import type { UpstashGateway } from "../../gateways/upstash-gateway.ts";
import { seedCatalog } from "../catalog.ts";
import type { BenchContext } from "../run.ts";

const STREAMS = Number(process.env.BENCH_PUSH_STREAMS ?? 1_000);
const STEP_MS = 100;
const RUN_MS = 10_000;
const json = { "Content-Type": "application/json" };

export interface PushResult {
  streams: number;
  /** Changes the driver made (holds and releases answered), and per second. */
  changes: number;
  actionsPerS: number;
  /** Deliveries expected (changes × streams), received, and missed. */
  expected: number;
  received: number;
  missed: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  /** Redis commands per second during the 10 s: push, polling as run here, polling nominal. */
  pushCommandsPerS: number;
  pollCommandsPerS: number;
  pollNominalCommandsPerS: number;
  /** Commands one heartbeat, and one hold or release, cost: measured alone. */
  commandsPerPoll: number;
  commandsPerAction: number;
  /** Nominal polling commands over push commands. */
  ratio: number;
  /** Pub/sub messages the gateway delivered per second while pushing (not commands). */
  pushDeliveredPerS: number;
  pollsPerS: number;
  pollErrors: number;
  openMs: number;
  openRetries: number;
  /** Actions that answered 503 OVERLOADED (a hold then read back; a release repeated). */
  actionRetries: number;
}

type Slot = { start: string; end: string; staffId: string; state: string };
type Action = { kind: "hold" | "release"; start: string; sentMs: number; answeredMs: number };
type Received = { atMs: number; data: string };

let ipCounter = 0;
/** One address per client, as from 1 000 browsers (the per-address stream limit stays out). */
const nextIp = () => {
  const n = ++ipCounter;
  return `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}`;
};
let openRetries = 0;
let actionRetries = 0;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * fetch, again after a reset connection (undici may reuse a kept-alive socket the worker has just
 * closed, most often right after 1 000 streams were dropped). Only for calls safe to repeat.
 */
async function fetchAgain(url: string, init: RequestInit = {}): Promise<Response> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await fetch(url, init);
    } catch (error) {
      if (attempt >= 5) throw error;
      await sleep(100);
    }
  }
}

async function openDate(
  ctx: BenchContext,
  serviceId: string,
  staffId: string,
): Promise<{ date: string; slots: Slot[] }> {
  for (let day = 1; day < 14; day++) {
    const date = new Date(Date.now() + day * 86_400_000).toISOString().slice(0, 10);
    const query = new URLSearchParams({ serviceId, staffId, from: date, to: date });
    const res = await fetchAgain(`${ctx.url}/v1/availability?${query}`);
    const body = (await res.json()) as { days: { slots: Slot[] }[] };
    const slots = (body.days[0]?.slots ?? []).filter((s) => s.state === "available");
    if (slots.length >= 20) return { date, slots };
  }
  throw new Error("push: no date with 20 free slots");
}

/** GET /v1/live; a 503 (busy while 1 000 streams open) is retried after a second. */
async function openWithRetry(url: string, signal: AbortSignal): Promise<Response> {
  for (let attempt = 0; ; attempt++) {
    const res = await fetch(url, { headers: { "CF-Connecting-IP": nextIp() }, signal });
    if (res.status === 200) return res;
    const text = await res.text();
    if (res.status !== 503 || attempt >= 10) throw new Error(`GET /v1/live: ${res.status} ${text}`);
    openRetries++;
    await sleep(1000);
  }
}

/** One stream: keeps every change's data with its arrival time; resolves at its snapshot. */
async function openStream(url: string, events: Received[], signal: AbortSignal): Promise<void> {
  const res = await openWithRetry(url, signal);
  const reader = (res.body as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder();
  let buffer = "";
  let opened: () => void = () => {};
  const snapshot = new Promise<void>((resolve) => {
    opened = resolve;
  });
  void (async () => {
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        const atMs = performance.now();
        buffer += decoder.decode(value, { stream: true });
        let at = buffer.indexOf("\n\n");
        while (at >= 0) {
          const block = buffer.slice(0, at);
          buffer = buffer.slice(at + 2);
          at = buffer.indexOf("\n\n");
          if (block.startsWith("event: snapshot")) opened();
          else if (block.startsWith("event: change"))
            events.push({ atMs, data: block.slice(block.indexOf("\ndata: ") + 7) });
        }
      }
    } catch {
      // aborted at the end of the case
    }
  })();
  await snapshot;
}

/** Whether `start` shows as held on the staff member's date (one heartbeat of a driver client). */
async function isHeld(ctx: BenchContext, staffId: string, start: string): Promise<boolean> {
  for (let attempt = 0; attempt < 10; attempt++) {
    const res = await fetch(`${ctx.url}/v1/heartbeat`, {
      method: "POST",
      headers: { ...json, "CF-Connecting-IP": "10.250.0.2" },
      body: JSON.stringify({
        clientId: "bench_push_driver",
        staffId,
        date: start.slice(0, 10),
        viewing: false,
      }),
    }).catch(() => null); // a reset connection (a kept-alive socket closed meanwhile): again
    if (!res) continue;
    if (res.ok) {
      const body = (await res.json()) as { slots?: { start: string; state: string }[] };
      return (body.slots ?? []).some((s) => s.start === start && s.state === "held");
    }
    await res.arrayBuffer();
    await sleep(200);
  }
  throw new Error("push: the heartbeat kept failing");
}

/**
 * Every STEP_MS for RUN_MS, without waiting for answers: release the oldest hold whose answer has
 * come (when at least two are live), else hold a free time. Resolves the actions that changed
 * something, with when each was sent and answered.
 */
async function drive(
  ctx: BenchContext,
  serviceId: string,
  staffId: string,
  slots: Slot[],
): Promise<Action[]> {
  const free = slots.map((s) => s.start);
  const held: { start: string; holdId: string; holdToken: string }[] = [];
  const actions: Action[] = [];
  const inFlight: Promise<void>[] = [];

  const hold = async (start: string, step: number) => {
    const sentMs = performance.now();
    const res = await fetch(`${ctx.url}/v1/holds`, {
      method: "POST",
      headers: { ...json, "CF-Connecting-IP": `10.251.${step >> 8}.${step & 255}` },
      body: JSON.stringify({ clientId: `bench_push_${step}`, serviceId, staffId, start }),
    }).catch(() => null); // a reset connection: the outcome is unknown, as after a 503
    const answeredMs = performance.now();
    if (res?.status === 201) {
      const body = (await res.json()) as { holdId: string; holdToken: string };
      held.push({ start, ...body });
      actions.push({ kind: "hold", start, sentMs, answeredMs });
      return;
    }
    const text = res ? await res.text() : "";
    if (res && res.status !== 503) throw new Error(`hold: ${res.status} ${text}`);
    // Redis answered too late: the hold may have been made, without its token. If it was, it
    // counts (streams show it) and its time is never used again; if not, the time is free.
    actionRetries++;
    if (await isHeld(ctx, staffId, start))
      actions.push({ kind: "hold", start, sentMs, answeredMs });
    else free.push(start);
  };

  const release = async (h: { start: string; holdId: string; holdToken: string }) => {
    const sentMs = performance.now();
    const send = async (): Promise<Response> => {
      for (let attempt = 0; ; attempt++) {
        try {
          return await fetch(`${ctx.url}/v1/holds/${h.holdId}`, {
            method: "DELETE",
            headers: { "X-Hold-Token": h.holdToken, "CF-Connecting-IP": "10.250.0.1" },
          });
        } catch (error) {
          if (attempt >= 5) throw error; // a reset connection: repeating a release is safe
          actionRetries++;
        }
      }
    };
    let res = await send();
    // A release that answered 503 may have run: repeated, it is then a 404.
    for (let attempt = 0; res.status === 503 && attempt < 5; attempt++) {
      await res.arrayBuffer();
      actionRetries++;
      res = await send();
    }
    const answeredMs = performance.now();
    if (res.status !== 204 && res.status !== 404)
      throw new Error(`release: ${res.status} ${await res.text()}`);
    await res.arrayBuffer();
    actions.push({ kind: "release", start: h.start, sentMs, answeredMs });
    free.push(h.start);
  };

  const failures: unknown[] = [];
  const track = (action: Promise<void>) =>
    inFlight.push(
      action.catch((e: unknown) => {
        failures.push(e);
      }),
    );
  const started = performance.now();
  let busy: Promise<void> | null = null;
  for (let step = 0; step * STEP_MS < RUN_MS; step++) {
    const wait = started + step * STEP_MS - performance.now();
    if (wait > 0) await sleep(wait);
    // One action at a time: a tick whose predecessor has not answered yet is skipped (the rate
    // reached is reported). Firing regardless drove this shared machine into shedding.
    if (busy) await busy;
    if (step * STEP_MS < performance.now() - started - STEP_MS) continue;
    let next: Promise<void> | null = null;
    if (held.length >= 2) next = release(held.shift() as (typeof held)[number]);
    else if (free.length > 0) next = hold(free.shift() as string, step);
    if (next) {
      track(next);
      busy = next.catch(() => undefined);
    }
  }
  await Promise.all(inFlight);
  if (failures.length > 0) throw failures[0];
  await Promise.all(held.splice(0).map((h) => release(h)));
  return actions.filter((a) => a.sentMs - started < RUN_MS);
}

/** The first event of a stream, received after `action` was sent, that shows its effect. */
function deliveryOf(events: Received[], action: Action): Received | undefined {
  return events.find((event) => {
    if (event.atMs < action.sentMs) return false;
    const { slots } = JSON.parse(event.data) as { slots: { start: string; state: string }[] };
    const held = slots.some((s) => s.start === action.start && s.state === "held");
    return action.kind === "hold" ? held : !held;
  });
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] as number;
}

/** Commands per call of `call`, measured alone through the gateway (`n` calls in sequence). */
async function commandsPer(
  gateway: UpstashGateway,
  n: number,
  call: (i: number) => Promise<void>,
): Promise<number> {
  const before = gateway.commandCount().commands;
  for (let i = 0; i < n; i++) await call(i);
  return (gateway.commandCount().commands - before) / n;
}

export async function pushCase(ctx: BenchContext, gateway: UpstashGateway): Promise<PushResult> {
  const { serviceId, staffIds } = await seedCatalog(ctx, "Bench push", 2, { durationMin: 30 });
  const [pushStaff, pollStaff] = staffIds as [string, string];
  const pushDay = await openDate(ctx, serviceId, pushStaff);
  const pollDay = await openDate(ctx, serviceId, pollStaff);
  // Times 30 minutes apart on a 15-minute grid never overlap.
  const spaced = (slots: Slot[]) => slots.filter((_, i) => i % 2 === 0);

  // What one heartbeat and one hold or release cost in Redis commands, alone (before any load).
  const commandsPerPoll = await commandsPer(gateway, 50, async (i) => {
    const res = await fetchAgain(`${ctx.url}/v1/heartbeat`, {
      method: "POST",
      headers: { ...json, "CF-Connecting-IP": nextIp() },
      body: JSON.stringify({
        clientId: `bench_probe_${i}`,
        staffId: pollStaff,
        date: pollDay.date,
      }),
    });
    await res.arrayBuffer();
  });
  const probeSlots = spaced(pollDay.slots);
  const commandsPerAction = await commandsPer(gateway, 10, async (i) => {
    const res = await fetchAgain(`${ctx.url}/v1/holds`, {
      method: "POST",
      headers: { ...json, "CF-Connecting-IP": nextIp() },
      body: JSON.stringify({
        clientId: `bench_probe_${i}`,
        serviceId,
        staffId: pollStaff,
        start: probeSlots[i % probeSlots.length]?.start,
      }),
    });
    const { holdId, holdToken } = (await res.json()) as { holdId: string; holdToken: string };
    await fetchAgain(`${ctx.url}/v1/holds/${holdId}`, {
      method: "DELETE",
      headers: { "X-Hold-Token": holdToken, "CF-Connecting-IP": "10.250.0.1" },
    }).then((r) => r.arrayBuffer());
  }).then((perPair) => perPair / 2);

  ctx.log(`push: opening ${STREAMS} streams on one staff member and ${pushDay.date}`);
  const received = Array.from({ length: STREAMS }, () => [] as Received[]);
  const abort = new AbortController();
  const openStarted = performance.now();
  const BATCH = 25;
  for (let i = 0; i < STREAMS; i += BATCH) {
    await Promise.all(
      Array.from({ length: Math.min(BATCH, STREAMS - i) }, (_, k) => {
        // Watchers without a client id: nothing on the date is theirs (the client id never
        // goes in a URL, and these streams need none).
        const query = new URLSearchParams({ staffId: pushStaff, date: pushDay.date });
        return openStream(`${ctx.url}/v1/live?${query}`, received[i + k] ?? [], abort.signal);
      }),
    );
  }
  const openMs = Math.round(performance.now() - openStarted);
  ctx.log(`push: ${STREAMS} streams open in ${openMs} ms; a hold or release every ${STEP_MS} ms`);
  const before = gateway.commandCount();
  const pushStarted = performance.now();
  const actions = await drive(ctx, serviceId, pushStaff, spaced(pushDay.slots));
  const pushElapsedS = (performance.now() - pushStarted) / 1000;
  const afterPush = gateway.commandCount();
  await sleep(3_000); // late deliveries still count
  abort.abort();

  const latencies: number[] = [];
  let missed = 0;
  for (const events of received) {
    for (const action of actions) {
      const event = deliveryOf(events, action);
      if (!event) missed++;
      // The script publishes before it answers: an event can beat the HTTP answer (0 ms).
      else latencies.push(Math.max(0, event.atMs - action.answeredMs));
    }
  }
  latencies.sort((a, b) => a - b);
  ctx.log(
    `push: ${actions.length} changes; delivery p50 ${Math.round(percentile(latencies, 50))} ms, p99 ${Math.round(percentile(latencies, 99))} ms; missed ${missed}; ${Math.round((afterPush.commands - before.commands) / pushElapsedS)} Redis commands/s`,
  );
  await sleep(2_000); // the dropped streams' sockets close before the next calls

  // Polling as this machine serves it: 1 000 clients, each one heartbeat a second, for 10 s.
  ctx.log(`push: baseline, ${STREAMS} clients polling the heartbeat at 1/s`);
  let polls = 0;
  let pollErrors = 0;
  let polling = true;
  const pollers = Array.from({ length: STREAMS }, async (_, i) => {
    await sleep(Math.random() * 1000);
    let since: string | undefined;
    while (polling) {
      const startedMs = performance.now();
      try {
        const res = await fetch(`${ctx.url}/v1/heartbeat`, {
          method: "POST",
          headers: { ...json, "CF-Connecting-IP": nextIp() },
          body: JSON.stringify({
            clientId: `bench_poll_${i}`,
            staffId: pollStaff,
            date: pollDay.date,
            ...(since ? { since } : {}),
          }),
        });
        if (res.ok) {
          since = ((await res.json()) as { version: string }).version;
          polls++;
        } else {
          await res.arrayBuffer();
          pollErrors++;
        }
      } catch {
        pollErrors++;
      }
      const wait = 1000 - (performance.now() - startedMs);
      if (wait > 0) await sleep(wait);
    }
  });
  await sleep(1_500); // every poller has started
  const beforePoll = gateway.commandCount();
  const pollsBefore = polls;
  const errorsBefore = pollErrors;
  const pollStarted = performance.now();
  await sleep(RUN_MS);
  const pollElapsedS = (performance.now() - pollStarted) / 1000;
  const afterPoll = gateway.commandCount();
  const pollsDone = polls - pollsBefore;
  const pollFailed = pollErrors - errorsBefore;
  polling = false;
  await Promise.all(pollers);

  const pushCommandsPerS = (afterPush.commands - before.commands) / pushElapsedS;
  const pollCommandsPerS = (afterPoll.commands - beforePoll.commands) / pollElapsedS;
  const actionsPerS = actions.length / pushElapsedS;
  const pollNominalCommandsPerS = STREAMS * commandsPerPoll + actionsPerS * commandsPerAction;
  return {
    streams: STREAMS,
    changes: actions.length,
    actionsPerS: Math.round(actionsPerS * 10) / 10,
    expected: actions.length * STREAMS,
    received: latencies.length,
    missed,
    p50Ms: Math.round(percentile(latencies, 50)),
    p99Ms: Math.round(percentile(latencies, 99)),
    maxMs: Math.round(latencies.at(-1) ?? Number.NaN),
    pushCommandsPerS: Math.round(pushCommandsPerS),
    pollCommandsPerS: Math.round(pollCommandsPerS),
    pollNominalCommandsPerS: Math.round(pollNominalCommandsPerS),
    commandsPerPoll: Math.round(commandsPerPoll * 100) / 100,
    ratio: Math.round((pollNominalCommandsPerS / Math.max(pushCommandsPerS, 1)) * 10) / 10,
    pushDeliveredPerS: Math.round((afterPush.delivered - before.delivered) / pushElapsedS),
    pollsPerS: Math.round(pollsDone / pollElapsedS),
    pollErrors: pollFailed,
    commandsPerAction: Math.round(commandsPerAction * 100) / 100,
    openMs,
    openRetries,
    actionRetries,
  };
}
