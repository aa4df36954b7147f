/**
 * Hostile values for the hostile-input suite: the strings, numbers, dates, zones, path segments
 * and header values that break naive parsers, databases and date libraries.
 */
import fc from "fast-check";

/** Any UTF-16 code unit, so lone surrogates and NUL come up as often as letters. */
const codeUnit = fc.integer({ min: 0, max: 0xffff }).map((n) => String.fromCharCode(n));

const specialStrings = [
  "",
  " ",
  "\t\n",
  "\u0000",
  "a\u0000b",
  "\uD800",
  "\uDFFF",
  "x\uD83D",
  "\u202Eevil\u202C",
  "\u200F\u0645\u0631\u062D\u0628\u0627",
  "👩‍👩‍👧‍👦🙂🇩🇪",
  "\uFEFFbom",
  "Z\u0351\u0352\u0353\u0354\u0355\u0356\u0357",
  "%00%2e%2e%2f",
  "<script>x</script>",
  "'\"`;--",
  "null",
  "undefined",
  "NaN",
  "Infinity",
  "-1",
  "1e308",
  "__proto__",
  "constructor",
  "#{x}{{x}}%s%n",
];

/** Large strings, all below the 64 KiB body limit once JSON-encoded (except on purpose). */
const hugeStrings = [
  "x".repeat(10_000),
  "é".repeat(12_000),
  "🙂".repeat(6_000),
  "\u0000".repeat(2_000),
  "\uD800".repeat(2_000),
];

export const hostileString: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...specialStrings) },
  { weight: 2, arbitrary: fc.string({ unit: codeUnit, maxLength: 24 }) },
  { weight: 1, arbitrary: fc.string({ unit: "grapheme", maxLength: 24 }) },
  { weight: 1, arbitrary: fc.constantFrom(...hugeStrings) },
);

export const hostileNumber: fc.Arbitrary<unknown> = fc.constantFrom(
  -1,
  0,
  0.5,
  1.5,
  -0,
  1e308,
  -1e308,
  2 ** 31,
  2 ** 53,
  2 ** 53 + 2,
  Number.MIN_VALUE,
  "NaN",
  "12",
  "1e3",
  "0x10",
);

/** A real date past any booking horizon the tests use (today + 400 days). */
function beyondHorizon(): string {
  const date = new Date();
  date.setUTCDate(date.getUTCDate() + 400);
  return date.toISOString().slice(0, 10);
}
const BEYOND_HORIZON = beyondHorizon();

/**
 * Dates at and past the edges of every range: the calendar's (years 0001, 9999, 10000, a 29
 * February that does not exist), the API's (2000-01-01 to 2999-12-31) and the booking horizon's.
 * The suite sends each of them to every date field (see suite.ts), besides drawing from them.
 */
export const EDGE_DATES = [
  "0001-01-01",
  "9999-12-31",
  "10000-01-01",
  "1999-12-31",
  "2000-01-01",
  "2999-12-31",
  "3000-01-01",
  "2027-02-29",
  BEYOND_HORIZON,
];

export const hostileDate: fc.Arbitrary<string> = fc.constantFrom(
  ...EDGE_DATES,
  "2026-02-30",
  "0000-00-00",
  "9999-99-99",
  "2026-13-01",
  "2026-1-1",
  "20261207",
  "-000001-01-01",
  "+275760-09-13",
  "9999-12-31",
  "1000-01-01",
  "1970-01-01",
  "2026-12-07T10:00:00Z",
  "2026-W50",
  "today",
);

/** Date-times at the same edges, plus leap seconds and offsets at ±14:00 (real) and ±23:59 (not). */
export const EDGE_DATE_TIMES = [
  "0001-01-01T10:00:00+00:00",
  "0001-01-01T00:00:00+14:00",
  "9999-12-31T10:00:00+00:00",
  "9999-12-31T23:59:00-14:00",
  "10000-01-01T00:00:00Z",
  "2999-12-31T23:00:00-14:00",
  "2000-01-01T00:00:00+14:00",
  "2026-12-31T23:59:60Z",
  "2026-12-31T23:59:60+01:00",
  "2026-12-07T10:00:00+14:00",
  "2026-12-07T10:00:00-14:00",
  "2026-12-07T10:00:00+23:59",
  "2026-12-07T10:00:00-23:59",
  "2027-02-29T10:00:00+01:00",
  `${BEYOND_HORIZON}T10:00:00+01:00`,
];

export const hostileDateTime: fc.Arbitrary<string> = fc.constantFrom(
  ...EDGE_DATE_TIMES,
  "2026-02-30T10:00:00+01:00",
  "0000-00-00T00:00:00Z",
  "9999-99-99T99:99:99Z",
  "2026-12-07T25:00:00Z",
  "2026-12-07T10:00:00",
  "2026-12-07T10:00:00+25:00",
  "2026-12-07T10:00:00.123456789Z",
  "2026-12-07T10:07:00+01:00",
  "+275760-09-13T00:00:00Z",
  "9999-12-31T23:59:59Z",
  "1970-01-01T00:00:00Z",
  "2026-12-07",
  "10:00",
  "1796601600000",
);

export const hostileTime: fc.Arbitrary<string> = fc.constantFrom(
  "24:00",
  "23:60",
  "-1:00",
  "9:00",
  "09:00:00",
  "00:00",
  "12:00",
  "99:99",
  "noon",
);

