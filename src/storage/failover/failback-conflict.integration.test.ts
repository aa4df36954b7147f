/**
 * The failback sync against a Redis hold that the booking store has already refused: the race
 * the multi-location drill found with a hanging Redis (two live holders of one slot, a hold of
 * the cut location and one of a Redis location, both answered 201).
 *
 * One isolate lost Redis and holds a slot in the MySQL fallback. Another one, on Redis, is asked
 * for the same slot: Redis grants it, the booking store refuses the claim (the fallback hold's
 * cells), and the Redis hold is being taken back (a retraction: one more Redis call). A failback
 * sync that runs in that window meets the retracted-to-be hold in Redis. The booking store has
 * decided for the fallback hold, so the sync must not drop it; had it dropped it, the retraction
 * would leave the slot free in both stores while its holder still has a 201, and the next client
 * would be told 201 too.
 *
 * Each isolate is one `buildServices` over its own gateways, as Workers in two locations would be;
 * the retraction is held up in the Redis-side isolate's gateway (`slow`, only that script).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectError } from "../../../test/drivers/api.ts";
import {
  catalogOver,
  type FaultGateways,
  type Isolate,
  type IsolateCatalog,
  isolateOver,
  startFaultGateways,
  startOver,
} from "../../../test/stack/fault-gateways.ts";
import { withDb } from "../../../test/stack/db-direct.ts";
import { directRedis } from "../../../test/stack/redis-direct.ts";
import { uniqueId } from "../../../test/stack/stack-env.ts";
import { releaseHold } from "../../lua/scripts.gen.ts";

/** How long the Redis-side retraction is held up: the sync runs inside this window. */
const RETRACT_HELD_MS = 3_000;
const redisDirect = directRedis();
let onRedis: FaultGateways;
let cut: FaultGateways;

beforeAll(async () => {
  [onRedis, cut] = await Promise.all([startFaultGateways(), startFaultGateways()]);
});

afterAll(async () => {
  await Promise.all([onRedis?.close(), cut?.close(), redisDirect.quit()]);
});

const hold = (api: Isolate, c: IsolateCatalog, start: string) =>
  api.json("POST", "/v1/holds", {
    clientId: uniqueId("client_"),
    serviceId: c.serviceId,
    staffId: c.staffId,
    start,
  });

/** Redis holds (first fields) of a staff member. */
async function redisHoldsOf(prefix: string, staffId: string): Promise<string[]> {
  const fields = await redisDirect.hkeys(`${prefix}live:${staffId}`);
  return fields.filter((f) => f.startsWith("h:") && f.endsWith(":0"));
}

/** 409 SLOT_HELD (a 201 here would be a second holder of the slot). */
async function expectSlotHeld(res: Response): Promise<void> {
  expect(res.status, await res.clone().text()).toBe(409);
  await expectError(res, 409, "SLOT_HELD");
}

