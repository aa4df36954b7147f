import { z } from "zod";

/** Longest reminder offset: 30 days, in minutes. */
export const MAX_REMINDER_OFFSET_MIN = 30 * 24 * 60;

/**
 * Reminder offsets: elapsed minutes before the start (1440 is 24 hours before, whatever a
 * daylight-saving change in between does to the wall clock). At most 5, each 5 minutes to 30 days,
 * no duplicates.
 */
export const ReminderOffsets = z
  .array(z.number().int().min(5).max(MAX_REMINDER_OFFSET_MIN))
  .max(5)
  .refine((offsets) => new Set(offsets).size === offsets.length, "must not repeat an offset");

/**
 * The languages the emails come in (BCP 47 primary language subtags; the booking pages follow).
 * Adding one is a catalogue in src/domain/email/i18n/ plus its code here
 * (docs/architecture/integrations.md, "Emails").
 */
export const SUPPORTED_LOCALES = ["en", "de", "fr", "es"] as const;
export type Locale = (typeof SUPPORTED_LOCALES)[number];

/**
 * The business settings (one deployment serves one business), stored as one validated JSON
 * document so that a new setting is a new field with a default rather than a schema migration.
 */
export const Settings = z.object({
  businessName: z.string().min(1).max(200).default("AppointEase"),
  timeZone: z.string().min(1).max(64).default("UTC"),
  slotIntervalMin: z.number().int().min(5).max(240).default(15),
  holdTtlS: z.number().int().min(5).max(3600).default(600),
  viewingTtlS: z.number().int().min(2).max(300).default(10),
  holdExtensionCapS: z.number().int().min(5).max(7200).default(1800),
  minNoticeMin: z
    .number()
    .int()
    .min(0)
    .max(60 * 24 * 30)
    .default(60),
  horizonDays: z.number().int().min(1).max(730).default(90),
  cancelCutoffMin: z
    .number()
    .int()
    .min(0)
    .max(60 * 24 * 30)
    .default(120),
  rescheduleCutoffMin: z
    .number()
    .int()
    .min(0)
    .max(60 * 24 * 30)
    .default(120),
  maxHeldSlotsPerClient: z.number().int().min(1).max(100).default(4),
  maxHeldSlotsPerIp: z.number().int().min(1).max(1000).default(20),
  /** How long a waitlist offer holds a freed time (docs/adr/0315-waitlist-offers-hold-the-freed-time.md). */
  waitlistOfferTtlS: z.number().int().min(60).max(3600).default(900),
  /** Where system alerts are emailed too (docs/adr/1201-system-alerts.md); null: webhooks only. */
  operatorEmail: z.email().max(254).nullable().default(null),
  /** The language of a customer's emails when neither the request nor its browser names one. */
  defaultLocale: z.enum(SUPPORTED_LOCALES).default("en"),
  /**
   * Refuse a new booking from an email with at least `count` no-shows among its appointments
   * that started in the last `days` days (409 NO_SHOW_LIMIT). null: no limit.
   */
  noShowLimit: z
    .object({
      count: z.number().int().min(1).max(100),
      days: z.number().int().min(1).max(730),
    })
    .nullable()
    .default(null),
  /** The business's reminder offsets; a service's own `reminders` overrides them. */
  reminders: ReminderOffsets.default([1440, 120]),
});

export type Settings = z.infer<typeof Settings>;

export const DEFAULT_SETTINGS: Settings = Settings.parse({});
