/**
 * The store's own guarantee, with no Redis in front: MySQL's cells make an overlapping second
 * booking impossible, whatever the concurrency.
 */
import { Client } from "@planetscale/database";
import { beforeAll, describe, expect, it } from "vitest";
import { testApi } from "../../../test/drivers/api.ts";
import {
  createTestService,
  createTestStaff,
  upcomingMonday,
} from "../../../test/fixtures/catalog-fixtures.ts";
import { uniqueId } from "../../../test/stack/stack-env.ts";
import type { BookInput } from "../../domain/booking/types.ts";
import { MysqlBookingRepo } from "./booking-repo.ts";

const api = testApi();
const repo = new MysqlBookingRepo(new Client({ url: api.bindings.DATABASE_URL ?? "" }));
let staffId: string;
let serviceId: string;
let longServiceId: string;
const mondayMs = Date.parse(`${upcomingMonday()}T09:00:00Z`);

beforeAll(async () => {
  serviceId = (await createTestService(api, { durationMin: 30, bufferAfterMin: 0 })).id;
  longServiceId = (await createTestService(api, { durationMin: 60, bufferAfterMin: 15 })).id;
  staffId = (await createTestStaff(api, { serviceIds: [serviceId, longServiceId] })).id;
});

function input(startMs: number, service = serviceId): BookInput {
  return {
    staffId,
    serviceId: service,
    appointmentIds: [uniqueId("apt_")],
    startsMs: [startMs],
    customer: { name: "Store test", email: `${uniqueId("s")}@example.test`, phone: null },
    notes: "",
    locale: null,
    answers: () => ({ ok: true, answers: [] }),
    manageTokenHash: "0".repeat(22),
    idempotency: null,
    nowMs: Date.now(),
    announce: () => ({ emails: [], events: [] }),
  };
}

describe("MysqlBookingRepo.book (MySQL alone decides)", () => {
  it("of 200 concurrent bookings for 20 slots exactly 20 succeed; 180 are slot-taken", async () => {
    const starts = Array.from({ length: 20 }, (_, i) => mondayMs + i * 30 * 60_000);
    const outcomes = await Promise.all(
      starts.flatMap((startMs) => Array.from({ length: 10 }, () => repo.book(input(startMs)))),
    );
    const kinds = outcomes.map((o) => o.kind);
    expect(kinds.filter((k) => k === "booked")).toHaveLength(20);
    expect(kinds.filter((k) => k === "slot-taken")).toHaveLength(180);
  }, 60_000);

  it("concurrent bookings of overlapping slots with different durations never both succeed", async () => {
    const start = mondayMs + 24 * 3_600_000; // the next day, 09:00 UTC
    // 60 min + 15 min buffer at 09:00 occupies 09:00–10:15; a 30-minute slot at 10:00 overlaps the buffer.
    const [long, short] = await Promise.all([
      repo.book(input(start, longServiceId)),
      repo.book(input(start + 60 * 60_000)),
    ]);
    expect([long.kind, short.kind].sort()).toEqual(["booked", "slot-taken"]);
  });
});
