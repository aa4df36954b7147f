/**
 * Idempotency keys are scoped to the hold they book: a key someone guessed
 * or reused cannot push another hold's booking into 409, and the pretix contract still holds for
 * the same hold (same key and body: the same 201; another body: 409; in flight: 409).
 */
import { beforeAll, describe, expect, it } from "vitest";
import { type Api, expectError, testApi } from "../../../test/drivers/api.ts";
import {
  type LiveFixture,
  liveFixture,
  newClientId,
} from "../../../test/fixtures/live-fixtures.ts";
import { directRedis, idempotencyClaimKey } from "../../../test/stack/redis-direct.ts";
import { uniqueId } from "../../../test/stack/stack-env.ts";
import { idempotencyKeyHash } from "../../domain/booking/book-appointment.ts";
import { sha256Hex } from "../../domain/crypto.ts";

type Hold = { holdId: string; holdToken: string };

const api: Api = testApi();
const redis = directRedis();
let live: LiveFixture;

async function hold(hhmm: string): Promise<Hold> {
  const res = await live.post("/v1/holds", {
    clientId: newClientId(),
    serviceId: live.serviceId,
    staffId: live.staffId,
    start: await live.start(hhmm),
  });
  expect(res.status, await res.clone().text()).toBe(201);
  const { holdId, holdToken } = (await res.json()) as Hold;
  return { holdId, holdToken };
}

function book(h: Hold, key: string, name = "Mia Weber") {
  return api.request("/v1/appointments", {
    method: "POST",
    headers: { "Content-Type": "application/json", "Idempotency-Key": key },
    body: JSON.stringify({ ...h, customer: { name, email: "mia@example.com" } }),
  });
}

beforeAll(async () => {
  live = await liveFixture(api);
});

describe("Idempotency-Key scoped to the hold", () => {
  it("two different holds booked with the same Idempotency-Key both book (201 each)", async () => {
    const key = uniqueId("shared-key-");
    const victim = await hold("09:00");
    const attacker = await hold("10:00");
    // The attacker books first with the key it guessed: the victim's booking must not be a 409.
    const first = await book(attacker, key, "Eve");
    expect(first.status, await first.clone().text()).toBe(201);
    const second = await book(victim, key);
    expect(second.status, await second.clone().text()).toBe(201);
    const ids = await Promise.all(
      [first, second].map(
        async (r) => ((await r.json()) as { appointment: { id: string } }).appointment.id,
      ),
    );
    expect(new Set(ids).size).toBe(2);
  });

  it("keeps the contract for one hold: same key and body replay the 201, another body is 409", async () => {
    const key = uniqueId("key-");
    const h = await hold("11:00");
    const first = await book(h, key);
    expect(first.status).toBe(201);
    const replay = await book(h, key);
    expect(replay.status).toBe(201);
    expect(await replay.json()).toEqual(await first.json());
    await expectError(
      await book(h, key, "Someone else"),
      409,
      "IDEMPOTENCY_CONFLICT",
      "header.idempotency-key:",
    );
  });

  it("answers 409 to a request for the same hold and key while the first is in flight", async () => {
    const key = uniqueId("key-");
    const h = await hold("13:00");
    // The first request's claim, as lua/begin_booking.lua writes it before the SQL transaction.
    const claim = await idempotencyKeyHash(h.holdId, key);
    const customer = { name: "Mia Weber", email: "mia@example.com", phone: null };
    const bodyHash = await sha256Hex(JSON.stringify([h.holdId, h.holdToken, customer, ""]));
    const staffId = h.holdId.slice("hld_".length + 17);
    const claimKey = idempotencyClaimKey(api.bindings.REDIS_KEY_PREFIX ?? "", staffId, claim);
    await redis.set(claimKey, bodyHash, "PX", 60_000);
    await expectError(
      await book(h, key),
      409,
      "IDEMPOTENCY_CONFLICT",
      "header.idempotency-key: a request with this key is still in flight",
    );
    // The same key for another hold is not that request: it books.
    expect((await book(await hold("14:00"), key)).status).toBe(201);
  });
});
