import { z } from "@hono/zod-openapi";
import type { Staff } from "../../../domain/catalog/types.ts";
import { isoTimestamp } from "../../shared/convert.ts";
import { Id, IncludeInactive, TimeZone, WellFormed } from "../../shared/schemas.ts";

const STAFF_ID_EXAMPLE = "stf_7k3m9q2w5d8f1h4n6p0r";
const SERVICE_ID_EXAMPLE = "svc_5n2k8q1w7d3f9h4m6p0r";

const Name = z
  .string()
  .trim()
  .min(1)
  .max(200)
  .refine(...WellFormed)
  .openapi({ description: "Shown to customers.", example: "Alex Moreau" });
const Bio = z
  .string()
  .max(2000)
  .refine(...WellFormed)
  .openapi({
    description: "Public bio, shown to customers.",
    example: "Ten years of colour work.",
  });
const Email = z
  .email()
  .max(320)
  .openapi({ description: "Private: never shown to customers.", example: "alex@salon.example" });
const Phone = z
  .string()
  .max(40)
  .regex(/^\+?[0-9 ()-]{5,40}$/, "must be a phone number such as +49 30 1234567")
  .nullable()
  .openapi({ description: "Private: never shown to customers.", example: "+49 30 1234567" });
const StaffTimeZone = TimeZone.nullable().openapi({
  description: "The staff member's IANA time zone; null means the business's zone.",
  example: "Europe/Berlin",
});
const ServiceIds = z
  .array(Id(SERVICE_ID_EXAMPLE))
  .max(100)
  .openapi({
    description: "The services this staff member performs.",
    example: [SERVICE_ID_EXAMPLE],
  });
const Active = z
  .boolean()
  .openapi({ description: "Inactive staff are hidden from customers.", example: true });

export const StaffBody = z
  .strictObject({
    name: Name,
    bio: Bio.default(""),
    email: Email,
    phone: Phone.default(null),
    timeZone: StaffTimeZone.default(null),
    serviceIds: ServiceIds.default([]),
    active: Active.default(true),
  })
  .openapi("StaffInput");

export const StaffPatch = z
  .strictObject({
    name: Name.optional(),
    bio: Bio.optional(),
    email: Email.optional(),
    phone: Phone.optional(),
    timeZone: StaffTimeZone.optional(),
    serviceIds: ServiceIds.optional(),
    active: Active.optional(),
  })
  .openapi("StaffPatch", { description: "Only the fields given change." });

/**
 * The response describes stored values rather than re-validating them: a pattern here could turn
 * a successful read of an older row into a 500.
 */
const Timestamp = (description: string) =>
  z.string().openapi({ description, example: "2026-11-26T10:00:00.000Z", format: "date-time" });

export const AdminStaff = z
  .object({
    id: Id(STAFF_ID_EXAMPLE),
    name: z.string().openapi({ description: "Shown to customers.", example: "Alex Moreau" }),
    bio: z.string().openapi({ description: "Public bio.", example: "Ten years of colour work." }),
    email: z.string().openapi({ description: "Private.", example: "alex@salon.example" }),
    phone: z.string().nullable().openapi({ description: "Private.", example: "+49 30 1234567" }),
    timeZone: z.string().nullable().openapi({
      description: "The staff member's own IANA zone; null means the business's zone.",
      example: null,
    }),
    serviceIds: z
      .array(z.string())
      .openapi({ description: "The services they perform.", example: [SERVICE_ID_EXAMPLE] }),
    active: z.boolean().openapi({ description: "Shown to customers when true.", example: true }),
    createdAt: Timestamp("When the staff member was created."),
    updatedAt: Timestamp("When the staff member last changed."),
  })
  .openapi("AdminStaff");

export const AdminStaffList = z.object({ staff: z.array(AdminStaff) }).openapi("AdminStaffList");

export const StaffIdParam = z.object({
  id: Id(STAFF_ID_EXAMPLE).openapi({ param: { name: "id", in: "path" } }),
});

export const StaffListQuery = z.object({
  includeInactive: IncludeInactive,
  serviceId: Id(SERVICE_ID_EXAMPLE)
    .optional()
    .openapi({ description: "Only staff who perform this service." }),
});

export function toAdminStaff(staff: Staff): z.infer<typeof AdminStaff> {
  const { createdAtMs, updatedAtMs, ...rest } = staff;
  return { ...rest, createdAt: isoTimestamp(createdAtMs), updatedAt: isoTimestamp(updatedAtMs) };
}
