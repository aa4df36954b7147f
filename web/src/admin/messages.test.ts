import { describe, expect, it } from "vitest";
import { MESSAGE_CATALOGUES, type MessageWords } from "./i18n.ts";
import { deliveryState, stateText } from "./messages.ts";

const row = (over: Partial<Parameters<typeof deliveryState>[0]> = {}) => ({
  id: "eml_a",
  createdAt: "2026-12-07T10:00:00.000Z",
  attempts: 0,
  sentAt: null,
  givenUpAt: null,
  lastError: null,
  ...over,
});

describe("an appointment's messages", () => {
  it("names where a row stands: sent, waiting, failing and retrying, given up", () => {
    expect(deliveryState(row())).toBe("pending");
    expect(deliveryState(row({ attempts: 2, lastError: "HTTP 500" }))).toBe("failing");
    expect(deliveryState(row({ attempts: 3, givenUpAt: "2026-12-10T10:00:00.000Z" }))).toBe(
      "given-up",
    );
    // A row sent at a later attempt is sent, whatever failed before.
    expect(deliveryState(row({ attempts: 2, sentAt: "2026-12-07T10:05:00.000Z" }))).toBe("sent");
  });

  it("says the attempts in words, in number, in English and German", () => {
    const en = MESSAGE_CATALOGUES.en as MessageWords;
    const de = MESSAGE_CATALOGUES.de as MessageWords;
    expect(stateText(row({ attempts: 1 }), en)).toBe("1 failed attempt, retrying");
    expect(stateText(row({ attempts: 2 }), en)).toBe("2 failed attempts, retrying");
    expect(stateText(row({ attempts: 5, givenUpAt: "2026-12-10T10:00:00.000Z" }), de)).toBe(
      "Aufgegeben nach 5 Versuchen",
    );
    expect(stateText(row(), de)).toBe("Wartet auf Versand");
  });

  it("English and German have the same words, none empty", () => {
    const keys = (w: MessageWords) =>
      Object.entries(w).flatMap(([k, v]) =>
        typeof v === "object" ? Object.keys(v).map((n) => `${k}.${n}`) : [k],
      );
    const en = MESSAGE_CATALOGUES.en as MessageWords;
    const de = MESSAGE_CATALOGUES.de as MessageWords;
    expect(keys(de).sort()).toEqual(keys(en).sort());
    for (const w of [en, de]) {
      for (const value of Object.values(w)) {
        const text = typeof value === "function" ? value("«A»") : value;
        expect(typeof text === "string" ? text.trim() : Object.values(text).join("")).not.toBe("");
      }
    }
  });
});
