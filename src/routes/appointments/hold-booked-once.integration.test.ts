/**
 * A client that lost the answer to its booking and retries with a new Idempotency-Key (one key
 * per attempt is a common client pattern) gets the booking its hold token made: the same 201
 * body as the first, manage token included, whatever the key, for as long as the records live.
 * A hold token books at most once.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { type Api, testApi } from "../../../test/drivers/api.ts";
import { FixedClock } from "../../../test/fixtures/fakes.ts";
import {
  type LiveFixture,
  liveFixture,
  newClientId,
} from "../../../test/fixtures/live-fixtures.ts";
import { withDb } from "../../../test/stack/db-direct.ts";
import { uniqueId } from "../../../test/stack/stack-env.ts";

const clock = new FixedClock(Date.now());
const api: Api = testApi({}, clock);
let fx: LiveFixture;

type Booking = { appointment: { id: string; start: string }; manageToken: string };

beforeAll(async () => {
  fx = await liveFixture(api);
});

async function hold(hhmm: string): Promise<{ holdId: string; holdToken: string }> {
  const res = await fx.post("/v1/holds", {
    clientId: newClientId(),
    serviceId: fx.serviceId,
    staffId: fx.staffId,
    start: await fx.start(hhmm),
  });
  expect(res.status, await res.clone().text()).toBe(201);
  const { holdId, holdToken } = (await res.json()) as { holdId: string; holdToken: string };
  return { holdId, holdToken };
}

function book(proof: { holdId: string; holdToken: string }, key: string, name = "Lost Answer") {
  return api.request("/v1/appointments", {
    method: "POST",
    headers: { "Content-Type": "application/json", "Idempotency-Key": key },
    body: JSON.stringify({
      holdId: proof.holdId,
      holdToken: proof.holdToken,
      customer: { name, email: "lost@example.test" },
    }),
  });
}

const confirmedOf = (staffId: string) =>
  withDb(async (conn) => {
    const [rows] = await conn.query(
      "SELECT id FROM appointments WHERE staff_id = ? AND status = 'confirmed'",
      [staffId],
    );
    return (rows as { id: string }[]).map((row) => row.id);
  });

describe("booking a hold its token already booked", () => {
  it("answers that booking (the same 201 body) to a retry with a new key, then and after the hold's cap", async () => {
    const proof = await hold("09:00");
    const first = await book(proof, uniqueId("k"));
    expect(first.status, await first.clone().text()).toBe(201);
    const original = await first.text();
    const booked = JSON.parse(original) as Booking;

    const retry = await book(proof, uniqueId("k"));
    expect(retry.status, await retry.clone().text()).toBe(201);
    expect(await retry.text()).toBe(original);
    // Another body too: the hold is booked, and the answer is the booking as it is.
    const other = await book(proof, uniqueId("k"), "Someone Else");
    expect(other.status).toBe(201);
    expect(await other.text()).toBe(original);

    // Past the live entries' life and the hold's extension cap: still that booking.
    clock.advance(60 * 60_000);
    try {
      const late = await book(proof, uniqueId("k"));
      expect(late.status, await late.clone().text()).toBe(201);
      expect(await late.text()).toBe(original);
    } finally {
      clock.current = Date.now();
    }

    // The manage token in the answer works.
    const read = await api.request(`/v1/appointments/${booked.appointment.id}`, {
      headers: { "X-Manage-Token": booked.manageToken },
    });
    expect(read.status).toBe(200);
    expect(await confirmedOf(fx.staffId)).toEqual([booked.appointment.id]);
  });

  it("of 10 concurrent bookings of one hold, each with its own key, exactly one books; retries then get it", async () => {
    const fresh = await liveFixture(api);
    for (let round = 0; round < 20; round++) {
      const res = await fresh.post("/v1/holds", {
        clientId: newClientId(),
        serviceId: fresh.serviceId,
        staffId: fresh.staffId,
        start: await fresh.start(["09:00", "10:00", "11:00", "13:00", "14:00"][round % 5] ?? ""),
      });
      expect(res.status, await res.clone().text()).toBe(201);
      const proof = (await res.json()) as { holdId: string; holdToken: string };
      const answers = await Promise.all(
        Array.from({ length: 10 }, () => book(proof, uniqueId("k"))),
      );
      // A loser that runs while the winner's transaction is open cannot know it is its own yet
      // (see the ADR); every 201 names the one appointment.
      const created = answers.filter((r) => r.status === 201);
      const ids = new Set(
        await Promise.all(created.map(async (r) => ((await r.json()) as Booking).appointment.id)),
      );
      // However many answered 201, they name one appointment: the hold booked once.
      expect(ids.size).toBe(1);
      const [id] = [...ids];
      expect(await confirmedOf(fresh.staffId)).toEqual([id]);
      const after = (await (await book(proof, uniqueId("k"))).json()) as Booking;
      expect(after.appointment.id).toBe(id);
      // Free the time again for a later round.
      const cancel = await api.request(`/v1/appointments/${id}/cancel`, {
        method: "POST",
        headers: { "X-Manage-Token": after.manageToken },
      });
      expect(cancel.status).toBe(200);
    }
    expect(await confirmedOf(fresh.staffId)).toEqual([]);
  }, 120_000);
});
