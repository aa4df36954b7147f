import { beforeAll, describe, expect, it } from "vitest";
import { expectError, testApi } from "../../../test/drivers/api.ts";
import { FixedClock } from "../../../test/fixtures/fakes.ts";
import {
  type LiveFixture,
  liveFixture,
  newClientId,
} from "../../../test/fixtures/live-fixtures.ts";

type Beat = {
  serverTime: string;
  storage: string;
  version: string;
  slots?: { start: string; end: string; state: string; mine: boolean }[];
};

const clock = new FixedClock(Date.now());
const api = testApi({}, clock);
let live: LiveFixture;

async function beat(clientId: string, extra: Record<string, unknown> = {}): Promise<Beat> {
  const res = await live.post("/v1/heartbeat", {
    clientId,
    staffId: live.staffId,
    date: live.date,
    ...extra,
  });
  expect(res.status).toBe(200);
  return (await res.json()) as Beat;
}

const select = (clientId: string, start: string) =>
  live.post("/v1/slots/select", {
    clientId,
    serviceId: live.serviceId,
    staffId: live.staffId,
    start,
  });
const hold = (clientId: string, start: string) =>
  live.post("/v1/holds", { clientId, serviceId: live.serviceId, staffId: live.staffId, start });

beforeAll(async () => {
  live = await liveFixture(api);
});

describe("selection and heartbeat on the real Redis", () => {
  it("reports other clients' markers and holds, with the caller's own as mine", async () => {
    const me = newClientId();
    const other = newClientId();
    const [nine, ten] = [await live.start("09:00"), await live.start("10:00")];
    expect((await select(other, nine)).status).toBe(200);
    expect((await hold(me, ten)).status).toBe(201);
    const view = await beat(me);
    expect(view.storage).toBe("redis");
    expect(view.serverTime).toBe(new Date(clock.nowMs()).toISOString());
    expect(view.slots).toEqual([
      { start: nine, end: nine.replace("09:00", "09:30"), state: "viewing", mine: false },
      { start: ten, end: ten.replace("10:00", "10:30"), state: "held", mine: true },
    ]);
    const seen = (await live.slots(newClientId()))
      .filter((s) => s.state !== "available")
      .map((s) => [s.start.slice(11, 16), s.state]);
    expect(seen).toEqual([
      ["09:00", "viewing"],
      ["09:15", "viewing"],
      ["09:45", "held"],
      ["10:00", "held"],
      ["10:15", "held"],
    ]);
  });

  it("a new selection replaces the client's previous one", async () => {
    const me = newClientId();
    const watcher = newClientId();
    expect((await select(me, await live.start("11:00"))).status).toBe(200);
    expect((await select(me, await live.start("11:30"))).status).toBe(200);
    const mine = (await beat(watcher)).slots?.filter((s) => s.start.includes("T11:"));
    expect(mine?.map((s) => s.start.slice(11, 16))).toEqual(["11:30"]);
  });

  it("refuses to select a slot another client holds (409 SLOT_HELD) or one not offered (409 SLOT_UNAVAILABLE)", async () => {
    const start = await live.start("13:00");
    expect((await hold(newClientId(), start)).status).toBe(201);
    await expectError(await select(newClientId(), start), 409, "SLOT_HELD", "body.start:");
    await expectError(
      await select(newClientId(), start.replace("13:00", "12:30")),
      409,
      "SLOT_UNAVAILABLE",
      "body.start:",
    );
  });

  it("the version changes on every hold, release and marker change, and stays put otherwise", async () => {
    const me = newClientId();
    const other = newClientId();
    const v0 = (await beat(me)).version;
    expect((await beat(me)).version).toBe(v0);
    const held = (await (await hold(other, await live.start("14:00"))).json()) as {
      holdId: string;
      holdToken: string;
    };
    const v1 = (await beat(me)).version;
    expect(v1).not.toBe(v0);
    expect((await select(other, await live.start("15:00"))).status).toBe(200);
    const v2 = (await beat(me)).version;
    expect(v2).not.toBe(v1);
    expect((await beat(me)).version).toBe(v2);
    const released = await api.request(`/v1/holds/${held.holdId}`, {
      method: "DELETE",
      headers: { "X-Hold-Token": held.holdToken },
    });
    expect(released.status).toBe(204);
    const v3 = (await beat(me)).version;
    expect(v3).not.toBe(v2);
    clock.advance(10_001); // the other client's marker lapses without a heartbeat
    const v4 = (await beat(me)).version;
    expect(v4).not.toBe(v3);
    expect((await beat(me)).version).toBe(v4);
  });

  it("omits slots when nothing changed since the given version", async () => {
    const me = newClientId();
    const first = await beat(me);
    expect(first.slots).toBeDefined();
    const again = await beat(me, { since: first.version });
    expect(again).toEqual({
      serverTime: again.serverTime,
      storage: "redis",
      version: first.version,
    });
  });

  it("a heartbeat keeps the caller's marker alive past the viewing TTL; viewing: false drops it", async () => {
    const me = newClientId();
    const watcher = newClientId();
    const start = await live.start("16:00");
    expect((await select(me, start)).status).toBe(200);
    for (let i = 0; i < 3; i++) {
      clock.advance(8_000);
      await beat(me);
    }
    expect(
      (await beat(watcher)).slots?.some((s) => s.start === start && s.state === "viewing"),
    ).toBe(true);
    await beat(me, { viewing: false });
    expect((await beat(watcher)).slots?.some((s) => s.start === start)).toBe(false);
  });
});