export const hostileZone: fc.Arbitrary<string> = fc.constantFrom(
  "Mars/Olympus",
  "../etc",
  "../../etc/passwd",
  "Europe/Berlin\u0000",
  "europe/berlin",
  "+01:00",
  "Etc/GMT+14",
  "Local",
  "EST5EDT",
  "UTC",
  "",
);

/** Wrong JSON types and shapes, including prototype-pollution keys and deep nesting. */
export const hostileShape: fc.Arbitrary<unknown> = fc.constantFrom<unknown>(
  null,
  true,
  false,
  [],
  {},
  [1, 2, 3],
  { $gt: "" },
  JSON.parse('{"__proto__": {"polluted": true}}'),
  nest(200),
);

function nest(depth: number): unknown {
  let value: unknown = "deep";
  for (let i = 0; i < depth; i++) value = [value];
  return value;
}

/** Fields that hold a date (body, query or path), by name. */
export const isDateField = (name: string) => /date|^from$|^to$/i.test(name);
/** Fields that hold a date-time (or a wall time), by name. */
export const isDateTimeField = (name: string) => /^start$|^end$/.test(name);

/**
 * A hostile value for the field `name` with JSON schema type `type`: values of the field's own
 * kind (dates for dates, zones for zones) come up more often than generic ones.
 */
export function hostileValueFor(name: string, type: string | undefined): fc.Arbitrary<unknown> {
  const generic = fc.oneof(hostileString, hostileNumber, hostileShape);
  const own: fc.Arbitrary<unknown>[] = [];
  if (/zone/i.test(name)) own.push(hostileZone);
  if (isDateField(name)) own.push(hostileDate);
  if (isDateTimeField(name)) own.push(hostileDateTime, hostileTime);
  if (type === "integer" || type === "number") own.push(hostileNumber);
  if (type === "string") own.push(hostileString);
  if (own.length === 0) return generic;
  return fc.oneof({ weight: 3, arbitrary: fc.oneof(...own) }, { weight: 1, arbitrary: generic });
}

/** Unknown keys to add to objects. */
export const hostileKey: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom("extra", "isAdmin", "id", "__proto__", "constructor", "", "k".repeat(300)),
  fc.string({ unit: codeUnit, minLength: 1, maxLength: 8 }),
);

/** Raw (already encoded) path segments: traversal, encodings, wrong kinds, huge and unicode. */
export const hostilePathSegment: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    "%20",
    "..",
    "%2e%2e",
    "..%2Fetc",
    "%2F",
    "a%00b",
    "%E0%A4%A",
    "%ZZ",
    "%ED%A0%80",
    "%F0%9F%99%82",
    "a".repeat(5_000),
    `svc_${"a".repeat(40)}`,
    "svc_doesnotexist00",
    "stf_doesnotexist00",
    "apt_doesnotexist00",
    "SVC_ABCDEF",
    "svc_abcd%3Fx%3D1",
    "%20svc_abcd",
    "0",
    "-1",
    "9999-99-99",
    "2026-02-30",
    "0000-00-00",
    "hld_0000000000000000_stf_nobody",
    "null",
  ),
  fc.string({ unit: codeUnit, maxLength: 12 }).map(encodeLoosely),
);

/**
 * Percent-encodes any string, lone surrogates included (as the invalid UTF-8 a hostile client
 * would send), which `encodeURIComponent` refuses.
 */
export function encodeLoosely(value: string): string {
  let out = "";
  for (const char of value) {
    const code = char.codePointAt(0) ?? 0;
    if (code >= 0xd800 && code <= 0xdfff) {
      out +=
        `%${(0xe0 | (code >> 12)).toString(16)}%${(0x80 | ((code >> 6) & 0x3f)).toString(16)}%${(0x80 | (code & 0x3f)).toString(16)}`.toUpperCase();
    } else {
      out += encodeURIComponent(char);
    }
  }
  return out;
}

/** Raw query strings and values: bad encodings, repeats, huge values. */
export const hostileQueryValue: fc.Arbitrary<string> = fc.oneof(
  hostileString.map(encodeLoosely),
  hostileDate.map(encodeLoosely),
  hostileNumber.map((n) => encodeLoosely(String(n))),
  fc.constantFrom("%E0%A4%A", "%ZZ", "%", "%ED%A0%80", "a%00b", "", "x".repeat(20_000)),
);

/** Header values a fetch client can send (Latin-1, no NUL, CR or LF). */
const latin1 = fc
  .integer({ min: 0x01, max: 0xff })
  .filter((n) => n !== 0x0a && n !== 0x0d)
  .map((n) => String.fromCharCode(n));

export const hostileHeaderValue: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    "",
    " ",
    "null",
    "x".repeat(201),
    "x".repeat(8_000),
    "é".repeat(30),
    "a b",
    "a\tb",
    "Bearer",
    "Bearer ",
    "bearer  x",
    "Basic dXNlcjpwYXNz",
    `Bearer ${"a".repeat(5_000)}`,
    "Bearer ../../etc/passwd",
    "Bearer \u00ff\u00fe",
    "Bearer null",
    "%00",
  ),
  fc.string({ unit: latin1, maxLength: 40 }),
);
