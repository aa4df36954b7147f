/**
 * Hold and select answer every time in the staff member's offset, at that instant, however the
 * caller wrote the slot (`Z`, another offset), as availability and appointments do: on Redis
 * and on the MySQL fallback (Redis refusing), over a date whose offset changes. The clock stands
 * a few days before Europe/Berlin's 2027-10-31, when 03:00 CEST (+02:00) becomes 02:00 CET
 * (+01:00): a slot may start in one offset and end in the other.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Api } from "../../../test/drivers/api.ts";
import { testApi } from "../../../test/drivers/api.ts";
import { createTestService, createTestStaff } from "../../../test/fixtures/catalog-fixtures.ts";
import { FixedClock } from "../../../test/fixtures/fakes.ts";
import {
  type FaultGateways,
  isolateOver,
  startFaultGateways,
} from "../../../test/stack/fault-gateways.ts";
import { directRedis, offerKey } from "../../../test/stack/redis-direct.ts";
import { uniqueId } from "../../../test/stack/stack-env.ts";

type Slot = { start: string; end: string };
type Caller = Pick<Api, "request" | "admin">;

const NOW = Date.parse("2027-10-27T12:00:00Z");
const redis = directRedis();
afterAll(() => redis.quit());
const SUNDAY = "2027-10-31";
const MONDAY = "2027-11-01";

/** `start` as another caller may write it: in UTC with `Z`, or at `offsetMin` from UTC. */
function written(start: string, offsetMin: number | "Z"): string {
  const ms = Date.parse(start);
  if (offsetMin === "Z") return new Date(ms).toISOString().replace(".000Z", "Z");
  const wall = new Date(ms + offsetMin * 60_000).toISOString().slice(0, 19);
  const abs = Math.abs(offsetMin);
  const hh = String(Math.floor(abs / 60)).padStart(2, "0");
  const mm = String(abs % 60).padStart(2, "0");
  return `${wall}${offsetMin < 0 ? "-" : "+"}${hh}:${mm}`;
}

function post(api: Caller, path: string, body: unknown) {
  return api.request(path, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(body),
  });
}

/** A Europe/Berlin staff member working through the night of the change and Monday morning. */
async function berlinStaff(caller: Caller) {
  const api = { bindings: {}, request: caller.request, admin: caller.admin };
  const { id: serviceId } = await createTestService(api, { durationMin: 60, bufferAfterMin: 0 });
  const { id: staffId } = await createTestStaff(api, {
    serviceIds: [serviceId],
    timeZone: "Europe/Berlin",
    weekly: {
      sunday: [{ start: "00:00", end: "06:00" }],
      monday: [{ start: "09:00", end: "12:00" }],
    },
  });
  return { serviceId, staffId };
}

async function availability(api: Caller, ids: { serviceId: string; staffId: string }) {
  const query = new URLSearchParams({ ...ids, from: SUNDAY, to: MONDAY });
  const res = await api.request(`/v1/availability?${query}`);
  expect(res.status, await res.clone().text()).toBe(200);
  const { days } = (await res.json()) as { days: { date: string; slots: Slot[] }[] };
  return days;
}

/**
 * The slots the cases use, as availability wrote them: one starting and ending in CEST, one
 * starting in CEST and ending in CET, one starting at 02:30 CET (02:30 happens twice), and one
 * on an ordinary Monday.
 */
function cases(days: { date: string; slots: Slot[] }[]): Slot[] {
  const sunday = days.find((d) => d.date === SUNDAY)?.slots ?? [];
  const monday = days.find((d) => d.date === MONDAY)?.slots ?? [];
  const pick = (what: string, found: Slot | undefined) => {
    if (!found) throw new Error(`no slot ${what}: ${JSON.stringify(sunday.map((s) => s.start))}`);
    return found;
  };
  return [
    pick(
      "in CEST",
      sunday.find((s) => s.start.endsWith("+02:00") && s.end.endsWith("+02:00")),
    ),
    pick(
      "across",
      sunday.find((s) => s.start.endsWith("+02:00") && s.end.endsWith("+01:00")),
    ),
    pick(
      "at 02:30 CET",
      sunday.find((s) => s.start === "2027-10-31T02:30:00+01:00"),
    ),
    pick("on Monday", monday[0]),
  ];
}