/** The fallback's live rows (holds, markers, bookings) of a staff member. */
async function fallbackLiveOf(staffId: string): Promise<number> {
  return withDb(async (conn) => {
    const [rows] = await conn.query("SELECT COUNT(*) AS n FROM fallback_live WHERE staff_id = ?", [
      staffId,
    ]);
    return Number((rows as { n: number }[])[0]?.n);
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

type SyncAnswer = { mode: string; sync: { synced: number; conflicts: number } };

/**
 * The race: a fallback hold of the slot in the cut isolate, a Redis hold of the same slot whose
 * retraction is held up, and the cut isolate's failback sync inside that window. Returns once the
 * retraction has landed (the Redis-side request answered).
 */
async function raceSyncWithRetraction() {
  const prefix = `${uniqueId("fc")}:`;
  // The Redis-side isolate waits long enough for its held-up retraction to be answered.
  const up = isolateOver(onRedis, prefix, { REDIS_TIMEOUT_MS: "10000" }, { waitUntil: true });
  const down = isolateOver(cut, prefix, {}, { waitUntil: true });
  const c = await catalogOver(up);
  const start = await startOver(up, c, "10:00");
  await startOver(down, c, "10:00");

  // The cut isolate holds the slot in the fallback (its Redis refuses; it fails over at once).
  cut.upstash.setFault("refuse");
  const first = await hold(down, c, start);
  expect(first.status, await first.clone().text()).toBe(201);
  const fallbackHold = (await first.json()) as { holdId: string; holdToken: string };
  cut.upstash.setFault("none");

  // The Redis-side isolate is asked for the same slot: Redis grants, the booking store refuses,
  // and the retraction of the Redis hold is held up on its way.
  onRedis.upstash.setFault("slow", { slowMs: RETRACT_HELD_MS, only: releaseHold.sha1, times: 1 });
  const refused = hold(up, c, start);
  const deadline = Date.now() + RETRACT_HELD_MS;
  while ((await redisHoldsOf(prefix, c.staffId)).length === 0) {
    if (Date.now() > deadline) throw new Error("the Redis hold never appeared in Redis");
    await sleep(10);
  }

  // The cut isolate fails back meanwhile: its sync meets the Redis hold being taken back.
  const sync = (await (await down.admin("POST", "/v1/admin/sync")).json()) as SyncAnswer;
  expect(sync, "the sync ran inside the retraction's window").toMatchObject({
    mode: "redis",
    sync: { synced: 0, conflicts: 1 },
  });
  await expectSlotHeld(await refused);
  expect(await redisHoldsOf(prefix, c.staffId)).toEqual([]);
  return { prefix, up, down, c, start, fallbackHold };
}

describe("failback sync meeting a Redis hold the booking store refused", () => {
  it("keeps the fallback hold (the booking store's choice): the slot has one holder before, during and after", async () => {
    const { prefix, up, down, c, start, fallbackHold } = await raceSyncWithRetraction();

    // The fallback hold's holder was told 201 and still holds the slot: nobody else gets it.
    await expectSlotHeld(await hold(up, c, start));
    await expectSlotHeld(await hold(down, c, start));

    // A later sync (the cron's) finds the way clear and moves the fallback hold to Redis.
    const again = (await (await down.admin("POST", "/v1/admin/sync")).json()) as SyncAnswer;
    expect(again).toMatchObject({ mode: "redis", sync: { synced: 1, conflicts: 0 } });
    expect(await redisHoldsOf(prefix, c.staffId)).toEqual([
      `h:${fallbackHold.holdId.slice(4, 20)}:0`,
    ]);
    await expectSlotHeld(await hold(up, c, start));
    await Promise.all([up.background(), down.background()]);
  }, 60_000);

  it("the kept hold's holder books it before any later sync, through an isolate that never failed", async () => {
    const { prefix, up, down, c, start, fallbackHold } = await raceSyncWithRetraction();
    const booked = await up.json(
      "POST",
      "/v1/appointments",
      {
        holdId: fallbackHold.holdId,
        holdToken: fallbackHold.holdToken,
        customer: { name: "Kept Holder", email: `${uniqueId("kept")}@example.test` },
      },
      { "Idempotency-Key": crypto.randomUUID() },
    );
    expect(booked.status, await booked.clone().text()).toBe(201);
    // Booked now: the next client is refused as for any booked time.
    await expectError(await hold(up, c, start), 409, "SLOT_UNAVAILABLE");
    // The next sync meets the booking where the kept hold was: booked time, so the hold goes.
    const later = (await (await down.admin("POST", "/v1/admin/sync")).json()) as SyncAnswer;
    expect(later).toMatchObject({ mode: "redis", sync: { synced: 0, conflicts: 1 } });
    expect(await fallbackLiveOf(c.staffId)).toBe(0);
    const after = (await (await down.admin("POST", "/v1/admin/sync")).json()) as SyncAnswer;
    expect(after).toMatchObject({ mode: "redis", sync: { synced: 0, conflicts: 0 } });
    expect(await redisHoldsOf(prefix, c.staffId)).toEqual([]);
    await Promise.all([up.background(), down.background()]);
  }, 60_000);
});
