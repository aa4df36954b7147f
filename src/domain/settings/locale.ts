/**
 * Which supported language a request asks for: an explicit `locale` (validated at the route),
 * else its `Accept-Language` header (RFC 9110 §12.5.4, matched by RFC 4647 "lookup"), else the
 * business's `defaultLocale` (applied where the settings are read, so null here means "the
 * default"). docs/adr/0708-the-customers-language.md gives the reasons.
 */
import { type Locale, SUPPORTED_LOCALES } from "./settings.ts";

export function isSupportedLocale(tag: string): tag is Locale {
  return (SUPPORTED_LOCALES as readonly string[]).includes(tag);
}

/** One language range with its weight, in header order. */
export interface LanguageRange {
  range: string;
  q: number;
}

const RANGE = /^(?:\*|[A-Za-z]{1,8}(?:-[A-Za-z0-9]{1,8})*)$/;
const QVALUE = /^(?:0(?:\.\d{0,3})?|1(?:\.0{0,3})?)$/;

/**
 * The header's language ranges, highest weight first (equal weights keep header order). A
 * malformed member is skipped rather than failing the request: the header is a preference, and
 * a browser's odd entry must not cost the customer the rest of it.
 */
export function parseAcceptLanguage(header: string): LanguageRange[] {
  const ranges: LanguageRange[] = [];
  for (const member of header.slice(0, 1000).split(",")) {
    const [rawRange = "", ...params] = member.split(";").map((part) => part.trim());
    if (!RANGE.test(rawRange)) continue;
    let q = 1;
    let valid = true;
    for (const param of params) {
      const [name = "", value = ""] = param.split("=").map((part) => part.trim());
      if (name.toLowerCase() !== "q") continue;
      if (!QVALUE.test(value)) valid = false;
      else q = Number(value);
    }
    if (valid) ranges.push({ range: rawRange.toLowerCase(), q });
  }
  // Array.prototype.sort is stable: equal weights stay in header order.
  return ranges.sort((a, b) => b.q - a.q);
}

/**
 * RFC 4647 lookup of one range: `de-AT` tries `de-at`, then `de` (a single-letter subtag such as
 * `x` is dropped together with the subtag after it).
 */
function lookup(range: string): Locale | null {
  const subtags = range.split("-");
  while (subtags.length > 0) {
    const candidate = subtags.join("-");
    if (isSupportedLocale(candidate)) return candidate;
    subtags.pop();
    if ((subtags[subtags.length - 1] ?? "").length === 1) subtags.pop();
  }
  return null;
}

/**
 * The supported language the header prefers, or null (no header, nothing supported, or only
 * `*`, which accepts anything and so gets the business default). A range with `q=0` says "not
 * this one": it matches nothing, and a refused language is not reached through a longer range.
 */
export function negotiateLocale(header: string | undefined | null): Locale | null {
  if (!header) return null;
  const ranges = parseAcceptLanguage(header);
  // Only an exact `de;q=0` refuses German: `de-CH;q=0` refuses Swiss German, not German.
  const refused = new Set(ranges.filter((r) => r.q === 0).map((r) => r.range));
  for (const { range, q } of ranges) {
    if (q === 0 || range === "*") continue;
    const locale = lookup(range);
    if (locale && !refused.has(locale)) return locale;
  }
  return null;
}

/** The explicit choice wins, then the header; null: the business's default. */
export function requestedLocale(input: {
  locale?: Locale | undefined;
  acceptLanguage?: string | undefined | null;
}): Locale | null {
  return input.locale ?? negotiateLocale(input.acceptLanguage);
}
