import { afterEach, describe, expect, it } from "vitest";
import { explain } from "../messages.ts";
import { describeSlot, priceText } from "../shared.ts";
import { formatDay, formatMonth, setFormatLocale, weekdayNames } from "../time.ts";
import { CATALOGUES, INTL_LOCALE, LOCALES, matchLocale, selectLocale } from "./index.ts";
import type { Messages } from "./types.ts";

/** Sample arguments for every parameter a message can take (strings and numbers). */
const SAMPLE_ARGS = ["ARG-A", 7, "ARG-C", "ARG-D"] as const;

function words(messages: Messages, key: keyof Messages): string {
  const value = messages[key] as unknown;
  if (typeof value === "string") return value;
  return (value as (...args: unknown[]) => string)(...SAMPLE_ARGS);
}

describe("the pages' catalogues", () => {
  const keys = Object.keys(CATALOGUES.en) as (keyof Messages)[];

  it.each(LOCALES)("%s has every key, none empty", (locale) => {
    const catalogue = CATALOGUES[locale];
    expect(Object.keys(catalogue).sort()).toEqual([...keys].sort());
    for (const key of keys) {
      expect(typeof catalogue[key], `${locale}.${key}`).toBe(typeof CATALOGUES.en[key]);
      expect(words(catalogue, key).trim(), `${locale}.${key}`).not.toBe("");
    }
  });

  it.each(LOCALES)("%s uses every text argument its message is given", (locale) => {
    const catalogue = CATALOGUES[locale];
    // Only English keeps the API's own (English) reason; see `notPossible` in types.ts.
    const englishOnly = new Set<keyof Messages>(["notPossible", "checkDetails"]);
    for (const key of keys) {
      const value = catalogue[key] as unknown;
      if (typeof value !== "function" || (locale !== "en" && englishOnly.has(key))) continue;
      const arity = (value as (...args: unknown[]) => string).length;
      const text = words(catalogue, key);
      for (const arg of SAMPLE_ARGS.slice(0, arity)) {
        expect(text, `${locale}.${key} drops ${String(arg)}`).toContain(String(arg));
      }
    }
  });

  it("each language is named in itself", () => {
    expect(LOCALES.map((l) => CATALOGUES[l].languageName)).toEqual([
      "English",
      "Deutsch",
      "Français",
      "Español",
    ]);
  });
});

describe("choosing the page's language", () => {
  it("matches the first supported language on its primary subtag", () => {
    expect(matchLocale(["de-AT", "en"])).toBe("de");
    expect(matchLocale(["pt-BR", "fr-CA"])).toBe("fr");
    expect(matchLocale(["ES"])).toBe("es");
    expect(matchLocale(["en_US"])).toBe("en");
    expect(matchLocale(["pt-BR", "it"])).toBeUndefined();
    expect(matchLocale([])).toBeUndefined();
  });
});

describe("dates, times and prices come from Intl in the page's language", () => {
  afterEach(() => setFormatLocale(INTL_LOCALE.en));

  it("German", () => {
    setFormatLocale(INTL_LOCALE.de);
    expect(formatDay("2026-12-12")).toBe("Samstag, 12. Dezember 2026");
    expect(formatMonth("2026-12-01")).toBe("Dezember 2026");
    // ICU versions differ on the abbreviation's full stop.
    expect(weekdayNames().map((d) => d.replace(".", ""))).toEqual([
      "Mo",
      "Di",
      "Mi",
      "Do",
      "Fr",
      "Sa",
      "So",
    ]);
    expect(priceText({ amountMinor: 4500, currency: "EUR" })).toBe("45,00\u00a0€");
  });

  it("English keeps day-month order and the 24-hour clock", () => {
    // ICU versions differ on the comma after the weekday.
    expect(formatDay("2026-12-12")).toMatch(/^Saturday,? 12 December 2026$/);
    expect(weekdayNames()[0]).toBe("Mon");
    expect(priceText({ amountMinor: 4500, currency: "EUR" })).toBe("€45.00");
  });

  it("French and Spanish", () => {
    setFormatLocale(INTL_LOCALE.fr);
    expect(formatDay("2026-12-12")).toBe("samedi 12 décembre 2026");
    setFormatLocale(INTL_LOCALE.es);
    expect(formatDay("2026-12-12")).toBe("sábado, 12 de diciembre de 2026");
  });

  it("a slot in words uses the staff member's wall time and offset in any language", () => {
    setFormatLocale(INTL_LOCALE.de);
    const text = describeSlot("2026-12-12T10:00:00+01:00");
    expect(text).toContain("12. Dezember 2026");
    expect(text).toContain("10:00");
    expect(text).toContain("UTC+01:00");
  });
});

describe("API outcomes follow the language, codes do not", () => {
  afterEach(() => selectLocale("en"));
  const failure = (code: string, details: Record<string, unknown> = {}) => ({
    ok: false as const,
    status: 409,
    code,
    message: "body.customer.email: Invalid email address",
    details,
    retryAfterS: 40,
  });

  it("German words for each code, with its numbers and times", () => {
    selectLocale("de");
    expect(explain(failure("SLOT_HELD")).text).toContain("Jemand anderes hat diese Zeit");
    expect(explain(failure("RATE_LIMITED"))).toEqual({
      text: "Zu viele Anfragen von Ihrer Verbindung. Bitte warten Sie 40 Sekunden und versuchen Sie es erneut.",
      retry: "Erneut versuchen",
    });
    // The API's English message is not mixed into a German sentence.
    expect(explain(failure("BAD_REQUEST")).text).toBe("Bitte prüfen Sie Ihre Angaben.");
    // An unknown code still gets a sentence and names the code.
    expect(explain(failure("NEW_CODE")).text).toContain("(NEW_CODE)");
  });

  it("a cut-off names when changes were still possible", () => {
    selectLocale("de");
    const text = explain(failure("CUTOFF_PASSED", { cutoffAt: "2026-12-12T08:00:00Z" })).text;
    expect(text).toMatch(
      /^Diese Änderung ist online nicht mehr möglich: Änderungen waren bis .*Dezember 2026 \d\d:\d\d möglich\./,
    );
  });

  it("English keeps the API's reason for a bad field", () => {
    expect(explain(failure("BAD_REQUEST")).text).toBe(
      "Please check your details: Invalid email address.",
    );
  });
});
