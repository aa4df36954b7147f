import { describe, expect, it } from "vitest";
import { expectError, testApi } from "../../../test/drivers/api.ts";
import { liveFixture, newClientId } from "../../../test/fixtures/live-fixtures.ts";

const api = testApi();

describe("GET /v1/debug/locks", () => {
  it("lists live holds and markers with remaining TTLs, walking every page with the cursor", async () => {
    const live = await liveFixture(api);
    const nine = await live.start("09:00");
    const held = (await (
      await live.post("/v1/holds", {
        clientId: newClientId(),
        serviceId: live.serviceId,
        staffId: live.staffId,
        start: nine,
      })
    ).json()) as { holdId: string };
    expect(
      (
        await live.post("/v1/slots/select", {
          clientId: newClientId(),
          serviceId: live.serviceId,
          staffId: live.staffId,
          start: await live.start("10:00"),
        })
      ).status,
    ).toBe(200);

    const entries: { kind: string; id: string; start: string; remainingMs: number }[] = [];
    let cursor = "0";
    for (let page = 0; page < 1000; page++) {
      const res = await api.admin(
        "GET",
        `/v1/debug/locks?cursor=${cursor}&staffId=${live.staffId}&date=${live.date}`,
      );
      expect(res.status).toBe(200);
      const body = (await res.json()) as { cursor: string; done: boolean; entries: typeof entries };
      entries.push(...body.entries);
      cursor = body.cursor;
      if (body.done) break;
    }
    expect(entries.map((e) => [e.kind, e.start.slice(11, 16)])).toEqual([
      ["held", "09:00"],
      ["viewing", "10:00"],
    ]);
    expect(entries[0]?.id).toBe(held.holdId);
    expect(entries[0]?.remainingMs).toBeGreaterThan(590_000);
    expect(entries[0]?.remainingMs).toBeLessThanOrEqual(600_000);
  });

  it("requires the admin token and a numeric cursor", async () => {
    await expectError(await api.request("/v1/debug/locks"), 401, "UNAUTHORIZED");
    await expectError(
      await api.admin("GET", "/v1/debug/locks?cursor=abc"),
      400,
      "BAD_REQUEST",
      "query.cursor:",
    );
  });
});
