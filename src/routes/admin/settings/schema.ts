import { z } from "@hono/zod-openapi";
import { SUPPORTED_LOCALES } from "../../../domain/settings/settings.ts";
import { TimeZone } from "../../shared/schemas.ts";

const MINUTES_PER_DAY = 24 * 60;
const MAX_OFFSET_MIN = 30 * MINUTES_PER_DAY;

const Int = (min: number, max: number, description: string, example: number) =>
  z.number().int().min(min).max(max).openapi({ description, example });

/** Reminder offsets as the API takes them (the same rules as `ReminderOffsets` in settings.ts). */
export const ReminderOffsetsSchema = z
  .array(
    z
      .number()
      .int()
      .min(5)
      .max(MAX_OFFSET_MIN)
      .openapi({ description: "Elapsed minutes before the start, 5 to 43 200 (30 days)." }),
  )
  .max(5)
  .refine((offsets) => new Set(offsets).size === offsets.length, "must not repeat an offset");

/** Every setting with its range (the same as `domain/settings/settings.ts`) and documentation. */
const fields = {
  businessName: z
    .string()
    .trim()
    .min(1)
    .max(200)
    .openapi({ description: "Shown to customers and in emails.", example: "Salon Aurora" }),
  timeZone: TimeZone.openapi({
    description: "The business's IANA time zone; closures and staff without a zone use it.",
    example: "Europe/Berlin",
  }),
  slotIntervalMin: z
    .number()
    .int()
    .min(5)
    .max(240)
    .multipleOf(5)
    .refine((value) => MINUTES_PER_DAY % value === 0, "must divide a day (1440 minutes) evenly")
    .openapi({
      description: "Minutes between slot starts; a multiple of 5 that divides 1440.",
      example: 15,
    }),
  holdTtlS: Int(5, 3600, "Seconds a new hold lasts.", 600),
  viewingTtlS: Int(2, 300, "Seconds a `viewing` marker lasts without a heartbeat.", 10),
  holdExtensionCapS: Int(
    5,
    7200,
    "Longest total life of a hold, extensions included; at least holdTtlS.",
    1800,
  ),
  minNoticeMin: Int(0, MAX_OFFSET_MIN, "Minutes between now and the earliest bookable start.", 60),
  horizonDays: Int(1, 730, "How many days ahead customers can book.", 90),
  maxHeldSlotsPerClient: Int(1, 100, "Live held slots one client may have at once.", 4),
  maxHeldSlotsPerIp: Int(
    1,
    1000,
    "Live held slots one address (IPv6: one /64) may have at once.",
    20,
  ),
  cancelCutoffMin: Int(
    0,
    MAX_OFFSET_MIN,
    "Customers cannot cancel later than this many minutes before the start.",
    120,
  ),
  rescheduleCutoffMin: Int(
    0,
    MAX_OFFSET_MIN,
    "Customers cannot reschedule later than this many minutes before the start.",
    120,
  ),
  waitlistOfferTtlS: Int(
    60,
    3600,
    "Seconds a freed time is held for the first person waiting (the offer's hold).",
    900,
  ),
  operatorEmail: z.email().max(254).nullable().openapi({
    description:
      "Also receives every system alert (`system.*` webhook events) by email; null: nobody is emailed.",
    example: "ops@salon-aurora.example",
  }),
  defaultLocale: z.enum(SUPPORTED_LOCALES).openapi({
    description:
      "The language of a customer's emails when the booking (or code request) names none, by `locale` or `Accept-Language`.",
    example: "de",
  }),
  reminders: ReminderOffsetsSchema.openapi({
    description:
      "Reminder emails, in elapsed minutes before the start (1440: 24 hours before, across a daylight-saving change too); at most 5, no repeats; [] sends none. A service's own `reminders` overrides this.",
    example: [1440, 120],
  }),
  noShowLimit: z
    .strictObject({
      count: Int(1, 100, "No-shows that refuse the next booking.", 2),
      days: Int(
        1,
        730,
        "Counted over the appointments that started in the last this many days.",
        90,
      ),
    })
    .nullable()
    .openapi({
      description:
        "Refuse a new booking (409 `NO_SHOW_LIMIT`) from an email with at least `count` no-shows in the last `days` days; null (the default): no limit.",
    }),
};

export const SettingsSchema = z.object(fields).openapi("Settings");

export const SettingsPatch = z
  .strictObject({
    businessName: fields.businessName.optional(),
    timeZone: fields.timeZone.optional(),
    slotIntervalMin: fields.slotIntervalMin.optional(),
    holdTtlS: fields.holdTtlS.optional(),
    viewingTtlS: fields.viewingTtlS.optional(),
    holdExtensionCapS: fields.holdExtensionCapS.optional(),
    minNoticeMin: fields.minNoticeMin.optional(),
    horizonDays: fields.horizonDays.optional(),
    cancelCutoffMin: fields.cancelCutoffMin.optional(),
    rescheduleCutoffMin: fields.rescheduleCutoffMin.optional(),
    maxHeldSlotsPerClient: fields.maxHeldSlotsPerClient.optional(),
    maxHeldSlotsPerIp: fields.maxHeldSlotsPerIp.optional(),
    operatorEmail: fields.operatorEmail.optional(),
    waitlistOfferTtlS: fields.waitlistOfferTtlS.optional(),
    defaultLocale: fields.defaultLocale.optional(),
    noShowLimit: fields.noShowLimit.optional(),
    reminders: fields.reminders.optional(),
  })
  .openapi("SettingsPatch", { description: "Only the fields given change." });
