import { describe, expect, it } from "vitest";
import { ADMIN_CATALOGUES, type AdminMessages } from "./i18n.ts";

/** Every string of a catalogue, nested records and functions (called with sample arguments) too. */
function words(m: AdminMessages): Map<string, string> {
  const out = new Map<string, string>();
  const samples: unknown[] = ["«A»", "«B»"];
  for (const [key, value] of Object.entries(m)) {
    if (typeof value === "string") out.set(key, value);
    else if (typeof value === "function") {
      out.set(key, String((value as (...a: unknown[]) => string)(...samples)));
      out.set(`${key}(1)`, String((value as (...a: unknown[]) => string)(1)));
      out.set(`${key}(2)`, String((value as (...a: unknown[]) => string)(2)));
    } else {
      for (const [k, v] of Object.entries(value as Record<string, string>))
        out.set(`${key}.${k}`, v);
    }
  }
  return out;
}

describe("the business app's catalogues", () => {
  const en = ADMIN_CATALOGUES.en;
  if (!en) throw new Error("English is the fallback and must exist");

  it("English and German have the same keys, none empty", () => {
    const de = ADMIN_CATALOGUES.de;
    if (!de) throw new Error("no German catalogue");
    const enWords = words(en);
    const deWords = words(de);
    expect([...deWords.keys()].sort()).toEqual([...enWords.keys()].sort());
    for (const [key, value] of [...enWords, ...deWords]) expect(value.trim(), key).not.toBe("");
  });

  it("a message with arguments keeps each of them", () => {
    for (const catalogue of Object.values(ADMIN_CATALOGUES)) {
      expect(catalogue.codeSent("«A»")).toContain("«A»");
      expect(catalogue.signedInAs("«A»", "«B»")).toMatch(/«A».*«B»/);
      expect(catalogue.moveTo("«A»")).toContain("«A»");
      expect(catalogue.failed("«A»")).toContain("«A»");
      expect(catalogue.closureAdded(3)).toContain("3");
      expect(catalogue.results(4)).toContain("4");
      expect(catalogue.deleteClosure("«A»")).toContain("«A»");
      expect(catalogue.slotsBeforeAfter(11, 7)).toMatch(/11.*7/);
      expect(catalogue.outsideHours("«A»")).toContain("«A»");
      expect(catalogue.removeHours("«A»", "«B»")).toMatch(/«B».*«A»/);
      expect(catalogue.intervalProblem(2, "«A»")).toMatch(/2.*«A»/);
      expect(catalogue.offGrid(15)).toContain("15");
    }
  });

  it("counts agree in number in English", () => {
    expect(en.results(1)).toBe("1 appointment found.");
    expect(en.results(2)).toBe("2 appointments found.");
    expect(en.closureAdded(0)).toBe("Closed. Nobody can book these dates now.");
    expect(en.closureAdded(1)).toBe(
      "Closed. 1 confirmed appointment on these dates stays booked: cancel or move it as needed.",
    );
  });
});

describe("the effect previews' words", () => {
  it("English and German have the same keys, and the counts keep their numbers", async () => {
    const { EFFECT_CATALOGUES } = await import("./i18n.ts");
    const { en, de } = EFFECT_CATALOGUES;
    if (!en || !de) throw new Error("no effect catalogue");
    expect(Object.keys(de).sort()).toEqual(Object.keys(en).sort());
    for (const words of [en, de]) {
      expect(words.bookableOf("«A»", 23, 15)).toMatch(/«A».*23.*15/);
      expect(words.closureKeeps(7)).toContain("7");
      expect(words.andMore(2)).toContain("2");
    }
    expect(en.closureKeeps(1)).toBe(
      "1 confirmed appointment falls on these dates and stays booked:",
    );
    expect(en.closureKeeps(0)).toBe("No confirmed appointment falls on these dates.");
  });
});
