import { describe, expect, it } from "vitest";
import { SCOPES } from "../../../src/http/admin-scopes.ts";
import { WEBHOOK_EVENT_TYPES } from "../../../src/domain/webhooks/types.ts";
import { SCOPES as PAGE_SCOPES, WEBHOOK_EVENT_TYPES as PAGE_EVENTS } from "./api-lists.ts";
import { OWNER_CATALOGUES, type OwnerMessages } from "./i18n.ts";
import { endOfLocalDay, keyState } from "./keys.ts";

/** Every string of a catalogue (functions called with sample arguments, records flattened). */
function words(m: OwnerMessages): Map<string, string> {
  const out = new Map<string, string>();
  for (const [key, value] of Object.entries(m)) {
    if (typeof value === "string") out.set(key, value);
    else if (typeof value === "function")
      out.set(key, String((value as (...a: unknown[]) => string)("«A»", "«B»", "«C»")));
    else
      for (const [k, v] of Object.entries(value as Record<string, string>))
        out.set(`${key}.${k}`, v);
  }
  return out;
}

describe("the owner's pages", () => {
  it("offer exactly the API's scopes and event types (no copy of their own)", () => {
    expect(PAGE_SCOPES).toBe(SCOPES);
    expect(PAGE_EVENTS).toBe(WEBHOOK_EVENT_TYPES);
  });

  it("English and German have the same words, none empty, and a hint for every scope", () => {
    const en = OWNER_CATALOGUES.en;
    const de = OWNER_CATALOGUES.de;
    if (!en || !de) throw new Error("both catalogues must exist");
    expect([...words(de).keys()].sort()).toEqual([...words(en).keys()].sort());
    for (const [key, value] of [...words(en), ...words(de)]) expect(value.trim(), key).not.toBe("");
    for (const catalogue of [en, de]) {
      expect(Object.keys(catalogue.scopeHints).sort()).toEqual([...SCOPES].sort());
      expect(catalogue.liveWho("«A»", "«B»", "«C»")).toMatch(/«A».*«B».*«C»/);
      expect(catalogue.confirmRevoke("«A»")).toContain("«A»");
      expect(catalogue.attemptLine("«A»", 3, "«C»")).toMatch(/«A».*3.*«C»/);
    }
  });

  it("a key's expiry date is the end of that local day, as an instant", () => {
    const instant = endOfLocalDay("2031-05-06");
    expect(instant).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    const local = new Date(instant);
    expect([local.getFullYear(), local.getMonth() + 1, local.getDate()]).toEqual([2031, 5, 6]);
    expect([local.getHours(), local.getMinutes()]).toEqual([23, 59]);
  });

  it("a key is revoked, expired from its expiry on, or active", () => {
    const key = { id: "k", prefix: "p", name: "n", scopes: [], createdAt: "2030-01-01T00:00:00Z" };
    const now = Date.parse("2030-06-01T00:00:00Z");
    expect(keyState({ ...key, expiresAt: null, revokedAt: null }, now)).toBe("active");
    expect(keyState({ ...key, expiresAt: "2030-06-01T00:00:00Z", revokedAt: null }, now)).toBe(
      "expired",
    );
    expect(keyState({ ...key, expiresAt: "2030-06-01T00:00:01Z", revokedAt: null }, now)).toBe(
      "active",
    );
    expect(keyState({ ...key, expiresAt: null, revokedAt: "2030-02-01T00:00:00Z" }, now)).toBe(
      "revoked",
    );
  });
});
