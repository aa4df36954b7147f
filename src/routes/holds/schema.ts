import { z } from "@hono/zod-openapi";
import { MAX_SERIES_COUNT, MAX_SERIES_EVERY_WEEKS } from "../../domain/availability/find-series.ts";
import { HOLD_ID_PATTERN } from "../../domain/live/hold-id.ts";
import type { Hold } from "../../domain/live/hold-slots.ts";
import { IdempotencyHeader, ManageTokenHeader } from "../appointments/schema.ts";
import {
  ClientId,
  Id,
  ServiceId,
  SlotStart,
  StaffId,
  StaffOffsetTimes,
} from "../shared/schemas.ts";

/**
 * Several slots in one hold: all or nothing, one staff member and one service. As many as a
 * recurring series has occurrences, so a series with alternatives can be listed slot by slot.
 */
export const MAX_SLOTS_PER_HOLD = MAX_SERIES_COUNT;

const HoldRepeat = z
  .strictObject({
    everyWeeks: z.number().int().min(1).max(MAX_SERIES_EVERY_WEEKS).openapi({ example: 1 }),
    count: z.number().int().min(1).max(MAX_SERIES_COUNT).openapi({ example: 4 }),
  })
  .openapi("HoldRepeat", {
    description:
      "Hold a weekly series starting at `start`: `count` occurrences every `everyWeeks` weeks at the same local time in the staff member's zone, all or nothing (see `GET /v1/availability/series`).",
  });

const HoldSlotInput = z
  .strictObject({ serviceId: ServiceId, staffId: StaffId, start: SlotStart })
  .openapi("HoldSlotInput");

export const HoldBody = z
  .strictObject({
    clientId: ClientId,
    serviceId: ServiceId.optional(),
    staffId: StaffId.optional(),
    start: SlotStart.optional(),
    slots: z
      .array(HoldSlotInput)
      .min(1)
      .max(MAX_SLOTS_PER_HOLD)
      .optional()
      .openapi({ description: "Several slots at once (instead of serviceId, staffId, start)." }),
    repeat: HoldRepeat.optional(),
    rescheduleOf: Id("apt_5n2k8q1w7d3f9h4m6p0r").optional().openapi({
      description:
        "The appointment this hold moves (with its `X-Manage-Token` or the customer's session): its own time does not block the hold, so it can move onto an overlapping time. Any other credential: 404.",
    }),
  })
  .superRefine((body, ctx) => {
    const single = ["serviceId", "staffId", "start"] as const;
    if (body.repeat && (body.slots || body.rescheduleOf))
      ctx.addIssue({
        code: "custom",
        path: ["repeat"],
        message: body.slots
          ? "give repeat with serviceId/staffId/start, not with slots"
          : "a series is not a reschedule",
      });
    if (body.slots) {
      for (const key of single)
        if (body[key] !== undefined)
          ctx.addIssue({
            code: "custom",
            path: [key],
            message: "give either slots or serviceId/staffId/start, not both",
          });
      return;
    }
    for (const key of single)
      if (body[key] === undefined)
        ctx.addIssue({ code: "custom", path: [key], message: "required (or give slots)" });
  })
  .openapi("HoldInput", {
    description: "One slot (`serviceId`, `staffId`, `start`) or several (`slots`).",
  });

export const HoldResponse = z
  .object({
    holdId: z.string().openapi({ example: "hld_k3m9q2w5d8f1h4n6_stf_demo_ana" }),
    holdToken: z.string().openapi({
      description: "Proves you are the holder (header `X-Hold-Token`). Shown once; keep it.",
      example: "hk1.q8Jc2kW5d8f1h4n6p0r2t7y9a3Zk3",
    }),
    expiresAt: z.string().openapi({ format: "date-time", example: "2026-12-01T09:10:00.000Z" }),
    slots: z.array(
      z.object({
        serviceId: z.string(),
        staffId: z.string(),
        ...StaffOffsetTimes,
      }),
    ),
  })
  .openapi("Hold");

export const HoldIdParam = z.object({
  holdId: z
    .string()
    .regex(HOLD_ID_PATTERN, "must be a hold id")
    .openapi({
      param: { name: "holdId", in: "path" },
      example: "hld_k3m9q2w5d8f1h4n6_stf_demo_ana",
    }),
});

export const HoldTokenHeader = z.object({
  "x-hold-token": z
    .string()
    .min(20)
    // A series of 12 slots signs each slot's times and cells into the token (about 1.3 KB).
    .max(2048)
    .openapi({
      param: { name: "x-hold-token", in: "header" },
      description: "The hold token returned at creation.",
    }),
});

/** On POST /v1/holds the token is optional: the holder repeating its hold presents it. */
export const OptionalHoldTokenHeader = HoldTokenHeader.partial();

/** POST /v1/holds: the optional hold token, and the credential of `rescheduleOf`. */
export const CreateHoldHeaders = OptionalHoldTokenHeader.extend(ManageTokenHeader.shape).extend({
  "idempotency-key": IdempotencyHeader.shape["idempotency-key"].optional().openapi({
    param: { name: "idempotency-key", in: "header" },
    description:
      "Optional. A retry of this request with the same key, client id and slots (after a lost answer or a 503) gets the same hold and a working token (200) instead of 409. Use a fresh random key (e.g. a UUID) per hold attempt: whoever knows it can learn the hold's token. A key whose hold was released is spent (410 `HOLD_EXPIRED`).",
    example: "6f1c1a52-3e0b-4a0e-9a53-2d1b5a0c9a11",
  }),
});

export function toHoldResponse(hold: Hold): z.infer<typeof HoldResponse> {
  return {
    holdId: hold.holdId,
    holdToken: hold.holdToken,
    expiresAt: new Date(hold.expiresAtMs).toISOString(),
    slots: hold.slots.map(({ serviceId, staffId, start, end }) => ({
      serviceId,
      staffId,
      start,
      end,
    })),
  };
}
