/**
 * Bench case "push" (issue 15): 1 000 open live streams (GET /v1/live) on one staff member and
 * date while a driver holds or releases a slot there every 100 ms for 10 s. Measured: the delay
 * from each change's HTTP answer to its receipt on every stream (p50, p99, max), the changes a
 * stream missed, and the Redis commands per second the Upstash gateway ran, next to the same
 * 1 000 clients polling POST /v1/heartbeat once a second under the same driver (same run).
 *
 * The driver keeps at most two holds alive and moves them along the day (hold the next slot,
 * release the oldest), so each version the streams must receive, in order, is known in advance
 * (computed here with the domain's own liveVersion: nobody else touches this staff member).
 */
import { liveVersion } from "../../../src/domain/live/heartbeat.ts";
import type { UpstashGateway } from "../../gateways/upstash-gateway.ts";
import { seedCatalog } from "../catalog.ts";
import type { BenchContext } from "../run.ts";

const STREAMS = Number(process.env.BENCH_PUSH_STREAMS ?? 1_000);
const STEP_MS = 100;
const RUN_MS = 10_000;
const json = { "Content-Type": "application/json" };

export interface PushResult {
  streams: number;
  changes: number;
  /** Deliveries expected (changes × streams) and received. */
  expected: number;
  received: number;
  missed: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  /** Redis commands per second during the 10 s, push and polling, and their ratio. */
  pushCommandsPerS: number;
  pollCommandsPerS: number;
  ratio: number;
  /** Pub/sub messages the gateway delivered per second while pushing (not commands). */
  pushDeliveredPerS: number;
  /** Driver actions per second, and polls answered per second in the polling run. */
  actionsPerS: number;
  pollsPerS: number;
  pollErrors: number;
  openMs: number;
  openRetries: number;
  /** Driver actions repeated after a 503 OVERLOADED. */
  actionRetries: number;
}

type Slot = { start: string; end: string; staffId: string; state: string };

let ipCounter = 0;
/** One address per client, as from 1 000 browsers (the per-address stream limit stays out). */
const nextIp = () => {
  const n = ++ipCounter;
  return `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}`;
};

async function openDate(
  ctx: BenchContext,
  serviceId: string,
  staffId: string,
): Promise<{ date: string; slots: Slot[] }> {
  for (let day = 1; day < 14; day++) {
    const date = new Date(Date.now() + day * 86_400_000).toISOString().slice(0, 10);
    const query = new URLSearchParams({ serviceId, staffId, from: date, to: date });
    const res = await fetch(`${ctx.url}/v1/availability?${query}`);
    const body = (await res.json()) as { days: { slots: Slot[] }[] };
    const slots = (body.days[0]?.slots ?? []).filter((s) => s.state === "available");
    if (slots.length >= 20) return { date, slots };
  }
  throw new Error("push: no date with 20 free slots");
}

/** GET /v1/live; a 503 (busy while 1 000 streams open) is retried after its Retry-After. */
async function openWithRetry(url: string, signal: AbortSignal): Promise<Response> {
  for (let attempt = 0; ; attempt++) {
    const res = await fetch(url, { headers: { "CF-Connecting-IP": nextIp() }, signal });
    if (res.status === 200) return res;
    const text = await res.text();
    if (res.status !== 503 || attempt >= 10) throw new Error(`GET /v1/live: ${res.status} ${text}`);
    retries++;
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
}
let retries = 0;

/** One stream: records when each change (by its id) arrived. */
function openStream(
  url: string,
  onChange: (id: string, atMs: number) => void,
  signal: AbortSignal,
): Promise<void> {
  return openWithRetry(url, signal).then(async (res) => {
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
            else if (block.startsWith("event: change")) {
              const id = /\nid: (\S+)/.exec(block)?.[1];
              if (id) onChange(id, atMs);
            }
          }
        }
      } catch {
        // aborted at the end of the case
      }
    })();
    await snapshot;
  });
}

