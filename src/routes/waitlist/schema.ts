import { z } from "@hono/zod-openapi";
import { DateTime, Id, LocalDate, LocaleField, WallTime, WellFormed } from "../shared/schemas.ts";

export const EntryIdParam = z.object({
  id: Id("wtl_5n2k8q1w7d3f9h4m6p0r").openapi({ param: { name: "id", in: "path" } }),
});

export const EntryToken = z
  .string()
  .regex(/^[A-Za-z0-9_-]{20,64}$/, "must be the entry's token from the join answer or its email")
  .openapi({
    description: "The entry's token: in the join answer and in every waitlist email's links.",
    example: "c2VjcmV0LXRva2VuLWZvci13YWl0bGlzdA",
  });

export const WaitlistEntrySchema = z
  .object({
    id: z.string().openapi({ example: "wtl_5n2k8q1w7d3f9h4m6p0r" }),
    serviceId: z.string().openapi({ example: "svc_demo_cut" }),
    staffId: z
      .string()
      .nullable()
      .openapi({ description: "null: any staff member.", example: "stf_demo_ana" }),
    date: z.string().openapi({ format: "date", example: "2026-12-07" }),
    from: z
      .string()
      .nullable()
      .openapi({ description: "Earliest local start waited for (null: open).", example: "09:00" }),
    to: z
      .string()
      .nullable()
      .openapi({ description: "Local starts before this (null: open).", example: "12:00" }),
    status: z.enum(["pending", "waiting", "booked", "left", "expired"]).openapi({
      description:
        "`pending` until the emailed code is confirmed; `waiting` in the queue (first confirmed, first offered); `booked` through an offer; `left`; `expired` at the end of its date.",
      example: "waiting",
    }),
    expiresAt: DateTime("The end of `date`: the entry lapses then."),
  })
  .openapi("WaitlistEntry");

export const EntryEnvelope = z
  .object({ entry: WaitlistEntrySchema })
  .openapi("WaitlistEntryEnvelope");

export const JoinBody = z
  .strictObject({
    serviceId: Id("svc_demo_cut").openapi({ description: "The service waited for." }),
    staffId: Id("stf_demo_ana")
      .nullable()
      .openapi({ description: "The staff member, or null for anyone who performs the service." }),
    date: LocalDate,
    from: WallTime.optional().openapi({
      description: "Only starts at or after this local time (the staff member's zone).",
      example: "09:00",
    }),
    to: WallTime.optional().openapi({
      description: "Only starts before this local time.",
      example: "12:00",
    }),
    email: z.email().max(320).openapi({ example: "mia@example.com" }),
    name: z
      .string()
      .trim()
      .min(1)
      .max(200)
      .refine(...WellFormed)
      .openapi({ example: "Mia Weber" }),
    locale: LocaleField,
  })
  .openapi("WaitlistJoin");
