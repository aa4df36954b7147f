import { z } from "@hono/zod-openapi";
import type { Service, Staff } from "../../domain/catalog/types.ts";
import { QuestionsOut } from "../shared/question-schema.ts";
import { Id, Money } from "../shared/schemas.ts";

const SERVICE_ID_EXAMPLE = "svc_5n2k8q1w7d3f9h4m6p0r";

/** The public view of a service: no timestamps, no active flag (only active ones are listed). */
export const PublicService = z
  .object({
    id: Id(SERVICE_ID_EXAMPLE),
    name: z.string().openapi({ example: "Cut and style" }),
    description: z.string().openapi({ example: "Wash, cut and style." }),
    durationMin: z.number().int().openapi({ description: "Length in minutes.", example: 60 }),
    bufferBeforeMin: z
      .number()
      .int()
      .openapi({ description: "Minutes blocked before the appointment.", example: 0 }),
    bufferAfterMin: z
      .number()
      .int()
      .openapi({ description: "Minutes blocked after the appointment.", example: 15 }),
    price: Money,
    questions: QuestionsOut,
  })
  .openapi("PublicService");

export const PublicServiceList = z
  .object({ services: z.array(PublicService) })
  .openapi("PublicServiceList");

/** The public view of a staff member. Email and phone are private and never appear here. */
export const PublicStaff = z
  .object({
    id: Id("stf_7k3m9q2w5d8f1h4n6p0r"),
    name: z.string().openapi({ example: "Alex Moreau" }),
    bio: z.string().openapi({ example: "Ten years of colour work." }),
    timeZone: z.string().nullable().openapi({
      description: "The staff member's IANA time zone; null means the business's zone.",
      example: "Europe/Berlin",
    }),
    serviceIds: z
      .array(z.string())
      .openapi({ description: "The services they perform.", example: [SERVICE_ID_EXAMPLE] }),
  })
  .openapi("PublicStaff");

export const PublicStaffList = z.object({ staff: z.array(PublicStaff) }).openapi("PublicStaffList");

export const StaffQuery = z.object({
  serviceId: Id(SERVICE_ID_EXAMPLE)
    .optional()
    .openapi({ description: "Only staff who perform this service." }),
});

/** Copies the public fields only, so a new private field can never leak by default. */
export function toPublicService(service: Service): z.infer<typeof PublicService> {
  const { id, name, description, durationMin, bufferBeforeMin, bufferAfterMin, price, questions } =
    service;
  return { id, name, description, durationMin, bufferBeforeMin, bufferAfterMin, price, questions };
}

export function toPublicStaff(staff: Staff): z.infer<typeof PublicStaff> {
  const { id, name, bio, timeZone, serviceIds } = staff;
  return { id, name, bio, timeZone, serviceIds };
}
