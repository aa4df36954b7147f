/**
 * The page's language: chosen once at start, before anything is drawn, and changed only by
 * reloading (the language switch), so no text on the page is ever half in one language.
 * Order of choice: `?lang=`, the visitor's earlier choice on the switch, the browser's
 * languages (`navigator.languages`), and only then the business's default language.
 */
import { call } from "../api.ts";
import { h } from "../dom.ts";
import { setFormatLocale } from "../time.ts";
import { de } from "./de.ts";
import { en } from "./en.ts";
import { es } from "./es.ts";
import { fr } from "./fr.ts";
import { LOCALES, type Locale, type Messages } from "./types.ts";

export { LOCALES, type Locale, type Messages } from "./types.ts";

export const CATALOGUES: Record<Locale, Messages> = { en, de, fr, es };

/**
 * The Intl locale behind each page language. British English keeps day-month order and the
 * 24-hour clock ("Monday 7 December 2026", "14:30"), as the staff member's times are written.
 */
export const INTL_LOCALE: Record<Locale, string> = {
  en: "en-GB",
  de: "de-DE",
  fr: "fr-FR",
  es: "es-ES",
};

const STORE_KEY = "appointease.locale";

let messages: Messages = en;
let current: Locale = "en";

/** The current language's words. */
export function t(): Messages {
  return messages;
}

export function currentLocale(): Locale {
  return current;
}

export function isLocale(value: unknown): value is Locale {
  return typeof value === "string" && (LOCALES as readonly string[]).includes(value);
}

/**
 * The first supported language among `tags` (BCP 47, most wanted first), matched on the primary
 * language: `de-AT` is German, `pt-BR` is nothing.
 */
export function matchLocale(tags: readonly string[]): Locale | undefined {
  for (const tag of tags) {
    const primary = tag.trim().toLowerCase().split(/[-_]/)[0];
    if (isLocale(primary)) return primary;
  }
  return undefined;
}

function storedLocale(): string | null {
  try {
    return localStorage.getItem(STORE_KEY);
  } catch {
    return null; // storage blocked: the browser's languages decide
  }
}

/** The visitor's own choice, or undefined when nothing they said is supported. */
export function preferredLocale(): Locale | undefined {
  const param = new URLSearchParams(location.search).get("lang");
  if (isLocale(param)) return param;
  const stored = storedLocale();
  if (isLocale(stored)) return stored;
  return matchLocale(navigator.languages?.length ? navigator.languages : [navigator.language]);
}

/** Switches the words and the Intl formats to `locale` (the part with no document). */
export function selectLocale(locale: Locale): void {
  current = locale;
  messages = CATALOGUES[locale];
  setFormatLocale(INTL_LOCALE[locale]);
}

/** Switches the page to `locale`: words, Intl formats, `<html lang>`, and the fixed text. */
export function useLocale(locale: Locale): void {
  selectLocale(locale);
  document.documentElement.lang = locale;
  for (const el of document.querySelectorAll<HTMLElement>("[data-i18n]")) {
    const words = messages[el.dataset.i18n as keyof Messages];
    if (typeof words === "string") el.textContent = words;
  }
}

/**
 * Chooses the language and applies it. Asks the business for its default only when the visitor
 * said nothing supported; a failed answer leaves English.
 */
export async function startLocale(): Promise<void> {
  const preferred = preferredLocale();
  if (preferred) return useLocale(preferred);
  const facts = await call<{ defaultLocale?: string }>("GET", "/v1/business");
  useLocale(facts.ok && isLocale(facts.body.defaultLocale) ? facts.body.defaultLocale : "en");
}

/**
 * The visible language switch, each language named in itself. Choosing one remembers it and
 * reloads the page in it. `canSwitch` says whether leaving is safe right now (a held time is
 * not given up by a language change: the switch is disabled while one is held).
 */
export function languageSwitch(): { element: HTMLElement; setEnabled(enabled: boolean): void } {
  const select = h("select", { id: "lang", class: "lang-select" });
  for (const locale of LOCALES) {
    const option = h("option", { value: locale, lang: locale }, CATALOGUES[locale].languageName);
    if (locale === current) option.selected = true;
    select.append(option);
  }
  select.addEventListener("change", () => {
    const chosen = select.value;
    if (!isLocale(chosen) || chosen === current) return;
    try {
      localStorage.setItem(STORE_KEY, chosen);
    } catch {
      // Storage blocked: the choice still holds for this load through the address.
    }
    const url = new URL(location.href);
    url.searchParams.set("lang", chosen);
    location.assign(url.toString());
  });
  const element = h(
    "div",
    { class: "lang" },
    h("label", { for: "lang" }, messages.language),
    select,
  );
  return { element, setEnabled: (enabled) => (select.disabled = !enabled) };
}
