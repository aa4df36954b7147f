/**
 * Field schemas shared by several routes. Each carries its OpenAPI description and example:
 * that text is the user's documentation.
 */
import { z } from "@hono/zod-openapi";
import { ID_PATTERN } from "../../domain/ids.ts";
import { SUPPORTED_LOCALES } from "../../domain/settings/settings.ts";
import {
  isSupportedDate,
  parseSupportedDateTime,
  SUPPORTED_DATES_TEXT,
} from "../../domain/time/supported-range.ts";
import { isValidTimeZone, parseHhmm } from "../../domain/time/zoned-time.ts";

/** A lone UTF-16 surrogate: valid in a JS string, but UTF-8 (and so MySQL) cannot store it. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * Free text must be well-formed Unicode: otherwise MySQL would silently store U+FFFD in place of
 * the broken character, and the answer would not be what was stored. Use as `.refine(...WellFormed)`.
 */
export const WellFormed = [
  (value: string) => !LONE_SURROGATE.test(value),
  "must be well-formed Unicode text",
] as const;

export const Id = (example: string) =>
  z.string().regex(ID_PATTERN, "must be an id like svc_…").openapi({ example });

/** Every date field: a real calendar date in the supported range (see supported-range.ts). */
export const LocalDate = z
  .string()
  .refine(isSupportedDate, `must be a calendar date YYYY-MM-DD ${SUPPORTED_DATES_TEXT}`)
  .openapi({
    description: `A local calendar date, ${SUPPORTED_DATES_TEXT}.`,
    example: "2026-12-07",
    format: "date",
  });

/**
 * A time in an answer: ISO 8601 / RFC 3339 with an offset (`Z` for instants such as `createdAt`,
 * the staff member's offset for a slot or an appointment).
 */
export const DateTime = (description: string, example = "2026-12-07T10:00:00.000Z") =>
  z.string().openapi({ description, example, format: "date-time" });

export const TimeZone = z
  .string()
  .max(64)
  .refine(isValidTimeZone, "must be an IANA time zone such as Europe/Berlin")
  .openapi({ description: "IANA time zone.", example: "Europe/Berlin" });

export const WallTime = z
  .string()
  .refine((value) => parseHhmm(value) !== null, "must be a wall time HH:MM between 00:00 and 24:00")
  .openapi({ description: "Local wall time.", example: "09:00" });

export const WorkingInterval = z
  .strictObject({ start: WallTime, end: WallTime.openapi({ example: "12:00" }) })
  .openapi("WorkingInterval", {
    description: "Working time from `start` to `end` (local wall time, end exclusive).",
  });

export const WEEKDAY_NAMES = [
  "monday",
  "tuesday",
  "wednesday",
  "thursday",
  "friday",
  "saturday",
  "sunday",
] as const;

export const WeeklyHours = z
  .strictObject(
    Object.fromEntries(
      WEEKDAY_NAMES.map((day) => [day, z.array(WorkingInterval).max(24).optional()]),
    ) as Record<(typeof WEEKDAY_NAMES)[number], z.ZodOptional<z.ZodArray<typeof WorkingInterval>>>,
  )
  .openapi("WeeklyHours", {
    description:
      "Working intervals per weekday; gaps between intervals are breaks; a missing day is a day off.",
    example: {
      monday: [
        { start: "09:00", end: "12:00" },
        { start: "13:00", end: "17:00" },
      ],
    },
  });

export const Money = z
  .strictObject({
    amountMinor: z
      .number()
      .int()
      .min(0)
      .max(100_000_000)
      .openapi({ description: "Amount in minor units (cents).", example: 5500 }),
    currency: z
      .string()
      .regex(/^[A-Z]{3}$/, "must be an ISO 4217 code such as EUR")
      .openapi({ example: "EUR" }),
  })
  .openapi("Money");

/** Query flag `?includeInactive=true`. */
export const IncludeInactive = z
  .enum(["true", "false"])
  .optional()
  .transform((value) => value === "true")
  .openapi({ description: "Also list inactive entries.", example: "false" });

export const AdminSecurity = [{ adminToken: [] as string[] }];

export const ClientId = z
  .string()
  .regex(/^[A-Za-z0-9_-]{8,64}$/, "must be 8–64 letters, digits, '_' or '-'")
  .openapi({
    description: "A random id the client keeps for the session (e.g. per browser tab).",
    example: "c_7f3a9b2e41d8",
  });

export const SlotStart = z
  .string()
  .max(40)
  .refine(
    (value) => parseSupportedDateTime(value) !== null,
    `must be an ISO 8601 date-time with an offset, ${SUPPORTED_DATES_TEXT}, as availability returns it`,
  )
  .openapi({
    description: `The slot's start as availability returned it, or the same instant in any offset, fractional seconds allowed (\`toISOString()\`); dates ${SUPPORTED_DATES_TEXT}.`,
    example: "2026-12-07T10:00:00+01:00",
    format: "date-time",
  });

/** The paging fields of an admin list's query: an opaque cursor and a page size. */
export const PageQuery = {
  cursor: z
    .string()
    .max(200)
    .optional()
    .openapi({ description: "`nextCursor` of the previous page; omit for the first page." }),
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .max(200)
    .default(50)
    .openapi({ description: "Page size, 1 to 200.", example: 50 }),
};

/** A granted slot's start and end as hold and select answer them. */
export const StaffOffsetTimes = {
  start: z.string().openapi({
    format: "date-time",
    description:
      "In the staff member's UTC offset at that instant, as availability writes it, whatever offset the request used.",
    example: "2026-12-07T10:00:00+01:00",
  }),
  end: z.string().openapi({
    format: "date-time",
    description:
      "In the staff member's UTC offset at that instant (across a daylight-saving change it can differ from the start's).",
    example: "2026-12-07T11:00:00+01:00",
  }),
};

export const ServiceId = Id("svc_demo_cut").openapi({ description: "The service." });
export const StaffId = Id("stf_demo_ana").openapi({ description: "The staff member." });

/** A supported language (the list is `GET /v1/business`'s `locales`). */
export const LocaleField = z
  .enum(SUPPORTED_LOCALES, {
    error: () => `must be one of ${SUPPORTED_LOCALES.join(", ")}`,
  })
  .optional()
  .openapi({
    description: `The customer's language for the emails (${SUPPORTED_LOCALES.join(", ")}). Without it, \`Accept-Language\` decides, else the business's \`defaultLocale\`.`,
    example: "de",
  });

/** The browser's language preference: used when the body names no `locale`. */
export const AcceptLanguage = z
  .string()
  .max(1000)
  .optional()
  .openapi({
    param: { name: "accept-language", in: "header" },
    description:
      "Used when the body has no `locale`: the best supported language by q-value (`de-AT` matches `de`); none matches: the business's `defaultLocale`.",
    example: "de-DE,de;q=0.9,en;q=0.8",
  });