/** Selects and holds each case written as `Z`, `-05:00` and `+09:30`; every answer is availability's. */
async function expectStaffOffsets(api: Caller, ids: { serviceId: string; staffId: string }) {
  const slots = cases(await availability(api, ids));
  for (const slot of slots) {
    for (const offset of ["Z", -300, 570] as const) {
      const start = written(slot.start, offset);
      const clientId = uniqueId("client_");
      const selected = await post(api, "/v1/slots/select", { clientId, ...ids, start });
      expect(selected.status, `${start}: ${await selected.clone().text()}`).toBe(200);
      expect(await selected.json(), start).toMatchObject({ start: slot.start, end: slot.end });
      const held = await post(api, "/v1/holds", { clientId, ...ids, start });
      expect(held.status, `${start}: ${await held.clone().text()}`).toBe(201);
      const hold = (await held.json()) as { holdId: string; holdToken: string; slots: Slot[] };
      expect(
        hold.slots.map((s) => ({ start: s.start, end: s.end })),
        start,
      ).toEqual([{ start: slot.start, end: slot.end }]);
      const released = await api.request(`/v1/holds/${hold.holdId}`, {
        method: "DELETE",
        headers: { "X-Hold-Token": hold.holdToken },
      });
      expect(released.status).toBe(204);
    }
  }
}

describe("hold and select answer in the staff member's offset", () => {
  it("on Redis", async () => {
    const api = testApi({}, new FixedClock(NOW));
    await expectStaffOffsets(api, await berlinStaff(api));
  }, 60_000);

  it("on Redis, over offers written before they carried offsets: republished once, then answered", async () => {
    const api = testApi({}, new FixedClock(NOW));
    const ids = await berlinStaff(api);
    const [slot] = cases(await availability(api, ids));
    if (!slot) throw new Error("no slot");
    // The offer as the previous version left it: the date fields without their "o:<date>".
    const key = offerKey(api.bindings.REDIS_KEY_PREFIX ?? "", ids.serviceId, ids.staffId);
    const fields = await redis.hkeys(key);
    const offsets = fields.filter((f) => f.startsWith("o:"));
    expect(offsets).toEqual(expect.arrayContaining([`o:${SUNDAY}`, `o:${MONDAY}`]));
    await redis.hdel(key, ...offsets);
    const start = written(slot.start, "Z");
    const held = await post(api, "/v1/holds", { clientId: uniqueId("client_"), ...ids, start });
    expect(held.status, await held.clone().text()).toBe(201);
    const hold = (await held.json()) as { slots: Slot[] };
    expect(hold.slots.map((s) => ({ start: s.start, end: s.end }))).toEqual([
      { start: slot.start, end: slot.end },
    ]);
    // Republished (the slot's dates, from SQL) with their offsets.
    expect(await redis.hkeys(key)).toContain(`o:${SUNDAY}`);
  }, 60_000);

  describe("on the MySQL fallback", () => {
    let gateways: FaultGateways;
    beforeAll(async () => {
      gateways = await startFaultGateways();
    });
    afterAll(() => gateways.close());

    it("while Redis refuses", async () => {
      const api = isolateOver(gateways, `${uniqueId("so")}:`, {}, { clock: new FixedClock(NOW) });
      const ids = await berlinStaff(api);
      gateways.upstash.setFault("refuse");
      try {
        await expectStaffOffsets(api, ids);
        const status = await api.admin("GET", "/v1/debug/redis-status");
        expect(((await status.json()) as { mode: string }).mode).not.toBe("redis");
      } finally {
        gateways.upstash.setFault("none");
      }
    }, 120_000);
  });
});
