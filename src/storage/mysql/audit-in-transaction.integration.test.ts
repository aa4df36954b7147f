import { Client } from "@planetscale/database";
import { describe, expect, it } from "vitest";
import { testApi } from "../../../test/drivers/api.ts";
import {
  createTestService,
  createTestStaff,
  upcomingMonday,
} from "../../../test/fixtures/catalog-fixtures.ts";
import { insertAppointmentWithCells } from "../../../test/stack/db-direct.ts";
import { uniqueId } from "../../../test/stack/stack-env.ts";
import type { AuditEntry } from "../../domain/ports.ts";
import { MysqlAuditLog } from "./audit-repo.ts";
import { MysqlBookingRepo } from "./booking-repo.ts";

const api = testApi();
const db = new Client({ url: api.bindings.DATABASE_URL ?? "" });
const bookings = new MysqlBookingRepo(db);
const audit = new MysqlAuditLog(db);

function entry(targetId: string): AuditEntry {
  return {
    id: `aud_${uniqueId("x")
      .replaceAll(/[^0-9a-z]/g, "")
      .slice(-20)
      .padStart(20, "0")}`,
    atMs: Date.now(),
    actor: "admin-token",
    operation: "adminCancelAppointment",
    method: "POST",
    path: `/v1/admin/appointments/${targetId}/cancel`,
    targetId,
    change: null,
    status: 200,
    address: "203.0.113.1",
    requestId: uniqueId("req"),
  };
}

describe("an admin cancel's audit entry is written in the cancel's transaction", () => {
  it("both commit together; an entry that cannot be written undoes the cancel", async () => {
    const service = await createTestService(api);
    const staff = await createTestStaff(api, { serviceIds: [service.id], timeZone: "UTC" });
    const startMs = Date.parse(`${upcomingMonday(21)}T10:00:00Z`);
    const insert = () =>
      insertAppointmentWithCells({
        staffId: staff.id,
        serviceId: service.id,
        startMs,
        endMs: startMs + 3_600_000,
      });
    const cancel = (id: string, withEntry: AuditEntry) =>
      bookings.cancel({
        id,
        nowMs: Date.now(),
        cutoffMs: null,
        announce: () => ({ emails: [], events: [], audit: withEntry }),
      });

    const first = await insert();
    const written = entry(first);
    expect((await cancel(first, written)).kind).toBe("cancelled");
    expect((await audit.list({ targetId: first, limit: 10 })).map((e) => e.id)).toEqual([
      written.id,
    ]);

    // The same entry id again: its insert fails, so the whole cancel rolls back.
    const second = await insert();
    await expect(cancel(second, { ...written, targetId: second })).rejects.toThrow();
    const [still] = await bookings.getAppointments([second]);
    expect(still?.status).toBe("confirmed");
    expect(await audit.list({ targetId: second, limit: 10 })).toEqual([]);
  });
});
