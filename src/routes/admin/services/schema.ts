import { z } from "@hono/zod-openapi";
import type { Service } from "../../../domain/catalog/types.ts";
import { isoTimestamp } from "../../shared/convert.ts";
import { Questions, QuestionsOut } from "../../shared/question-schema.ts";
import { Id, Money, WellFormed } from "../../shared/schemas.ts";
import { ReminderOffsetsSchema } from "../settings/schema.ts";

const ServiceReminders = ReminderOffsetsSchema.nullable().openapi({
  description:
    "Reminder emails for this service, in elapsed minutes before the start; null: the business's (settings `reminders`); [] sends none.",
  example: null,
});

const Minutes = (description: string, example: number, min: number) =>
  z
    .number()
    .int()
    .min(min)
    .max(24 * 60)
    .openapi({ description, example });

export const ServiceBody = z
  .strictObject({
    name: z
      .string()
      .trim()
      .min(1)
      .max(200)
      .refine(...WellFormed)
      .openapi({ description: "Shown to customers.", example: "Cut and style" }),
    description: z
      .string()
      .max(2000)
      .refine(...WellFormed)
      .default("")
      .openapi({ description: "Shown to customers.", example: "Wash, cut and style." }),
    durationMin: Minutes(
      "Length of the appointment in minutes; a multiple of the slot interval.",
      60,
      1,
    ),
    bufferBeforeMin: Minutes("Preparation time blocked before the appointment.", 0, 0).default(0),
    bufferAfterMin: Minutes("Clean-up time blocked after the appointment.", 15, 0).default(0),
    price: Money,
    active: z
      .boolean()
      .default(true)
      .openapi({ description: "Inactive services are hidden from customers.", example: true }),
    reminders: ServiceReminders.default(null),
    questions: Questions.default([]),
  })
  .openapi("ServiceInput");

export const ServicePatch = z
  .strictObject({
    name: ServiceBody.shape.name.optional(),
    description: z
      .string()
      .max(2000)
      .refine(...WellFormed)
      .optional(),
    durationMin: Minutes("See ServiceInput.", 60, 1).optional(),
    bufferBeforeMin: Minutes("See ServiceInput.", 0, 0).optional(),
    bufferAfterMin: Minutes("See ServiceInput.", 15, 0).optional(),
    price: Money.optional(),
    active: z.boolean().optional(),
    reminders: ServiceReminders.optional(),
    questions: Questions.optional().openapi({
      description:
        "Replaces the whole list. Existing appointments keep their answers as they were asked.",
    }),
  })
  .openapi("ServicePatch", { description: "Only the fields given change." });

export const AdminService = z
  .object({
    id: Id("svc_5n2k8q1w7d3f9h4m6p0r"),
    name: z.string(),
    description: z.string(),
    durationMin: z.number().int(),
    bufferBeforeMin: z.number().int(),
    bufferAfterMin: z.number().int(),
    price: Money,
    active: z.boolean(),
    reminders: ServiceReminders,
    questions: QuestionsOut,
    createdAt: z.string().openapi({ format: "date-time", example: "2026-11-26T10:00:00.000Z" }),
    updatedAt: z.string().openapi({ format: "date-time", example: "2026-11-26T10:00:00.000Z" }),
  })
  .openapi("AdminService");

export const AdminServiceList = z
  .object({ services: z.array(AdminService) })
  .openapi("AdminServiceList");

export const ServiceIdParam = z.object({
  id: Id("svc_5n2k8q1w7d3f9h4m6p0r").openapi({ param: { name: "id", in: "path" } }),
});

export function toAdminService(service: Service): z.infer<typeof AdminService> {
  const { createdAtMs, updatedAtMs, ...rest } = service;
  return { ...rest, createdAt: isoTimestamp(createdAtMs), updatedAt: isoTimestamp(updatedAtMs) };
}
