/**
 * Every language has every message, none empty: a catalogue is walked key by key against the
 * English one (functions are called with sample values, which must appear in their text). A
 * missing key is also a type error (the @ts-expect-error below fails typecheck if it is not).
 */
import { describe, expect, it } from "vitest";
import { SUPPORTED_LOCALES } from "../../settings/settings.ts";
import { en } from "./en.ts";
import { CATALOGUES, type Messages } from "./index.ts";

const SAMPLES = ["Salon Süd", "Haircut", "Ana", "042817", "3"];

/** Every leaf: [path, text], functions called with the samples. */
function leaves(value: unknown, path: string): [string, string][] {
  if (typeof value === "string") return [[path, value]];
  if (typeof value === "function") {
    const fn = value as (...args: unknown[]) => string;
    // Subject functions take one object; the others take strings (and a count).
    const text =
      path.endsWith(".subject") &&
      !path.startsWith("signInCode") &&
      !path.startsWith("waitlistCode")
        ? fn({ service: "Haircut", staff: "Ana" })
        : path.endsWith("introSeveral")
          ? fn("Salon Süd", 3)
          : fn("Salon Süd");
    return [[`${path}()`, text]];
  }
  if (value && typeof value === "object")
    return Object.entries(value).flatMap(([key, child]) =>
      leaves(child, path ? `${path}.${key}` : key),
    );
  return [[path, String(value)]];
}

describe("message catalogues", () => {
  const english = leaves(en, "");

  it("walks the English catalogue (the walker is not blind)", () => {
    expect(english.length).toBeGreaterThan(35);
    expect(english).toContainEqual(["card.date", "Date"]);
    expect(english).toContainEqual([
      "confirmation.subject()",
      "Booking confirmed: Haircut with Ana",
    ]);
  });

  it("has one catalogue per supported language", () => {
    expect(Object.keys(CATALOGUES).sort()).toEqual([...SUPPORTED_LOCALES].sort());
  });

  it.each(SUPPORTED_LOCALES.filter((l) => l !== "en"))(
    "%s has every key of English, none empty, each function using its values",
    (locale) => {
      const theirs = new Map(leaves(CATALOGUES[locale], ""));
      expect([...theirs.keys()].sort()).toEqual(english.map(([path]) => path).sort());
      for (const [path, englishText] of english) {
        const text = theirs.get(path) ?? "";
        expect(text.trim(), `${locale}: ${path}`).not.toBe("");
        // A value the English text shows (business, service, staff, code) is shown here too.
        for (const sample of SAMPLES)
          if (englishText.includes(sample))
            expect(text, `${locale}: ${path} shows ${sample}`).toContain(sample);
      }
    },
  );

  it.each(SUPPORTED_LOCALES.filter((l) => l !== "en"))(
    "%s is translated (its titles and buttons are not the English ones)",
    (locale) => {
      const m = CATALOGUES[locale];
      expect(m.confirmation.title).not.toBe(en.confirmation.title);
      expect(m.buttons.addToCalendar).not.toBe(en.buttons.addToCalendar);
      expect(m.signInCode.title).not.toBe(en.signInCode.title);
      expect(m.intl.startsWith(`${locale}-`)).toBe(true);
    },
  );

  it("a catalogue without a key does not compile", () => {
    const { footer: _footer, ...withoutFooter } = en;
    // @ts-expect-error: `footer` is missing
    const broken: Messages = withoutFooter;
    expect(broken).not.toHaveProperty("footer");
  });
});
