import { z } from "@hono/zod-openapi";
import type { OutboxEmail } from "../../../domain/booking/types.ts";
import { isoTimestamp } from "../../shared/convert.ts";
import { Id } from "../../shared/schemas.ts";

export const OutboxQuery = z.strictObject({
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .max(500)
    .default(50)
    .openapi({ description: "How many emails, newest first; 1 to 500.", example: 50 }),
  pendingOnly: z
    .enum(["true", "false"])
    .default("false")
    .transform((value) => value === "true")
    .openapi({ description: "Only emails not sent yet.", example: "false" }),
  to: z
    .email()
    .max(320)
    .optional()
    .openapi({ description: "Only emails to this address.", example: "mia@example.com" }),
});

export const OutboxEmailSchema = z
  .object({
    id: Id("eml_5n2k8q1w7d3f9h4m6p0r").openapi({ description: "The email." }),
    to: z.string().openapi({ description: "Recipient.", example: "mia@example.com" }),
    subject: z.string().openapi({ description: "Subject.", example: "Your booking is confirmed" }),
    body: z.string().openapi({
      description:
        "Plain-text part. A sign-in code is hidden here when emails are really delivered (`MAILER_KIND=http`).",
      example: "Hello Mia, …",
    }),
    html: z.string().nullable().openapi({ description: "HTML part.", example: "<!doctype html>…" }),
    attachments: z
      .array(
        z.object({
          filename: z.string().openapi({ example: "appointment.ics" }),
          contentType: z.string().openapi({ example: "text/calendar; charset=utf-8" }),
        }),
      )
      .openapi({ description: "Attached files (their content is not listed)." }),
    kind: z
      .enum([
        "confirmation",
        "cancellation",
        "reschedule",
        "reminder",
        "sign-in-code",
        "waitlist-code",
        "waitlist-offer",
        "system-alert",
      ])
      .openapi({ description: "What the email announces.", example: "confirmation" }),
    createdAt: z.string().openapi({
      format: "date-time",
      description: "When it was queued, in the transaction of the change it announces (UTC).",
      example: "2026-11-26T10:00:00.000Z",
    }),
    sentAt: z.string().nullable().openapi({
      format: "date-time",
      description: "When it was delivered (UTC); null while pending.",
      example: null,
    }),
  })
  .openapi("OutboxEmail");

export const OutboxList = z
  .object({
    emails: z.array(OutboxEmailSchema).openapi({ description: "Newest first." }),
  })
  .openapi("OutboxList");

export function toOutboxEmail(
  email: OutboxEmail & { createdAtMs: number; sentAtMs: number | null },
): z.infer<typeof OutboxEmailSchema> {
  const { createdAtMs, sentAtMs, attachments, ...rest } = email;
  return {
    ...rest,
    attachments: attachments.map((a) => ({ filename: a.filename, contentType: a.contentType })),
    createdAt: isoTimestamp(createdAtMs),
    sentAt: sentAtMs === null ? null : isoTimestamp(sentAtMs),
  };
}
