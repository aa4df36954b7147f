/**
 * `npm run drill -- --locations N`: one deployment in N locations, each its own Miniflare (its
 * own isolates: gate, cool-down, learned shapes) on its own port, all over the same Redis and
 * MySQL. Location 0 reaches Redis through a fault gateway (scripts/gateways/upstash-gateway.ts)
 * that the drill cuts in the middle of the load and restores later; the others keep Redis. Many
 * clients, spread over the locations, race for a few slots per day (hold, then mostly book), so
 * that a fallback location and Redis locations contend for the same slots.
 *
 * It reports the most live holders any slot had at one moment, counted from the clients' side
 * (holders.ts: every granted hold's calendar time × the wall-clock window it was certainly live
 * in), bookings lost and double bookings (MySQL, audit.ts), and PASS or FAIL: FAIL (exit 1) on a
 * second live holder, a lost or doubled booking, a 5xx other than 503 OVERLOADED (busy, nothing
 * changed: counted and printed) or a request without an answer, a cut
 * location that never served from the fallback or granted no hold while cut, one that never came
 * back to Redis, or another location leaving Redis (then the drill did not test the mixed case).
 */
import { seedCatalog } from "../bench/catalog.ts";
import type { BenchContext } from "../bench/run.ts";
import { startUpstashGateway } from "../gateways/upstash-gateway.ts";
import { distancesFor, type SplitWorkers, startSplitWorkers } from "../lib/split-workers.ts";
import type { Stack } from "../lib/stack.ts";
import type { DrillArgs } from "./args.ts";
import { auditBookings } from "./audit.ts";
import { countHolders, type HoldGrant } from "./holders.ts";
import {
  createRecorder,
  getRedisStatus,
  pollStatus,
  pollStorage,
  type RedisStatus,
  runClients,
} from "./load.ts";
import {
  adminHeaders,
  CLIENTS,
  DRILL,
  DRILL_BINDINGS,
  LOAD_MS,
  log,
  ms,
  printAnswers,
  START_AT_MS,
  STOP_AT_MS,
  sleep,
  WAIT_FOR_REDIS_MODE_MS,
  WORKER_PORT,
} from "./setup.ts";

/** Clients hold among the first few available slots of the day they pick. */
const CONTESTED = 3;
/** Days clients spread over besides the first three (a few, so that slots stay contested). */
const SPREAD_DAYS = 10;
const CUT = 0;

