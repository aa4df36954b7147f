/**
 * The catalogue of each supported language. `Record<Locale, Messages>`: a language added to
 * SUPPORTED_LOCALES without a catalogue here is a type error.
 */
import type { Locale } from "../../settings/settings.ts";
import { de } from "./de.ts";
import { en } from "./en.ts";
import { es } from "./es.ts";
import { fr } from "./fr.ts";
import type { Messages } from "./messages.ts";

export const CATALOGUES: Record<Locale, Messages> = { en, de, fr, es };

export function messagesFor(locale: Locale): Messages {
  return CATALOGUES[locale];
}

export type { Messages } from "./messages.ts";
