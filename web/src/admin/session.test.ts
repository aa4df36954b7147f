import { describe, expect, it } from "vitest";
import { roleAllows } from "../../../src/http/admin-scopes.ts";
import { capabilitiesOf } from "./roles.ts";
import { parseSession } from "./session.ts";

const NOW = Date.parse("2026-12-07T10:00:00Z");
const account = { id: "acc_1", email: "a@x.example", name: "A", role: "staff", staffId: "stf_1" };

describe("the kept business session", () => {
  it("is used while well formed and unexpired", () => {
    const raw = JSON.stringify({ token: "ae_bs_x", expiresAt: "2026-12-07T11:00:00Z", account });
    expect(parseSession(raw, NOW)?.account.staffId).toBe("stf_1");
  });

  it("is dropped when expired, malformed, not a business token or of an unknown role", () => {
    const ok = { token: "ae_bs_x", expiresAt: "2026-12-07T11:00:00Z", account };
    expect(parseSession(JSON.stringify({ ...ok, expiresAt: "2026-12-07T10:00:00Z" }), NOW)).toBe(
      undefined,
    );
    expect(parseSession(JSON.stringify({ ...ok, token: "ae_s_customer" }), NOW)).toBe(undefined);
    expect(
      parseSession(JSON.stringify({ ...ok, account: { ...account, role: "admin" } }), NOW),
    ).toBe(undefined);
    expect(parseSession("{not json", NOW)).toBe(undefined);
    expect(parseSession(null, NOW)).toBe(undefined);
  });
});

describe("what a role's app offers", () => {
  it("staff: attendance on its own days only; managers all but accounts; owners everything", () => {
    expect(capabilitiesOf("staff")).toEqual({
      everyone: false,
      cancel: false,
      reschedule: false,
      attendance: true,
      closures: false,
      settings: false,
      accounts: false,
      catalog: false,
      weeklyHours: false,
      integrations: false,
    });
    for (const role of ["owner", "manager"] as const) {
      expect(capabilitiesOf(role)).toEqual({
        everyone: true,
        cancel: true,
        reschedule: true,
        attendance: true,
        closures: true,
        settings: true,
        accounts: role === "owner",
        catalog: true,
        weeklyHours: true,
        integrations: role === "owner",
      });
    }
  });

  it("offers API keys and webhooks to exactly the roles the server lets manage them", () => {
    for (const role of ["owner", "manager", "staff"] as const) {
      const server =
        roleAllows(role, "GET", "/v1/admin/api-keys") &&
        roleAllows(role, "POST", "/v1/admin/api-keys") &&
        roleAllows(role, "DELETE", "/v1/admin/api-keys/{id}") &&
        roleAllows(role, "GET", "/v1/admin/webhooks") &&
        roleAllows(role, "POST", "/v1/admin/webhooks/{id}/rotate-secret");
      expect(capabilitiesOf(role).integrations, role).toBe(server);
    }
  });
});
