/**
 * What an isolate remembers of the holds it granted (arbitrated-live-state.ts): a hold of a time
 * it granted to another client's live hold sends no claim to the booking store, since Redis
 * refuses it, so it costs no SQL at all. When that memory is out of date (the other hold was
 * released through another isolate), the hold is still claimed before it is answered.
 */
import { afterAll, beforeAll, expect, it } from "vitest";
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
import { uniqueId } from "../../../test/stack/stack-env.ts";

let gateways: FaultGateways;
let a: Isolate;
let b: Isolate;
let c: IsolateCatalog;

beforeAll(async () => {
  gateways = await startFaultGateways();
  const prefix = `${uniqueId("gm")}:`;
  a = isolateOver(gateways, prefix, { REDIS_TIMEOUT_MS: "5000" });
  b = isolateOver(gateways, prefix, { REDIS_TIMEOUT_MS: "5000" });
  c = await catalogOver(a);
});

afterAll(() => gateways.close());

const hold = (api: Isolate, start: string) =>
  api.json("POST", "/v1/holds", {
    clientId: uniqueId("client_"),
    serviceId: c.serviceId,
    staffId: c.staffId,
    start,
  });

/** The statements the booking store runs while `fn` does. */
async function statementsOf<T>(fn: () => Promise<T>): Promise<{ result: T; sql: number }> {
  const before = gateways.planetscale.statementCount();
  const result = await fn();
  return { result, sql: gateways.planetscale.statementCount() - before };
}

/** The live claims on the staff member's cells: owner → cells (read beside the gateways). */
async function claims(): Promise<Record<string, number>> {
  return withDb(async (conn) => {
    const [rows] = await conn.query(
      "SELECT owner, COUNT(*) AS cells FROM fallback_cells WHERE staff_id = ? AND expires_at_ms > ? GROUP BY owner",
      [c.staffId, Date.now()],
    );
    return Object.fromEntries(
      (rows as { owner: string; cells: number }[]).map((r) => [r.owner, Number(r.cells)]),
    );
  });
}

it("a hold of a time this isolate granted to another client makes no SQL; after a release elsewhere the next hold is claimed before it is answered", async () => {
  const start = await startOver(a, c, "10:00");
  // The first hold of the service in isolate a teaches it the service's cells.
  const first = await hold(a, start);
  expect(first.status).toBe(201);
  const firstHold = (await first.json()) as { holdId: string; holdToken: string };

  const refused = await statementsOf(() => hold(a, start));
  expect(refused.result.status).toBe(409);
  expect(refused.sql).toBe(0);

  // Released through isolate b: isolate a still believes the time is held.
  const released = await b.request(`/v1/holds/${firstHold.holdId}`, {
    method: "DELETE",
    headers: { "X-Hold-Token": firstHold.holdToken },
  });
  expect(released.status).toBe(204);
  expect(await claims()).toEqual({});

  const granted = await statementsOf(() => hold(a, start));
  expect(granted.result.status).toBe(201);
  expect(granted.sql).toBe(1);
  // A 30-minute hold claims its six 5-minute cells, under one owner.
  expect(Object.values(await claims())).toEqual([6]);

  // Released through isolate a: it forgets the hold, so the next hold's claim goes beside the
  // script again (one statement, granted).
  const secondHold = (await granted.result.json()) as { holdId: string; holdToken: string };
  const again = await a.request(`/v1/holds/${secondHold.holdId}`, {
    method: "DELETE",
    headers: { "X-Hold-Token": secondHold.holdToken },
  });
  expect(again.status).toBe(204);
  const third = await statementsOf(() => hold(a, start));
  expect(third.result.status).toBe(201);
  expect(third.sql).toBe(1);
  expect(Object.values(await claims())).toEqual([6]);
});
