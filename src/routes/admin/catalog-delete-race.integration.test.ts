/**
 * Deleting a staff member or a service races a booking: the booking
 * transaction reads its catalog rows with a shared lock, and the delete locks them exclusively
 * before it looks for future appointments, so exactly one of the two wins every time: the
 * booking (201) and the delete is refused (409 CONFLICT), or the delete (204) and the booking is
 * refused (409 SLOT_UNAVAILABLE). Never a confirmed appointment of a deleted row.
 */
import { describe, expect, it } from "vitest";
import { type Api, expectError, testApi } from "../../../test/drivers/api.ts";
import { liveFixture, newClientId } from "../../../test/fixtures/live-fixtures.ts";
import { withDb } from "../../../test/stack/db-direct.ts";
import { uniqueId } from "../../../test/stack/stack-env.ts";

const ROUNDS = 12;
const api: Api = testApi();

/** One round: a fresh staff member and service, a hold, then booking and delete at once. */
async function race(target: "staff" | "services"): Promise<"booking" | "delete"> {
  const live = await liveFixture(api);
  const res = await live.post("/v1/holds", {
    clientId: newClientId(),
    serviceId: live.serviceId,
    staffId: live.staffId,
    start: await live.start("10:00"),
  });
  expect(res.status, await res.clone().text()).toBe(201);
  const { holdId, holdToken } = (await res.json()) as { holdId: string; holdToken: string };
  const id = target === "staff" ? live.staffId : live.serviceId;
  const [booking, deletion] = await Promise.all([
    api.request("/v1/appointments", {
      method: "POST",
      headers: { "Content-Type": "application/json", "Idempotency-Key": uniqueId("race-") },
      body: JSON.stringify({
        holdId,
        holdToken,
        customer: { name: "Race", email: "race@example.test" },
      }),
    }),
    api.admin("DELETE", `/v1/admin/${target}/${id}`),
  ]);
  const confirmed = await withDb(async (conn) => {
    const [rows] = await conn.query(
      `SELECT COUNT(*) AS n FROM appointments WHERE ${target === "staff" ? "staff_id" : "service_id"} = ? AND status = 'confirmed'`,
      [id],
    );
    return Number((rows as { n: number }[])[0]?.n);
  });
  const outcome = { booking: booking.status, deletion: deletion.status, confirmed };
  const bookingWon = { booking: 201, deletion: 409, confirmed: 1 };
  const deleteWon = { booking: 409, deletion: 204, confirmed: 0 };
  expect([bookingWon, deleteWon]).toContainEqual(outcome);
  if (booking.status === 201) {
    await expectError(deletion, 409, "CONFLICT");
    return "booking";
  }
  await expectError(booking, 409, "SLOT_UNAVAILABLE", "holdId:");
  return "delete";
}

describe.each(["staff", "services"] as const)("DELETE /v1/admin/%s racing a booking", (target) => {
  it(`exactly one wins, ${ROUNDS} times in a row: the booking (delete 409) or the delete (booking 409)`, async () => {
    const winners: string[] = [];
    for (let round = 0; round < ROUNDS; round++) winners.push(await race(target));
    expect(winners).toHaveLength(ROUNDS);
  });
});
