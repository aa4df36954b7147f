import { describe, expect, it } from "vitest";
import { negotiateLocale, parseAcceptLanguage, requestedLocale } from "./locale.ts";
import { DEFAULT_SETTINGS, SUPPORTED_LOCALES, Settings } from "./settings.ts";

describe("supported languages and the business default", () => {
  it("supports English, German, French and Spanish; the default is English", () => {
    expect([...SUPPORTED_LOCALES]).toEqual(["en", "de", "fr", "es"]);
    expect(DEFAULT_SETTINGS.defaultLocale).toBe("en");
    expect(Settings.parse({ defaultLocale: "de" }).defaultLocale).toBe("de");
    expect(Settings.safeParse({ defaultLocale: "it" }).success).toBe(false);
  });
});

describe("Accept-Language", () => {
  it("orders ranges by q-value, keeping header order for equal weights", () => {
    expect(parseAcceptLanguage("fr;q=0.5, de-AT, en;q=0.9, es;q=0.5")).toEqual([
      { range: "de-at", q: 1 },
      { range: "en", q: 0.9 },
      { range: "fr", q: 0.5 },
      { range: "es", q: 0.5 },
    ]);
  });

  it("skips malformed members and keeps the rest", () => {
    expect(parseAcceptLanguage("de;q=2, fr;q=abc, ;q=1, es_ES, en-GB ; q=0.800")).toEqual([
      { range: "en-gb", q: 0.8 },
    ]);
  });

  it.each([
    ["de-AT", "de"],
    ["de-DE,de;q=0.9,en;q=0.8", "de"],
    ["pt-BR, fr-CA;q=0.7, en;q=0.3", "fr"],
    ["it, ES;q=0.1", "es"],
    ["en-US", "en"],
    ["de-x-private", "de"],
    ["zh-Hant-TW, ja", null],
    ["*", null],
    ["", null],
    ["de;q=0, *;q=0.5", null],
    ["de;q=0, de-AT;q=0.9, fr;q=0.5", "fr"],
    ["de-CH;q=0, de;q=0.9", "de"],
    ["en;q=0.2, de;q=0.8", "de"],
  ])("%j → %s", (header, expected) => {
    expect(negotiateLocale(header)).toBe(expected);
  });

  it("an explicit locale wins over the header; neither means the business default (null)", () => {
    expect(requestedLocale({ locale: "fr", acceptLanguage: "de" })).toBe("fr");
    expect(requestedLocale({ acceptLanguage: "de-DE" })).toBe("de");
    expect(requestedLocale({ acceptLanguage: undefined })).toBeNull();
  });
});
