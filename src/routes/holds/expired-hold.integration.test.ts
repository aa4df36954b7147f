/**
 * One story for a hold that is gone, whichever verb meets it: a hold token is a signed claim, so
 * booking it works while its time is free and its cap has not passed; extending it answers what
 * booking would (it renews the hold when booking would book, and refuses with booking's code
 * otherwise); and a client repeating its own hold without its token is told to send it.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { type Api, testApi } from "../../../test/drivers/api.ts";
import { FixedClock } from "../../../test/fixtures/fakes.ts";
import {
  type LiveFixture,
  liveFixture,
  newClientId,
} from "../../../test/fixtures/live-fixtures.ts";
import { TEST_SETTINGS, uniqueId } from "../../../test/stack/stack-env.ts";

const clock = new FixedClock(Date.now());
const api: Api = testApi({}, clock);
let fx: LiveFixture;

type Proof = { holdId: string; holdToken: string };
type ErrorBody = { error: { code: string; message: string } };

beforeAll(async () => {
  fx = await liveFixture(api);
});

async function hold(hhmm: string, clientId = newClientId()): Promise<Proof> {
  const res = await fx.post("/v1/holds", {
    clientId,
    serviceId: fx.serviceId,
    staffId: fx.staffId,
    start: await fx.start(hhmm),
  });
  expect(res.status, await res.clone().text()).toBe(201);
  const { holdId, holdToken } = (await res.json()) as Proof;
  return { holdId, holdToken };
}

const extend = (proof: Proof) =>
  api.request(`/v1/holds/${proof.holdId}`, {
    method: "PATCH",
    headers: { "X-Hold-Token": proof.holdToken },
  });

const book = (proof: Proof) =>
  api.request("/v1/appointments", {
    method: "POST",
    headers: { "Content-Type": "application/json", "Idempotency-Key": uniqueId("k") },
    body: JSON.stringify({
      ...proof,
      customer: { name: "Late Comer", email: "late@example.test" },
    }),
  });

/** Past the hold's TTL, before its extension cap. */
const pastTtl = () => clock.advance(TEST_SETTINGS.holdTtlS * 1000 + 1000);

async function refusal(res: Response): Promise<{ status: number; code: string }> {
  const body = (await res.json()) as ErrorBody;
  return { status: res.status, code: body.error.code };
}

describe("an expired hold, verb by verb", () => {
  it("extend renews it while its time is free (as booking would book it), and the hold then books", async () => {
    clock.current = Date.now();
    const proof = await hold("09:00");
    pastTtl();
    const renewed = await extend(proof);
    expect(renewed.status, await renewed.clone().text()).toBe(200);
    const { expiresAt } = (await renewed.json()) as { expiresAt: string };
    expect(Date.parse(expiresAt)).toBe(clock.nowMs() + TEST_SETTINGS.holdTtlS * 1000);
    // Renewed for real: another client cannot take the time now.
    const other = await fx.post("/v1/holds", {
      clientId: newClientId(),
      serviceId: fx.serviceId,
      staffId: fx.staffId,
      start: await fx.start("09:00"),
    });
    expect(other.status).toBe(409);
    expect((await book(proof)).status).toBe(201);
  });

  it("taken by another client meanwhile: extend refuses with booking's own answer", async () => {
    clock.current = Date.now();
    const proof = await hold("10:00");
    pastTtl();
    await hold("10:00");
    const byExtend = await refusal(await extend(proof));
    expect(byExtend).toEqual(await refusal(await book(proof)));
    expect(byExtend).toEqual({ status: 410, code: "HOLD_EXPIRED" });
  });

  it("released, or past its cap: extend refuses as booking does", async () => {
    clock.current = Date.now();
    const released = await hold("11:00");
    const freed = await api.request(`/v1/holds/${released.holdId}`, {
      method: "DELETE",
      headers: { "X-Hold-Token": released.holdToken },
    });
    expect(freed.status).toBe(204);
    const byExtend = await refusal(await extend(released));
    expect(byExtend).toEqual(await refusal(await book(released)));
    expect(byExtend).toEqual({ status: 410, code: "HOLD_EXPIRED" });

    const capped = await hold("13:00");
    clock.advance(TEST_SETTINGS.holdExtensionCapS * 1000 + 1000);
    const cappedByExtend = await refusal(await extend(capped));
    expect(cappedByExtend).toEqual(await refusal(await book(capped)));
    expect(cappedByExtend).toEqual({ status: 410, code: "HOLD_EXPIRED" });
    clock.current = Date.now();
  });
});
describe("a client repeating its own hold without X-Hold-Token", () => {
  it("is told to send its X-Hold-Token; another client hears that another client holds it", async () => {
    clock.current = Date.now();
    const clientId = newClientId();
    await hold("14:00", clientId);
    const start = await fx.start("14:00");
    const again = await fx.post("/v1/holds", {
      clientId,
      serviceId: fx.serviceId,
      staffId: fx.staffId,
      start,
    });
    expect(again.status).toBe(409);
    const own = (await again.json()) as ErrorBody;
    expect(own.error.code).toBe("SLOT_HELD");
    expect(own.error.message).toBe(
      "body.start: you already hold this slot; send your X-Hold-Token to get the hold back",
    );
    const other = await fx.post("/v1/holds", {
      clientId: newClientId(),
      serviceId: fx.serviceId,
      staffId: fx.staffId,
      start,
    });
    expect(other.status).toBe(409);
    expect(((await other.json()) as ErrorBody).error.message).toBe(
      "body.start: another client holds this slot",
    );
  });
});
