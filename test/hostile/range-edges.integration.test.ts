/**
 * Dates and date-times at the edges of their ranges, through the API: years
 * 0001, 9999 and 10000, leap seconds, extreme offsets, a 29 February that does not exist, and
 * dates past the booking horizon. Each is either a 400 naming the field or an ordinary answer
 * (a 2xx, or 409 for a slot that is not offered): never a 500. The live routes are also checked
 * with Redis down, where the heartbeat once answered 500.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { type Api, expectError, testApi } from "../drivers/api.ts";
import { createTestService, createTestStaff } from "../fixtures/catalog-fixtures.ts";
import { newClientId } from "../fixtures/live-fixtures.ts";
import { TEST_SETTINGS } from "../stack/stack-env.ts";

/** A Redis that refuses connections at once: every live call is served by the MySQL fallback. */
const REDIS_DOWN = { UPSTASH_REDIS_REST_URL: "http://127.0.0.1:9", REDIS_COOLDOWN_MS: "600000" };

const beyondHorizon = (() => {
  const date = new Date();
  date.setUTCDate(date.getUTCDate() + TEST_SETTINGS.horizonDays + 10);
  return date.toISOString().slice(0, 10);
})();

/** Dates no route accepts: outside 2000–2999, or not in the calendar. */
const BAD_DATES = ["0001-01-01", "9999-12-31", "10000-01-01", "1999-12-31", "2027-02-29"];

/** Date-times no route accepts, each for its own reason. */
const BAD_DATE_TIMES = [
  "9999-12-31T10:00:00+00:00",
  "9999-12-31T23:59:00-14:00",
  "0001-01-01T00:00:00Z",
  "0001-01-01T10:00:00+14:00",
  "10000-01-01T10:00:00Z",
  "2026-12-31T23:59:60Z",
  "2027-02-29T10:00:00+01:00",
  "2026-12-07T10:00:00+23:59",
  "2026-12-07T10:00:00-23:59",
  "2999-12-31T23:00:00-14:00",
];

/** Well-formed date-times that are simply not offered: 409 SLOT_UNAVAILABLE, not a 400 or 500. */
const UNOFFERED_DATE_TIMES = [
  "2026-12-07T10:00:00+14:00",
  "2026-12-07T10:00:00-14:00",
  `${beyondHorizon}T10:00:00+01:00`,
  "2999-12-31T10:00:00+00:00",
  "2000-01-01T10:00:00+00:00",
];

describe.each([
  ["Redis up", {}],
  ["Redis down (fallback)", REDIS_DOWN],
])("date and date-time range edges with %s", (_label, overrides) => {
  let api: Api;
  let serviceId: string;
  let staffId: string;
  const post = (path: string, body: unknown) =>
    api.request(path, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(body),
    });

  beforeAll(async () => {
    api = testApi(overrides);
    serviceId = (await createTestService(api, { durationMin: 30, bufferAfterMin: 0 })).id;
    staffId = (await createTestStaff(api, { serviceIds: [serviceId] })).id;
  });

  it.each(BAD_DATE_TIMES)(
    "POST /v1/holds and /v1/slots/select refuse start %s with 400 naming body.start",
    async (start) => {
      const body = { clientId: newClientId(), serviceId, staffId, start };
      await expectError(await post("/v1/holds", body), 400, "BAD_REQUEST", "body.start:");
      await expectError(await post("/v1/slots/select", body), 400, "BAD_REQUEST", "body.start:");
      const multi = { clientId: newClientId(), slots: [{ serviceId, staffId, start }] };
      await expectError(await post("/v1/holds", multi), 400, "BAD_REQUEST", "body.slots[0].start:");
    },
  );

  it.each(UNOFFERED_DATE_TIMES)(
    "POST /v1/holds and /v1/slots/select answer 409 SLOT_UNAVAILABLE for the unoffered %s",
    async (start) => {
      const body = { clientId: newClientId(), serviceId, staffId, start };
      await expectError(await post("/v1/holds", body), 409, "SLOT_UNAVAILABLE", "body.start:");
      await expectError(
        await post("/v1/slots/select", body),
        409,
        "SLOT_UNAVAILABLE",
        "body.start:",
      );
    },
  );

  it.each(BAD_DATES)(
    "POST /v1/heartbeat and GET /v1/availability refuse the date %s with 400 naming the field",
    async (date) => {
      const beat = await post("/v1/heartbeat", { clientId: newClientId(), staffId, date });
      await expectError(beat, 400, "BAD_REQUEST", "body.date:");
      const query = new URLSearchParams({ serviceId, staffId, from: date, to: date });
      await expectError(
        await api.request(`/v1/availability?${query}`),
        400,
        "BAD_REQUEST",
        "query.from:",
      );
    },
  );

  it("answers the range's own edges and a date past the horizon like any other date", async () => {
    for (const date of ["2000-01-01", "2999-12-31", beyondHorizon]) {
      const beat = await post("/v1/heartbeat", { clientId: newClientId(), staffId, date });
      expect(beat.status, await beat.clone().text()).toBe(200);
      const query = new URLSearchParams({ serviceId, staffId, from: date, to: date });
      const res = await api.request(`/v1/availability?${query}`);
      expect(res.status, await res.clone().text()).toBe(200);
      const body = (await res.json()) as { days: { slots: unknown[] }[] };
      expect(body.days.flatMap((day) => day.slots)).toEqual([]);
    }
  });
});
