import { describe, expect, it } from "vitest";
import { expectError, testApi } from "../../../../test/drivers/api.ts";
import { testBindings, uniqueId } from "../../../../test/stack/stack-env.ts";
import { buildServices } from "../../../compose.ts";
import { syncConflicts } from "../../../domain/alerts/system-alerts.ts";

const api = testApi();

/**
 * Settings are one document shared by every suite running against the test stack, so these
 * tests change only `businessName` (which nothing else reads) and put it back; every refused
 * change is checked to have written nothing.
 */
type Settings = Record<string, unknown> & { businessName: string; holdTtlS: number };

async function getSettings(): Promise<Settings> {
  const res = await api.admin("GET", "/v1/admin/settings");
  expect(res.status).toBe(200);
  return (await res.json()) as Settings;
}

const put = (body: unknown) => api.admin("PUT", "/v1/admin/settings", body);

describe("admin settings", () => {
  it("returns every setting", async () => {
    expect(Object.keys(await getSettings()).sort()).toEqual(
      [
        "businessName",
        "cancelCutoffMin",
        "defaultLocale",
        "holdExtensionCapS",
        "holdTtlS",
        "horizonDays",
        "maxHeldSlotsPerClient",
        "maxHeldSlotsPerIp",
        "minNoticeMin",
        "operatorEmail",
        "noShowLimit",
        "reminders",
        "rescheduleCutoffMin",
        "slotIntervalMin",
        "timeZone",
        "viewingTtlS",
        "waitlistOfferTtlS",
      ].sort(),
    );
  });

  it("merges the given fields onto the current settings, keeping the others", async () => {
    const before = await getSettings();
    try {
      const res = await put({ businessName: "Salon Test Merge" });
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ ...before, businessName: "Salon Test Merge" });
      expect(await getSettings()).toEqual({ ...before, businessName: "Salon Test Merge" });
      // Values equal to the current ones (and an empty body) are accepted and change nothing.
      const same = await put({
        slotIntervalMin: before.slotIntervalMin,
        timeZone: before.timeZone,
      });
      expect(await same.json()).toEqual({ ...before, businessName: "Salon Test Merge" });
    } finally {
      expect((await put({ businessName: before.businessName })).status).toBe(200);
    }
    expect(await getSettings()).toEqual(before);
  });

  it.each([
    ["an unknown field", { otpPolicy: "off" }, "body:"],
    ["an empty business name", { businessName: " " }, "body.businessName:"],
    ["an unknown time zone", { timeZone: "Mars/Olympus" }, "body.timeZone:"],
    ["a numeric time zone", { timeZone: 1 }, "body.timeZone:"],
    ["a string slot interval", { slotIntervalMin: "15" }, "body.slotIntervalMin:"],
    ["a slot interval off the 5-minute grid", { slotIntervalMin: 12 }, "body.slotIntervalMin:"],
    [
      "a slot interval that does not divide a day",
      { slotIntervalMin: 35 },
      "body.slotIntervalMin: must divide a day",
    ],
    ["a slot interval above 240", { slotIntervalMin: 480 }, "body.slotIntervalMin:"],
    ["a fractional hold TTL", { holdTtlS: 60.5 }, "body.holdTtlS:"],
    ["a hold TTL below 5 s", { holdTtlS: 4 }, "body.holdTtlS:"],
    ["a viewing TTL above 300 s", { viewingTtlS: 301 }, "body.viewingTtlS:"],
    ["an extension cap above 7200 s", { holdExtensionCapS: 7201 }, "body.holdExtensionCapS:"],
    ["a negative minimum notice", { minNoticeMin: -1 }, "body.minNoticeMin:"],
    ["a zero horizon", { horizonDays: 0 }, "body.horizonDays:"],
    ["a horizon over 730 days", { horizonDays: 731 }, "body.horizonDays:"],
    ["a cancel cut-off over 30 days", { cancelCutoffMin: 43_201 }, "body.cancelCutoffMin:"],
    ["a null reschedule cut-off", { rescheduleCutoffMin: null }, "body.rescheduleCutoffMin:"],
    ["an unsupported default language", { defaultLocale: "it" }, "body.defaultLocale:"],
    ["a region tag as the default language", { defaultLocale: "de-DE" }, "body.defaultLocale:"],
    [
      "an operator email that is no address",
      { operatorEmail: "ops at salon" },
      "body.operatorEmail:",
    ],
    ["an operator email that is a list", { operatorEmail: ["a@b.example"] }, "body.operatorEmail:"],
    [
      "an operator email over 254 characters",
      { operatorEmail: `${"a".repeat(250)}@b.example` },
      "body.operatorEmail:",
    ],
    ["a reminder below 5 minutes", { reminders: [4] }, "body.reminders[0]:"],
    ["a repeated reminder", { reminders: [1440, 1440] }, "body.reminders: must not repeat"],
    ["six reminders", { reminders: [5, 10, 15, 20, 25, 30] }, "body.reminders:"],
    ["null reminders", { reminders: null }, "body.reminders:"],
    ["a no-show limit of 0", { noShowLimit: { count: 0, days: 30 } }, "body.noShowLimit.count:"],
    ["a no-show limit without days", { noShowLimit: { count: 2 } }, "body.noShowLimit.days:"],
    [
      "a no-show window over 730 days",
      { noShowLimit: { count: 2, days: 731 } },
      "body.noShowLimit.days:",
    ],
    [
      "an extension cap below the hold TTL",
      { holdTtlS: 600, holdExtensionCapS: 300 },
      "body.holdExtensionCapS: must be at least holdTtlS",
    ],
  ])("refuses %s with 400 naming the field, and changes nothing", async (_label, body, message) => {
    const before = await getSettings();
    await expectError(await put(body), 400, "BAD_REQUEST", message);
    expect(await getSettings()).toEqual(before);
  });

  it("an operator email receives system alerts by email until it is set back to null", async () => {
    const before = await getSettings();
    expect(before.operatorEmail).toBeNull();
    const operatorEmail = `${uniqueId("ops")}@example.test`;
    try {
      const res = await put({ operatorEmail });
      expect(await res.json()).toEqual({ ...before, operatorEmail });
      // An alert raised by an isolate of another deployment (its own prefix, so its own incident).
      const services = buildServices(testBindings(`${uniqueId("st")}:`));
      const alerted = await syncConflicts(services.ctx, {
        trigger: "cron",
        startedAtMs: Date.now(),
        durationMs: 12,
        outcome: "synced",
        synced: 4,
        conflicts: 1,
        alreadyInRedis: 0,
        offerFields: 0,
        idempotencyClaims: 0,
        rateEvents: 0,
      });
      expect(alerted).toBe(true);
      const outbox = await api.admin(
        "GET",
        `/v1/admin/outbox?to=${encodeURIComponent(operatorEmail)}`,
      );
      const { emails } = (await outbox.json()) as {
        emails: { kind: string; subject: string; body: string; attachments: unknown[] }[];
      };
      expect(emails).toHaveLength(1);
      expect(emails[0]).toMatchObject({
        kind: "system-alert",
        subject: `[${before.businessName}] The failback sync found 1 conflicting hold(s)`,
        attachments: [],
      });
      expect(emails[0]?.body).toContain("Event: system.sync_conflicts");
    } finally {
      const cleared = await put({ operatorEmail: null });
      expect(await cleared.json()).toEqual(before);
    }
  });

  it("checks the cap against the merged result, not only the fields given", async () => {
    const before = await getSettings();
    const res = await put({ holdExtensionCapS: before.holdTtlS - 1 });
    await expectError(res, 400, "BAD_REQUEST", "body.holdExtensionCapS: must be at least holdTtlS");
    expect(await getSettings()).toEqual(before);
  });

  it("refuses malformed JSON with 400", async () => {
    await expectError(await put("[1,"), 400, "BAD_REQUEST", "body: malformed JSON");
  });

  it("requires the admin token", async () => {
    await expectError(
      await api.request("/v1/admin/settings"),
      401,
      "UNAUTHORIZED",
      "header.authorization:",
    );
    const init = { method: "PUT", body: "{}", headers: { "Content-Type": "application/json" } };
    await expectError(await api.request("/v1/admin/settings", init), 401, "UNAUTHORIZED");
  });
});
