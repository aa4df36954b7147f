import { z } from "@hono/zod-openapi";
import { HOLD_ID_PATTERN } from "../../domain/live/hold-id.ts";
import { AppointmentSchema } from "../shared/appointment-schema.ts";
import { AnswersInput } from "../shared/question-schema.ts";
import { AcceptLanguage, Id, LocaleField, WellFormed } from "../shared/schemas.ts";

export const HoldProof = {
  holdId: z
    .string()
    .regex(HOLD_ID_PATTERN, "must be a hold id")
    .openapi({ description: "From POST /v1/holds.", example: "hld_k3m9q2w5d8f1h4n6_stf_demo_ana" }),
  holdToken: z
    .string()
    .min(20)
    // A series of 12 slots signs each slot's times and cells into the token (about 1.3 KB).
    .max(2048)
    .openapi({ description: "From POST /v1/holds.", example: "hk1.q8Jc2kW5d8f1h4n6p0r2t7y9a3Zk3" }),
};

export const BookBody = z
  .strictObject({
    ...HoldProof,
    customer: z
      .strictObject({
        name: z
          .string()
          .trim()
          .min(1)
          .max(200)
          .refine(...WellFormed)
          .openapi({ example: "Mia Weber" }),
        email: z.email().max(320).openapi({ example: "mia@example.com" }),
        phone: z
          .string()
          .regex(/^\+?[0-9 ()-]{5,40}$/, "must be a phone number such as +49 30 1234567")
          .optional()
          .openapi({ example: "+49 30 1234567" }),
      })
      .openapi("CustomerInput"),
    notes: z
      .string()
      .max(2000)
      .refine(...WellFormed)
      .optional()
      .openapi({ description: "For the staff member.", example: "First visit." }),
    locale: LocaleField,
    answers: AnswersInput.optional(),
  })
  .openapi("BookInput");

/** What a caller without a key is told: what to send, and that a retry sends the same one. */
export const IDEMPOTENCY_KEY_REQUIRED =
  "required: send a new random key (e.g. a UUID) with each booking, and the same key when you retry that booking";

export const IdempotencyHeader = z.object({
  "idempotency-key": z
    .string({
      error: (issue) => (issue.input === undefined ? IDEMPOTENCY_KEY_REQUIRED : undefined),
    })
    .regex(/^[\x21-\x7e]{1,200}$/, "must be 1–200 visible ASCII characters (e.g. a UUID)")
    .openapi({
      param: { name: "idempotency-key", in: "header" },
      description:
        "Required. A new random key (e.g. a UUID) per booking; every retry of that booking (a lost answer, a 503) sends the same key. Replaying the same key with the same body returns the same 201 for 24 h.",
      example: "6f1c1a52-3e0b-4a0e-9a53-2d1b5a0c9a11",
    }),
  "accept-language": AcceptLanguage,
});

/** Either the appointment's manage token or the customer's session (`Authorization: Bearer`). */
export const ManageTokenHeader = z.object({
  "x-manage-token": z
    .string()
    .min(20)
    .max(200)
    .optional()
    .openapi({
      param: { name: "x-manage-token", in: "header" },
      description: "The manage token returned at booking.",
    }),
  authorization: z
    .string()
    .regex(/^Bearer [A-Za-z0-9_-]{20,200}$/, "must be 'Bearer <session token>'")
    .optional()
    .openapi({
      param: { name: "authorization", in: "header" },
      description: "`Bearer <session token>` from POST /v1/auth/verify.",
    }),
});

/** The credential in the headers (the manage token wins when both are given). */
export function credentialOf(headers: z.infer<typeof ManageTokenHeader>): {
  manageToken?: string;
  sessionToken?: string;
} {
  if (headers["x-manage-token"] !== undefined) return { manageToken: headers["x-manage-token"] };
  if (headers.authorization !== undefined)
    return { sessionToken: headers.authorization.slice("Bearer ".length) };
  return {};
}

export const AppointmentIdParam = z.object({
  id: Id("apt_5n2k8q1w7d3f9h4m6p0r").openapi({ param: { name: "id", in: "path" } }),
});

export const BookingResponse = z
  .object({
    appointment: AppointmentSchema,
    appointments: z
      .array(AppointmentSchema)
      .openapi({ description: "Every appointment of the hold (one per slot)." }),
    manageToken: z.string().openapi({
      description:
        "Lets the customer read, cancel and reschedule (header `X-Manage-Token`). Keep it.",
      example: "Zk3…",
    }),
  })
  .openapi("Booking");

export const AppointmentResponse = z
  .object({ appointment: AppointmentSchema })
  .openapi("AppointmentEnvelope");
