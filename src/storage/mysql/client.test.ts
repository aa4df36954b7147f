/**
 * The PlanetScale client as failover builds it, against the real MySQL through a gateway of this
 * file's own: each HTTP request is bounded by the timeout asked as it is sent, and only what the
 * database answered (a SQL error included) reports a round trip, the one thing that teaches the
 * learned timeout (src/storage/round-trip-baseline.ts).
 */
import { DatabaseError } from "@planetscale/database";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  type PlanetscaleGateway,
  startPlanetscaleGateway,
} from "../../../scripts/gateways/planetscale-gateway.ts";
import { TEST_STACK } from "../../../test/stack/stack-env.ts";
import { StoreUnavailableError } from "../../domain/errors.ts";
import { createMysqlClient } from "./client.ts";

let gateway: PlanetscaleGateway;

beforeAll(async () => {
  gateway = await startPlanetscaleGateway({
    port: 0,
    mysqlUrl: TEST_STACK.mysqlUrl,
    username: TEST_STACK.planetscaleUsername,
    password: TEST_STACK.planetscalePassword,
  });
});
afterEach(() => gateway.setFault("none"));
afterAll(() => gateway.close());

/** A client whose timeout is `bound.ms` when a request is sent, and the round trips it reported. */
function observedClient(bound: { ms: number }) {
  const answered: number[] = [];
  let started = 0;
  const db = createMysqlClient(
    {
      url: `http://${TEST_STACK.planetscaleUsername}:${TEST_STACK.planetscalePassword}@127.0.0.1:${gateway.port}`,
      timeoutMs: () => bound.ms,
    },
    { started: () => started++, answered: (durationMs) => answered.push(durationMs) },
  );
  return { db, answered, started: () => started };
}

describe("createMysqlClient", () => {
  it("asks the timeout of every request as it is sent: the same statement passes under a long one and fails under a short one", async () => {
    const bound = { ms: 2_000 };
    const { db } = observedClient(bound);
    gateway.setFault("slow", { slowMs: 150 });
    expect((await db.execute("SELECT 1 AS ok")).rows).toEqual([{ ok: 1 }]);
    bound.ms = 50;
    gateway.setFault("slow", { slowMs: 1_500 });
    const started = Date.now();
    await expect(db.execute("SELECT 1 AS ok")).rejects.toBeInstanceOf(StoreUnavailableError);
    expect(Date.now() - started).toBeLessThan(1_500); // the timeout, not the answer
  });

  it("reports a round trip for each answer, a SQL error included, and none for a timeout or a refusal", async () => {
    const bound = { ms: 2_000 }; // generous: shared machines
    const { db, answered, started } = observedClient(bound);
    gateway.setFault("slow", { slowMs: 40 });
    await db.execute("SELECT 1 AS ok");
    gateway.setFault("none");
    await expect(db.execute("SELECT * FROM no_such_table")).rejects.toBeInstanceOf(DatabaseError);
    bound.ms = 100;
    gateway.setFault("hang");
    await expect(db.execute("SELECT 1 AS ok")).rejects.toBeInstanceOf(StoreUnavailableError);
    gateway.setFault("refuse");
    await expect(db.execute("SELECT 1 AS ok")).rejects.toBeInstanceOf(StoreUnavailableError);
    expect(started()).toBe(4);
    expect(answered).toHaveLength(2);
    expect(answered[0]).toBeGreaterThanOrEqual(38);
    expect(answered[0]).toBeLessThan(2_000);
  });
});