/**
 * A 503 OVERLOADED (Redis answered late under the load) is repeated after a pause, as its
 * answer says is safe (the same hold token, the same release). Counted in the result.
 */
async function retried(call: () => Promise<Response>): Promise<Response> {
  for (let attempt = 0; ; attempt++) {
    const res = await call();
    if (res.status !== 503 || attempt >= 5) return res;
    await res.arrayBuffer();
    actionRetries++;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
let actionRetries = 0;

/** Holds the next slot and releases the oldest of two, every STEP_MS; resolves the changes made. */
async function drive(
  ctx: BenchContext,
  serviceId: string,
  staffId: string,
  slots: Slot[],
): Promise<{ version: string; answeredMs: number }[]> {
  const held: { slot: Slot; holdId: string; holdToken: string }[] = [];
  const changes: { version: string; answeredMs: number }[] = [];
  const version = () =>
    liveVersion(
      held.map((h) => ({
        kind: "held" as const,
        mine: false,
        startMs: Date.parse(h.slot.start),
        endMs: Date.parse(h.slot.end),
        offsetMin: 0,
        expiresAtMs: 0,
      })),
    );
  const started = performance.now();
  let next = 0;
  for (let step = 0; performance.now() - started < RUN_MS; step++) {
    const due = started + step * STEP_MS;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    if (held.length >= 2) {
      const oldest = held.shift();
      const res = await retried(() =>
        fetch(`${ctx.url}/v1/holds/${oldest?.holdId}`, {
          method: "DELETE",
          headers: { "X-Hold-Token": oldest?.holdToken ?? "", "CF-Connecting-IP": "10.250.0.1" },
        }),
      );
      if (res.status !== 204) throw new Error(`release: ${res.status} ${await res.text()}`);
    } else {
      const slot = slots[next++ % slots.length] as Slot;
      const res = await retried(() =>
        fetch(`${ctx.url}/v1/holds`, {
          method: "POST",
          headers: { ...json, "CF-Connecting-IP": `10.251.${step >> 8}.${step & 255}` },
          body: JSON.stringify({
            clientId: `bench_push_${step}`,
            serviceId,
            staffId,
            start: slot.start,
          }),
        }),
      );
      if (res.status !== 201) throw new Error(`hold: ${res.status} ${await res.text()}`);
      const body = (await res.json()) as { holdId: string; holdToken: string };
      held.push({ slot, ...body });
    }
    changes.push({ version: version(), answeredMs: performance.now() });
  }
  for (const h of held)
    await fetch(`${ctx.url}/v1/holds/${h.holdId}`, {
      method: "DELETE",
      headers: { "X-Hold-Token": h.holdToken, "CF-Connecting-IP": "10.250.0.1" },
    }).then((res) => res.arrayBuffer());
  return changes;
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] as number;
}

export async function pushCase(ctx: BenchContext, gateway: UpstashGateway): Promise<PushResult> {
  const { serviceId, staffIds } = await seedCatalog(ctx, "Bench push", 2, { durationMin: 30 });
  const [pushStaff, pollStaff] = staffIds as [string, string];
  const pushDay = await openDate(ctx, serviceId, pushStaff);
  const pollDay = await openDate(ctx, serviceId, pollStaff);
  // Far apart, so holds never overlap one another (the driver's own holds stay under its limits).
  const spaced = (slots: Slot[]) => slots.filter((_, i) => i % 4 === 0);

  // Push: 1 000 streams, opened 25 at a time.
  ctx.log(`push: opening ${STREAMS} streams on one staff member and ${pushDay.date}`);
  const received = Array.from({ length: STREAMS }, () => [] as [string, number][]);
  const abort = new AbortController();
  const openStarted = performance.now();
  const BATCH = 25;
  for (let i = 0; i < STREAMS; i += BATCH) {
    await Promise.all(
      Array.from({ length: Math.min(BATCH, STREAMS - i) }, (_, k) => {
        const query = new URLSearchParams({
          staffId: pushStaff,
          date: pushDay.date,
          clientId: `bench_watch_${i + k}`,
        });
        return openStream(
          `${ctx.url}/v1/live?${query}`,
          (id, atMs) => received[i + k]?.push([id, atMs]),
          abort.signal,
        );
      }),
    );
  }
  const openMs = Math.round(performance.now() - openStarted);
  ctx.log(
    `push: ${STREAMS} streams open in ${openMs} ms (${retries} opens retried after 503); driving a change every ${STEP_MS} ms`,
  );
  const before = gateway.commandCount();
  const pushStarted = performance.now();
  const changes = await drive(ctx, serviceId, pushStaff, spaced(pushDay.slots));
  const pushElapsedS = (performance.now() - pushStarted) / 1000;
  const afterPush = gateway.commandCount();
  await new Promise((resolve) => setTimeout(resolve, 2_000)); // late deliveries still count
  abort.abort();

  const latencies: number[] = [];
  let missed = 0;
  for (const stream of received) {
    // In order: a state can come back (the same two slots held again), so the k-th change is
    // looked for after the event that matched the (k-1)-th.
    let from = 0;
    for (const change of changes) {
      let at = from;
      while (at < stream.length && stream[at]?.[0] !== change.version) at++;
      const event = stream[at];
      if (!event) {
        missed++;
        continue;
      }
      from = at + 1;
      // An event can arrive before the driver has read the HTTP answer (the script publishes
      // before it replies): that delivery took no time after the answer.
      latencies.push(Math.max(0, event[1] - change.answeredMs));
    }
  }
  latencies.sort((a, b) => a - b);

  // Polling: the same driver, 1 000 clients polling the heartbeat once a second each.
  ctx.log(`push: baseline, ${STREAMS} clients polling the heartbeat at 1/s`);
  await new Promise((resolve) => setTimeout(resolve, 1_000));
  let polls = 0;
  let pollErrors = 0;
  let polling = true;
  const pollers = Array.from({ length: STREAMS }, async (_, i) => {
    await new Promise((resolve) => setTimeout(resolve, Math.random() * 1000));
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
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    }
  });
  await new Promise((resolve) => setTimeout(resolve, 1_500)); // every poller has started
  const beforePoll = gateway.commandCount();
  const pollsBefore = polls;
  const pollStarted = performance.now();
  await drive(ctx, serviceId, pollStaff, spaced(pollDay.slots));
  const pollElapsedS = (performance.now() - pollStarted) / 1000;
  const afterPoll = gateway.commandCount();
  const pollsDone = polls - pollsBefore;
  polling = false;
  await Promise.all(pollers);

  const pushCommandsPerS = (afterPush.commands - before.commands) / pushElapsedS;
  const pollCommandsPerS = (afterPoll.commands - beforePoll.commands) / pollElapsedS;
  return {
    streams: STREAMS,
    changes: changes.length,
    expected: changes.length * STREAMS,
    received: latencies.length,
    missed,
    p50Ms: Math.round(percentile(latencies, 50)),
    p99Ms: Math.round(percentile(latencies, 99)),
    maxMs: Math.round(latencies.at(-1) ?? Number.NaN),
    pushCommandsPerS: Math.round(pushCommandsPerS),
    pollCommandsPerS: Math.round(pollCommandsPerS),
    ratio: Math.round((pollCommandsPerS / Math.max(pushCommandsPerS, 1)) * 10) / 10,
    pushDeliveredPerS: Math.round((afterPush.delivered - before.delivered) / pushElapsedS),
    actionsPerS: Math.round((changes.length / pushElapsedS) * 10) / 10,
    pollsPerS: Math.round(pollsDone / pollElapsedS),
    pollErrors,
    openMs,
    openRetries: retries,
    actionRetries,
  };
}
