import { createRoute, z } from "@hono/zod-openapi";
import { SUPPORTED_LOCALES } from "../../domain/settings/settings.ts";
import { getSettings } from "../../domain/settings/update-settings.ts";
import { createRouter } from "../../http/router.ts";
import { withCommonAnswers } from "../shared/common-answers.ts";

const Minutes = (description: string, example: number) =>
  z.number().int().openapi({ description, example });

export const BusinessFacts = z
  .object({
    name: z.string().openapi({ description: "The business's name.", example: "Salon Aurora" }),
    timeZone: z.string().openapi({
      description:
        "The business's IANA time zone (closures and staff without a zone of their own use it; each staff member's is in `GET /v1/staff`).",
      example: "Europe/Berlin",
    }),
    locales: z.array(z.string()).openapi({
      description:
        "The languages (BCP 47) the emails come in; a booking's `locale` takes one of them.",
      example: ["en", "de", "fr", "es"],
    }),
    defaultLocale: z.string().openapi({
      description:
        "The language of a booking's emails when it names none (by `locale` or `Accept-Language`).",
      example: "en",
    }),
    slotIntervalMin: Minutes("Minutes between offered start times.", 15),
    holdTtlS: Minutes("Seconds a new hold lasts (`PATCH /v1/holds/{holdId}` extends it).", 600),
    holdExtensionCapS: Minutes(
      "The longest a hold can live, extensions included, in seconds from its creation.",
      1800,
    ),
    minNoticeMin: Minutes("The earliest bookable start is this many minutes from now.", 60),
    horizonDays: Minutes(
      "Slots start before now + this many days (availability answers `horizonEnd`).",
      90,
    ),
    cancelCutoffMin: Minutes(
      "A customer can cancel until this many minutes before the start; later: 409 `CUTOFF_PASSED`.",
      120,
    ),
    rescheduleCutoffMin: Minutes(
      "A customer can reschedule until this many minutes before the start; later: 409 `CUTOFF_PASSED`.",
      120,
    ),
  })
  .openapi("Business");

const route = createRoute(
  withCommonAnswers(
    {
      method: "get",
      path: "/v1/business",
      operationId: "getBusiness",
      tags: ["Catalog"],
      summary: "The business's policy and time facts",
      description:
        "What a client needs to plan its screens: the name, time zone and languages, how long holds last, the minimum notice and the booking horizon, and the cancel and reschedule cut-offs (to disable those buttons ahead of time). No authentication.",
      responses: {
        200: {
          description: "The facts, from the current settings.",
          content: { "application/json": { schema: BusinessFacts } },
        },
      },
    },
    { store: true },
  ),
);

export const getBusinessRoute = createRouter().openapi(route, async (c) => {
  const s = await getSettings({ ctx: c.var.ctx });
  return c.json(
    BusinessFacts.parse({
      name: s.businessName,
      timeZone: s.timeZone,
      locales: [...SUPPORTED_LOCALES],
      defaultLocale: s.defaultLocale,
      slotIntervalMin: s.slotIntervalMin,
      holdTtlS: s.holdTtlS,
      holdExtensionCapS: s.holdExtensionCapS,
      minNoticeMin: s.minNoticeMin,
      horizonDays: s.horizonDays,
      cancelCutoffMin: s.cancelCutoffMin,
      rescheduleCutoffMin: s.rescheduleCutoffMin,
    }),
    200,
  );
});