export async function runLocations(
  args: DrillArgs,
  stack: Stack,
  script: string,
  /** Everything started here, for the caller's clean-up (also on Ctrl-C). */
  started: (disposables: { dispose(): Promise<void> }[]) => void,
): Promise<number> {
  const startedMs = Date.now();
  const disposables: { dispose(): Promise<void> }[] = [];
  started(disposables);
  const cut = await startUpstashGateway({
    port: 0,
    redisUrl: DRILL.redisUrl,
    token: DRILL.upstashToken,
  });
  disposables.push({ dispose: () => cut.close() });
  const workers: SplitWorkers[] = [];
  for (let i = 0; i < args.locations; i++) {
    const worker = await startSplitWorkers({
      scriptPath: script,
      bindings: {
        ...stack.bindings,
        ...DRILL_BINDINGS,
        // N Miniflares share this machine's cores: a healthy location must not take a slow
        // answer for a dead Redis (the cut location's refusals fail over at once anyway).
        REDIS_TIMEOUT_MS: "1000",
        UPSTASH_REDIS_REST_URL: i === CUT ? cut.url : stack.bindings.UPSTASH_REDIS_REST_URL,
        // A hung Redis is first taken for a busy one (docs/adr/0601-busy-is-not-down.md) and
        // judged down after REDIS_DOWN_AFTER_MS of silence: the default 10 s is longer than the
        // cut, and the cut location would answer 503 throughout instead of failing over.
        ...(i === CUT ? { REDIS_DOWN_AFTER_MS: "3000" } : {}),
      },
      distances: distancesFor(0),
      layout: args.layout,
      ...(WORKER_PORT ? { port: WORKER_PORT + i } : {}),
    });
    workers.push(worker);
    disposables.unshift(worker);
  }
  const urls = workers.map((w) => w.url);
  const ctx: BenchContext = {
    url: urls[1] as string,
    adminHeaders,
    durationS: 0,
    connections: 0,
    log,
  };
  const { serviceId, staffIds } = await seedCatalog(ctx, `Drill ${process.pid}`, 5, {
    durationMin: 30,
  });
  for (const url of urls) {
    const status = await getRedisStatus(url, adminHeaders);
    if (status.mode !== "redis") throw new Error(`${url} starts in ${status.mode} mode`);
  }
  log(
    `${args.locations} locations (${args.layout}) on ${urls.join(", ")}; location ${CUT} reaches Redis through ${cut.url}; ${CLIENTS} clients for ${LOAD_MS / 1000} s; cut (${args.fault}) at ${STOP_AT_MS / 1000} s, restored at ${START_AT_MS / 1000} s`,
  );

  const rec = createRecorder();
  const storage = urls.map((url, i) =>
    pollStorage(rec, url, staffIds[0] as string, i === CUT ? 50 : 200),
  );
  const status = urls.map((url) => pollStatus(rec, url, adminHeaders, 500));
  const load = runClients(rec, {
    urls,
    serviceId,
    clients: CLIENTS,
    untilMs: LOAD_MS,
    spreadDays: SPREAD_DAYS,
    contested: CONTESTED,
  });

  await sleep(STOP_AT_MS - rec.now());
  const cutAtMs = rec.now();
  const cutAtEpoch = Date.now();
  cut.setFault(args.fault);
  log(`t=${Math.round(cutAtMs)} ms: cut location ${CUT}'s way to Redis (${args.fault})`);
  await sleep(START_AT_MS - rec.now());
  const restoredAtMs = rec.now();
  const restoredAtEpoch = Date.now();
  cut.setFault("none");
  log(`t=${Math.round(restoredAtMs)} ms: restored location ${CUT}'s way to Redis`);

  await load;
  const loadEndMs = rec.now();
  const cutStorage = storage[CUT] as (typeof storage)[number];
  const cutStatus = status[CUT] as (typeof status)[number];
  const deadline = rec.now() + WAIT_FOR_REDIS_MODE_MS;
  while (rec.now() < deadline) {
    const heartbeatBack = cutStorage.samples.some(
      (s) => s.atMs > restoredAtMs && s.storage === "redis",
    );
    const statusBack = cutStatus.modes.some((m) => m.atMs > restoredAtMs && m.mode === "redis");
    if (heartbeatBack && statusBack) break;
    await sleep(100);
  }
  for (const poller of [...storage, ...status]) await poller.stop();
  const after: RedisStatus[] = [];
  for (const url of urls) after.push(await getRedisStatus(url, adminHeaders));
  const audit = await auditBookings(DRILL.mysqlUrl, staffIds, rec.bookedIds);
  const holders = countHolders(rec.grants);

  // ---------------------------------------------------------------- report
  console.log(`\n== Redis failover drill: ${args.locations} locations (${args.layout}) ==`);
  console.log(
    `load: ${CLIENTS} clients over ${args.locations} locations (client i -> location i mod ${args.locations}), ${Math.round(rec.now() / 1000)} s, holds among the first ${CONTESTED} available slots of the day picked; location ${CUT}'s way to Redis cut (${args.fault}) at ${(cutAtMs / 1000).toFixed(1)} s, restored at ${(restoredAtMs / 1000).toFixed(1)} s; the others kept Redis`,
  );
  const { serverErrors, overloaded, noResponse } = printAnswers(rec);
  const problems: string[] = [];
  let cutGrants = 0;
  for (const [i, url] of urls.entries()) {
    const grants = rec.grants.filter((g) => g.location === i);
    const whileCut = grants.filter(
      (g) => g.liveFromMs > cutAtEpoch && g.liveFromMs < restoredAtEpoch,
    ).length;
    if (i === CUT) cutGrants = whileCut;
    const fallbackAnswers = storage[i]?.samples.filter((s) => s.storage === "fallback").length;
    const state = after[i] as RedisStatus;
    console.log(
      `location ${i}${i === CUT ? " (cut)" : ""} ${url}: ${grants.length} holds granted (${whileCut} while cut); ${fallbackAnswers} heartbeats served by the fallback; redis-status: mode ${state.mode}, failovers ${state.failovers}, failbacks ${state.failbacks}`,
    );
    if (i !== CUT && state.failovers > 0)
      problems.push(`location ${i} left Redis (${state.failovers} failovers)`);
  }
  console.log(
    `live holders: ${rec.grants.length} holds granted; most live holders of one slot at one moment: ${holders.maxHolders}; overlapping pairs: ${holders.overlappingPairs}`,
  );
  console.log(
    "  (a granted hold is live from its 201/200's arrival until its release or booking is sent, else its expiresAt; two holds of one staff member overlapping in calendar time while both live are two holders at one moment)",
  );
  const iso = (ms: number) => new Date(ms).toISOString().slice(11, 23);
  const describe = (g: HoldGrant) =>
    `${g.holdId} (location ${g.location}; ${new Date(g.slotStartMs).toISOString().slice(0, 16)}–${iso(g.slotEndMs).slice(0, 5)}; sent ${iso(g.sentAtMs)}, live ${iso(g.liveFromMs)}–${iso(g.liveUntilMs)})`;
  for (const [a, b] of holders.examples) console.log(`  ! ${describe(a)} and ${describe(b)}`);
  console.log(
    `bookings: ${rec.bookedIds.length} answered 201; ${audit.confirmedInDb} confirmed in MySQL`,
  );
  console.log(`double bookings (SQL): ${audit.doubleBookings}`);
  console.log(`confirmed bookings lost: ${audit.lost}`);
  const firstFallback = cutStorage.samples.find(
    (s) => s.atMs > cutAtMs && s.storage === "fallback",
  );
  const backToRedis = cutStorage.samples.find(
    (s) => s.atMs > restoredAtMs && s.storage === "redis" && firstFallback !== undefined,
  );
  console.log(
    `location ${CUT}: time to fallback ${ms(firstFallback && firstFallback.atMs - cutAtMs)} (cut -> first heartbeat served by the fallback); time back to Redis ${ms(backToRedis && backToRedis.atMs - restoredAtMs)} (restored -> first heartbeat served by Redis)`,
  );
  const syncs = cutStatus.syncs;
  console.log(
    `location ${CUT} failback syncs: ${syncs.map((s) => `${s.trigger} ${s.outcome} ${s.synced}/${s.conflicts} in ${s.durationMs} ms`).join("; ") || "none"}`,
  );
  console.log(`took ${Math.round((Date.now() - startedMs) / 1000)} s`);

  if (holders.maxHolders > 1)
    problems.push(`${holders.maxHolders} live holders of one slot at one moment`);
  if (audit.doubleBookings > 0) problems.push(`${audit.doubleBookings} double bookings`);
  if (audit.lost > 0) problems.push(`${audit.lost} confirmed bookings lost`);
  if (serverErrors > overloaded) problems.push(`${serverErrors - overloaded} 5xx (not OVERLOADED)`);
  if (noResponse > 0) problems.push(`${noResponse} requests without a response`);
  if (!firstFallback) problems.push(`location ${CUT} never served from the fallback`);
  if (cutGrants === 0) problems.push(`location ${CUT} granted no hold while cut`);
  if (!backToRedis || after[CUT]?.mode !== "redis")
    problems.push(`location ${CUT} never came back to Redis`);
  else if (backToRedis.atMs > loadEndMs)
    problems.push(`location ${CUT} came back to Redis only after the load`);
  console.log(problems.length === 0 ? "PASS" : `FAIL: ${problems.join("; ")}`);
  return problems.length === 0 ? 0 : 1;
}
